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
/// normalized once and hashed once, and each model reads the same features.
public struct Detector: Sendable {
    public let language: LanguageModel
    public let intent: LinearModel
    public let sentiment: LinearModel

    /// The model files' names in a models folder.
    public static let modelNames = ["language", "intent", "sentiment"]

    public init(language: LanguageModel, intent: LinearModel, sentiment: LinearModel) {
        self.language = language
        self.intent = intent
        self.sentiment = sentiment
    }

    /// Loads `language.bin`, `intent.bin` and `sentiment.bin` from `directory`.
    /// - Throws: ``DetectError`` when a file is missing or unreadable.
    public init(directory: URL) throws {
        func load(_ name: String) throws -> ModelFile {
            let url = Self.modelURL(name, in: directory)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw DetectError(.modelMissing, "\(url.path) is missing: run `wainsight train \(name)`")
            }
            do {
                return try ModelFile(data: data)
            } catch {
                throw DetectError(.invalidModel, "\(url.path) cannot be read", underlying: error)
            }
        }
        self.init(
            language: try LanguageModel(file: try load("language")),
            intent: try LinearModel(file: try load("intent")),
            sentiment: try LinearModel(file: try load("sentiment"))
        )
    }

    public static func modelURL(_ name: String, in directory: URL) -> URL {
        directory.appendingPathComponent("\(name).bin")
    }

    public func detect(_ text: String) -> Detection {
        detect(features: TextFeatures(TextNormalizer.normalize(text)))
    }

    public func detect(features: TextFeatures) -> Detection {
        let (languageLabel, languageConfidence) = language.identify(features)
        let intentProbabilities = intent.probabilities(features)
        let probabilities = sentiment.probabilities(features)
        let (intentLabel, intentConfidence) = intent.classify(probabilities: intentProbabilities)
        let best = Softmax.argmax(probabilities)
        let score: Float
        if let negative = sentiment.labels.firstIndex(of: "negative"),
            let positive = sentiment.labels.firstIndex(of: "positive")
        {
            score = probabilities[positive] - probabilities[negative]
        } else {
            score = 0
        }
        return Detection(
            language: languageLabel,
            languageConfidence: languageConfidence,
            intent: intentLabel,
            intentConfidence: intentConfidence,
            sentiment: sentiment.labels[best],
            sentimentScore: Double(score)
        )
    }
}
