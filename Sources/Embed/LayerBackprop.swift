import CBLAS
import Foundation

extension MiniLMEncoder.Layer {
    /// The layer's sixteen tensors in the order of ``MiniLMEncoder/tensorNames(_:prefix:)``: the
    /// optimizer walks them, and a tuned layer is stored in it. (Key paths are immutable values; the checker cannot tell.)
    nonisolated(unsafe) static let tensorPaths: [WritableKeyPath<MiniLMEncoder.Layer, [Float]>] = [
        \.query, \.queryBias, \.key, \.keyBias, \.value, \.valueBias, \.attentionOutput, \.attentionOutputBias,
        \.attentionNormWeight, \.attentionNormBias, \.intermediate, \.intermediateBias, \.output, \.outputBias,
        \.outputNormWeight, \.outputNormBias,
    ]

    /// A layer with no weights, to be filled in.
    static let empty = MiniLMEncoder.Layer(
        query: [],
        key: [],
        value: [],
        attentionOutput: [],
        queryBias: [],
        keyBias: [],
        valueBias: [],
        attentionOutputBias: [],
        attentionNormWeight: [],
        attentionNormBias: [],
        intermediate: [],
        intermediateBias: [],
        output: [],
        outputBias: [],
        outputNormWeight: [],
        outputNormBias: []
    )

    /// A layer of zeros with this one's shapes (a gradient, or an optimizer's moments).
    func zeros() -> MiniLMEncoder.Layer {
        var zero = self
        for path in Self.tensorPaths {
            zero[keyPath: path] = [Float](repeating: 0, count: self[keyPath: path].count)
        }
        return zero
    }
}

/// What one encoder layer's forward pass keeps for its backward pass.
struct LayerTrace {
    var input: [Float]
    var q, k, v: [Float]
    /// Attention probabilities per sentence and head, each L×L, in that order.
    var probabilities: [Float]
    var context: [Float]
    /// The first LayerNorm's normalized input (before its weight and bias) and 1/σ per row.
    var normed1: [Float]
    var inverse1: [Float]
    var attended: [Float]
    /// The feed-forward layer's input to GELU, and its output.
    var inner: [Float]
    var activated: [Float]
    var normed2: [Float]
    var inverse2: [Float]
    var output: [Float]
}

/// Forward and backward passes of one BERT encoder layer over a batch of sentences (their
/// tokens as the rows of one matrix, no padding): what tuning a top layer needs. The forward
/// pass computes what ``MiniLMEncoder/apply(_:to:lengths:workspace:)`` does, keeping the
/// intermediate values.
enum LayerBackprop {
    typealias Layer = MiniLMEncoder.Layer
    static let h = MiniLMEncoder.hidden
    static let f = MiniLMEncoder.intermediate
    static let headSize = MiniLMEncoder.headSize

