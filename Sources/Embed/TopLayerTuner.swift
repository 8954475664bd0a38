import Core
import Foundation

/// Tunes MiniLM's top layers for a classification task: the layers below stay as they are, and
/// the top `layers` learn, through a linear softmax head over the mean of their output token
/// states, with class-balanced cross-entropy and AdamW (fixed seed, deterministic with one BLAS
/// thread). The head only teaches the layers; a task's own classifier then reads the tuned
/// layers' sentence vectors.
public struct TopLayerTuner: Sendable {
    /// How many of the six layers are tuned (the top ones).
    public var layers = 1
    public var epochs = 2
    public var learningRate: Float = 1e-4
    /// The head starts from random weights, so it learns faster than the layers.
    public var headLearningRate: Float = 2e-3
    public var batchSize = 32
    /// The learning rate at each step is the product of a ramp from 0 that ends after these
    /// steps and a line that falls from 1 at the first step to 0 after the last.
    public var warmupSteps = 200
    public var weightDecay: Float = 0.01
    public var seed: UInt64 = 42

    public init() {}

    public var hyperParameters: [String: Double] {
        [
            "tuned_layers": Double(layers), "tuning_epochs": Double(epochs),
            "tuning_learning_rate": Double(learningRate), "tuning_head_learning_rate": Double(headLearningRate),
            "tuning_batch": Double(batchSize), "tuning_warmup_steps": Double(warmupSteps),
            "tuning_weight_decay": Double(weightDecay), "tuning_seed": Double(seed),
        ]
    }

    /// The layers' sentences, as the states below the tuned layers, with one label each.
    public struct Examples: Sendable {
        public let states: MiniLMEncoder.TokenStates
        public let labels: [Int]
        /// Where each sentence's rows start in `states`.
        let firstRows: [Int]

        public init(states: MiniLMEncoder.TokenStates, labels: [Int]) {
            precondition(states.lengths.count == labels.count, "one label per sentence")
            self.states = states
            self.labels = labels
            var first: [Int] = []
            first.reserveCapacity(labels.count)
            var row = 0
            for length in states.lengths {
                first.append(row)
                row += length
            }
            firstRows = first
        }

        /// The rows of the sentences `indices`, one after another, and their lengths.
        func batch(_ indices: [Int]) -> (values: [Float], lengths: [Int]) {
            let h = MiniLMEncoder.hidden
            let lengths = indices.map { states.lengths[$0] }
            var values = [Float]()
            values.reserveCapacity(lengths.reduce(0, +) * h)
            for index in indices {
                let start = firstRows[index] * h
                values += states.values[start..<(start + states.lengths[index] * h)]
            }
            return (values, lengths)
        }
    }

    /// The tuned layers after each epoch, and the head's validation figure that chooses between
    /// them (macro recall of the head's answers on `validation`).
    public struct Epoch: Sendable {
        public var layers: [MiniLMEncoder.Layer]
        public var validationMacroRecall: Double
    }

