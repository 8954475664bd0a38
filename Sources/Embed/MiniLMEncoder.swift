import CBLAS
import Foundation

/// The 6-layer BERT encoder of all-MiniLM-L6-v2 (hidden 384, 12 heads, feed-forward 1536),
/// with mean pooling and L2 normalization, computed with OpenBLAS. A batch is run as one
/// matrix of all its tokens (no padding): every linear layer is one `sgemm` over the batch,
/// and attention is two `sgemm`s per sentence and head on strided views of Q, K and V.
public struct MiniLMEncoder: Sendable {
    public static let hidden = 384
    public static let heads = 12
    public static let headSize = 32
    public static let intermediate = 1536
    public static let layerCount = 6
    static let epsilon: Float = 1e-12

    public struct Layer: Sendable {
        var query, key, value, attentionOutput: [Float]  // [384, 384], PyTorch [out, in]
        var queryBias, keyBias, valueBias, attentionOutputBias: [Float]
        var attentionNormWeight, attentionNormBias: [Float]
        var intermediate: [Float]  // [1536, 384]
        var intermediateBias: [Float]
        var output: [Float]  // [384, 1536]
        var outputBias: [Float]
        var outputNormWeight, outputNormBias: [Float]
    }

    let wordEmbeddings: [Float]
    let positionEmbeddings: [Float]
    let tokenTypeEmbedding: [Float]
    let embeddingNormWeight, embeddingNormBias: [Float]
    var layers: [Layer]
    let vocabularySize: Int
    let maxPositions: Int

    public init(weights: SafeTensors) throws {
        let h = Self.hidden
        let prefix = weights.tensors["embeddings.word_embeddings.weight"] != nil ? "" : "bert."
        guard let words = weights.tensors[prefix + "embeddings.word_embeddings.weight"], words.shape.count == 2,
            words.shape[1] == h
        else {
            throw EmbedError(.invalidModel, "the model has no [vocabulary, 384] word embeddings")
        }
        vocabularySize = words.shape[0]
        wordEmbeddings = words.values
        guard let positions = weights.tensors[prefix + "embeddings.position_embeddings.weight"],
            positions.shape.count == 2,
            positions.shape[1] == h
        else {
            throw EmbedError(.invalidModel, "the model has no position embeddings")
        }
        maxPositions = positions.shape[0]
        positionEmbeddings = positions.values
        tokenTypeEmbedding = Array(
            try weights.tensor(prefix + "embeddings.token_type_embeddings.weight", shape: [2, h])[0..<h]
        )
        embeddingNormWeight = try weights.tensor(prefix + "embeddings.LayerNorm.weight", shape: [h])
        embeddingNormBias = try weights.tensor(prefix + "embeddings.LayerNorm.bias", shape: [h])
        layers = try (0..<Self.layerCount).map { try Self.layer($0, from: weights, prefix: prefix) }
    }

    /// The weights' names for layer `index`'s tensors, in ``Layer/tensorPaths`` order, and
    /// their shapes.
    static func tensorNames(_ index: Int, prefix: String = "") -> [(name: String, shape: [Int])] {
        let (h, i) = (hidden, intermediate)
        let p = "\(prefix)encoder.layer.\(index)."
        return [
            (p + "attention.self.query.weight", [h, h]), (p + "attention.self.query.bias", [h]),
            (p + "attention.self.key.weight", [h, h]), (p + "attention.self.key.bias", [h]),
            (p + "attention.self.value.weight", [h, h]), (p + "attention.self.value.bias", [h]),
            (p + "attention.output.dense.weight", [h, h]), (p + "attention.output.dense.bias", [h]),
            (p + "attention.output.LayerNorm.weight", [h]), (p + "attention.output.LayerNorm.bias", [h]),
            (p + "intermediate.dense.weight", [i, h]), (p + "intermediate.dense.bias", [i]),
            (p + "output.dense.weight", [h, i]), (p + "output.dense.bias", [h]),
            (p + "output.LayerNorm.weight", [h]), (p + "output.LayerNorm.bias", [h]),
        ]
    }

