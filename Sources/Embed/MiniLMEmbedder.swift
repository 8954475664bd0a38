import Core
import Foundation

/// all-MiniLM-L6-v2 on this machine: the WordPiece tokenizer and the BLAS encoder, from the
/// files `scripts/setup` puts in models/minilm/.
public struct MiniLMEmbedder: SentenceEmbedder {
    /// The name recorded beside its vectors (and in models that take them).
    public static let modelName = "all-MiniLM-L6-v2"

    public let tokenizer: WordPieceTokenizer
    public private(set) var encoder: MiniLMEncoder
    /// Texts encoded per BLAS batch.
    public let batchSize: Int
    /// Where ``embed(_:)`` computes: interactive unless made ``forBackgroundWork()``.
    public private(set) var lane = WorkLane.interactive
    /// Batches encoded at once on separate threads (data parallelism; pair with one BLAS
    /// thread, `OPENBLAS_NUM_THREADS=1`, so the cores are not oversubscribed).
    public let workers: Int
    public var dimensions: Int { MiniLMEncoder.hidden }

    /// The folder with `model.safetensors` and `vocab.txt`: `WAINSIGHT_MINILM_DIR`, else
    /// models/minilm under the current directory.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let directory = environment["WAINSIGHT_MINILM_DIR"], !directory.isEmpty {
            return URL(fileURLWithPath: directory)
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("models/minilm")
    }

    public init(directory: URL = MiniLMEmbedder.defaultDirectory(), batchSize: Int = 32, workers: Int = 1) throws {
        let vocabulary: String
        do {
            vocabulary = try String(contentsOf: directory.appendingPathComponent("vocab.txt"), encoding: .utf8)
        } catch {
            throw EmbedError(
                .modelMissing,
                "no MiniLM vocabulary in \(directory.path); run scripts/setup or set WAINSIGHT_MINILM_DIR",
                underlying: error
            )
        }
        tokenizer = try WordPieceTokenizer(vocabulary: vocabulary)
        encoder = try MiniLMEncoder(
            weights: try SafeTensors(contentsOf: directory.appendingPathComponent("model.safetensors"))
        )
        self.batchSize = max(1, batchSize)
        self.workers = max(1, workers)
    }

    /// This embedder with the layers in the `.safetensors` file `weights` (a tuned top, named as
    /// in MiniLM's own file) in place of MiniLM's.
    public func replacingLayers(from weights: SafeTensors) throws -> MiniLMEmbedder {
        var copy = self
        copy.encoder = try encoder.replacingLayers(from: weights)
        return copy
    }

    /// The token states of `texts` after the embeddings and the first `layerCount` layers, the
    /// texts' tokens one after another (computed a batch at a time, on `workers` threads).
    public func tokenStates(_ texts: [String], through layerCount: Int) -> MiniLMEncoder.TokenStates {
        var values: [Float] = []
        var lengths: [Int] = []
        lengths.reserveCapacity(texts.count)
        for start in stride(from: 0, to: texts.count, by: batchSize * workers) {
            let group = Array(texts[start..<min(texts.count, start + batchSize * workers)])
            let slices = (group.count + batchSize - 1) / batchSize
            let results = SliceResults(count: slices, empty: MiniLMEncoder.TokenStates(values: [], lengths: []))
            DispatchQueue.concurrentPerform(iterations: slices) { slice in
                let range = (slice * batchSize)..<min(group.count, (slice + 1) * batchSize)
                results.set(slice, encoder.tokenStates(group[range].map(tokenizer.encode), through: layerCount))
            }
            for states in results.values {
                values += states.values
                lengths += states.lengths
            }
        }
        return MiniLMEncoder.TokenStates(values: values, lengths: lengths)
    }

    /// Encodes on a Dispatch thread of its ``lane`` (`offThePool`, in Core): a text takes
    /// milliseconds, a batch seconds.
    public func embed(_ texts: [String]) async throws -> [[Float]] {
        await offThePool(lane) { embedSync(texts) }
    }

    public func forBackgroundWork() -> any SentenceEmbedder {
        var copy = self
        copy.lane = .background
        return copy
    }

    /// The same, without suspension (for benchmarks and batch jobs). With several workers a
    /// batch is split into contiguous slices encoded concurrently.
    public func embedSync(_ texts: [String]) -> [[Float]] {
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        var start = 0
        while start < texts.count {
            let batch = Array(texts[start..<min(texts.count, start + batchSize)])
            let sequences = batch.map(tokenizer.encode)
            if workers == 1 || batch.count < 2 {
                vectors += encoder.embed(sequences)
            } else {
                let slices = min(workers, batch.count)
                let results = SliceResults<[[Float]]>(count: slices, empty: [])
                let size = (batch.count + slices - 1) / slices
                DispatchQueue.concurrentPerform(iterations: slices) { slice in
                    let range = (slice * size)..<min(batch.count, (slice + 1) * size)
                    results.set(slice, range.isEmpty ? [] : encoder.embed(Array(sequences[range])))
                }
                vectors += results.values.flatMap { $0 }
            }
            start += batchSize
        }
        return vectors
    }
}

/// Per-slice outputs of a parallel batch, each written by exactly one worker.
private final class SliceResults<Value>: @unchecked Sendable {
    // Each index is written by one worker and read after `concurrentPerform` returns, which
    // orders the writes before the read.
    private(set) var values: [Value]
    init(count: Int, empty: Value) { values = Array(repeating: empty, count: count) }
    func set(_ index: Int, _ value: Value) { values[index] = value }
}

/// A summary, not the weights: whatever prints a value holding the embedder (a log line, a
/// service's description) would otherwise print 22 million numbers.
extension MiniLMEmbedder: CustomStringConvertible {
    public var description: String {
        "MiniLMEmbedder(\(Self.modelName), batch size: \(batchSize), workers: \(workers))"
    }
}
