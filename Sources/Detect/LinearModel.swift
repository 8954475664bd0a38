import CBLAS
import Core
import Foundation

/// Softmax regression over hashed features (character n-grams, tokens and token pairs, and for
/// sentiment the lexicon cues, as ``FeatureFamilies`` chooses; each weighted 1/√n so long and
/// short texts weigh alike): the intent and sentiment classifiers, and the language model's
/// word classifier.
/// Probabilities are divided by ``temperature`` (fitted on held-out data), and a prediction
/// below ``minimumConfidence`` becomes ``fallbackLabel`` when there is one ("other" for intent).
public struct LinearModel: Sendable {
    public let labels: [String]
    public let buckets: Int
    /// `buckets × labels.count`, row per hash bucket, 8 bits each.
    let weights: QuantizedTensor
    let paddedWeights: PaddedCodes
    let bias: [Float]
    /// Inverse document frequency per bucket (TF-IDF weighting), or `nil` for plain presence.
    let idf: QuantizedTensor?
    let idfValues: [Float]?
    /// Optional dense input beside the hashed features (a sentence embedding):
    /// `dimensions × labels.count`, 8 bits each; `nil` for n-grams only.
    let dense: QuantizedTensor?
    let denseValues: [Float]?
    /// Which families of ``TextFeatures`` the model reads.
    public let families: FeatureFamilies
    /// The embedder whose vectors ``dense`` takes (`all-MiniLM-L6-v2`); a vector of another
    /// model is never fed to it.
    public var embeddingModel: String?
    public var temperature: Float
    public var minimumConfidence: Float
    public var fallbackLabel: String?

    public init(
        labels: [String],
        buckets: Int,
        weights: QuantizedTensor,
        bias: [Float],
        idf: QuantizedTensor? = nil,
        dense: QuantizedTensor? = nil,
        families: FeatureFamilies = .standard,
        embeddingModel: String? = nil,
        temperature: Float = 1,
        minimumConfidence: Float = 0,
        fallbackLabel: String? = nil
    ) {
        self.labels = labels
        self.buckets = buckets
        self.weights = weights
        self.paddedWeights = PaddedCodes(weights)
        self.bias = bias
        self.idf = idf
        self.idfValues = idf?.floats
        self.dense = dense
        self.denseValues = dense?.floats
        self.families = families
        self.embeddingModel = embeddingModel
        self.temperature = temperature
        self.minimumConfidence = minimumConfidence
        self.fallbackLabel = fallbackLabel
    }

    /// Words share the table with grams and pairs under a different salt, and so do cues.
    static let wordSalt: UInt32 = 0x5bd1_e995
    static let cueSalt: UInt32 = 0x27d4_eb2f

    /// The rows a text touches and the value of each: its IDF (or 1), the whole vector scaled
    /// to unit length, so long and short texts weigh alike.
    static func rows(
        _ features: TextFeatures,
        buckets: Int,
        idf: [Float]?,
        families: FeatureFamilies
    ) -> (rows: [Int], values: [Float]) {
        let mask = UInt32(buckets - 1)
        var rows: [Int] = []
        rows.reserveCapacity(features.grams.count + features.words.count + features.pairs.count + features.cues.count)
        if families.grams { for hash in features.grams { rows.append(Int(hash & mask)) } }
        if families.tokens {
            for hash in features.words { rows.append(Int((hash ^ wordSalt) & mask)) }
            for hash in features.pairs { rows.append(Int(hash & mask)) }
        }
        if families.cues { for hash in features.cues { rows.append(Int((hash ^ cueSalt) & mask)) } }
        guard !rows.isEmpty else { return (rows, []) }
        guard let idf else { return (rows, [Float](repeating: 1 / Float(rows.count).squareRoot(), count: rows.count)) }
        var values = rows.map { idf[$0] }
        let norm = 1 / values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        for index in values.indices { values[index] *= norm }
        return (rows, values)
    }

    /// How long an embedding the dense input takes; `nil` when the model has none.
    public var embeddingDimensions: Int? { dense?.rows }

    /// Whether the dense input takes `embedding`, a vector `embeddingModel` made: the embedder
    /// the model was trained with, and its size.
    public func takes(_ embedding: [Float]?, from embeddingModel: String?) -> Bool {
        guard let embedding, let embeddingModel, let own = self.embeddingModel else { return false }
        return own == embeddingModel && embedding.count == embeddingDimensions
    }

    /// - Parameter embedding: the text's sentence embedding, used when the model has a dense
    ///   input of that size; without it the hashed features decide alone.
    public func logits(_ features: TextFeatures, embedding: [Float]? = nil) -> [Float] {
        var logits: [Float]
        if idfValues == nil {
            logits = presenceLogits(features)
        } else {
            let (rows, values) = Self.rows(features, buckets: buckets, idf: idfValues, families: families)
            logits = weightedLogits(rows: rows, values: values)
        }
        addDense(embedding, to: &logits)
        return logits
    }