    static func layer(_ index: Int, from weights: SafeTensors, prefix: String) throws -> Layer {
        var layer = Layer.empty
        for ((name, shape), path) in zip(tensorNames(index, prefix: prefix), Layer.tensorPaths) {
            layer[keyPath: path] = try weights.tensor(name, shape: shape)
        }
        return layer
    }

    /// This encoder with the layers that `weights` holds (named as in the model's own file,
    /// each tensor whole or as its change from this encoder's: ``layerDeltas(_:)``) in place of
    /// its own: tuned top layers.
    /// - Throws: ``EmbedError`` `invalidModel` when `weights` holds no layer, or only part of one.
    public func replacingLayers(from weights: SafeTensors) throws -> MiniLMEncoder {
        var copy = self
        var replaced = 0
        for index in 0..<Self.layerCount where Self.holdsLayer(index, weights) {
            copy.layers[index] = try layer(index, replacedFrom: weights)
            replaced += 1
        }
        guard replaced > 0 else { throw EmbedError(.invalidModel, "the file holds no encoder layer") }
        return copy
    }

    /// The top `count` layers (what a tuner starts from, or what it tuned).
    public func topLayers(_ count: Int) -> [Layer] { Array(layers.suffix(count)) }

    /// Unit-length sentence vectors (384 floats each) for token-id sequences.
    public func embed(_ sequences: [[Int32]]) -> [[Float]] {
        Self.meanPool(tokenStates(sequences), normalized: true)
    }

    /// Every token's state, the sentences' tokens one after another as the rows of one
    /// [tokens, 384] matrix.
    public struct TokenStates: Sendable {
        public var values: [Float]
        /// Tokens per sentence, in order.
        public var lengths: [Int]
        public var rows: Int { lengths.reduce(0, +) }
    }

    /// The states after the embeddings and the first `layerCount` layers (all six unless
    /// fewer are asked for: a tuned top layer takes it from there).
    public func tokenStates(_ sequences: [[Int32]], through layerCount: Int = MiniLMEncoder.layerCount) -> TokenStates {
        let h = Self.hidden
        let lengths = sequences.map { min($0.count, maxPositions) }
        let total = lengths.reduce(0, +)
        guard total > 0 else { return TokenStates(values: [], lengths: lengths) }

        // Embeddings: word + position + token type 0, then LayerNorm.
        var x = [Float](repeating: 0, count: total * h)
        x.withUnsafeMutableBufferPointer { x in
            var row = 0
            for (sequence, length) in zip(sequences, lengths) {
                for position in 0..<length {
                    let id = Int(sequence[position])
                    let word = (id >= 0 && id < vocabularySize ? id : 0) * h
                    let out = (row + position) * h
                    for c in 0..<h {
                        x[out + c] =
                            wordEmbeddings[word + c] + positionEmbeddings[position * h + c] + tokenTypeEmbedding[c]
                    }
                }
                row += length
            }
            Self.layerNorm(x.baseAddress!, rows: total, weight: embeddingNormWeight, bias: embeddingNormBias)
        }
        var workspace = Workspace(rows: total, longest: lengths.max() ?? 0)
        for layer in layers.prefix(max(0, layerCount)) {
            Self.apply(layer, to: &x, lengths: lengths, workspace: &workspace)
        }
        return TokenStates(values: x, lengths: lengths)
    }

    /// Buffers one layer needs, reused from layer to layer.
    struct Workspace {
        var q, k, v, context, attended, inner, scores: [Float]

        init(rows: Int, longest: Int) {
            let h = MiniLMEncoder.hidden
            q = [Float](repeating: 0, count: rows * h)
            k = q
            v = q
            context = q
            attended = q
            inner = [Float](repeating: 0, count: rows * MiniLMEncoder.intermediate)
            scores = [Float](repeating: 0, count: longest * longest)
        }
    }

