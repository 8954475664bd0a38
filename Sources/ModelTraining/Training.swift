import Crypto
import Detect
import Dispatch
import Embed
import Foundation
import Normalize

/// What a trained model was made from and how it scored: written beside the model as
/// `models/<name>.json` (sorted keys, no timestamps, so retraining gives the same bytes).
public struct ModelManifest: Codable, Sendable, Equatable {
    public struct DataFile: Codable, Sendable, Equatable {
        public var path: String
        public var sha256: String
        public var bytes: Int
    }

    public var name: String
    public var kind: String
    public var labels: [String]
    public var hyperParameters: [String: Double]
    public var data: [DataFile]
    public var metrics: [String: Double]
    public var modelSHA256: String
    public var modelBytes: Int
    /// Files the model needs beside its own (sentiment-minilm's tuned MiniLM layers).
    public var companions: [DataFile]?

    enum CodingKeys: String, CodingKey {
        case name, kind, labels, data, metrics, companions
        case hyperParameters = "hyper_parameters"
        case modelSHA256 = "model_sha256"
        case modelBytes = "model_bytes"
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }
}

/// A model ready to be written: its file, the files it needs beside it, and its manifest.
public struct TrainedModel: Sendable {
    public var name: String
    public var file: ModelFile
    /// File name → bytes, written into the same folder.
    public var companions: [String: Data] = [:]
    public var manifest: ModelManifest

    /// Writes `<name>.bin`, its companions and `<name>.json` into `directory`.
    public func write(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try file.encoded().write(to: Detector.modelURL(name, in: directory))
        for (fileName, bytes) in companions {
            try bytes.write(to: directory.appendingPathComponent(fileName))
        }
        try manifest.encoded().write(to: directory.appendingPathComponent("\(name).json"))
    }
}

/// A sentence embedder for a model's dense input: the name its vectors are recorded under
/// and a function that embeds texts given as the pipeline's embed stage gives them
/// (``Normalize/PIIRedactor/embeddingInput(_:)``).
public struct TextEmbedder: Sendable {
    public var model: String
    public var embedRedacted: @Sendable ([String]) -> [[Float]]

    public init(model: String, embedRedacted: @escaping @Sendable ([String]) -> [[Float]]) {
        self.model = model
        self.embedRedacted = embedRedacted
    }

    /// Embeds each text as the pipeline does: trimmed, its personal identifiers redacted.
    public func embed(_ texts: [String]) -> [[Float]] {
        embedRedacted(texts.map(PIIRedactor.embeddingInput))
    }
}

/// Trains the three models from the committed data, the same way every time.
public struct Training: Sendable {
    public var corpora: Corpora
    /// How texts become features: the data files of the models folder the models go to
    /// (``Detect/TextReader/init(directory:)``), so that they are served with what they learned.
    public var reader: TextReader
    /// Progress lines (the CLI prints them to standard error).
    public var progress: @Sendable (String) -> Void

    public init(corpora: Corpora, reader: TextReader, progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.corpora = corpora
        self.reader = reader
        self.progress = progress
    }

    /// Normalized, hashed features of each text (computed on every core; order kept).
    public static func features(_ texts: [String], reader: TextReader) -> [TextFeatures] {
        let chunk = 512
        let chunks = (texts.count + chunk - 1) / chunk
        let results = FeatureSlots(count: texts.count)
        DispatchQueue.concurrentPerform(iterations: chunks) { index in
            for position in (index * chunk)..<min(texts.count, (index + 1) * chunk) {
                results.set(position, reader.features(texts[position]))
            }
        }
        return results.values
    }

    static func examples(
        _ texts: [LabelledText],
        labels: [String],
        reader: TextReader
    ) throws -> [(TextFeatures, Int)] {
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        let features = features(texts.map(\.text), reader: reader)
        return try zip(features, texts).map { features, text in
            guard let label = index[text.label] else {
                throw DetectError(.invalidData, "label '\(text.label)' is not one of \(labels)")
            }
            return (features, label)
        }
    }

    // MARK: Language

