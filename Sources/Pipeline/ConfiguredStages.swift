import AsyncHTTPClient
import CBLAS
import Core
import Detect
import Embed
import Extract
import Foundation
import Logging
import RemoteModels

/// The embedder the configuration asks for, with the model name recorded beside its vectors.
public struct ConfiguredEmbedder: Sendable {
    public var embedder: any SentenceEmbedder
    public var model: String

    public init(embedder: any SentenceEmbedder, model: String) {
        self.embedder = embedder
        self.model = model
    }

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

    /// The local MiniLM (mode `minilm`, or `auto` with its files there); `nil` for `auto`
    /// without the files (with a notice).
    /// - Throws: ``EmbedError`` when MiniLM is asked for and cannot be loaded.
    static func local(
        _ options: WainsightConfiguration.EmbeddingOptions,
        logger: Logger
    ) throws -> ConfiguredEmbedder? {
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
    /// - Parameter miniLM: MiniLM, for a `sentiment-minilm` that reads its tuned layers.
    /// - Returns: `nil` (with a notice) when none of the model files is there: detection is
    ///   off and messages get no language, intent or sentiment.
    /// - Throws: ``DetectError`` when some are there but one is missing or unreadable.
    public static func load(directory: String, miniLM: MiniLMEmbedder?, logger: Logger) throws -> Detector? {
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
        let detector = try Detector(directory: url, miniLM: miniLM)
        if Detector.tunedLayersSHA256(detector.sentimentWithEmbedding?.embeddingModel) != nil,
            detector.sentimentEncoder == nil
        {
            logger.notice("sentiment-minilm is not used: it needs MiniLM (run scripts/setup)")
        }
        return detector
    }

    /// MiniLM for the detector: the configured local embedder's, else (with a remote embedder)
    /// the configured folder's when its files are there; none when embeddings are off
    /// (`WAINSIGHT_EMBEDDER=none` turns MiniLM off everywhere).
    public static func miniLM(
        _ options: WainsightConfiguration.EmbeddingOptions,
        embedder: ConfiguredEmbedder?
    ) throws -> MiniLMEmbedder? {
        if let local = embedder?.embedder as? MiniLMEmbedder { return local }
        guard options.mode != .none else { return nil }
        let directory = URL(fileURLWithPath: options.miniLMDirectory)
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("model.safetensors").path)
        else { return nil }
        // One BLAS thread per caller, as for the local embedder.
        openblas_set_num_threads(1)
        return try MiniLMEmbedder(directory: directory)
    }
}

/// The pipeline stages the configuration asks for: detect (when its models are there), extract
/// (always: it needs no model) and embed (when an embedder is configured), then the thread
/// stage BANT. Embed runs before detect when a detect model takes its vectors (MiniLM with
/// `intent-minilm`), so detect can read them; otherwise detect runs first, so that an embedder
/// outage never holds up language, intent and sentiment. Extract always precedes embed, which
/// masks the contact data extract found; it reads detect's language when detect ran first
/// (else it tries every language). The server,
/// `wainsight ingest`, `reprocess` and `backfill` all run these, so a message gets the same
/// insights whichever way it came in.
public struct ConfiguredStages: Sendable {
    public var detector: Detector?
    public var embedder: ConfiguredEmbedder?
    public var catalogs: any CatalogSource

    public init(detector: Detector?, embedder: ConfiguredEmbedder?, catalogs: any CatalogSource = FixedCatalog()) {
        self.detector = detector
        self.embedder = embedder
        self.catalogs = catalogs
    }

    public var stages: [any PipelineStage] {
        // Nobody waits on the stage: it computes on the background lane, beside requests.
        let embed =
            embedder.map {
                [EmbedStage(embedder: $0.embedder.forBackgroundWork(), model: $0.model)] as [any PipelineStage]
            } ?? []
        let detect = detector.map { [DetectStage(detector: $0)] as [any PipelineStage] } ?? []
        let extract: [any PipelineStage] = [ExtractStage(catalogs: catalogs)]
        // Extract precedes embed, which masks the contact data extract found.
        return detectReadsEmbeddings ? extract + embed + detect : detect + extract + embed
    }

    /// The conclusions drawn about a whole thread after each message's stages.
    public var threadStages: [any ThreadStage] { [BANTScorer()] }

    /// Whether a detect model takes the configured embedder's vectors.
    public var detectReadsEmbeddings: Bool { detector?.takesVectors(from: embedder?.model) ?? false }

    /// - Throws: ``DetectError`` or ``EmbedError`` when a configured model cannot be loaded.
    /// - Parameter catalogs: where the extract stage reads each organization's catalog
    ///   (``StoredCatalogs`` with a database).
    public static func make(
        _ configuration: WainsightConfiguration,
        httpClient: HTTPClient,
        catalogs: any CatalogSource = FixedCatalog(),
        logger: Logger
    ) throws -> ConfiguredStages {
        let embedder = try ConfiguredEmbedder.make(configuration.embedding, httpClient: httpClient, logger: logger)
        let configured = ConfiguredStages(
            detector: try ConfiguredDetector.load(
                directory: configuration.modelsDirectory,
                miniLM: try ConfiguredDetector.miniLM(configuration.embedding, embedder: embedder),
                logger: logger
            ),
            embedder: embedder,
            catalogs: catalogs
        )
        if let model = configured.detector?.embeddingModel, !configured.detectReadsEmbeddings {
            logger.notice(
                "intent-minilm is not used: the configured embedder does not make its vectors",
                metadata: [
                    "detect.embedding_model": "\(model)", "embed.model": "\(configured.embedder?.model ?? "none")",
                ]
            )
        }
        return configured
    }
}