    /// One encoder layer over the token states `x` (rows of `lengths` sentences), in place.
    static func apply(_ layer: Layer, to x: inout [Float], lengths: [Int], workspace w: inout Workspace) {
        let h = hidden
        let total = lengths.reduce(0, +)
        linear(x, rows: total, inputs: h, weight: layer.query, bias: layer.queryBias, outputs: h, into: &w.q)
        linear(x, rows: total, inputs: h, weight: layer.key, bias: layer.keyBias, outputs: h, into: &w.k)
        linear(x, rows: total, inputs: h, weight: layer.value, bias: layer.valueBias, outputs: h, into: &w.v)
        attention(q: w.q, k: w.k, v: w.v, lengths: lengths, scores: &w.scores, into: &w.context)
        linear(
            w.context,
            rows: total,
            inputs: h,
            weight: layer.attentionOutput,
            bias: layer.attentionOutputBias,
            outputs: h,
            into: &w.attended
        )
        // Residual, then LayerNorm: x = LN(attended + x).
        w.attended.withUnsafeMutableBufferPointer { a in
            x.withUnsafeBufferPointer { x in
                for index in 0..<(total * h) { a[index] += x[index] }
            }
            layerNorm(a.baseAddress!, rows: total, weight: layer.attentionNormWeight, bias: layer.attentionNormBias)
        }
        linear(
            w.attended,
            rows: total,
            inputs: h,
            weight: layer.intermediate,
            bias: layer.intermediateBias,
            outputs: intermediate,
            into: &w.inner
        )
        w.inner.withUnsafeMutableBufferPointer { gelu($0) }
        linear(
            w.inner,
            rows: total,
            inputs: intermediate,
            weight: layer.output,
            bias: layer.outputBias,
            outputs: h,
            into: &x
        )
        x.withUnsafeMutableBufferPointer { x in
            w.attended.withUnsafeBufferPointer { a in
                for index in 0..<(total * h) { x[index] += a[index] }
            }
            layerNorm(x.baseAddress!, rows: total, weight: layer.outputNormWeight, bias: layer.outputNormBias)
        }
    }