    public func language(trainer: LanguageModelTrainer = LanguageModelTrainer()) throws -> TrainedModel {
        let labels = Corpora.languages
        let lines = try corpora.languageTraining()
        let model = trainer.train(
            labels: labels,
            examples: try Self.examples(lines, labels: labels, reader: reader),
            words: lines.map { TextFeatures.letterWordTexts(reader.normalizer.normalize($0.text)) },
            progress: progress
        )
        var metrics: [String: Double] = [:]
        for kind in ["sentences", "single-words", "word-pairs"] {
            let scores = Evaluation.language(model, on: try corpora.languageTest(kind), reader: reader)
            metrics["\(kind)_mean_accuracy"] = Evaluation.rounded(scores.report.macroRecall)
            metrics["\(kind)_calibration_error"] = Evaluation.rounded(scores.calibrationError)
        }
        var parameters = trainer.hyperParameters
        parameters["classifier_weight"] = Double(model.classifierWeight)
        parameters["sharpness"] = Double(model.sharpness)
        return try package(
            name: "language",
            file: model.file,
            hyperParameters: parameters,
            data: corpora.languageTrainingFiles(),
            metrics: metrics
        )
    }

    // MARK: Intent

    /// The softmax temperature and the fallback threshold are chosen on every 10th training
    /// message (a draft model trained on the others); the final model learns from all of them.
    /// - Parameter embedder: when given, the model (`intent-minilm`) takes each message's
    ///   embedding as a dense input beside the hashed features.
    public func intent(trainer: LinearTrainer = Training.intentTrainer, embedder: TextEmbedder? = nil) throws
        -> TrainedModel
    {
        let labels = Corpora.intents
        let trainTexts = try corpora.intents("train")
        let testTexts = try corpora.intents("test")
        let examples = try Self.examples(trainTexts, labels: labels, reader: reader)
        let trainVectors = embedder?.embed(trainTexts.map(\.text))
        let testVectors = embedder?.embed(testTexts.map(\.text))
        var model = Self.trainWithFallback(
            trainer: trainer,
            labels: labels,
            examples: examples,
            embeddings: trainVectors,
            fallback: "other"
        )
        model.embeddingModel = embedder?.model
        let report = Evaluation.classify(model, on: testTexts, embeddings: testVectors, reader: reader)
        var parameters = trainer.hyperParameters
        parameters["minimum_confidence"] = Double(model.minimumConfidence)
        parameters["temperature"] = Double(model.temperature)
        var metrics = [
            "test_accuracy": Evaluation.rounded(report.accuracy),
            "test_macro_f1": Evaluation.rounded(report.macroF1),
            "test_calibration_error": Evaluation.rounded(
                Evaluation.calibrationError(model, on: testTexts, embeddings: testVectors, reader: reader)
            ),
        ]
        if let dimensions = model.embeddingDimensions {
            parameters["embedding_dimensions"] = Double(dimensions)
            parameters["embedding_dropout_every"] = Double(trainer.embeddingDropoutEvery)
            // What a message scores when the pipeline has no embedding for it.
            metrics["test_accuracy_without_embedding"] = Evaluation.rounded(
                Evaluation.classify(model, on: testTexts, reader: reader).accuracy
            )
        }
        return try package(
            name: embedder == nil ? "intent" : Detector.intentWithEmbeddingName,
            file: model.file,
            hyperParameters: parameters,
            data: corpora.intentFiles("train"),
            metrics: metrics
        )
    }

    public static let intentTrainer: LinearTrainer = {
        var trainer = LinearTrainer()
        trainer.buckets = 1 << 18
        trainer.epochs = 12
        trainer.learningRate = 0.3
        return trainer
    }()

    static func trainWithFallback(
        trainer: LinearTrainer,
        labels: [String],
        examples: [(TextFeatures, Int)],
        embeddings: [[Float]]? = nil,
        fallback: String
    ) -> LinearModel {
        let heldOut = examples.indices.filter { $0 % 10 == 9 }
        let counted = examples.indices.filter { $0 % 10 != 9 }
        let draft = trainer.train(
            labels: labels,
            examples: counted.map { examples[$0] },
            embeddings: embeddings.map { vectors in counted.map { vectors[$0] } }
        )
        let heldOutVectors = embeddings.map { vectors in heldOut.map { vectors[$0] } }
        let temperature = Self.fitTemperature(draft, on: heldOut.map { examples[$0] }, embeddings: heldOutVectors)
        var calibrated = draft
        calibrated.temperature = temperature
        let fallbackIndex = labels.firstIndex(of: fallback) ?? 0
        let scored = heldOut.enumerated().map { position, index in
            (calibrated.probabilities(examples[index].0, embedding: heldOutVectors?[position]), examples[index].1)
        }
        let threshold = Self.bestThreshold(scored, fallback: fallbackIndex, balanced: false)
        var model = trainer.train(labels: labels, examples: examples, embeddings: embeddings)
        model.temperature = temperature
        model.minimumConfidence = threshold
        model.fallbackLabel = fallback
        return model
    }

