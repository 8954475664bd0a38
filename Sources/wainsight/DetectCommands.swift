import ArgumentParser
import AsyncHTTPClient
import CBLAS
import Core
import Detect
import Embed
import Foundation
import Logging
import ModelTraining
import Normalize
import Outbound
import Pipeline

/// Which local model a command is about.
enum ModelName: String, ExpressibleByArgument, CaseIterable {
    case language, intent, sentiment
}

/// Where the training and evaluation data are.
struct DataOptions: ParsableArguments {
    @Option(help: "The shared NLP data folder (langid, intent, tweeteval).") var shared = "../shared/nlp"
    @Option(help: "The project's data folder (data/intent).") var data = "data"
    @Option(help: "Where models are read and written (default: WAINSIGHT_MODELS_DIR or models).")
    var models: String?

    var corpora: Corpora {
        Corpora(shared: URL(fileURLWithPath: shared), data: URL(fileURLWithPath: data))
    }

    var modelsDirectory: URL {
        get throws { try DetectCommand.modelsDirectory(models) }
    }
}

/// `wainsight train language|intent|sentiment`: trains from the committed data and writes
/// models/<name>.bin with its manifest models/<name>.json.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a local model from the committed data; write models/NAME.bin and models/NAME.json.",
        discussion: "Deterministic: the same data gives the same bytes (fixed seed, one thread per model)."
    )
    @Argument(help: "language, intent or sentiment.") var name: ModelName
    @OptionGroup var data: DataOptions
    @Flag(
        help: """
            intent, sentiment: train intent-minilm or sentiment-minilm, which take the MiniLM \
            sentence embedding beside the hashed features.
            """
    )
    var embeddings = false

    func run() throws {
        let started = ContinuousClock.now
        let directory = try data.modelsDirectory
        // The models learn from texts read with the data of the folder they are written to.
        let training = Training(corpora: data.corpora, reader: try TextReader(directory: directory)) { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        let trained: TrainedModel
        switch name {
        case .language: trained = try training.language()
        case .intent: trained = try training.intent(embedder: embeddings ? try EvalCommand.miniLM() : nil)
        case .sentiment: trained = try training.sentiment(miniLM: embeddings ? try EvalCommand.miniLMEmbedder() : nil)
        }
        try trained.write(to: directory)
        let seconds = Double((ContinuousClock.now - started).components.seconds)
        print("wrote \(Detector.modelURL(trained.name, in: directory).path) in \(Int(seconds)) s")
        print(String(decoding: try trained.manifest.encoded(), as: UTF8.self), terminator: "")
    }
}

/// What `wainsight eval` evaluates: a detect model, the extractors, BANT, or the local summarizer.
enum EvalName: String, ExpressibleByArgument, CaseIterable {
    case language, intent, sentiment, extract, bant, summary, assist
}

