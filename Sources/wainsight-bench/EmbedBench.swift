import ArgumentParser
import CBLAS
import Core
import Embed
import Foundation

/// Embedding throughput of the Swift MiniLM on the texts of a file, at a batch size, with the
/// achieved GFLOP/s and OpenBLAS sgemm's peak measured in the same process.
struct EmbedSpeed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed-speed",
        abstract: "Sentences per second of the Swift MiniLM at a batch size (scripts/bench-embed)."
    )
    @Option(help: "A file of texts, one per line.") var input: String
    @Option(help: "Texts per batch.") var batch = 32
    @Option(help: "Texts to embed (from the start of the file).") var count = 2000
    @Option(help: "Folder with model.safetensors and vocab.txt.") var model = "models/minilm"
    @Option(help: "Slices of a batch encoded concurrently (use with OPENBLAS_NUM_THREADS=1).") var workers = 1

    func run() async throws {
        let texts = try String(contentsOfFile: input, encoding: .utf8).split(separator: "\n").prefix(count).map(
            String.init
        )
        let embedder = try MiniLMEmbedder(directory: URL(fileURLWithPath: model), batchSize: batch, workers: workers)
        _ = embedder.embedSync(Array(texts.prefix(batch * 2)))  // warm-up
        let tokens = texts.reduce(0) { $0 + embedder.tokenizer.encode($1).count }
        let flops = texts.reduce(0.0) { total, text in
            let length = Double(embedder.tokenizer.encode(text).count)
            // Per layer: Q, K, V, output (4·384²) and feed-forward (2·384·1536) per token, plus
            // attention scores and context (2·L²·384) per sentence; two FLOPs per multiply-add.
            return total + 6 * (2 * length * (4 * 384 * 384 + 2 * 384 * 1536) + 2 * 2 * length * length * 384)
        }
        let start = ContinuousClock.now
        _ = embedder.embedSync(texts)
        let seconds = (ContinuousClock.now - start).seconds
        // The sgemm peak of the cores in use: one BLAS call's peak, times the workers running side by side.
        let peak = Self.sgemmPeak() * Double(workers)
        let achieved = flops / seconds / 1e9
        print(
            String(
                format:
                    "swift minilm batch %d, %d worker(s): %d texts (%d tokens) in %.2f s = %.1f sentences/s; %.1f GFLOP/s = %.0f%% of sgemm peak %.1f GFLOP/s",
                batch,
                workers,
                texts.count,
                tokens,
                seconds,
                Double(texts.count) / seconds,
                achieved,
                achieved / peak * 100,
                peak
            )
        )
    }

    /// OpenBLAS sgemm on 1024×1024 matrices, best of three.
    static func sgemmPeak() -> Double {
        let n = 1024
        let a = [Float](repeating: 0.5, count: n * n)
        let b = [Float](repeating: 0.25, count: n * n)
        var c = [Float](repeating: 0, count: n * n)
        var best = 0.0
        for _ in 0..<3 {
            let start = ContinuousClock.now
            cblas_sgemm(
                CblasRowMajor,
                CblasNoTrans,
                CblasNoTrans,
                Int32(n),
                Int32(n),
                Int32(n),
                1,
                a,
                Int32(n),
                b,
                Int32(n),
                0,
                &c,
                Int32(n)
            )
            best = max(best, 2 * Double(n * n * n) / (ContinuousClock.now - start).seconds / 1e9)
        }
        return best
    }
}