    /// The confidence (0 to 0.9 by 0.05) under which answering `fallback` does best on
    /// `scored` (probabilities and gold label index): by accuracy, or with `balanced` by the
    /// mean of the accuracy on the other examples and the recall of the fallback, so that a few
    /// fallback examples count as much as the many others. Ties keep the lower threshold.
    static func bestThreshold(_ scored: [([Float], Int)], fallback: Int, balanced: Bool) -> Float {
        let outside = scored.filter { $0.1 == fallback }.count
        let inside = scored.count - outside
        var best: (score: Double, threshold: Float) = (-1, 0)
        for step in 0...18 {
            let threshold = Float(step) * 0.05
            var correctInside = 0
            var correctOutside = 0
            for (probabilities, label) in scored {
                let top = Softmax.argmax(probabilities)
                guard (probabilities[top] < threshold ? fallback : top) == label else { continue }
                if label == fallback { correctOutside += 1 } else { correctInside += 1 }
            }
            let score =
                balanced
                ? (Double(correctInside) / Double(max(1, inside)) + Double(correctOutside) / Double(max(1, outside)))
                    / 2
                : Double(correctInside + correctOutside)
            if score > best.score { best = (score, threshold) }
        }
        return best.threshold
    }

    /// The softmax temperature (0.2 to 4 by 0.1) with the lowest log-loss on `examples`, so
    /// that a confidence of 0.8 is right about 80% of the time.
    static func fitTemperature(
        _ model: LinearModel,
        on examples: [(TextFeatures, Int)],
        embeddings: [[Float]]? = nil
    ) -> Float {
        let logits = examples.indices.map { (model.logits(examples[$0].0, embedding: embeddings?[$0]), examples[$0].1) }
        var best: (loss: Double, temperature: Float) = (.infinity, 1)
        for step in 2...40 {
            let temperature = Float(step) * 0.1
            var loss = 0.0
            for (values, label) in logits {
                let probabilities = Softmax.probabilities(values.map { $0 / temperature })
                loss -= log(Double(max(probabilities[label], 1e-9)))
            }
            if loss < best.loss { best = (loss, temperature) }
        }
        return best.temperature
    }

    // MARK: Sentiment

    /// Settings tried on TweetEval's validation split (the test split only reports). Every
    /// setting reads the lexicon cues; with or without character n-grams is part of the grid.
    public static let sentimentGrid: [LinearTrainer] = {
        var grid: [LinearTrainer] = []
        for grams in [true, false] {
            for idf in [false, true] {
                for epochs in [3, 6] {
                    for learningRate: Float in [0.05, 0.15] {
                        var trainer = LinearTrainer()
                        trainer.buckets = 1 << 18
                        trainer.epochs = epochs
                        trainer.learningRate = learningRate
                        trainer.balanced = true
                        trainer.inverseDocumentFrequency = idf
                        trainer.families = FeatureFamilies(grams: grams, cues: true)
                        grid.append(trainer)
                    }
                }
            }
        }
        return grid
    }()

    /// How MiniLM's top layers are tuned for `sentiment-minilm`: the top two, for two epochs,
    /// keeping the epoch whose head scores best on TweetEval's validation split.
    public static let sentimentTuner: TopLayerTuner = {
        var tuner = TopLayerTuner()
        tuner.layers = 2
        tuner.epochs = 2
        return tuner
    }()