    /// logits += embeddingᵀ · dense, one BLAS matrix-vector product.
    func addDense(_ embedding: [Float]?, to logits: inout [Float]) {
        guard let denseValues, let embedding, embedding.count == dense?.rows else { return }
        let classes = Int32(labels.count)
        cblas_sgemv(
            CblasRowMajor,
            CblasTrans,
            Int32(embedding.count),
            classes,
            1,
            denseValues,
            classes,
            embedding,
            1,
            1,
            &logits,
            1
        )
    }

    /// With presence weights every feature has the same value v = 1/√n, so on the 8-bit codes
    /// Σ v (low + code × step) = v n low + v step Σ code, the codes summed as integers.
    func presenceLogits(_ features: TextFeatures) -> [Float] {
        var logits = bias
        let grams = families.grams ? features.grams.count : 0
        let tokens = families.tokens ? features.words.count + features.pairs.count : 0
        let cues = families.cues ? features.cues.count : 0
        let count = grams + tokens + cues
        guard count > 0 else { return logits }
        var sums = [UInt32](repeating: 0, count: labels.count)
        if grams > 0 { paddedWeights.add(rowsOf: features.grams, to: &sums) }
        if tokens > 0 {
            paddedWeights.add(rowsOf: features.words, salt: Self.wordSalt, to: &sums)
            paddedWeights.add(rowsOf: features.pairs, to: &sums)
        }
        if cues > 0 { paddedWeights.add(rowsOf: features.cues, salt: Self.cueSalt, to: &sums) }
        let value = 1 / Float(count).squareRoot()
        let valueSum = value * Float(count)
        for c in logits.indices {
            logits[c] += weights.low[c] * valueSum + weights.step[c] * (value * Float(sums[c]))
        }
        return logits
    }

    /// With TF-IDF values: Σ v (low + code × step) = low Σ v + step Σ v × code.
    func weightedLogits(rows: [Int], values: [Float]) -> [Float] {
        let classes = labels.count
        var logits = bias
        guard !rows.isEmpty else { return logits }
        var weighted = [Float](repeating: 0, count: classes)
        var valueSum: Float = 0
        weights.codes.withUnsafeBufferPointer { codes in
            for (row, value) in zip(rows, values) {
                let base = row * classes
                valueSum += value
                for c in 0..<classes { weighted[c] += value * Float(codes[base + c]) }
            }
        }
        for c in 0..<classes { logits[c] += weights.low[c] * valueSum + weights.step[c] * weighted[c] }
        return logits
    }

    public func probabilities(_ features: TextFeatures, embedding: [Float]? = nil) -> [Float] {
        Softmax.probabilities(logits(features, embedding: embedding).map { $0 / temperature })
    }

    /// The best label (or the fallback when unsure) and its probability.
    public func classify(_ features: TextFeatures, embedding: [Float]? = nil) -> (label: String, confidence: Double) {
        classify(probabilities: probabilities(features, embedding: embedding))
    }

    func classify(probabilities: [Float]) -> (label: String, confidence: Double) {
        let best = Softmax.argmax(probabilities)
        let confidence = Double(probabilities[best])
        if let fallbackLabel, confidence < Double(minimumConfidence) { return (fallbackLabel, confidence) }
        return (labels[best], confidence)
    }
}

extension LinearModel {
    static let kind = "linear"
    /// A model that reads other families than ``FeatureFamilies/standard`` has a kind of its own
    /// that names them, so that a build that does not know them refuses the file instead of
    /// answering from other features.
    static let kindWithFamilies = "linear_feature_families"

    public var file: ModelFile {
        var parameters = ["temperature": Double(temperature), "minimum_confidence": Double(minimumConfidence)]
        if let fallbackLabel, let index = labels.firstIndex(of: fallbackLabel) {
            parameters["fallback_label"] = Double(index)
        }
        if families != .standard { parameters.merge(families.parameters) { _, new in new } }
        return ModelFile(
            header: ModelFile.Header(
                kind: families == .standard ? Self.kind : Self.kindWithFamilies,
                labels: labels,
                buckets: buckets,
                parameters: parameters,
                tensors: [
                    ModelFile.TensorInfo(name: "weights", rows: buckets, columns: labels.count),
                    ModelFile.TensorInfo(name: "bias", rows: 1, columns: labels.count),
                ] + (idf == nil ? [] : [ModelFile.TensorInfo(name: "idf", rows: buckets, columns: 1)])
                    + (dense.map { [ModelFile.TensorInfo(name: "dense", rows: $0.rows, columns: labels.count)] } ?? []),
                embeddingModel: dense == nil ? nil : embeddingModel
            ),
            tensors: ["weights": weights, "bias": QuantizedTensor(values: bias, columns: labels.count)]
                .merging(idf.map { ["idf": $0] } ?? [:]) { a, _ in a }
                .merging(dense.map { ["dense": $0] } ?? [:]) { a, _ in a }
        )
    }

