import Foundation

/// Language identification by multinomial naive Bayes over hashed character n-grams (1–5, with
/// word boundaries) and whole words: the sum of each feature's log-probability per language.
/// Short texts keep most of their signal in the n-grams, which is why single words work.
///
/// Confidence is a softmax over the per-feature mean log-likelihoods times ``sharpness``
/// (fitted on held-out training lines so that it is calibrated). A text with no letters, mostly
/// in a script none of the languages uses, or whose best language is below
/// ``minimumConfidence``, is `unknown`.
public struct LanguageModel: Sendable {
    public static let unknown = "unknown"

    public let labels: [String]
    public let buckets: Int
    /// `buckets × labels.count` log-probabilities, 8 bits each.
    let table: QuantizedTensor
    let paddedTable: PaddedCodes
    /// Weight of a whole word against one of its n-grams.
    public let wordWeight: Float
    public let sharpness: Float
    public let minimumConfidence: Float

    public init(
        labels: [String],
        buckets: Int,
        table: QuantizedTensor,
        wordWeight: Float,
        sharpness: Float,
        minimumConfidence: Float
    ) {
        self.labels = labels
        self.buckets = buckets
        self.table = table
        self.paddedTable = PaddedCodes(table)
        self.wordWeight = wordWeight
        self.sharpness = sharpness
        self.minimumConfidence = minimumConfidence
    }

    /// Summed log-likelihoods per language and how many features were counted. The 8-bit
    /// codes are summed as integers and turned into log-likelihoods once per language:
    /// Σ (low + code × step) = n × low + step × Σ code.
    public func scores(_ features: TextFeatures) -> (scores: [Float], count: Int) {
        let classes = labels.count
        var gramSums = [UInt32](repeating: 0, count: classes)
        var wordSums = [UInt32](repeating: 0, count: classes)
        let countWords = features.letterWords > 0
        paddedTable.add(rowsOf: features.grams, to: &gramSums)
        if countWords { paddedTable.add(rowsOf: features.words, to: &wordSums) }
        let grams = Float(features.grams.count)
        let words = countWords ? Float(features.words.count) : 0
        var scores = [Float](repeating: 0, count: classes)
        for c in 0..<classes {
            let low = table.low[c]
            let step = table.step[c]
            scores[c] = grams * low + step * Float(gramSums[c]) + wordWeight * (words * low + step * Float(wordSums[c]))
        }
        return (scores, features.grams.count + (countWords ? features.words.count : 0))
    }

    /// Probabilities per language (calibrated softmax).
    public func probabilities(_ features: TextFeatures) -> [Float] {
        let (scores, count) = scores(features)
        return Softmax.probabilities(scores.map { $0 * sharpness / Float(max(1, count)) })
    }

    /// The language (or `unknown`) and its probability.
    public func identify(_ features: TextFeatures) -> (label: String, confidence: Double) {
        guard features.letterWords > 0, features.lettersInKnownScripts * 2 >= features.letters else {
            return (Self.unknown, 0)
        }
        let probabilities = probabilities(features)
        let best = Softmax.argmax(probabilities)
        let confidence = Double(probabilities[best])
        return confidence < Double(minimumConfidence) ? (Self.unknown, confidence) : (labels[best], confidence)
    }
}

extension LanguageModel {
    static let kind = "naive_bayes"

    public var file: ModelFile {
        ModelFile(
            header: ModelFile.Header(
                kind: Self.kind,
                labels: labels,
                buckets: buckets,
                parameters: [
                    "word_weight": Double(wordWeight), "sharpness": Double(sharpness),
                    "minimum_confidence": Double(minimumConfidence),
                ],
                tensors: [ModelFile.TensorInfo(name: "log_probabilities", rows: buckets, columns: labels.count)]
            ),
            tensors: ["log_probabilities": table]
        )
    }

