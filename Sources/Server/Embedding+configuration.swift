import AsyncHTTPClient
import CBLAS
import Core
import Detect
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
            return try local(options, logger: logger)
        }
    }

    /// The local MiniLM when the configuration picks it (`minilm`, or `auto` with its files
    /// there); `nil` for `none`, `remote`, or `auto` without the files (with a notice).
    /// - Throws: ``EmbedError`` when MiniLM is asked for and cannot be loaded.
    public static func local(
        _ options: WainsightConfiguration.EmbeddingOptions,
        logger: Logger
    ) throws -> ConfiguredEmbedder? {
        guard options.mode == .minilm || options.mode == .automatic else { return nil }
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
        return ConfiguredEmbedder(embedder: try MiniLMEmbedder(directory: directory), model: MiniLMEmbedder.modelName)
    }
}

/// The local classifiers, when their files are in the models folder.
public enum ConfiguredDetector {
    /// - Returns: `nil` (with a notice) when none of the model files is there: detection is
    ///   off and messages get no language, intent or sentiment.
    /// - Throws: ``DetectError`` when some are there but one is missing or unreadable.
    public static func load(directory: String, logger: Logger) throws -> Detector? {
        let url = URL(fileURLWithPath: directory)
        let present = Detector.modelNames.filter {
            FileManager.default.fileExists(atPath: Detector.modelURL($0, in: url).path)
        }
        if present.isEmpty {
            logger.notice(
                "no language, intent or sentiment models; the detect stage is off",
                metadata: ["detect.directory": "\(url.path)"]
            )
            return nil
        }
        return try Detector(directory: url)
    }
}

/// The pipeline stages the configuration asks for, in order: embed (when an embedder is
/// configured), then detect (when its models are there), which reads the embedding when a model
/// takes it. The server, `wainsight ingest`, `reprocess` and `backfill` all run these, so a
/// message gets the same insights whichever way it came in.
public struct ConfiguredStages: Sendable {
    public var detector: Detector?
    public var embedder: ConfiguredEmbedder?

    public var stages: [any PipelineStage] {
        (embedder.map { [EmbedStage(embedder: $0.embedder, model: $0.model)] } ?? [])
            + (detector.map { [DetectStage(detector: $0)] } ?? [])
    }

    /// - Throws: ``DetectError`` or ``EmbedError`` when a configured model cannot be loaded.
    public static func make(
        _ configuration: WainsightConfiguration,
        httpClient: HTTPClient,
        logger: Logger
    ) throws -> ConfiguredStages {
        ConfiguredStages(
            detector: try ConfiguredDetector.load(directory: configuration.modelsDirectory, logger: logger),
            embedder: try ConfiguredEmbedder.make(configuration.embedding, httpClient: httpClient, logger: logger)
        )
    }
}
