import Foundation
import Normalize

/// What the local classifiers say of one text; the same answers the pipeline stores.
public struct Detection: Sendable, Equatable, Codable {
    /// ISO 639-1 code, or `unknown` when the text is too short or too mixed to say.
    public var language: String
    public var languageConfidence: Double
    /// One of the sales intents; `other` when unsure.
    public var intent: String
    public var intentConfidence: Double
    /// `negative`, `neutral` or `positive`.
    public var sentiment: String
    /// P(positive) − P(negative), from −1 to 1.
    public var sentimentScore: Double

    enum CodingKeys: String, CodingKey {
        case language
        case languageConfidence = "language_confidence"
        case intent
        case intentConfidence = "intent_confidence"
        case sentiment
        case sentimentScore = "sentiment_score"
    }
}

/// Language, intent and sentiment of a text from the three local models: the text is
/// normalized once and hashed once, and each model reads the same features. When
/// `intent-minilm.bin` or `sentiment-minilm.bin` is installed, a message that comes with its
/// MiniLM embedding gets its intent or sentiment from that model (n-grams and the embedding
/// together) instead.
public struct Detector: Sendable {
    public let language: LanguageModel
    public let intent: LinearModel
    public let sentiment: LinearModel
    /// Intent and sentiment from the n-grams and a sentence embedding; `nil` when not installed.
    public let intentWithEmbedding: LinearModel?
    public let sentimentWithEmbedding: LinearModel?

    /// The model files' names in a models folder: these three are required.
    public static let modelNames = ["language", "intent", "sentiment"]
    /// The optional models that take an embedding beside the n-grams.
    public static let intentWithEmbeddingName = "intent-minilm"
    public static let sentimentWithEmbeddingName = "sentiment-minilm"

    public init(
        language: LanguageModel,
        intent: LinearModel,
        sentiment: LinearModel,
        intentWithEmbedding: LinearModel? = nil,
        sentimentWithEmbedding: LinearModel? = nil
    ) {
        self.language = language
        self.intent = intent
        self.sentiment = sentiment
        self.intentWithEmbedding = intentWithEmbedding
        self.sentimentWithEmbedding = sentimentWithEmbedding
    }

    /// Loads `language.bin`, `intent.bin` and `sentiment.bin` from `directory`, and
    /// `intent-minilm.bin` and `sentiment-minilm.bin` when they are there.
    /// - Throws: ``DetectError`` when a required file is missing or any file is unreadable.
    public init(directory: URL) throws {
        func load(_ name: String) throws -> ModelFile { try Self.modelFile(name, in: directory) }
        func loadOptional(_ name: String) throws -> LinearModel? {
            let url = Self.modelURL(name, in: directory)
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
            let model = try LinearModel(file: try load(name))
            guard model.embeddingModel != nil else {
                throw DetectError(.invalidModel, "\(url.path) has no embedding input")
            }
            return model
        }
        self.init(
            language: try LanguageModel(file: try load("language")),
            intent: try LinearModel(file: try load("intent")),
            sentiment: try LinearModel(file: try load("sentiment")),
            intentWithEmbedding: try loadOptional(Self.intentWithEmbeddingName),
            sentimentWithEmbedding: try loadOptional(Self.sentimentWithEmbeddingName)
        )
        if let intentModel = intentWithEmbedding?.embeddingModel,
            let sentimentModel = sentimentWithEmbedding?.embeddingModel, intentModel != sentimentModel
        {
            throw DetectError(
                .invalidModel,
                "intent-minilm takes \(intentModel) vectors and sentiment-minilm \(sentimentModel): retrain one"
            )
        }
    }

    /// The model to ask and the embedding to give it: `joined` with the embedding when it takes
    /// that embedder's vectors, otherwise the n-gram model with none.
    static func choose(
        _ ngrams: LinearModel,
        _ joined: LinearModel?,
        _ embedding: [Float]?,
        _ embeddingModel: String?
    ) -> (model: LinearModel, embedding: [Float]?) {
        guard let joined, joined.takes(embedding, from: embeddingModel) else { return (ngrams, nil) }
        return (joined, embedding)
    }

    public static func modelURL(_ name: String, in directory: URL) -> URL {
        directory.appendingPathComponent("\(name).bin")
    }

    /// Reads `<name>.bin` from `directory`.
    /// - Throws: ``DetectError``: `modelMissing` (naming the command that makes the file) or
    ///   `invalidModel`.
    public static func modelFile(_ name: String, in directory: URL) throws -> ModelFile {
        let url = modelURL(name, in: directory)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            let command =
                name.hasSuffix("-minilm")
                ? "wainsight train \(name.dropLast("-minilm".count)) --embeddings" : "wainsight train \(name)"
            throw DetectError(.modelMissing, "\(url.path) is missing: run `\(command)`")
        }
        do {
            return try ModelFile(data: data)
        } catch {
            throw DetectError(.invalidModel, "\(url.path) cannot be read", underlying: error)
        }
    }

    /// The embedder whose vectors make a better answer (`all-MiniLM-L6-v2`), if any model
    /// takes one.
    public var embeddingModel: String? { intentWithEmbedding?.embeddingModel ?? sentimentWithEmbedding?.embeddingModel }

    /// Whether a model takes the vectors `embedder` makes: then they are worth computing.
    public func takesVectors(from embedder: String?) -> Bool {
        embedder != nil && embedder == embeddingModel
    }

    /// - Parameters:
    ///   - embedding: the text's sentence embedding (of the PII-redacted text, as the embed
    ///     stage makes it), used when `embeddingModel` is the one a model takes.
    public func detect(_ text: String, embedding: [Float]? = nil, embeddingModel: String? = nil) -> Detection {
        detect(
            features: TextFeatures(TextNormalizer.normalize(text)),
            embedding: embedding,
            embeddingModel: embeddingModel
        )
    }

    public func detect(features: TextFeatures, embedding: [Float]? = nil, embeddingModel: String? = nil) -> Detection {
        let (languageLabel, languageConfidence) = language.identify(features)
        let (intentModel, intentEmbedding) = Self.choose(intent, intentWithEmbedding, embedding, embeddingModel)
        let (intentLabel, intentConfidence) = intentModel.classify(features, embedding: intentEmbedding)
        let (sentimentModel, sentimentEmbedding) = Self.choose(
            sentiment,
            sentimentWithEmbedding,
            embedding,
            embeddingModel
        )
        let probabilities = sentimentModel.probabilities(features, embedding: sentimentEmbedding)
        let labels = sentimentModel.labels
        let best = Softmax.argmax(probabilities)
        let score: Float
        if let negative = labels.firstIndex(of: "negative"), let positive = labels.firstIndex(of: "positive") {
            score = probabilities[positive] - probabilities[negative]
        } else {
            score = 0
        }
        return Detection(
            language: languageLabel,
            languageConfidence: languageConfidence,
            intent: intentLabel,
            intentConfidence: intentConfidence,
            sentiment: labels[best],
            sentimentScore: Double(score)
        )
    }
}