    /// Each sentence's mean token state; with `normalized`, scaled to unit length.
    public static func meanPool(_ states: TokenStates, normalized: Bool) -> [[Float]] {
        let h = hidden
        var vectors: [[Float]] = []
        vectors.reserveCapacity(states.lengths.count)
        var row = 0
        for length in states.lengths {
            var pooled = [Float](repeating: 0, count: h)
            if length > 0 {
                for token in row..<(row + length) {
                    for c in 0..<h { pooled[c] += states.values[token * h + c] }
                }
                let scale = 1 / Float(length)
                for c in 0..<h { pooled[c] *= scale }
            }
            if normalized {
                let norm = max(pooled.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
                pooled = pooled.map { $0 / norm }
            }
            vectors.append(pooled)
            row += length
        }
        return vectors
    }

    /// out[rows, outputs] = input[rows, inputs] × weightᵀ + bias (weight is [outputs, inputs]).
    static func linear(
        _ input: [Float],
        rows: Int,
        inputs: Int,
        weight: [Float],
        bias: [Float],
        outputs: Int,
        into out: inout [Float]
    ) {
        out.withUnsafeMutableBufferPointer { out in
            for row in 0..<rows {
                (out.baseAddress! + row * outputs).update(from: bias, count: outputs)
            }
            input.withUnsafeBufferPointer { a in
                weight.withUnsafeBufferPointer { w in
                    cblas_sgemm(
                        CblasRowMajor,
                        CblasNoTrans,
                        CblasTrans,
                        Int32(rows),
                        Int32(outputs),
                        Int32(inputs),
                        1,
                        a.baseAddress,
                        Int32(inputs),
                        w.baseAddress,
                        Int32(inputs),
                        1,
                        out.baseAddress,
                        Int32(outputs)
                    )
                }
            }
        }
    }

    /// Scaled dot-product attention per sentence and head, on strided views of Q, K and V.
    static func attention(
        q: [Float],
        k: [Float],
        v: [Float],
        lengths: [Int],
        scores: inout [Float],
        into context: inout [Float]
    ) {
        let h = hidden
        let scale = 1 / Float(headSize).squareRoot()
        q.withUnsafeBufferPointer { q in
            k.withUnsafeBufferPointer { k in
                v.withUnsafeBufferPointer { v in
                    scores.withUnsafeMutableBufferPointer { s in
                        context.withUnsafeMutableBufferPointer { c in
                            var row = 0
                            for length in lengths {
                                let n = Int32(length)
                                for head in 0..<heads {
                                    let offset = row * h + head * headSize
                                    // scores[L, L] = Qh × Khᵀ · scale
                                    cblas_sgemm(
                                        CblasRowMajor,
                                        CblasNoTrans,
                                        CblasTrans,
                                        n,
                                        n,
                                        Int32(headSize),
                                        scale,
                                        q.baseAddress! + offset,
                                        Int32(h),
                                        k.baseAddress! + offset,
                                        Int32(h),
                                        0,
                                        s.baseAddress,
                                        n
                                    )
                                    softmaxRows(s.baseAddress!, rows: length, columns: length)
                                    // context[L, 32] (strided into [L, 384]) = P × Vh
                                    cblas_sgemm(
                                        CblasRowMajor,
                                        CblasNoTrans,
                                        CblasNoTrans,
                                        n,
                                        Int32(headSize),
                                        n,
                                        1,
                                        s.baseAddress,
                                        n,
                                        v.baseAddress! + offset,
                                        Int32(h),
                                        0,
                                        c.baseAddress! + offset,
                                        Int32(h)
                                    )
                                }
                                row += length
                            }
                        }
                    }
                }
            }
        }
    }

    static func softmaxRows(_ values: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        for row in 0..<rows {
            let start = values + row * columns
            var maximum = -Float.infinity
            for c in 0..<columns { maximum = max(maximum, start[c]) }
            var sum: Float = 0
            for c in 0..<columns {
                let e = expf(start[c] - maximum)
                start[c] = e
                sum += e
            }
            let inverse = 1 / sum
            for c in 0..<columns { start[c] *= inverse }
        }
    }

    static func layerNorm(_ values: UnsafeMutablePointer<Float>, rows: Int, weight: [Float], bias: [Float]) {
        let h = hidden
        weight.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                for row in 0..<rows {
                    let x = values + row * h
                    var mean: Float = 0
                    for c in 0..<h { mean += x[c] }
                    mean /= Float(h)
                    var variance: Float = 0
                    for c in 0..<h {
                        let d = x[c] - mean
                        variance += d * d
                    }
                    variance /= Float(h)
                    let inverse = 1 / (variance + epsilon).squareRoot()
                    for c in 0..<h { x[c] = (x[c] - mean) * inverse * w[c] + b[c] }
                }
            }
        }
    }

    /// The exact GELU, x·Φ(x) = ½x(1 + erf(x/√2)), as BERT defines it.
    static func gelu(_ values: UnsafeMutableBufferPointer<Float>) {
        for index in values.indices {
            let v = values[index]
            values[index] = 0.5 * v * (1 + erfOfScaled(v))
        }
    }

    /// erf(v/√2), by the rational approximation float libraries use (odd polynomial over even
    /// polynomial on [-4, 4], where single precision saturates): within a few ulp of erff, and
    /// a loop the compiler vectorizes.
    @inline(__always)
    static func erfOfScaled(_ v: Float) -> Float {
        let x = min(max(v * 0.707_106_77, -4), 4)
        let x2 = x * x
        var p: Float = -2.726_142_3e-10
        p = p * x2 + 2.770_681_4e-08
        p = p * x2 - 2.101_024_e-06
        p = p * x2 - 5.692_506_4e-05
        p = p * x2 - 7.349_906_3e-04
        p = p * x2 - 2.954_600_e-03
        p = p * x2 - 1.609_603_3e-02
        var q: Float = -1.456_607_2e-05
        q = q * x2 - 2.133_740_6e-04
        q = q * x2 - 1.682_827e-03
        q = q * x2 - 7.373_329_2e-03
        q = q * x2 - 1.426_474e-02
        return x * p / q
    }
}
