import Core
import Crypto
import Embed
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
/// `intent-minilm.bin` is installed, a message that comes with its MiniLM embedding gets its
/// intent from that model (n-grams and the embedding together) instead. When
/// `sentiment-minilm.bin` is installed with its tuned MiniLM layers and the detector is given
/// MiniLM, sentiment comes from that model, which reads the sentence vector of MiniLM with its top
/// layers tuned for sentiment: the detector computes that vector itself, from the text. The
/// texts are read with the data the models were trained with (``TextReader``), loaded from the
/// same folder.
public struct Detector: Sendable {
    /// How texts become features: the normalizer with its emoji table, and the sentiment lexicon.
    public let reader: TextReader
    public let language: LanguageModel
    public let intent: LinearModel
    public let sentiment: LinearModel
    /// Intent and sentiment from the n-grams and a sentence embedding; `nil` when not installed.
    public let intentWithEmbedding: LinearModel?
    public let sentimentWithEmbedding: LinearModel?
    /// MiniLM with its top layers tuned for sentiment, whose vectors `sentimentWithEmbedding`
    /// reads (when its embedding model is ``tunedSentimentEncoder``); `nil` without MiniLM.
    public let sentimentEncoder: MiniLMEmbedder?

    /// The model files' names in a models folder: these three are required.
    public static let modelNames = ["language", "intent", "sentiment"]
    /// The optional models that take an embedding beside the n-grams.
    public static let intentWithEmbeddingName = "intent-minilm"
    public static let sentimentWithEmbeddingName = "sentiment-minilm"
    /// What `sentiment-minilm` records as its embedding model, followed by `@sha256:` and the
    /// digest of the layers file it was trained with: MiniLM with its top layers tuned for
    /// sentiment, from ``tunedSentimentLayersFile`` beside it.
    public static let tunedSentimentEncoder = MiniLMEmbedder.modelName + "/sentiment"

    /// The embedding model a classifier trained on these tuned layers records.
    public static func tunedSentimentEncoder(layersSHA256: String) -> String {
        tunedSentimentEncoder + "@sha256:" + layersSHA256
    }

    /// The digest of the tuned layers a model reads, when its embedding model names them.
    public static func tunedLayersSHA256(_ embeddingModel: String?) -> String? {
        let prefix = tunedSentimentEncoder + "@sha256:"
        guard let embeddingModel, embeddingModel.hasPrefix(prefix) else { return nil }
        return String(embeddingModel.dropFirst(prefix.count))
    }
    public static let tunedSentimentLayersFile = "sentiment-minilm-layers.safetensors"

    public init(
        reader: TextReader,
        language: LanguageModel,
        intent: LinearModel,
        sentiment: LinearModel,
        intentWithEmbedding: LinearModel? = nil,
        sentimentWithEmbedding: LinearModel? = nil,
        sentimentEncoder: MiniLMEmbedder? = nil
    ) {
        self.reader = reader
        self.language = language
        self.intent = intent
        self.sentiment = sentiment
        self.intentWithEmbedding = intentWithEmbedding
        self.sentimentWithEmbedding = sentimentWithEmbedding
        self.sentimentEncoder =
            Self.tunedLayersSHA256(sentimentWithEmbedding?.embeddingModel) != nil ? sentimentEncoder : nil
    }

    /// Loads `language.bin`, `intent.bin` and `sentiment.bin` from `directory`, and
    /// `intent-minilm.bin` and `sentiment-minilm.bin` when they are there, with the data files
    /// beside them that the texts are read with (``TextReader/init(directory:)``).
    /// - Parameter miniLM: MiniLM, for a `sentiment-minilm` that reads its tuned layers
    ///   (loaded from the same folder); without it the n-gram sentiment model answers.
    /// - Throws: ``DetectError`` when a required file is missing or any file is unreadable.
    public init(directory: URL, miniLM: MiniLMEmbedder? = nil) throws {
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
        let sentimentWithEmbedding = try loadOptional(Self.sentimentWithEmbeddingName)
        var sentimentEncoder: MiniLMEmbedder?
        if let miniLM, let digest = Self.tunedLayersSHA256(sentimentWithEmbedding?.embeddingModel) {
            sentimentEncoder = try Self.tunedSentimentEncoder(miniLM, directory: directory, sha256: digest)
        }
        self.init(
            reader: try TextReader(directory: directory),
            language: try LanguageModel(file: try load("language")),
            intent: try LinearModel(file: try load("intent")),
            sentiment: try LinearModel(file: try load("sentiment")),
            intentWithEmbedding: try loadOptional(Self.intentWithEmbeddingName),
            sentimentWithEmbedding: sentimentWithEmbedding,
            sentimentEncoder: sentimentEncoder
        )
        if let intentModel = intentWithEmbedding?.embeddingModel,
            let sentimentModel = sentimentWithEmbedding?.embeddingModel, Self.tunedLayersSHA256(sentimentModel) == nil,
            intentModel != sentimentModel
        {
            throw DetectError(
                .invalidModel,
                "intent-minilm takes \(intentModel) vectors and sentiment-minilm \(sentimentModel): retrain one"
            )
        }
    }