    public init(file: ModelFile) throws {
        guard [Self.kind, Self.kindWithFamilies].contains(file.header.kind) else {
            throw DetectError(
                .invalidModel,
                "expected a \(Self.kind) or \(Self.kindWithFamilies) model, this file is \(file.header.kind)"
            )
        }
        let namesFamilies = FeatureFamilies.parameterNames.contains { file.header.parameters[$0] != nil }
        guard file.header.kind == Self.kindWithFamilies || !namesFamilies else {
            throw DetectError(
                .invalidModel,
                "this \(Self.kind) file names feature families, which only a \(Self.kindWithFamilies) file does"
            )
        }
        let families =
            file.header.kind == Self.kindWithFamilies ? try FeatureFamilies(file: file) : FeatureFamilies.standard
        let classes = file.header.labels.count
        let fallback = try file.header.parameters["fallback_label"].map { value -> Int in
            guard let index = Int(exactly: value), file.header.labels.indices.contains(index) else {
                throw DetectError(.invalidModel, "fallback label \(value) is not one of the labels")
            }
            return index
        }
        guard (file.tensors["dense"] == nil) == (file.header.embeddingModel == nil) else {
            throw DetectError(.invalidModel, "a dense input and the name of the embedding model it takes come together")
        }
        self.init(
            labels: file.header.labels,
            buckets: file.header.buckets,
            weights: try file.tensor("weights", rows: file.header.buckets, columns: classes),
            bias: try file.tensor("bias", rows: 1, columns: classes).floats,
            idf: try file.tensors["idf"].map { _ in try file.tensor("idf", rows: file.header.buckets, columns: 1) },
            dense: try file.tensors["dense"].map { _ in try file.tensor("dense", rows: nil, columns: classes) },
            families: families,
            embeddingModel: file.header.embeddingModel,
            temperature: Float(try file.parameter("temperature")),
            minimumConfidence: Float(try file.parameter("minimum_confidence")),
            fallbackLabel: fallback.map { file.header.labels[$0] }
        )
    }

}

/// Trains a ``LinearModel`` by AdaGrad over single examples in a shuffled order drawn from a
/// fixed seed, on one thread: the same data and settings give the same bytes.
public struct LinearTrainer: Sendable {
    public var buckets = 1 << 18
    public var epochs = 10
    public var learningRate: Float = 0.2
    /// L2 penalty, applied to the weights an example touches.
    public var l2: Float = 1e-6
    /// Weigh each class inversely to its number of examples (for macro-averaged metrics).
    public var balanced = false
    /// Weigh features by inverse document frequency (TF-IDF) instead of presence.
    public var inverseDocumentFrequency = false
    /// The families of features the model reads.
    public var families = FeatureFamilies.standard
    public var seed: UInt64 = 42

    public init() {}

    public var hyperParameters: [String: Double] {
        var parameters: [String: Double] = [
            "buckets": Double(buckets), "epochs": Double(epochs), "learning_rate": Double(learningRate),
            "l2": Double(l2), "balanced": balanced ? 1 : 0, "seed": Double(seed),
            "inverse_document_frequency": inverseDocumentFrequency ? 1 : 0,
        ]
        // Named only when not the standard, so that the intent manifests stay as they were.
        if families != .standard { parameters.merge(families.parameters) { _, new in new } }
        return parameters
    }

    /// Every this-many-th example visit trains without its embedding, so that the hashed
    /// features also stand alone (a message with no embedding still gets a good answer).
    public var embeddingDropoutEvery = 4

