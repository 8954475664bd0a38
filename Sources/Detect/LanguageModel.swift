import Foundation

/// Language identification by multinomial naive Bayes over hashed character n-grams (1–5, with
/// word boundaries) and whole words: the sum of each feature's log-probability per language.
/// Short texts keep most of their signal in the n-grams, which is why single words work.
///
/// Beside it, an optional ``wordClassifier``: softmax regression over the character n-grams
/// alone, trained on the distinct words of the training lines rather than on the lines. Naive
/// Bayes counts what is frequent in running text; the classifier learns which spellings tell
/// languages apart in words it has never seen, which is most of what a one- or two-word message
/// is. Its logits, times ``classifierWeight``, are added to the per-feature mean naive Bayes
/// log-likelihoods.
///
/// Confidence is a softmax over those combined scores times ``sharpness`` (fitted on held-out
/// training lines and words so that it is calibrated). A text with no letters, mostly in a
/// script none of the languages uses, or whose best language is below ``minimumConfidence``,
/// is `unknown`.
public struct LanguageModel: Sendable {
    public static let unknown = "unknown"

    public let labels: [String]
    public let buckets: Int
    /// `buckets × labels.count` log-probabilities, 8 bits each.
    let table: QuantizedTensor
    let paddedTable: PaddedCodes
    /// Weight of a whole word against one of its n-grams.
    public let wordWeight: Float
    public let sharpness: Float
    public let minimumConfidence: Float
    /// Softmax regression over the n-grams of single words (same labels and buckets, no IDF,
    /// no dense input), or `nil` (the default): naive Bayes alone.
    public let wordClassifier: LinearModel?
    /// How much the classifier's logits count against the mean naive Bayes log-likelihood;
    /// 0 (the default, and always without a classifier) drops the classifier.
    public let classifierWeight: Float

    public init(
        labels: [String],
        buckets: Int,
        table: QuantizedTensor,
        wordWeight: Float,
        sharpness: Float,
        minimumConfidence: Float,
        wordClassifier: LinearModel? = nil,
        classifierWeight: Float = 0
    ) {
        precondition(
            wordClassifier.map {
                $0.labels == labels && $0.buckets == buckets && $0.idf == nil && $0.dense == nil
                    && $0.families == .spelling
            } ?? true,
            "the word classifier has the model's labels and buckets, and reads the spelling alone, as presence"
        )
        self.labels = labels
        self.buckets = buckets
        self.table = table
        self.paddedTable = PaddedCodes(table)
        self.wordWeight = wordWeight
        self.sharpness = sharpness
        self.minimumConfidence = minimumConfidence
        self.wordClassifier = classifierWeight == 0 ? nil : wordClassifier
        self.classifierWeight = wordClassifier == nil ? 0 : classifierWeight
    }

    /// Summed log-likelihoods per language and how many features were counted. The 8-bit
    /// codes are summed as integers and turned into log-likelihoods once per language:
    /// Σ (low + code × step) = n × low + step × Σ code.
    public func scores(_ features: TextFeatures) -> (scores: [Float], count: Int) {
        let classes = labels.count
        var gramSums = [UInt32](repeating: 0, count: classes)
        var wordSums = [UInt32](repeating: 0, count: classes)
        let countWords = features.letterWords > 0
        paddedTable.add(rowsOf: features.grams, to: &gramSums)
        if countWords { paddedTable.add(rowsOf: features.words, to: &wordSums) }
        let grams = Float(features.grams.count)
        let words = countWords ? Float(features.words.count) : 0
        var scores = [Float](repeating: 0, count: classes)
        for c in 0..<classes {
            let low = table.low[c]
            let step = table.step[c]
            scores[c] = grams * low + step * Float(gramSums[c]) + wordWeight * (words * low + step * Float(wordSums[c]))
        }
        return (scores, features.grams.count + (countWords ? features.words.count : 0))
    }

    /// The uncalibrated score per language: the mean naive Bayes log-likelihood per feature,
    /// plus the word classifier's logits times ``classifierWeight``.
    public func combinedScores(_ features: TextFeatures) -> [Float] {
        let (scores, count) = scores(features)
        var combined = scores.map { $0 / Float(max(1, count)) }
        if let wordClassifier {
            let logits = wordClassifier.logits(features)
            for c in combined.indices { combined[c] += classifierWeight * logits[c] }
        }
        return combined
    }

    /// Probabilities per language (calibrated softmax).
    public func probabilities(_ features: TextFeatures) -> [Float] {
        Softmax.probabilities(combinedScores(features).map { $0 * sharpness })
    }

