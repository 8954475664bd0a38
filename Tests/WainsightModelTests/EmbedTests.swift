import Core
import Foundation
import Testing
import WainsightTesting

@testable import Embed

/// MiniLM in Swift against the reference sentence-transformers output.
@Suite struct EmbedTests {
    struct Reference {
        var text: String
        var ids: [Int32]
        var embedding: [Float]
    }

    static func references() throws -> [Reference] {
        let text = try String(contentsOf: try SharedData.nlp("minilm_ref.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let json = try JSONValue.parse(Data(line.utf8))
            return Reference(
                text: json["text"]?.stringValue ?? "",
                ids: json["input_ids"]?.arrayValue?.compactMap { $0.intValue.map(Int32.init) } ?? [],
                embedding: json["embedding"]?.arrayValue?.compactMap { $0.doubleValue.map(Float.init) } ?? []
            )
        }
    }

    static let embedder: Result<MiniLMEmbedder, any Error> = Result {
        try MiniLMEmbedder(directory: SharedData.miniLMDirectory)
    }

    @Test func tokenIdsMatchTheReferenceTokenizerExactly() throws {
        let embedder = try Self.embedder.get()
        let references = try Self.references()
        #expect(references.count == 200)
        var mismatches: [String] = []
        for reference in references where embedder.tokenizer.encode(reference.text) != reference.ids {
            mismatches.append(reference.text)
        }
        #expect(mismatches.isEmpty, "token ids differ for: \(mismatches.prefix(5))")
    }

    @Test func embeddingsMatchTheReferenceToCosine0_9999() throws {
        let embedder = try Self.embedder.get()
        let references = try Self.references()
        let vectors = embedder.embedSync(references.map(\.text))
        var worst: (Float, String) = (1, "")
        for (reference, vector) in zip(references, vectors) {
            #expect(vector.count == 384)
            let cosine = zip(reference.embedding, vector).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            if cosine < worst.0 { worst = (cosine, reference.text) }
        }
        #expect(worst.0 >= 0.9999, "lowest cosine \(worst.0) for: \(worst.1.prefix(80))")
        // One at a time gives the same vectors as a batch (no padding leaks between sentences).
        let single = embedder.embedSync([references[7].text])[0]
        let cosine = zip(single, vectors[7]).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        #expect(cosine > 0.99999)
        // Slices encoded concurrently give the vectors of the whole batch, in order.
        let parallel = try MiniLMEmbedder(directory: SharedData.miniLMDirectory, batchSize: 32, workers: 2)
        let sliced = parallel.embedSync(references.prefix(40).map(\.text))
        let agreement = zip(sliced, vectors.prefix(40)).map { pair in
            zip(pair.0, pair.1).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        }
        #expect(sliced.count == 40 && agreement.allSatisfy { $0 > 0.99999 })
    }

    @Test func longTextsAreTruncatedTo256Tokens() throws {
        let embedder = try Self.embedder.get()
        let ids = embedder.tokenizer.encode(String(repeating: "discount on annual plans ", count: 200))
        #expect(ids.count == 256)
        #expect(ids.first == embedder.tokenizer.classifierID && ids.last == embedder.tokenizer.separatorID)
    }

    /// The backward pass of a layer against central finite differences of the forward pass, on
    /// MiniLM's top layer and two short sentences: a few entries of every tensor and of the input.
    @Test func layerGradientsMatchFiniteDifferences() throws {
        let encoder = try Self.embedder.get().encoder
        let layer = encoder.layers[5]
        let h = MiniLMEncoder.hidden
        let lengths = [3, 2]
        var random = SplitMix64(seed: 7)
        let input = (0..<(5 * h)).map { _ in Float(random.gaussian()) }
        let projection = (0..<(5 * h)).map { _ in Float(random.gaussian()) }
        // loss = Σ output ∘ projection, summed in Double.
        func loss(_ layer: MiniLMEncoder.Layer, _ input: [Float]) -> Double {
            let output = LayerBackprop.forward(layer, input: input, lengths: lengths).output
            return zip(output, projection).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        let trace = LayerBackprop.forward(layer, input: input, lengths: lengths)
        // The traced forward pass computes what the encoder's own does.
        var x = input
        var workspace = MiniLMEncoder.Workspace(rows: 5, longest: 3)
        MiniLMEncoder.apply(layer, to: &x, lengths: lengths, workspace: &workspace)
        #expect(zip(x, trace.output).allSatisfy { abs($0 - $1) < 1e-5 })

        var gradient = layer.zeros()
        let inputGradient = try #require(
            LayerBackprop.backward(
                layer,
                trace,
                lengths: lengths,
                outputGradient: projection,
                into: &gradient,
                inputGradient: true
            )
        )
        let step: Float = 1e-2
        func check(_ name: String, analytic: Float, numeric: (Float) -> Double) {
            let estimate = Float((numeric(step) - numeric(-step)) / Double(2 * step))
            #expect(abs(estimate - analytic) <= 2e-3 + 0.03 * abs(analytic), "\(name): \(analytic) vs \(estimate)")
        }
        for ((name, _), path) in zip(MiniLMEncoder.tensorNames(5), MiniLMEncoder.Layer.tensorPaths) {
            let count = layer[keyPath: path].count
            for index in [0, count / 3, count - 1] {
                check("\(name)[\(index)]", analytic: gradient[keyPath: path][index]) { delta in
                    var moved = layer
                    moved[keyPath: path][index] += delta
                    return loss(moved, input)
                }
            }
        }
        for index in [0, 2 * h + 5, 5 * h - 1] {
            check("input[\(index)]", analytic: inputGradient[index]) { delta in
                var moved = input
                moved[index] += delta
                return loss(layer, moved)
            }
        }
        // Every entry at once: the derivative along a random direction of each whole tensor.
        for ((name, _), path) in zip(MiniLMEncoder.tensorNames(5), MiniLMEncoder.Layer.tensorPaths) {
            let raw = layer[keyPath: path].map { _ in Float(random.gaussian()) }
            let norm = raw.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
            let direction = raw.map { $0 / norm }  // a unit step, so the step size means the same
            let analytic = zip(gradient[keyPath: path], direction).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            check("\(name) along a random direction", analytic: analytic) { delta in
                var moved = layer
                for index in direction.indices { moved[keyPath: path][index] += delta * direction[index] }
                return loss(moved, input)
            }
        }
    }

    /// Tuning the top layer on a separable toy task (greetings against complaints) learns it, the
    /// layer itself moves (no weight decay, so only its gradients can move it), and the same seed
    /// gives the same weights.
    @Test func tuningTheTopLayerLearnsAndIsReproducible() throws {
        let embedder = try Self.embedder.get()
        let positive = ["thanks so much, this is great", "love it, amazing service", "wonderful, you are the best"]
        let negative = ["this is terrible, I want a refund", "awful, nothing works", "worst service ever, very angry"]
        let texts = (positive + negative).flatMap { [$0, $0 + "!", "really " + $0] }
        let labels = (0..<texts.count).map { $0 < texts.count / 2 ? 1 : 0 }
        let states = embedder.encoder.tokenStates(texts.map(embedder.tokenizer.encode), through: 5)
        let examples = TopLayerTuner.Examples(states: states, labels: labels)
        var tuner = TopLayerTuner()
        tuner.epochs = 3
        tuner.batchSize = 4
        tuner.warmupSteps = 1
        tuner.learningRate = 1e-3
        tuner.headLearningRate = 2e-2
        tuner.weightDecay = 0
        let first = tuner.tune(encoder: embedder.encoder, classes: 2, train: examples, validation: examples)
        let second = tuner.tune(encoder: embedder.encoder, classes: 2, train: examples, validation: examples)
        #expect(first.last?.validationMacroRecall == 1)
        #expect(first.last?.layers.first?.query == second.last?.layers.first?.query)
        #expect(first.last?.layers.first?.query != embedder.encoder.layers[5].query)
    }

    /// Tuned top layers stored as 8-bit changes from MiniLM's own weights read back in place of
    /// its top: each weight within half a step of the tuned one, an unchanged row exactly as it
    /// was, biases exact, the same bytes every time, half the size of float16 weights. A file
    /// with no layer, or with part of one, is refused.
    @Test func tunedLayersRoundTripAsEightBitChanges() throws {
        let embedder = try Self.embedder.get()
        var random = SplitMix64(seed: 11)
        var tuned = embedder.encoder.topLayers(2)
        for layer in tuned.indices {
            for path in MiniLMEncoder.Layer.tensorPaths {
                tuned[layer][keyPath: path] = tuned[layer][keyPath: path].map { $0 + 0.01 * Float(random.gaussian()) }
            }
        }
        // The first row of the top layer's query keeps MiniLM's weights.
        for column in 0..<MiniLMEncoder.hidden { tuned[1].query[column] = embedder.encoder.layers[5].query[column] }
        let tensors = embedder.encoder.layerDeltas(tuned)
        let data = SafeTensors.encoded(tensors)
        #expect(data == SafeTensors.encoded(embedder.encoder.layerDeltas(tuned)))
        #expect(data.count > 2 * 1_769_472 && data.count < 2 * 1_769_472 + 100_000)
        let replaced = try embedder.replacingLayers(from: SafeTensors(data: data))
        let names = MiniLMEncoder.tensorNames(4) + MiniLMEncoder.tensorNames(5)
        let paths = MiniLMEncoder.Layer.tensorPaths + MiniLMEncoder.Layer.tensorPaths
        for (offset, ((name, shape), path)) in zip(names, paths).enumerated() {
            let (wanted, read) = (
                tuned[offset / 16][keyPath: path], replaced.encoder.layers[4 + offset / 16][keyPath: path]
            )
            guard shape.count == 2 else {
                #expect(read == wanted, "\(name) is stored whole")
                continue
            }
            // Each row within half its own step: the step is per row, not per matrix.
            let base = embedder.encoder.layers[4 + offset / 16][keyPath: path]
            let columns = shape[1]
            for row in 0..<shape[0] {
                let range = (row * columns)..<((row + 1) * columns)
                let largest = range.map { abs(wanted[$0] - base[$0]) }.max() ?? 0
                let worst = range.map { abs(wanted[$0] - read[$0]) }.max() ?? 1
                if worst > largest / 254 * 1.01 {
                    Issue.record("\(name) row \(row): off by \(worst), its largest change is \(largest)")
                    break
                }
            }
            #expect(tensors[name + MiniLMEncoder.deltaCodesSuffix]?.dtype == .int8, "\(name)")
        }
        #expect(
            replaced.encoder.layers[5].query.prefix(MiniLMEncoder.hidden)
                == embedder.encoder.layers[5].query.prefix(MiniLMEncoder.hidden)
        )
        #expect(replaced.encoder.layers[0].query == embedder.encoder.layers[0].query)
        var direct = embedder.encoder
        direct.layers.replaceSubrange(4..<6, with: tuned)
        let ids = [embedder.tokenizer.encode("the demo was great but the price is way too high")]
        let cosine = zip(direct.embed(ids)[0], replaced.encoder.embed(ids)[0]).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        #expect(cosine > 0.999)
        #expect(throws: EmbedError.self) {
            try embedder.replacingLayers(from: SafeTensors(data: SafeTensors.encoded([:])))
        }
        var partial = tensors
        partial["encoder.layer.5.output.dense.weight.delta_step"] = nil
        #expect(throws: EmbedError.self) {
            try embedder.replacingLayers(from: SafeTensors(data: SafeTensors.encoded(partial)))
        }
    }

    /// Each storage type reads back as written: float32 exactly, float16 rounded, int8 codes.
    @Test func safeTensorsReadBackEachType() throws {
        let values: [Float] = [-128, -1.5, 0, 0.333, 127]
        let data = SafeTensors.encoded([
            "a": SafeTensors.Tensor(shape: [5], values: values),
            "b": SafeTensors.Tensor(shape: [5], values: values, dtype: .float16),
            "c": SafeTensors.Tensor(shape: [1, 5], values: values.map { $0.rounded() }, dtype: .int8),
        ])
        let read = try SafeTensors(data: data)
        #expect(read.tensors["a"]?.values == values)
        #expect(read.tensors["b"]?.values == values.map { Float(Float16($0)) })
        #expect(read.tensors["c"]?.values == values.map { $0.rounded() })
        #expect(read.tensors["c"]?.shape == [1, 5])
        #expect(read.tensors["c"]?.dtype == .int8)
    }

    /// A malformed header entry is refused with an error, never a crash: negative offsets or
    /// dimensions, a dimension that is not a whole number, sizes that overflow or do not match.
    @Test(arguments: [
        #"{"t":{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}}"#,
        #"{"t":{"dtype":"F32","shape":[-2,-1],"data_offsets":[0,8]}}"#,
        #"{"t":{"dtype":"F32","shape":[2.4],"data_offsets":[0,8]}}"#,
        #"{"t":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,0]}}"#,
        #"{"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#,
        #"{"t":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#,
    ])
    func safeTensorsRefuseMalformedEntries(header: String) {
        var data = Data()
        let json = Data(header.utf8)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        data.append(Data(repeating: 0, count: 8))
        #expect(throws: EmbedError.self) { try SafeTensors(data: data) }
    }
}
