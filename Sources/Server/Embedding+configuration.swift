import AsyncHTTPClient
import CBLAS
import Core
import Embed
import Foundation
import Logging
import RemoteModels

/// The embedder the configuration asks for, with the model name recorded beside its vectors.
public struct ConfiguredEmbedder: Sendable {
    public var embedder: any SentenceEmbedder
    public var model: String

    /// - Returns: `nil` when embeddings are off (mode `none`, or `auto` without the MiniLM files).
    /// - Throws: ``EmbedError`` when the chosen model cannot be loaded.
    public static func make(
        _ options: WainsightConfiguration.EmbeddingOptions,
        httpClient: HTTPClient,
        logger: Logger
    ) throws -> ConfiguredEmbedder? {
        switch options.mode {
        case .none:
            return nil
        case .remote:
            guard let url = options.remoteURL else {
                throw EmbedError(.remote, "WAINSIGHT_EMBEDDINGS_URL is not set")
            }
            return ConfiguredEmbedder(
                embedder: RemoteEmbedder(
                    client: httpClient,
                    baseURL: url,
                    model: options.remoteModel,
                    dimensions: options.dimensions,
                    apiKey: options.remoteAPIKey
                ),
                model: options.remoteModel
            )
        default:
            let directory = URL(fileURLWithPath: options.miniLMDirectory)
            let present = FileManager.default.fileExists(
                atPath: directory.appendingPathComponent("model.safetensors").path
            )
            if options.mode == .automatic, !present {
                logger.notice(
                    "no MiniLM model; embeddings are off and search uses words only (run scripts/setup)",
                    metadata: ["embed.directory": "\(directory.path)"]
                )
                return nil
            }
            // The server's loops embed side by side: one BLAS thread each, no oversubscription.
            openblas_set_num_threads(1)
            return ConfiguredEmbedder(embedder: try MiniLMEmbedder(directory: directory), model: "all-MiniLM-L6-v2")
        }
    }
}