    /// The language (or `unknown`) and its probability.
    public func identify(_ features: TextFeatures) -> (label: String, confidence: Double) {
        guard features.letterWords > 0, features.lettersInKnownScripts * 2 >= features.letters else {
            return (Self.unknown, 0)
        }
        let probabilities = probabilities(features)
        let best = Softmax.argmax(probabilities)
        let confidence = Double(probabilities[best])
        return confidence < Double(minimumConfidence) ? (Self.unknown, confidence) : (labels[best], confidence)
    }
}

extension LanguageModel {
    static let kind = "naive_bayes"
    /// A file with a word classifier has a kind of its own, so that a build that does not know
    /// the classifier refuses the file instead of running naive Bayes at its sharpness.
    static let kindWithClassifier = "naive_bayes_word_classifier"

    /// The same naive Bayes table with `wordClassifier` at `weight` (at 0: naive Bayes alone).
    func with(wordClassifier: LinearModel, weight: Float) -> LanguageModel {
        LanguageModel(
            labels: labels,
            buckets: buckets,
            table: table,
            wordWeight: wordWeight,
            sharpness: sharpness,
            minimumConfidence: minimumConfidence,
            wordClassifier: wordClassifier,
            classifierWeight: weight
        )
    }

    public var file: ModelFile {
        var parameters = [
            "word_weight": Double(wordWeight), "sharpness": Double(sharpness),
            "minimum_confidence": Double(minimumConfidence),
        ]
        var tensors = [ModelFile.TensorInfo(name: "log_probabilities", rows: buckets, columns: labels.count)]
        var values = ["log_probabilities": table]
        if let wordClassifier {
            parameters["classifier_weight"] = Double(classifierWeight)
            tensors += [
                ModelFile.TensorInfo(name: "classifier_weights", rows: buckets, columns: labels.count),
                ModelFile.TensorInfo(name: "classifier_bias", rows: 1, columns: labels.count),
            ]
            values["classifier_weights"] = wordClassifier.weights
            values["classifier_bias"] = QuantizedTensor(values: wordClassifier.bias, columns: labels.count)
        }
        return ModelFile(
            header: ModelFile.Header(
                kind: wordClassifier == nil ? Self.kind : Self.kindWithClassifier,
                labels: labels,
                buckets: buckets,
                parameters: parameters,
                tensors: tensors
            ),
            tensors: values
        )
    }

    public init(file: ModelFile) throws {
        guard [Self.kind, Self.kindWithClassifier].contains(file.header.kind) else {
            throw DetectError(
                .invalidModel,
                "a language model is \(Self.kind) or \(Self.kindWithClassifier), this file is \(file.header.kind)"
            )
        }
        let labels = file.header.labels
        let buckets = file.header.buckets
        var classifier: LinearModel?
        let carriesClassifier =
            file.tensors["classifier_weights"] != nil || file.tensors["classifier_bias"] != nil
            || file.header.parameters["classifier_weight"] != nil
        if file.header.kind == Self.kind, carriesClassifier {
            throw DetectError(
                .invalidModel,
                "this naive_bayes file carries a word classifier, from a build before \(Self.kindWithClassifier): "
                    + "retrain it (wainsight train language)"
            )
        }
        if file.header.kind == Self.kindWithClassifier {
            let weight = try file.parameter("classifier_weight")
            guard weight.isFinite, weight > 0 else {
                throw DetectError(
                    .invalidModel,
                    "classifier_weight is \(weight); a word classifier's weight is positive"
                )
            }
            classifier = LinearModel(
                labels: labels,
                buckets: buckets,
                weights: try file.tensor("classifier_weights", rows: buckets, columns: labels.count),
                bias: try file.tensor("classifier_bias", rows: 1, columns: labels.count).floats,
                families: .spelling
            )
        }
        self.init(
            labels: labels,
            buckets: buckets,
            table: try file.tensor("log_probabilities", rows: buckets, columns: labels.count),
            wordWeight: Float(try file.parameter("word_weight")),
            sharpness: Float(try file.parameter("sharpness")),
            minimumConfidence: Float(try file.parameter("minimum_confidence")),
            wordClassifier: classifier,
            classifierWeight: Float(file.header.parameters["classifier_weight"] ?? 0)
        )
    }
}

