import Foundation

/// all-MiniLM-L6-v2 on this machine: the WordPiece tokenizer and the BLAS encoder, from the
/// files `scripts/setup` puts in models/minilm/.
public struct MiniLMEmbedder: SentenceEmbedder {
    public let tokenizer: WordPieceTokenizer
    public let encoder: MiniLMEncoder
    /// Texts encoded per BLAS batch.
    public let batchSize: Int
    public var dimensions: Int { MiniLMEncoder.hidden }

    /// The folder with `model.safetensors` and `vocab.txt`: `WAINSIGHT_MINILM_DIR`, else
    /// models/minilm under the current directory.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let directory = environment["WAINSIGHT_MINILM_DIR"], !directory.isEmpty {
            return URL(fileURLWithPath: directory)
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("models/minilm")
    }

    public init(directory: URL = MiniLMEmbedder.defaultDirectory(), batchSize: Int = 32) throws {
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
    }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        embedSync(texts)
    }

    /// The same, without suspension (for benchmarks and batch jobs).
    public func embedSync(_ texts: [String]) -> [[Float]] {
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        var start = 0
        while start < texts.count {
            let batch = texts[start..<min(texts.count, start + batchSize)]
            vectors += encoder.embed(batch.map(tokenizer.encode))
            start += batchSize
        }
        return vectors
    }
}