/// `wainsight eval language|intent|sentiment|extract|bant`: the report beside the baselines.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a local model (per-class precision/recall/F1, confusion), the extractors on Duckling's "
            + "corpora, BANT on data/bant, or the local summarizer on DialogSum; baselines side by side."
    )
    @Argument(help: "language, intent, sentiment, extract, bant, summary or assist.") var name: EvalName
    @OptionGroup var data: DataOptions
    @Flag(
        help: """
            intent: also report intent-minilm, and Banking77 with MiniLM sentence embeddings \
            beside the hashed features; sentiment: also report sentiment-minilm.
            """
    )
    var embeddings = false
    @Flag(help: "bant: list every thread whose level is wrong, with what the scorer saw.") var mistakes = false

    func run() throws {
        switch name {
        case .extract: return try ExtractEvalCommand.run(corpus: URL(fileURLWithPath: data.shared + "/extract"))
        case .bant:
            return try ExtractEvalCommand.runBANT(
                data: URL(fileURLWithPath: data.data + "/bant"),
                models: try data.modelsDirectory,
                mistakes: mistakes
            )
        case .summary:
            return try SummaryEvalCommand.run(file: URL(fileURLWithPath: data.shared + "/summary/dialogsum.dev.jsonl"))
        case .assist:
            return try SummaryEvalCommand.runAssist(
                data: URL(fileURLWithPath: data.data + "/assist"),
                models: try data.modelsDirectory,
                mistakes: mistakes
            )
        default: break
        }
        let directory = try data.modelsDirectory
        func load(_ name: String) throws -> ModelFile { try Detector.modelFile(name, in: directory) }
        let file = try load(name.rawValue)
        let reader = try TextReader(directory: directory)
        switch name {
        case .extract, .bant, .summary, .assist:
            return
        case .language:
            print(try Evaluation.languageReport(try LanguageModel(file: file), corpora: data.corpora, reader: reader))
        case .intent:
            var joined: (model: LinearModel, embedder: TextEmbedder)?
            if embeddings {
                joined = (try LinearModel(file: try load(Detector.intentWithEmbeddingName)), try Self.miniLM())
            }
            print(
                try Evaluation.intentReport(
                    try LinearModel(file: file),
                    corpora: data.corpora,
                    reader: reader,
                    joined: joined
                )
            )
        case .sentiment:
            var joined: (model: LinearModel, embedder: TextEmbedder)?
            if embeddings {
                let model = try LinearModel(file: try load(Detector.sentimentWithEmbeddingName))
                let miniLM = try Self.miniLMEmbedder()
                var embedder = TextEmbedder(model: MiniLMEmbedder.modelName) { miniLM.embedSync($0) }
                if let name = model.embeddingModel, let digest = Detector.tunedLayersSHA256(name) {
                    let tuned = try Detector.tunedSentimentEncoder(miniLM, directory: directory, sha256: digest)
                    embedder = TextEmbedder(model: name) { tuned.embedSync($0) }
                }
                joined = (model, embedder)
            }
            print(
                try Evaluation.sentimentReport(
                    try LinearModel(file: file),
                    corpora: data.corpora,
                    reader: reader,
                    joined: joined
                )
            )
        }
    }

    /// The configured MiniLM (`WAINSIGHT_MINILM_DIR`), batched on both cores.
    static func miniLM() throws -> TextEmbedder {
        let embedder = try miniLMEmbedder()
        return TextEmbedder(model: MiniLMEmbedder.modelName) { embedder.embedSync($0) }
    }

    /// The same, as the embedder itself (one BLAS thread per worker).
    static func miniLMEmbedder() throws -> MiniLMEmbedder {
        let directory = URL(
            fileURLWithPath: try WainsightConfiguration(environment: ProcessInfo.processInfo.environment)
                .embedding.miniLMDirectory
        )
        openblas_set_num_threads(1)
        return try MiniLMEmbedder(directory: directory, batchSize: 64, workers: 2)
    }
}

/// `wainsight detect`: text lines on standard input, one JSON object per line out.
struct DetectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Language, intent and sentiment of each text line on standard input, as JSON lines.",
        discussion: "The same answers the pipeline stores: {language, language_confidence, intent, "
            + "intent_confidence, sentiment, sentiment_score}."
    )
    @Option(help: "Where the models are (default: WAINSIGHT_MODELS_DIR or models).") var models: String?

    func run() async throws {
        try await HTTPClientService.withClient(maxConnectionsPerHost: 2) { http in
            try await detectLines(http: http)
        }
    }

    /// As in the pipeline: the configured embedder embeds each text when a model takes its
    /// vectors.
    private func detectLines(http: HTTPClient) async throws {
        let configuration = try WainsightConfiguration(environment: ProcessInfo.processInfo.environment)
        let logger = Logger(label: "wainsight.detect")
        // A remote embedder is made only when a model takes its vectors (below), so detect runs
        // without its settings otherwise.
        var embedder =
            configuration.embedding.mode == .remote
            ? nil : try ConfiguredEmbedder.make(configuration.embedding, httpClient: http, logger: logger)
        guard
            let detector = try ConfiguredDetector.load(
                directory: try Self.modelsDirectory(models).path,
                miniLM: try ConfiguredDetector.miniLM(configuration.embedding, embedder: embedder),
                logger: logger
            )
        else {
            throw DetectError(
                .modelMissing,
                "no models in \(try Self.modelsDirectory(models).path): run `wainsight train`"
            )
        }
        if embedder == nil, detector.embeddingModel != nil {
            embedder = try ConfiguredEmbedder.make(configuration.embedding, httpClient: http, logger: logger)
        }
        if !detector.takesVectors(from: embedder?.model) { embedder = nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        while let line = readLine(strippingNewline: true) {
            var embedding: [Float]?
            let input = PIIRedactor.embeddingInput(line)
            if let embedder, !input.isEmpty { embedding = try await embedder.embedder.embed([input]).first }
            let detection = detector.detect(line, embedding: embedding, embeddingModel: embedder?.model)
            print(String(decoding: try encoder.encode(detection), as: UTF8.self))
        }
    }

    /// `--models`, else the configuration's folder (`WAINSIGHT_MODELS_DIR`, default models).
    static func modelsDirectory(_ option: String?) throws -> URL {
        if let option { return URL(fileURLWithPath: option) }
        return URL(
            fileURLWithPath: try WainsightConfiguration(environment: ProcessInfo.processInfo.environment)
                .modelsDirectory
        )
    }
}