    /// - Parameter miniLM: when given, MiniLM's top layers are first tuned for sentiment on the
    ///   train split (``sentimentTuner``), and the model (`sentiment-minilm`) reads the tuned
    ///   encoder's sentence vector beside the hashed features; the tuned layers are written
    ///   beside it (``Detector/tunedSentimentLayersFile``).
    public func sentiment(
        grid: [LinearTrainer] = Training.sentimentGrid,
        miniLM: MiniLMEmbedder? = nil,
        tuner: TopLayerTuner = Training.sentimentTuner
    ) throws -> TrainedModel {
        let labels = Corpora.sentiments
        let trainTexts = try corpora.tweetEval("train")
        let train = try Self.examples(trainTexts, labels: labels, reader: reader)
        let validation = try corpora.tweetEval("val")
        let testTexts = try corpora.tweetEval("test")
        var trainVectors: [[Float]]?
        var validationVectors: [[Float]]?
        var testVectors: [[Float]]?
        var tuned: TunedSentimentLayers?
        if let miniLM {
            let layers = try tuneSentimentLayers(miniLM, tuner: tuner, train: trainTexts, validation: validation)
            trainVectors = layers.trainVectors
            validationVectors = layers.validationVectors
            let started = ContinuousClock.now
            testVectors = layers.embedder.embedSync(testTexts.map { PIIRedactor.embeddingInput($0.text) })
            progress(
                "sentiment: embedded the test split (\(testTexts.count) tweets) with the tuned layers in "
                    + "\((ContinuousClock.now - started).components.seconds) s"
            )
            tuned = layers
        }
        var best: (recall: Double, trainer: LinearTrainer, model: LinearModel)?
        for trainer in grid {
            var model = trainer.train(labels: labels, examples: train, embeddings: trainVectors)
            model.embeddingModel = tuned.map { Detector.tunedSentimentEncoder(layersSHA256: Self.sha256($0.file)) }
            let recall = Evaluation.classify(model, on: validation, embeddings: validationVectors, reader: reader)
                .macroRecall
            progress(
                "sentiment: epochs \(trainer.epochs), learning rate \(trainer.learningRate), "
                    + "idf \(trainer.inverseDocumentFrequency ? "on" : "off"), "
                    + "character n-grams \(trainer.families.grams ? "on" : "off") → validation macro recall "
                    + String(format: "%.2f%%", recall * 100)
            )
            if best == nil || recall > best!.recall { best = (recall, trainer, model) }
        }
        guard var best else { throw DetectError(.invalidData, "the sentiment grid is empty") }
        best.model.temperature = Self.fitTemperature(
            best.model,
            on: try Self.examples(validation, labels: labels, reader: reader),
            embeddings: validationVectors
        )
        let test = Evaluation.classify(best.model, on: testTexts, embeddings: testVectors, reader: reader)
        var metrics = [
            "val_macro_recall": Evaluation.rounded(best.recall),
            "test_macro_recall": Evaluation.rounded(test.macroRecall),
            "test_accuracy": Evaluation.rounded(test.accuracy),
        ]
        if testVectors != nil {
            // What a message scores when the pipeline has no embedding for it.
            let alone = Evaluation.classify(best.model, on: testTexts, reader: reader)
            metrics["test_macro_recall_without_embedding"] = Evaluation.rounded(alone.macroRecall)
        }
        var parameters = best.trainer.hyperParameters
        parameters["temperature"] = Double(best.model.temperature)
        if let dimensions = best.model.embeddingDimensions {
            parameters["embedding_dimensions"] = Double(dimensions)
            parameters["embedding_dropout_every"] = Double(best.trainer.embeddingDropoutEvery)
        }
        guard let tuned else {
            return try package(
                name: "sentiment",
                file: best.model.file,
                hyperParameters: parameters,
                data: corpora.tweetEvalFiles("train") + corpora.tweetEvalFiles("val"),
                metrics: metrics
            )
        }
        parameters.merge(tuner.hyperParameters) { $1 }
        parameters["tuning_epoch_kept"] = Double(tuned.epoch)
        metrics["val_macro_recall_tuning_head"] = Evaluation.rounded(tuned.headValidationMacroRecall)
        var model = try package(
            name: Detector.sentimentWithEmbeddingName,
            file: best.model.file,
            hyperParameters: parameters,
            data: corpora.tweetEvalFiles("train") + corpora.tweetEvalFiles("val"),
            metrics: metrics
        )
        model.companions = [Detector.tunedSentimentLayersFile: tuned.file]
        model.manifest.companions = [
            ModelManifest.DataFile(
                path: Detector.tunedSentimentLayersFile,
                sha256: Self.sha256(tuned.file),
                bytes: tuned.file.count
            )
        ]
        return model
    }

    /// MiniLM with its top layers tuned for sentiment, as stored (8-bit changes) and as it reads the
    /// train and validation splits.
    struct TunedSentimentLayers {
        var embedder: MiniLMEmbedder
        /// The `.safetensors` bytes of the tuned layers.
        var file: Data
        /// The epoch kept (from 1), and its head's macro recall on validation.
        var epoch: Int
        var headValidationMacroRecall: Double
        var trainVectors: [[Float]]
        var validationVectors: [[Float]]
    }