    static func forward(_ layer: Layer, input x: [Float], lengths: [Int]) -> LayerTrace {
        let rows = lengths.reduce(0, +)
        var q = [Float](repeating: 0, count: rows * h)
        var k = q
        var v = q
        MiniLMEncoder.linear(x, rows: rows, inputs: h, weight: layer.query, bias: layer.queryBias, outputs: h, into: &q)
        MiniLMEncoder.linear(x, rows: rows, inputs: h, weight: layer.key, bias: layer.keyBias, outputs: h, into: &k)
        MiniLMEncoder.linear(x, rows: rows, inputs: h, weight: layer.value, bias: layer.valueBias, outputs: h, into: &v)

        let scale = 1 / Float(headSize).squareRoot()
        var probabilities = [Float](
            repeating: 0,
            count: lengths.reduce(0) { $0 + $1 * $1 } * MiniLMEncoder.heads
        )
        var context = [Float](repeating: 0, count: rows * h)
        var row = 0
        var block = 0
        for length in lengths {
            for head in 0..<MiniLMEncoder.heads {
                let offset = row * h + head * headSize
                gemm(
                    false,
                    true,
                    length,
                    length,
                    headSize,
                    scale,
                    q,
                    offset,
                    h,
                    k,
                    offset,
                    h,
                    0,
                    &probabilities,
                    block,
                    length
                )
                probabilities.withUnsafeMutableBufferPointer {
                    MiniLMEncoder.softmaxRows($0.baseAddress! + block, rows: length, columns: length)
                }
                gemm(
                    false,
                    false,
                    length,
                    headSize,
                    length,
                    1,
                    probabilities,
                    block,
                    length,
                    v,
                    offset,
                    h,
                    0,
                    &context,
                    offset,
                    h
                )
                block += length * length
            }
            row += length
        }

        let (attended, normed1, inverse1) = projectAddNorm(
            context,
            inputs: h,
            weight: layer.attentionOutput,
            bias: layer.attentionOutputBias,
            residual: x,
            normWeight: layer.attentionNormWeight,
            normBias: layer.attentionNormBias
        )

        var inner = [Float](repeating: 0, count: rows * f)
        MiniLMEncoder.linear(
            attended,
            rows: rows,
            inputs: h,
            weight: layer.intermediate,
            bias: layer.intermediateBias,
            outputs: f,
            into: &inner
        )
        var activated = inner
        activated.withUnsafeMutableBufferPointer { MiniLMEncoder.gelu($0) }
        let (output, normed2, inverse2) = projectAddNorm(
            activated,
            inputs: f,
            weight: layer.output,
            bias: layer.outputBias,
            residual: attended,
            normWeight: layer.outputNormWeight,
            normBias: layer.outputNormBias
        )

        return LayerTrace(
            input: x,
            q: q,
            k: k,
            v: v,
            probabilities: probabilities,
            context: context,
            normed1: normed1,
            inverse1: inverse1,
            attended: attended,
            inner: inner,
            activated: activated,
            normed2: normed2,
            inverse2: inverse2,
            output: output
        )
    }