    /// Tunes the top layers of `encoder` on `train`, reporting each epoch on `validation`.
    public func tune(
        encoder: MiniLMEncoder,
        classes: Int,
        train: Examples,
        validation: Examples,
        progress: (String) -> Void = { _ in }
    ) -> [Epoch] {
        let h = MiniLMEncoder.hidden
        var tuned = Array(encoder.layers.suffix(layers))
        var random = SplitMix64(seed: seed)
        let bound = 1 / Float(h).squareRoot()
        var head = (0..<(classes * h)).map { _ in Float(random.nextDouble() * 2 - 1) * bound }
        var headBias = (0..<classes).map { _ in Float(random.nextDouble() * 2 - 1) * bound }

        var counts = [Int](repeating: 0, count: classes)
        for label in train.labels { counts[label] += 1 }
        let classWeight = counts.map { $0 == 0 ? 0 : Float(train.labels.count) / Float(classes * $0) }

        // Batches of similar lengths (less attention work per token), visited in a new order
        // every epoch.
        let order = train.labels.indices.sorted { (train.states.lengths[$0], $0) < (train.states.lengths[$1], $1) }
        var batches = stride(from: 0, to: order.count, by: batchSize).map {
            Array(order[$0..<min(order.count, $0 + batchSize)])
        }
        let totalSteps = epochs * batches.count
        var optimizer = AdamW(layers: tuned, headCount: head.count, classes: classes, weightDecay: weightDecay)
        var step = 0
        var results: [Epoch] = []
        for epoch in 0..<epochs {
            random.shuffle(&batches)
            var lossSum: Double = 0
            for indices in batches {
                let (input, lengths) = train.batch(indices)
                var traces: [LayerTrace] = []
                var x = input
                for layer in tuned {
                    let trace = LayerBackprop.forward(layer, input: x, lengths: lengths)
                    x = trace.output
                    traces.append(trace)
                }
                let pooled = MiniLMEncoder.meanPool(.init(values: x, lengths: lengths), normalized: false)

                // Weighted cross-entropy: d loss / d logits = w (p − y) / Σw.
                let weights = indices.map { classWeight[train.labels[$0]] }
                let weightSum = max(weights.reduce(0, +), 1e-12)
                var dHead = [Float](repeating: 0, count: head.count)
                var dHeadBias = [Float](repeating: 0, count: classes)
                var dOutput = [Float](repeating: 0, count: x.count)
                var row = 0
                for (slot, index) in indices.enumerated() {
                    let v = pooled[slot]
                    let p = softmax(Self.logits(head: head, bias: headBias, v))
                    let label = train.labels[index]
                    lossSum += Double(weights[slot] * -logf(max(p[label], 1e-12)) / weightSum)
                    var dv = [Float](repeating: 0, count: h)
                    for c in 0..<classes {
                        let dz = weights[slot] * (p[c] - (c == label ? 1 : 0)) / weightSum
                        dHeadBias[c] += dz
                        for d in 0..<h {
                            dHead[c * h + d] += dz * v[d]
                            dv[d] += dz * head[c * h + d]
                        }
                    }
                    let length = lengths[slot]
                    let share = 1 / Float(max(length, 1))
                    for token in row..<(row + length) {
                        for d in 0..<h { dOutput[token * h + d] = dv[d] * share }
                    }
                    row += length
                }

                var gradients = tuned.map { $0.zeros() }
                var gradient = dOutput
                for index in tuned.indices.reversed() {
                    gradient =
                        LayerBackprop.backward(
                            tuned[index],
                            traces[index],
                            lengths: lengths,
                            outputGradient: gradient,
                            into: &gradients[index],
                            inputGradient: index > 0
                        ) ?? []
                }

                let schedule = min(1, Float(step) / Float(max(warmupSteps, 1))) * (1 - Float(step) / Float(totalSteps))
                optimizer.step(
                    layers: &tuned,
                    gradients: gradients,
                    head: &head,
                    headGradient: dHead,
                    headBias: &headBias,
                    headBiasGradient: dHeadBias,
                    learningRate: learningRate * schedule,
                    headLearningRate: headLearningRate * schedule
                )
                step += 1
            }
            let recall = Self.macroRecall(
                encoderLayers: tuned,
                head: head,
                headBias: headBias,
                classes: classes,
                on: validation
            )
            progress(
                "tuning: epoch \(epoch + 1) of \(epochs), mean loss "
                    + String(format: "%.4f", lossSum / Double(batches.count))
                    + ", head's validation macro recall " + String(format: "%.2f%%", recall * 100)
            )
            results.append(Epoch(layers: tuned, validationMacroRecall: recall))
        }
        return results
    }

    /// Macro recall of the head's answers for `examples`, through the tuned layers.
    static func macroRecall(
        encoderLayers: [MiniLMEncoder.Layer],
        head: [Float],
        headBias: [Float],
        classes: Int,
        on examples: Examples
    ) -> Double {
        var hits = [Int](repeating: 0, count: classes)
        var totals = [Int](repeating: 0, count: classes)
        let indices = Array(examples.labels.indices)
        for start in stride(from: 0, to: indices.count, by: 64) {
            let chunk = Array(indices[start..<min(indices.count, start + 64)])
            let (input, lengths) = examples.batch(chunk)
            let pooled = MiniLMEncoder.meanPool(
                TopLayerTuner.run(encoderLayers, on: .init(values: input, lengths: lengths)),
                normalized: false
            )
            for (slot, index) in chunk.enumerated() {
                let scores = Self.logits(head: head, bias: headBias, pooled[slot])
                let best = scores.indices.max { scores[$0] < scores[$1] } ?? 0
                let label = examples.labels[index]
                totals[label] += 1
                if best == label { hits[label] += 1 }
            }
        }
        let present = (0..<classes).filter { totals[$0] > 0 }
        guard !present.isEmpty else { return 0 }
        return present.map { Double(hits[$0]) / Double(totals[$0]) }.reduce(0, +) / Double(present.count)
    }