/// Counts n-grams and words per language into a ``LanguageModel`` and trains its word
/// classifier. Deterministic: counting has no order, the classifier's trainer has a fixed seed,
/// and calibration walks fixed grids.
public struct LanguageModelTrainer: Sendable {
    /// Hash buckets (a power of two), shared by the naive Bayes table and the classifier.
    public var buckets = 1 << 17
    /// Additive smoothing of the counts.
    public var smoothing: Float = 0.05
    public var wordWeight: Float = 1
    public var minimumConfidence: Float = 0.2
    /// Every `heldOutEvery`-th line (default 20) is held out of the draft models: those lines,
    /// and their words that no counted line has, choose the classifier weight and calibrate
    /// the confidence.
    public var heldOutEvery = 20
    /// The word classifier's settings (default: 20 epochs at learning rate 0.5, languages
    /// balanced, so that Malay's twice as many distinct words do not tilt it; no IDF). Its
    /// buckets are the model's, and it reads ``FeatureFamilies/spelling`` whatever this says.
    public var classifier: LinearTrainer = {
        var trainer = LinearTrainer()
        trainer.epochs = 20
        trainer.learningRate = 0.5
        trainer.balanced = true
        return trainer
    }()
    /// Classifier weights tried (default 0, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8). The one with the
    /// best mean of the macro recall on held-out lines and on their words that the counted
    /// lines lack is kept; a tie keeps the earlier one, and 0 drops the classifier.
    public var classifierWeights: [Float] = [0, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8]

    public init() {}

    public var hyperParameters: [String: Double] {
        [
            "buckets": Double(buckets), "smoothing": Double(smoothing), "word_weight": Double(wordWeight),
            "minimum_confidence": Double(minimumConfidence), "held_out_every": Double(heldOutEvery),
            "classifier_epochs": Double(classifier.epochs),
            "classifier_learning_rate": Double(classifier.learningRate),
            "classifier_l2": Double(classifier.l2), "classifier_seed": Double(classifier.seed),
            "classifier_balanced": classifier.balanced ? 1 : 0,
        ]
    }

    /// - Parameters:
    ///   - examples: feature sets of the training lines with their label's index in `labels`.
    ///   - words: the letter words of each line (``TextFeatures/letterWordTexts(_:)``), in the
    ///     same order, for the word classifier; empty for naive Bayes alone.
    ///   - progress: a line per classifier weight tried.
    public func train(
        labels: [String],
        examples: [(TextFeatures, Int)],
        words: [[String]] = [],
        progress: (String) -> Void = { _ in }
    ) -> LanguageModel {
        precondition(buckets > 0 && buckets & (buckets - 1) == 0, "hash buckets are a power of two")
        precondition(examples.allSatisfy { labels.indices.contains($0.1) }, "every label index is one of labels")
        precondition(words.isEmpty || words.count == examples.count, "the words of every line, or none")
        precondition(words.isEmpty || !classifier.inverseDocumentFrequency, "the word classifier's file keeps no IDF")
        precondition(classifierWeights.allSatisfy { $0.isFinite && $0 >= 0 }, "classifier weights are 0 or more")
        let isHeldOut = { (index: Int) in index % heldOutEvery == heldOutEvery - 1 }
        let heldOutLines = examples.indices.filter(isHeldOut)
        let heldOut = heldOutLines.map { examples[$0] }
        let counted = examples.indices.filter { !isHeldOut($0) }
        var draft = model(labels: labels, counting: counted.map { examples[$0] }, sharpness: 1)
        var weight: Float = 0
        // Held-out words of three scalars or more that no counted line has, each once per
        // language: the unseen words a short message mostly is, and the classifier is for.
        var unseenWords: [(TextFeatures, Int)] = []
        if !words.isEmpty {
            let countedLines = counted.map { (words[$0], examples[$0].1) }
            let seen = Set(countedLines.flatMap(\.0))
            unseenWords = Self.wordTypes(heldOutLines.map { (words[$0], examples[$0].1) })
                .filter { $0.word.unicodeScalars.count >= 3 && !seen.contains($0.word) }
                .map { (TextFeatures(letterWord: $0.word), $0.label) }
        }
        if !words.isEmpty, classifierWeights.contains(where: { $0 != 0 }) {
            let classifier = wordClassifier(labels: labels, lines: counted.map { (words[$0], examples[$0].1) })
            var best: (score: Double, weight: Float) = (-1, 0)
            for candidate in classifierWeights {
                draft = draft.with(wordClassifier: classifier, weight: candidate)
                let lines = Self.macroRecall(draft, heldOut, classes: labels.count)
                let single = Self.macroRecall(draft, unseenWords, classes: labels.count)
                progress(
                    "language: classifier weight \(candidate) → held-out lines "
                        + String(format: "%.2f%%, their unseen words %.2f%%", lines * 100, single * 100)
                )
                if (lines + single) / 2 > best.score { best = ((lines + single) / 2, candidate) }
            }
            weight = best.weight
            draft = draft.with(wordClassifier: classifier, weight: weight)
        }
        // Calibrate on lines the draft did not count and on their unseen words: the sharpness
        // with the lowest log-loss, from 0.01 to about 30 in steps of 5% (combined scores grow
        // with the classifier weight, so the sharpness may be small).
        let heldOutScores = (heldOut + unseenWords).map { (draft.combinedScores($0.0), $0.1) }
        var best: (loss: Double, sharpness: Float) = (.infinity, 1)
        for step in 0..<165 {
            let sharpness = Float(0.01 * pow(1.05, Double(step)))
            var loss = 0.0
            for (scores, label) in heldOutScores {
                let p = Softmax.probabilities(scores.map { $0 * sharpness })
                loss -= log(Double(max(p[label], 1e-9)))
            }
            if loss < best.loss { best = (loss, sharpness) }
        }
        let final = model(labels: labels, counting: examples, sharpness: best.sharpness)
        guard weight != 0 else { return final }
        let classifier = wordClassifier(labels: labels, lines: zip(words, examples.map(\.1)).map { ($0, $1) })
        return final.with(wordClassifier: classifier, weight: weight)
    }