    /// Adds the gradient of the loss with respect to each of the layer's tensors to `gradient`,
    /// given its gradient with respect to the layer's output. Returns the gradient with respect
    /// to the layer's input when `inputGradient` is set (a tuned layer below needs it).
    static func backward(
        _ layer: Layer,
        _ t: LayerTrace,
        lengths: [Int],
        outputGradient: [Float],
        into g: inout Layer,
        inputGradient: Bool
    ) -> [Float]? {
        let rows = lengths.reduce(0, +)
        let dSum2 = layerNormBackward(
            outputGradient,
            normed: t.normed2,
            inverse: t.inverse2,
            weight: layer.outputNormWeight,
            weightGradient: &g.outputNormWeight,
            biasGradient: &g.outputNormBias
        )
        var dActivated = [Float](repeating: 0, count: rows * f)
        linearBackward(
            input: t.activated,
            rows: rows,
            inputs: f,
            weight: layer.output,
            outputs: h,
            outputGradient: dSum2,
            weightGradient: &g.output,
            biasGradient: &g.outputBias,
            inputGradient: &dActivated,
            accumulate: false
        )
        for index in dActivated.indices { dActivated[index] *= geluDerivative(t.inner[index]) }
        var dAttended = dSum2  // the residual around the feed-forward block
        linearBackward(
            input: t.attended,
            rows: rows,
            inputs: h,
            weight: layer.intermediate,
            outputs: f,
            outputGradient: dActivated,
            weightGradient: &g.intermediate,
            biasGradient: &g.intermediateBias,
            inputGradient: &dAttended,
            accumulate: true
        )
        let dSum1 = layerNormBackward(
            dAttended,
            normed: t.normed1,
            inverse: t.inverse1,
            weight: layer.attentionNormWeight,
            weightGradient: &g.attentionNormWeight,
            biasGradient: &g.attentionNormBias
        )
        var dContext = [Float](repeating: 0, count: rows * h)
        linearBackward(
            input: t.context,
            rows: rows,
            inputs: h,
            weight: layer.attentionOutput,
            outputs: h,
            outputGradient: dSum1,
            weightGradient: &g.attentionOutput,
            biasGradient: &g.attentionOutputBias,
            inputGradient: &dContext,
            accumulate: false
        )

        // Attention, per sentence and head: C = P·V, P = softmax(scale·Q·Kᵀ).
        let scale = 1 / Float(headSize).squareRoot()
        var dQ = [Float](repeating: 0, count: rows * h)
        var dK = dQ
        var dV = dQ
        let longest = lengths.max() ?? 0
        var dP = [Float](repeating: 0, count: longest * longest)
        var row = 0
        var block = 0
        for length in lengths {
            for head in 0..<MiniLMEncoder.heads {
                let offset = row * h + head * headSize
                gemm(false, true, length, length, headSize, 1, dContext, offset, h, t.v, offset, h, 0, &dP, 0, length)
                gemm(
                    true,
                    false,
                    length,
                    headSize,
                    length,
                    1,
                    t.probabilities,
                    block,
                    length,
                    dContext,
                    offset,
                    h,
                    0,
                    &dV,
                    offset,
                    h
                )
                // Softmax backward in place: dS = P ∘ (dP − Σⱼ dPᵢⱼ Pᵢⱼ).
                for i in 0..<length {
                    var dot: Float = 0
                    for j in 0..<length { dot += dP[i * length + j] * t.probabilities[block + i * length + j] }
                    for j in 0..<length {
                        dP[i * length + j] = t.probabilities[block + i * length + j] * (dP[i * length + j] - dot)
                    }
                }
                gemm(false, false, length, headSize, length, scale, dP, 0, length, t.k, offset, h, 0, &dQ, offset, h)
                gemm(true, false, length, headSize, length, scale, dP, 0, length, t.q, offset, h, 0, &dK, offset, h)
                block += length * length
            }
            row += length
        }

        var dInput = inputGradient ? dSum1 : []  // the residual around attention
        for (weight, bias, gradient) in [
            (\Layer.query, \Layer.queryBias, dQ), (\Layer.key, \Layer.keyBias, dK),
            (\Layer.value, \Layer.valueBias, dV),
        ] {
            // Moved out and back (no copy): two inout paths into `g` at once would overlap.
            var weightGradient: [Float] = []
            var biasGradient: [Float] = []
            swap(&weightGradient, &g[keyPath: weight])
            swap(&biasGradient, &g[keyPath: bias])
            linearBackward(
                input: t.input,
                rows: rows,
                inputs: h,
                weight: layer[keyPath: weight],
                outputs: h,
                outputGradient: gradient,
                weightGradient: &weightGradient,
                biasGradient: &biasGradient,
                inputGradient: &dInput,
                accumulate: true
            )
            swap(&weightGradient, &g[keyPath: weight])
            swap(&biasGradient, &g[keyPath: bias])
        }
        return inputGradient ? dInput : nil
    }

    /// LayerNorm(input·Wᵀ + b + residual), with the normalized values and 1/σ of each row.
    static func projectAddNorm(
        _ input: [Float],
        inputs: Int,
        weight: [Float],
        bias: [Float],
        residual: [Float],
        normWeight: [Float],
        normBias: [Float]
    ) -> (output: [Float], normed: [Float], inverse: [Float]) {
        var output = [Float](repeating: 0, count: residual.count)
        MiniLMEncoder.linear(
            input,
            rows: residual.count / h,
            inputs: inputs,
            weight: weight,
            bias: bias,
            outputs: h,
            into: &output
        )
        for index in output.indices { output[index] += residual[index] }
        var normed = output
        var inverse = [Float](repeating: 0, count: residual.count / h)
        layerNorm(&output, normed: &normed, inverse: &inverse, weight: normWeight, bias: normBias)
        return (output, normed, inverse)
    }

    /// LayerNorm in place, keeping the normalized values and 1/σ of each row.
    static func layerNorm(
        _ values: inout [Float],
        normed: inout [Float],
        inverse: inout [Float],
        weight: [Float],
        bias: [Float]
    ) {
        for row in 0..<inverse.count {
            let start = row * h
            var mean: Float = 0
            for c in 0..<h { mean += values[start + c] }
            mean /= Float(h)
            var variance: Float = 0
            for c in 0..<h {
                let d = values[start + c] - mean
                variance += d * d
            }
            variance /= Float(h)
            let inv = 1 / (variance + MiniLMEncoder.epsilon).squareRoot()
            inverse[row] = inv
            for c in 0..<h {
                let n = (values[start + c] - mean) * inv
                normed[start + c] = n
                values[start + c] = n * weight[c] + bias[c]
            }
        }
    }