    public init(file: ModelFile) throws {
        guard file.header.kind == Self.kind else {
            throw DetectError(.invalidModel, "a language model is naive_bayes, this file is \(file.header.kind)")
        }
        self.init(
            labels: file.header.labels,
            buckets: file.header.buckets,
            table: try file.tensor("log_probabilities", rows: file.header.buckets, columns: file.header.labels.count),
            wordWeight: Float(try file.parameter("word_weight")),
            sharpness: Float(try file.parameter("sharpness")),
            minimumConfidence: Float(try file.parameter("minimum_confidence"))
        )
    }
}

/// Counts n-grams and words per language into a ``LanguageModel``. Deterministic: counting
/// has no order, and calibration walks a fixed grid.
public struct LanguageModelTrainer: Sendable {
    /// Hash buckets (a power of two).
    public var buckets = 1 << 18
    /// Additive smoothing of the counts.
    public var smoothing: Float = 0.05
    public var wordWeight: Float = 1
    public var minimumConfidence: Float = 0.2
    /// Every `heldOutEvery`-th line calibrates the confidence instead of being counted first.
    public var heldOutEvery = 20

    public init() {}

    public var hyperParameters: [String: Double] {
        [
            "buckets": Double(buckets), "smoothing": Double(smoothing), "word_weight": Double(wordWeight),
            "minimum_confidence": Double(minimumConfidence), "held_out_every": Double(heldOutEvery),
        ]
    }

    /// - Parameter examples: feature sets with their label's index in `labels`.
    public func train(labels: [String], examples: [(TextFeatures, Int)]) -> LanguageModel {
        precondition(buckets > 0 && buckets & (buckets - 1) == 0, "hash buckets are a power of two")
        precondition(examples.allSatisfy { labels.indices.contains($0.1) }, "every label index is one of labels")
        let heldOut = examples.indices.filter { $0 % heldOutEvery == heldOutEvery - 1 }.map { examples[$0] }
        let counted = examples.indices.filter { $0 % heldOutEvery != heldOutEvery - 1 }.map { examples[$0] }
        let draft = model(labels: labels, counting: counted, sharpness: 1)
        // Calibrate on lines the draft did not count: the sharpness with the lowest log-loss.
        var best: (loss: Double, sharpness: Float) = (.infinity, 1)
        for step in 1...60 {
            let sharpness = Float(step) * 0.5
            var loss = 0.0
            for (features, label) in heldOut {
                let (scores, count) = draft.scores(features)
                let p = Softmax.probabilities(scores.map { $0 * sharpness / Float(max(1, count)) })
                loss -= log(Double(max(p[label], 1e-9)))
            }
            if loss < best.loss { best = (loss, sharpness) }
        }
        let final = model(labels: labels, counting: examples, sharpness: best.sharpness)
        return LanguageModel(
            labels: labels,
            buckets: buckets,
            table: final.table,
            wordWeight: wordWeight,
            sharpness: best.sharpness,
            minimumConfidence: minimumConfidence
        )
    }

    func model(labels: [String], counting examples: [(TextFeatures, Int)], sharpness: Float) -> LanguageModel {
        let classes = labels.count
        let mask = UInt32(buckets - 1)
        var counts = [Float](repeating: 0, count: buckets * classes)
        var totals = [Double](repeating: 0, count: classes)
        for (features, label) in examples {
            for hash in features.grams { counts[Int(hash & mask) * classes + label] += 1 }
            for hash in features.words { counts[Int(hash & mask) * classes + label] += 1 }
            totals[label] += Double(features.grams.count + features.words.count)
        }
        var table = [Float](repeating: 0, count: buckets * classes)
        for c in 0..<classes {
            let denominator = log(totals[c] + Double(smoothing) * Double(buckets))
            for row in 0..<buckets {
                table[row * classes + c] = Float(log(Double(counts[row * classes + c] + smoothing)) - denominator)
            }
        }
        return LanguageModel(
            labels: labels,
            buckets: buckets,
            table: QuantizedTensor(values: table, columns: classes),
            wordWeight: wordWeight,
            sharpness: sharpness,
            minimumConfidence: minimumConfidence
        )
    }
}