    /// Each distinct word of `lines` per label, with how often it occurs there.
    static func wordTypes(_ lines: [([String], Int)]) -> [(word: String, label: Int, count: Int)] {
        var counts: [Int: [String: Int]] = [:]
        for (words, label) in lines {
            for word in words { counts[label, default: [:]][word, default: 0] += 1 }
        }
        // Sorted, so that the classifier sees the same examples in the same order every time.
        return counts.keys.sorted().flatMap { label in
            counts[label]!.sorted { $0.key < $1.key }.map { (word: $0.key, label: label, count: $0.value) }
        }
    }

    /// Softmax regression on the n-grams of the distinct words of `lines`, each weighted
    /// 1 + ln(count): a word's spelling matters, not how common it is in running text. (Its
    /// one-row bias is saved exactly, so what training measures is what loads.)
    func wordClassifier(labels: [String], lines: [([String], Int)]) -> LinearModel {
        let types = Self.wordTypes(lines)
        var trainer = classifier
        trainer.buckets = buckets
        trainer.families = .spelling
        return trainer.train(
            labels: labels,
            examples: types.map { (TextFeatures(letterWord: $0.word), $0.label) },
            weights: types.map { 1 + logf(Float($0.count)) }
        )
    }

    /// The mean recall over the languages of `examples` (argmax, no `unknown`).
    static func macroRecall(_ model: LanguageModel, _ examples: [(TextFeatures, Int)], classes: Int) -> Double {
        var right = [Int](repeating: 0, count: classes)
        var total = [Int](repeating: 0, count: classes)
        for (features, label) in examples {
            total[label] += 1
            if Softmax.argmax(model.combinedScores(features)) == label { right[label] += 1 }
        }
        let present = total.indices.filter { total[$0] > 0 }
        return present.map { Double(right[$0]) / Double(total[$0]) }.reduce(0, +) / Double(max(1, present.count))
    }

    func model(labels: [String], counting examples: [(TextFeatures, Int)], sharpness: Float) -> LanguageModel {
        let classes = labels.count
        let mask = UInt32(buckets - 1)
        var counts = [Float](repeating: 0, count: buckets * classes)
        var totals = [Double](repeating: 0, count: classes)
        for (features, label) in examples {
            for hash in features.grams { counts[Int(hash & mask) * classes + label] += 1 }
            for hash in features.words { counts[Int(hash & mask) * classes + label] += 1 }
            totals[label] += Double(features.grams.count + features.words.count)
        }
        var table = [Float](repeating: 0, count: buckets * classes)
        for c in 0..<classes {
            let denominator = log(totals[c] + Double(smoothing) * Double(buckets))
            for row in 0..<buckets {
                table[row * classes + c] = Float(log(Double(counts[row * classes + c] + smoothing)) - denominator)
            }
        }
        return LanguageModel(
            labels: labels,
            buckets: buckets,
            table: QuantizedTensor(values: table, columns: classes),
            wordWeight: wordWeight,
            sharpness: sharpness,
            minimumConfidence: minimumConfidence
        )
    }
}