    /// Tunes MiniLM's top layers on the train split (the texts as the embed stage gives them)
    /// and keeps the epoch whose head does best on the validation split.
    func tuneSentimentLayers(
        _ miniLM: MiniLMEmbedder,
        tuner: TopLayerTuner,
        train: [LabelledText],
        validation: [LabelledText]
    ) throws -> TunedSentimentLayers {
        let index = Dictionary(uniqueKeysWithValues: Corpora.sentiments.enumerated().map { ($1, $0) })
        let below = MiniLMEncoder.layerCount - tuner.layers
        func examples(_ texts: [LabelledText], _ split: String) throws -> TopLayerTuner.Examples {
            let started = ContinuousClock.now
            let labels = try texts.map { text in
                guard let label = index[text.label] else {
                    throw DetectError(.invalidData, "label '\(text.label)' is not a sentiment")
                }
                return label
            }
            let states = miniLM.tokenStates(texts.map { PIIRedactor.embeddingInput($0.text) }, through: below)
            progress(
                "sentiment: the \(split) split (\(texts.count) tweets) through MiniLM's first \(below) layers in "
                    + "\((ContinuousClock.now - started).components.seconds) s"
            )
            return TopLayerTuner.Examples(states: states, labels: labels)
        }
        let trainExamples = try examples(train, "train")
        let validationExamples = try examples(validation, "val")
        let started = ContinuousClock.now
        let epochs = tuner.tune(
            encoder: miniLM.encoder,
            classes: Corpora.sentiments.count,
            train: trainExamples,
            validation: validationExamples,
            progress: progress
        )
        progress("sentiment: tuned in \((ContinuousClock.now - started).components.seconds) s")
        guard var kept = epochs.indices.first else { throw DetectError(.invalidData, "tuning ran no epoch") }
        for epoch in epochs.indices where epochs[epoch].validationMacroRecall > epochs[kept].validationMacroRecall {
            kept = epoch
        }
        // What is served is the file (8-bit changes), so the vectors are computed from it.
        let file = SafeTensors.encoded(miniLM.encoder.layerDeltas(epochs[kept].layers))
        let embedder = try miniLM.replacingLayers(from: SafeTensors(data: file))
        let layers = embedder.encoder.topLayers(tuner.layers)
        return TunedSentimentLayers(
            embedder: embedder,
            file: file,
            epoch: kept + 1,
            headValidationMacroRecall: epochs[kept].validationMacroRecall,
            trainVectors: TopLayerTuner.vectors(layers, of: trainExamples),
            validationVectors: TopLayerTuner.vectors(layers, of: validationExamples)
        )
    }

    // MARK: Packaging

    func package(
        name: String,
        file: ModelFile,
        hyperParameters: [String: Double],
        data: [URL],
        metrics: [String: Double]
    ) throws -> TrainedModel {
        let bytes = try file.encoded()
        let files = try data.map { url in
            guard let contents = FileManager.default.contents(atPath: url.path) else {
                throw DetectError(.invalidData, "\(url.path) is missing")
            }
            return ModelManifest.DataFile(
                path: Self.displayPath(url),
                sha256: Self.sha256(contents),
                bytes: contents.count
            )
        }
        return TrainedModel(
            name: name,
            file: file,
            manifest: ModelManifest(
                name: name,
                kind: file.header.kind,
                labels: file.header.labels,
                hyperParameters: hyperParameters,
                data: files,
                metrics: metrics,
                modelSHA256: Self.sha256(bytes),
                modelBytes: bytes.count
            )
        )
    }

    /// `data/intent/train/en.tsv` or `shared/nlp/tweeteval/train_text.txt`: the same on every
    /// checkout.
    static func displayPath(_ url: URL) -> String {
        let parts = url.standardizedFileURL.pathComponents
        if let index = parts.lastIndex(of: "nlp"), index > 0, parts[index - 1] == "shared" {
            return parts[(index - 1)...].joined(separator: "/")
        }
        if let index = parts.lastIndex(of: "data") { return parts[index...].joined(separator: "/") }
        return url.lastPathComponent
    }

    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

/// Results written from several threads, one slot each (no two threads share a slot).
final class FeatureSlots: @unchecked Sendable {
    // Safe without a lock: concurrentPerform gives each index to one thread, and `values` is
    // read only after it returns.
    private let buffer: UnsafeMutableBufferPointer<TextFeatures>

    init(count: Int) {
        buffer = .allocate(capacity: count)
        _ = buffer.initialize(from: repeatElement(TextFeatures(), count: count))
    }

    deinit {
        buffer.deinitialize()
        buffer.deallocate()
    }

    func set(_ index: Int, _ value: TextFeatures) { buffer[index] = value }

    var values: [TextFeatures] { Array(buffer) }
}