    /// `miniLM` with the tuned layers in `directory` (``tunedSentimentLayersFile``), which must
    /// be the file the model was trained with (`sha256`).
    /// - Throws: ``DetectError`` `modelMissing` or `invalidModel`.
    public static func tunedSentimentEncoder(
        _ miniLM: MiniLMEmbedder,
        directory: URL,
        sha256: String
    ) throws -> MiniLMEmbedder {
        let url = directory.appendingPathComponent(tunedSentimentLayersFile)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw DetectError(
                .modelMissing,
                "\(url.path) is missing: sentiment-minilm reads it; run `wainsight train sentiment --embeddings`"
            )
        }
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        guard digest == sha256 else {
            throw DetectError(
                .invalidModel,
                "\(url.path) is not the file sentiment-minilm was trained with (SHA-256 \(digest), expected "
                    + "\(sha256)): copy both from one training run, or run `wainsight train sentiment --embeddings`"
            )
        }
        do {
            return try miniLM.replacingLayers(from: SafeTensors(data: data, path: url.path))
        } catch {
            throw DetectError(.invalidModel, "\(url.path) cannot be read", underlying: error)
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
    /// takes a message's embedding (the tuned sentiment model makes its own vector).
    public var embeddingModel: String? {
        intentWithEmbedding?.embeddingModel
            ?? sentimentWithEmbedding?.embeddingModel.flatMap { Self.tunedLayersSHA256($0) == nil ? $0 : nil }
    }

    /// Whether a model takes the vectors `embedder` makes: then they are worth computing.
    public func takesVectors(from embedder: String?) -> Bool {
        embedder != nil && embedder == embeddingModel
    }

    /// - Parameters:
    ///   - embedding: the text's sentence embedding (of the PII-redacted text, as the embed
    ///     stage makes it), used when `embeddingModel` is the one a model takes.
    public func detect(_ text: String, embedding: [Float]? = nil, embeddingModel: String? = nil) -> Detection {
        detect([text], embeddings: embedding.map { [$0] }, embeddingModel: embeddingModel)[0]
    }

    /// The same for several texts (`embeddings`, when given, one per text); the tuned sentiment
    /// vectors are computed as one batch.
    public func detect(_ texts: [String], embeddings: [[Float]]? = nil, embeddingModel: String? = nil) -> [Detection] {
        var sentimentVectors = [[Float]?](repeating: nil, count: texts.count)
        if let sentimentEncoder {
            // As the embed stage reads a text: trimmed, its personal identifiers redacted.
            let inputs = texts.map(PIIRedactor.embeddingInput)
            let wanted = inputs.indices.filter { !inputs[$0].isEmpty }
            for (index, vector) in zip(wanted, sentimentEncoder.embedSync(wanted.map { inputs[$0] })) {
                sentimentVectors[index] = vector
            }
        }
        return texts.indices.map { index in
            detect(
                features: reader.features(texts[index]),
                embedding: embeddings.flatMap { index < $0.count ? $0[index] : nil },
                embeddingModel: embeddingModel,
                sentimentVector: sentimentVectors[index]
            )
        }
    }

    /// The same for async callers: with the tuned sentiment encoder (milliseconds of BLAS a
    /// text) it runs on a Dispatch thread of `lane` (`offThePool`, in Core); without it, inline
    /// (microseconds).
    public func detectOffThePool(
        _ texts: [String],
        embeddings: [[Float]]? = nil,
        embeddingModel: String? = nil,
        lane: WorkLane = .interactive
    ) async -> [Detection] {
        guard sentimentEncoder != nil else {
            return detect(texts, embeddings: embeddings, embeddingModel: embeddingModel)
        }
        return await offThePool(lane) { detect(texts, embeddings: embeddings, embeddingModel: embeddingModel) }
    }

    /// - Parameter sentimentVector: the text's vector from ``sentimentEncoder``.
    public func detect(
        features: TextFeatures,
        embedding: [Float]? = nil,
        embeddingModel: String? = nil,
        sentimentVector: [Float]? = nil
    ) -> Detection {
        let (languageLabel, languageConfidence) = language.identify(features)
        let (intentModel, intentEmbedding) = Self.choose(intent, intentWithEmbedding, embedding, embeddingModel)
        let (intentLabel, intentConfidence) = intentModel.classify(features, embedding: intentEmbedding)
        let (sentimentModel, sentimentEmbedding) =
            sentimentVector != nil
            ? Self.choose(sentiment, sentimentWithEmbedding, sentimentVector, sentimentWithEmbedding?.embeddingModel)
            : Self.choose(sentiment, sentimentWithEmbedding, embedding, embeddingModel)
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

/// A summary, not the weights: a reflected dump of the tables is megabytes, and whatever prints a
/// value holding a detector (a log line, a service's description) would print them.
extension Detector: CustomStringConvertible {
    public var description: String {
        let optional = [
            intentWithEmbedding.map { _ in Self.intentWithEmbeddingName },
            sentimentWithEmbedding.map { _ in Self.sentimentWithEmbeddingName },
        ].compactMap { $0 }
        return "Detector(languages: \(language.labels.count), intents: \(intent.labels.count), "
            + "sentiments: \(sentiment.labels.count), with embeddings: \(optional), "
            + "tuned sentiment encoder: \(sentimentEncoder != nil))"
    }
}