    /// The gradient with respect to LayerNorm's input, adding to its weight and bias gradients.
    static func layerNormBackward(
        _ outputGradient: [Float],
        normed: [Float],
        inverse: [Float],
        weight: [Float],
        weightGradient: inout [Float],
        biasGradient: inout [Float]
    ) -> [Float] {
        var input = [Float](repeating: 0, count: outputGradient.count)
        var scaled = [Float](repeating: 0, count: h)
        for row in 0..<inverse.count {
            let start = row * h
            var sum: Float = 0
            var dot: Float = 0
            for c in 0..<h {
                let dy = outputGradient[start + c]
                weightGradient[c] += dy * normed[start + c]
                biasGradient[c] += dy
                scaled[c] = dy * weight[c]
                sum += scaled[c]
                dot += scaled[c] * normed[start + c]
            }
            let meanSum = sum / Float(h)
            let meanDot = dot / Float(h)
            for c in 0..<h {
                input[start + c] = inverse[row] * (scaled[c] - meanSum - normed[start + c] * meanDot)
            }
        }
        return input
    }

    /// For out = input·Wᵀ + b (W is [outputs, inputs]): adds to W's and b's gradients, and
    /// writes (or with `accumulate` adds) the input's gradient unless `inputGradient` is empty.
    static func linearBackward(
        input: [Float],
        rows: Int,
        inputs: Int,
        weight: [Float],
        outputs: Int,
        outputGradient: [Float],
        weightGradient: inout [Float],
        biasGradient: inout [Float],
        inputGradient: inout [Float],
        accumulate: Bool
    ) {
        gemm(
            true,
            false,
            outputs,
            inputs,
            rows,
            1,
            outputGradient,
            0,
            outputs,
            input,
            0,
            inputs,
            1,
            &weightGradient,
            0,
            inputs
        )
        for row in 0..<rows {
            for o in 0..<outputs { biasGradient[o] += outputGradient[row * outputs + o] }
        }
        guard !inputGradient.isEmpty else { return }
        gemm(
            false,
            false,
            rows,
            inputs,
            outputs,
            1,
            outputGradient,
            0,
            outputs,
            weight,
            0,
            inputs,
            accumulate ? 1 : 0,
            &inputGradient,
            0,
            inputs
        )
    }

    /// d/dx of x·Φ(x): Φ(x) + x·φ(x).
    @inline(__always)
    static func geluDerivative(_ x: Float) -> Float {
        0.5 * (1 + MiniLMEncoder.erfOfScaled(x)) + x * expf(-0.5 * x * x) * 0.398_942_3
    }

    /// C[m, n] = alpha·op(A)·op(B) + beta·C on row-major views that start at the offsets.
    static func gemm(
        _ transposeA: Bool,
        _ transposeB: Bool,
        _ m: Int,
        _ n: Int,
        _ k: Int,
        _ alpha: Float,
        _ a: [Float],
        _ aOffset: Int,
        _ lda: Int,
        _ b: [Float],
        _ bOffset: Int,
        _ ldb: Int,
        _ beta: Float,
        _ c: inout [Float],
        _ cOffset: Int,
        _ ldc: Int
    ) {
        guard m > 0, n > 0, k > 0 else { return }
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    cblas_sgemm(
                        CblasRowMajor,
                        transposeA ? CblasTrans : CblasNoTrans,
                        transposeB ? CblasTrans : CblasNoTrans,
                        Int32(m),
                        Int32(n),
                        Int32(k),
                        alpha,
                        a.baseAddress! + aOffset,
                        Int32(lda),
                        b.baseAddress! + bOffset,
                        Int32(ldb),
                        beta,
                        c.baseAddress! + cOffset,
                        Int32(ldc)
                    )
                }
            }
        }
    }
}