    /// - Parameters:
    ///   - embeddings: one sentence embedding per example (all the same size) for a dense input
    ///     beside the hashed features; `nil` for n-grams only.
    ///   - weights: how much each example counts (1 for all when `nil`).
    public func train(
        labels: [String],
        examples: [(TextFeatures, Int)],
        embeddings: [[Float]]? = nil,
        weights exampleWeights: [Float]? = nil
    ) -> LinearModel {
        let classes = labels.count
        let dimensions = embeddings?.first?.count ?? 0
        precondition(buckets > 0 && buckets & (buckets - 1) == 0, "hash buckets are a power of two")
        precondition(examples.allSatisfy { labels.indices.contains($0.1) }, "every label index is one of labels")
        precondition(
            embeddings.map { $0.count == examples.count && $0.allSatisfy { $0.count == dimensions } } ?? true,
            "one embedding per example, all the same size"
        )
        precondition(exampleWeights.map { $0.count == examples.count } ?? true, "one weight per example")
        var dense = [Float](repeating: 0, count: dimensions * classes)
        var denseSquares = [Float](repeating: 0, count: dimensions * classes)
        var visits = 0
        let idf =
            inverseDocumentFrequency
            ? Self.inverseDocumentFrequencies(examples.map(\.0), buckets: buckets, families: families) : nil
        // The IDF as the saved model will have it, so training sees what inference will.
        let savedIDF = idf.map { QuantizedTensor(values: $0, columns: 1) }
        let prepared = examples.map {
            (LinearModel.rows($0.0, buckets: buckets, idf: savedIDF?.floats, families: families), $0.1)
        }
        var weights = [Float](repeating: 0, count: buckets * classes)
        var squares = [Float](repeating: 0, count: buckets * classes)
        var bias = [Float](repeating: 0, count: classes)
        var biasSquares = [Float](repeating: 0, count: classes)
        var classWeight = [Float](repeating: 1, count: classes)
        if balanced {
            var counts = [Int](repeating: 0, count: classes)
            for (_, label) in examples { counts[label] += 1 }
            for c in 0..<classes where counts[c] > 0 {
                classWeight[c] = Float(examples.count) / Float(classes * counts[c])
            }
        }
        var random = SplitMix64(seed: seed)
        var order = Array(prepared.indices)
        var gradient = [Float](repeating: 0, count: classes)
        for _ in 0..<epochs {
            random.shuffle(&order)
            for index in order {
                let ((rows, values), label) = prepared[index]
                // Logits from the live weights.
                var logits = bias
                weights.withUnsafeBufferPointer { w in
                    for (row, value) in zip(rows, values) {
                        let base = row * classes
                        for c in 0..<classes { logits[c] += value * w[base + c] }
                    }
                }
                visits += 1
                let embedding: [Float]? =
                    dimensions > 0 && visits % embeddingDropoutEvery != 0 ? embeddings?[index] : nil
                if let embedding {
                    for d in 0..<dimensions where embedding[d] != 0 {
                        for c in 0..<classes { logits[c] += embedding[d] * dense[d * classes + c] }
                    }
                }
                let probabilities = Softmax.probabilities(logits)
                let weight = classWeight[label] * (exampleWeights?[index] ?? 1)
                for c in 0..<classes { gradient[c] = (probabilities[c] - (c == label ? 1 : 0)) * weight }
                weights.withUnsafeMutableBufferPointer { w in
                    squares.withUnsafeMutableBufferPointer { g in
                        for (row, value) in zip(rows, values) {
                            let base = row * classes
                            for c in 0..<classes {
                                let step = gradient[c] * value + l2 * w[base + c]
                                g[base + c] += step * step
                                w[base + c] -= learningRate * step / (g[base + c].squareRoot() + 1e-8)
                            }
                        }
                    }
                }
                if let embedding {
                    for d in 0..<dimensions where embedding[d] != 0 {
                        for c in 0..<classes {
                            let cell = d * classes + c
                            let step = gradient[c] * embedding[d] + l2 * dense[cell]
                            denseSquares[cell] += step * step
                            dense[cell] -= learningRate * step / (denseSquares[cell].squareRoot() + 1e-8)
                        }
                    }
                }
                for c in 0..<classes {
                    biasSquares[c] += gradient[c] * gradient[c]
                    bias[c] -= learningRate * gradient[c] / (biasSquares[c].squareRoot() + 1e-8)
                }
            }
        }
        return LinearModel(
            labels: labels,
            buckets: buckets,
            weights: QuantizedTensor(values: weights, columns: classes),
            bias: bias,
            idf: savedIDF,
            dense: dimensions > 0 ? QuantizedTensor(values: dense, columns: classes) : nil,
            families: families
        )
    }

    /// log((n + 1) / (df + 1)) + 1 per bucket, df counting each example once.
    static func inverseDocumentFrequencies(
        _ features: [TextFeatures],
        buckets: Int,
        families: FeatureFamilies
    ) -> [Float] {
        var documentFrequency = [Int32](repeating: 0, count: buckets)
        var seen = [Int32](repeating: -1, count: buckets)
        for (index, example) in features.enumerated() {
            let rows = LinearModel.rows(example, buckets: buckets, idf: nil, families: families).rows
            for row in rows where seen[row] != Int32(index) {
                seen[row] = Int32(index)
                documentFrequency[row] += 1
            }
        }
        let n = Float(features.count)
        return documentFrequency.map { logf((n + 1) / (Float($0) + 1)) + 1 }
    }
}