    /// Unit-length sentence vectors of `examples` through `layers` (a chunk at a time, so the
    /// working memory stays small).
    public static func vectors(_ layers: [MiniLMEncoder.Layer], of examples: Examples) -> [[Float]] {
        var vectors: [[Float]] = []
        vectors.reserveCapacity(examples.labels.count)
        for start in stride(from: 0, to: examples.labels.count, by: 256) {
            let (values, lengths) = examples.batch(Array(start..<min(examples.labels.count, start + 256)))
            vectors += MiniLMEncoder.meanPool(
                run(layers, on: .init(values: values, lengths: lengths)),
                normalized: true
            )
        }
        return vectors
    }

    /// The token states after `layers`, from the states below them.
    public static func run(_ layers: [MiniLMEncoder.Layer], on states: MiniLMEncoder.TokenStates)
        -> MiniLMEncoder.TokenStates
    {
        guard states.rows > 0 else { return states }
        var x = states.values
        var workspace = MiniLMEncoder.Workspace(rows: states.rows, longest: states.lengths.max() ?? 0)
        for layer in layers { MiniLMEncoder.apply(layer, to: &x, lengths: states.lengths, workspace: &workspace) }
        return .init(values: x, lengths: states.lengths)
    }

    /// The head's scores for a pooled vector: bias + head·v.
    static func logits(head: [Float], bias: [Float], _ v: [Float]) -> [Float] {
        var logits = bias
        for c in bias.indices {
            for d in v.indices { logits[c] += head[c * v.count + d] * v[d] }
        }
        return logits
    }

    func softmax(_ logits: [Float]) -> [Float] {
        let top = logits.max() ?? 0
        let exps = logits.map { expf($0 - top) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }
}

/// AdamW (decoupled weight decay, bias-corrected moments) over the tuned layers and the head.
struct AdamW {
    static let beta1: Float = 0.9
    static let beta2: Float = 0.999
    static let epsilon: Float = 1e-8
    var first: [MiniLMEncoder.Layer]
    var second: [MiniLMEncoder.Layer]
    var headFirst, headSecond, biasFirst, biasSecond: [Float]
    let weightDecay: Float
    var steps = 0

    init(layers: [MiniLMEncoder.Layer], headCount: Int, classes: Int, weightDecay: Float) {
        first = layers.map { $0.zeros() }
        second = first
        headFirst = [Float](repeating: 0, count: headCount)
        headSecond = headFirst
        biasFirst = [Float](repeating: 0, count: classes)
        biasSecond = biasFirst
        self.weightDecay = weightDecay
    }

    mutating func step(
        layers: inout [MiniLMEncoder.Layer],
        gradients: [MiniLMEncoder.Layer],
        head: inout [Float],
        headGradient: [Float],
        headBias: inout [Float],
        headBiasGradient: [Float],
        learningRate: Float,
        headLearningRate: Float
    ) {
        steps += 1
        let correction1 = 1 - powf(Self.beta1, Float(steps))
        let correction2 = 1 - powf(Self.beta2, Float(steps))
        for index in layers.indices {
            for path in MiniLMEncoder.Layer.tensorPaths {
                Self.update(
                    &layers[index][keyPath: path],
                    gradients[index][keyPath: path],
                    &first[index][keyPath: path],
                    &second[index][keyPath: path],
                    learningRate,
                    weightDecay,
                    correction1,
                    correction2
                )
            }
        }
        Self.update(
            &head,
            headGradient,
            &headFirst,
            &headSecond,
            headLearningRate,
            weightDecay,
            correction1,
            correction2
        )
        Self.update(
            &headBias,
            headBiasGradient,
            &biasFirst,
            &biasSecond,
            headLearningRate,
            weightDecay,
            correction1,
            correction2
        )
    }

    static func update(
        _ values: inout [Float],
        _ gradient: [Float],
        _ first: inout [Float],
        _ second: inout [Float],
        _ rate: Float,
        _ decay: Float,
        _ correction1: Float,
        _ correction2: Float
    ) {
        for i in values.indices {
            let g = gradient[i]
            values[i] -= rate * decay * values[i]
            first[i] = beta1 * first[i] + (1 - beta1) * g
            second[i] = beta2 * second[i] + (1 - beta2) * g * g
            values[i] -= rate * (first[i] / correction1) / ((second[i] / correction2).squareRoot() + epsilon)
        }
    }
}
