import Core
import Embed
import Foundation
import ModelTraining
import Normalize
import Testing
import WainsightTesting

@testable import Detect

/// The local classifiers: features, model files, reports, the committed models and the
/// answers they give.
@Suite struct DetectTests {
    static var modelsDirectory: URL { SharedData.repositoryRoot.appendingPathComponent("models") }

    /// How the committed models read texts: the data files of models/, loaded once.
    static let loadedReader = Result { try TextReader(directory: modelsDirectory) }
    static func reader() throws -> TextReader { try loadedReader.get() }

    static var corpora: Corpora {
        Corpora(
            shared: SharedData.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/nlp"),
            data: SharedData.repositoryRoot.appendingPathComponent("data")
        )
    }

    /// The SIMD row sums equal plain sums of the codes for any number of columns (8-byte rows,
    /// and 16-byte chunks with a partial last one) and past the 256 rows a 16-bit lane holds.
    @Test func paddedRowSumsEqualPlainSums() {
        var random = SplitMix64(seed: 11)
        for columns in [1, 3, 8, 9, 16, 17, 31, 40] {
            let rows = 1 << 6
            let codes = (0..<(rows * columns)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let tensor = QuantizedTensor(
                rows: rows,
                columns: columns,
                codes: codes,
                low: [Float](repeating: 0, count: columns),
                step: [Float](repeating: 1, count: columns)
            )
            let padded = PaddedCodes(tensor)
            let hashes = (0..<1_000).map { _ in UInt32(truncatingIfNeeded: random.next()) }
            for salt: UInt32 in [0, 0x5bd1_e995] {
                var sums = [UInt32](repeating: 0, count: columns)
                padded.add(rowsOf: hashes, salt: salt, to: &sums)
                var expected = [UInt32](repeating: 0, count: columns)
                for hash in hashes {
                    let row = Int((hash ^ salt) & UInt32(rows - 1))
                    for column in 0..<columns { expected[column] += UInt32(codes[row * columns + column]) }
                }
                #expect(sums == expected, "\(columns) columns")
            }
        }
    }

    @Test func aSingleWordHasItsCharacterGrams() throws {
        let reader = try Self.reader()
        // <hola>: 4 letters, 5 pairs, 4 triples, 3 of four, 2 of five (marks alone left out).
        let word = TextFeatures("hola", reader: reader)
        #expect(word.grams.count == 18)
        #expect(word.words.count == 1)
        #expect(word.pairs.isEmpty)
        #expect(word.letterWords == 1)
        #expect(TextFeatures("HOLA", reader: reader).grams == word.grams)

        let tokens = TextFeatures(":heart_eyes: [NUMBER] ??", reader: reader)
        #expect(tokens.letterWords == 0)
        #expect(tokens.grams.isEmpty)
        // The emoji and its plain sentiment ([emoji+]), the placeholder and two question marks.
        #expect(tokens.words.count == 5)
        #expect(tokens.pairs.count == 4)
        #expect(
            TextFeatures(":slightly_smiling_face:", reader: reader).words.contains(
                TextFeatures(":heart_eyes:", reader: reader).words[1]
            )
        )

        // Devanagari vowel signs and Arabic letters stay inside their word.
        #expect(TextFeatures("नमस्ते दोस्त", reader: reader).letterWords == 2)
        #expect(TextFeatures("شكرا جزيلا", reader: reader).letterWords == 2)
    }

    /// The words the language trainer counts are the letter words ``TextFeatures`` reads:
    /// placeholders and emoji tokens are not words, marks stay inside theirs, and a `:` or `[`
    /// that starts no token only ends a word.
    @Test(arguments: [
        ("Hola, ¿cómo estás? [number] :heart_eyes:", ["hola", "cómo", "estás"]),
        ("ÁRVORE e casa-grande", ["árvore", "e", "casa", "grande"]),
        ("नमस्ते दोस्त!", ["नमस्ते", "दोस्त"]),
        ("[url] 12:30 :) ??", []),
        ("hola:como", ["hola", "como"]),
        ("a:b:c", ["a", "c"]),
        ("x[y z]", ["x", "y", "z"]),
    ])
    func letterWordsAreWhatTheFeaturesRead(text: String, words: [String]) throws {
        let reader = try Self.reader()
        #expect(TextFeatures.letterWordTexts(text) == words)
        let features = TextFeatures(text, reader: reader)
        #expect(features.letterWords == words.count)
        #expect(features.grams == words.flatMap { TextFeatures($0, reader: reader).grams })
        // The language model's word classifier reads a word without the reader's data: the same
        // n-grams and token.
        for word in words {
            let alone = TextFeatures(letterWord: word)
            let read = TextFeatures(word, reader: reader)
            #expect(alone.grams == read.grams && alone.words == read.words, "\(word)")
        }
    }

    /// The language model's word classifier: trained on the distinct words of the lines, saved
    /// with the model, the same bytes every time, and left out when its weight is 0.
    @Test func theLanguageWordClassifierIsTrainedAndSaved() throws {
        let reader = try Self.reader()
        // Two made-up languages: a's words end in -ka, b's in -zu, but a's running text is
        // full of "zuzu", so naive Bayes counts z and u as a's letters and reads a new word by
        // them. One type among many, "zuzu" does not sway a classifier of distinct words.
        var random = SplitMix64(seed: 3)
        let stems = (0..<30).map { "\(["b", "d", "g", "k", "m", "p"][$0 % 6])\(["a", "e", "i", "o", "u"][$0 / 6])r" }
        func word(_ language: Int) -> String {
            stems[Int(random.next() % 30)] + stems[Int(random.next() % 30)] + (language == 0 ? "ka" : "zu")
        }
        var lines: [String] = []
        var labels: [Int] = []
        // An odd count, so that the held-out lines (every 20th) hold both languages.
        for index in 0..<601 {
            let label = index % 2
            let words =
                label == 0 ? [word(0), word(0)] + repeatElement("zuzu", count: 20) : (0..<4).map { _ in word(1) }
            lines.append(words.joined(separator: " "))
            labels.append(label)
        }
        let examples = zip(lines, labels).map { (TextFeatures($0, reader: reader), $1) }
        var trainer = LanguageModelTrainer()
        trainer.buckets = 1 << 14
        trainer.classifierWeights = [0.5]
        var progress: [String] = []
        let model = trainer.train(
            labels: ["a", "b"],
            examples: examples,
            words: lines.map(TextFeatures.letterWordTexts),
            progress: { progress.append($0) }
        )
        #expect(progress.count == 1)
        #expect(model.classifierWeight == 0.5)
        #expect(model.wordClassifier?.labels == ["a", "b"] && model.wordClassifier?.buckets == 1 << 14)
        // Stems of letters no line has.
        let unseen = ["wyxzu", "fyvzu", "wyxka"].map { TextFeatures($0, reader: reader) }
        var alone = trainer
        alone.classifierWeights = [0]
        let words = lines.map(TextFeatures.letterWordTexts)
        let naiveBayes = alone.train(labels: ["a", "b"], examples: examples, words: words)
        // On held-out words of known stems naive Bayes does as well, so offered both weights
        // the trainer trains the classifier, then keeps 0 and drops it.
        var offered = trainer
        offered.classifierWeights = [0, 0.5]
        var offeredProgress: [String] = []
        let dropped = offered.train(
            labels: ["a", "b"],
            examples: examples,
            words: words,
            progress: { offeredProgress.append($0) }
        )
        #expect(offeredProgress.count == 2)
        #expect(unseen.map { naiveBayes.identify($0).label } != ["b", "b", "a"])
        #expect(unseen.map { model.identify($0).label } == ["b", "b", "a"])
        #expect(model.combinedScores(unseen[0]) != naiveBayes.combinedScores(unseen[0]))
        // The classifier reads the character n-grams alone: tokens and pairs change nothing.
        let message = TextFeatures("wyxzu [number] :joy: ? !", reader: reader)
        let (sums, count) = model.scores(message)
        let logits = try #require(model.wordClassifier).logits(TextFeatures("wyxzu", reader: reader))
        #expect(
            model.combinedScores(message) == sums.indices.map { sums[$0] / Float(count) + 0.5 * logits[$0] }
        )

        let bytes = try model.file.encoded()
        #expect(model.file.header.kind == "naive_bayes_word_classifier")
        let loaded = try LanguageModel(file: try ModelFile(data: bytes))
        #expect(loaded.classifierWeight == 0.5)
        #expect(try loaded.file.encoded() == bytes)
        #expect(loaded.combinedScores(unseen[0]) == model.combinedScores(unseen[0]))
        // A naive_bayes file with a classifier (written before the kind of its own), or a
        // classifier at a weight of 0, is refused rather than misread.
        var stale = model.file
        stale.header.kind = "naive_bayes"
        #expect(throws: DetectError(.invalidModel, "")) { try LanguageModel(file: stale) }
        var weightless = model.file
        weightless.header.parameters["classifier_weight"] = 0
        #expect(throws: DetectError(.invalidModel, "")) { try LanguageModel(file: weightless) }
        // The same data and settings give the same bytes.
        let again = trainer.train(labels: ["a", "b"], examples: examples, words: words)
        #expect(try again.file.encoded() == bytes)

        // Without words, or when a weight of 0 wins, the model is naive Bayes alone and its
        // file has no classifier.
        for model in [naiveBayes, dropped, alone.train(labels: ["a", "b"], examples: examples)] {
            #expect(model.wordClassifier == nil && model.classifierWeight == 0)
            #expect(model.file.header.kind == "naive_bayes")
            #expect(model.file.tensors.keys.sorted() == ["log_probabilities"])
            #expect(try LanguageModel(file: try ModelFile(data: try model.file.encoded())).wordClassifier == nil)
        }
    }

    @Test func modelFilesRoundTripByteForByte() throws {
        var random = SystemRandomNumberGenerator()
        let weights = (0..<(64 * 3)).map { _ in Float.random(in: -2...2, using: &random) }
        let model = LinearModel(
            labels: ["negative", "neutral", "positive"],
            buckets: 64,
            weights: QuantizedTensor(values: weights, columns: 3),
            bias: [0.1, 0, -0.1],
            temperature: 1.5,
            minimumConfidence: 0.4,
            fallbackLabel: "neutral"
        )
        let bytes = try model.file.encoded()
        #expect(try model.file.encoded() == bytes)
        let loaded = try LinearModel(file: try ModelFile(data: bytes))
        #expect(loaded.labels == model.labels)
        #expect(loaded.fallbackLabel == "neutral")
        #expect(loaded.minimumConfidence == 0.4)
        #expect(try loaded.file.encoded() == bytes)
        let features = TextFeatures("some words here", reader: try Self.reader())
        #expect(loaded.logits(features) == model.logits(features))
        // 8 bits per weight: each value within half a step of the original, and zero exact.
        let tensor = QuantizedTensor(values: weights, columns: 3)
        for (index, value) in tensor.floats.enumerated() {
            #expect(abs(value - weights[index]) <= tensor.step[index % 3] / 2 + 1e-6)
        }
        #expect(
            QuantizedTensor(values: [-0.37, 0, 0.91, 0, 0.2, -1.3], columns: 2).floats.filter { $0 == 0 }.count == 2
        )

        #expect(throws: DetectError(.invalidModel, "")) { try ModelFile(data: Data("not a model".utf8)) }
        #expect(throws: DetectError(.invalidModel, "")) { try ModelFile(data: bytes.dropLast(10)) }
        #expect(throws: DetectError(.invalidModel, "")) { try LanguageModel(file: try ModelFile(data: bytes)) }
    }

    /// A dense input (a sentence embedding) beside the hashed features: learned where the words
    /// say nothing, kept through the file, and optional at prediction time.
    @Test func aDenseInputIsLearnedAndSaved() throws {
        let reader = try Self.reader()
        var random = SplitMix64(seed: 5)
        var examples: [(TextFeatures, Int)] = []
        var embeddings: [[Float]] = []
        for index in 0..<400 {
            let label = index % 2
            // The same words for both classes: only the embedding tells them apart.
            examples.append((TextFeatures("same words every time", reader: reader), label))
            var vector = (0..<8).map { _ in Float(random.next() % 1000) / 5000 - 0.1 }
            vector[label] += 1
            embeddings.append(vector)
        }
        var trainer = LinearTrainer()
        trainer.buckets = 1 << 10
        trainer.epochs = 3
        var model = trainer.train(labels: ["a", "b"], examples: examples, embeddings: embeddings)
        #expect(model.embeddingDimensions == 8)
        let features = TextFeatures("same words every time", reader: reader)
        let right = (0..<40).filter { index in
            model.classify(features, embedding: embeddings[index]).label == ["a", "b"][index % 2]
        }.count
        #expect(right == 40)
        // Without an embedding the words alone decide; here they cannot, so it is less sure than
        // with any embedding.
        let surest = (0..<40).map { model.classify(features, embedding: embeddings[$0]).confidence }.min() ?? 0
        #expect(model.classify(features).confidence < surest)

        // A dense input is saved with the name of the embedder whose vectors it takes.
        #expect(throws: DetectError(.invalidModel, "")) {
            try LinearModel(file: try ModelFile(data: try model.file.encoded()))
        }
        model.embeddingModel = "test-embedder"
        let loaded = try LinearModel(file: try ModelFile(data: try model.file.encoded()))
        #expect(loaded.embeddingDimensions == 8)
        #expect(loaded.embeddingModel == "test-embedder")
        #expect(loaded.logits(features, embedding: embeddings[0]) == model.logits(features, embedding: embeddings[0]))
        #expect(try loaded.file.encoded() == (try model.file.encoded()))
    }

    /// Lexicon words give cues of their polarity and strength; a negator up to three words
    /// before flips and weakens them ("t" is what "n't" leaves, and the stem before it gives no
    /// cue: "won" of "won't" is no win); other words give none.
    @Test(arguments: [
        ("this is good", ["+"]),
        ("I love it", ["++"]),
        ("this is not good", ["-"]),
        ("I don't love it", ["--"]),
        ("not of them good", ["-"]),
        ("not one of them good", ["+"]),
        ("not that it was ever really good", ["+"]),
        ("I won't recommend it", ["-"]),
        ("I won’t recommend it", ["-"]),
        ("can't won't", [String]()),
        ("love t-shirts, great t shirt", ["++", "++"]),
        ("we won the deal", ["++"]),
        ("no problem", ["-", "+"]),
        ("awful, just awful", ["--", "--"]),
        ("the meeting is at ten", [String]()),
        ("GOOD 😍", ["+"]),
    ])
    func lexiconWordsGiveCues(text: String, cues: [String]) throws {
        let names = [
            SentimentLexicon.cues.strongPositive: "++", SentimentLexicon.cues.weakPositive: "+",
            SentimentLexicon.cues.weakNegative: "-", SentimentLexicon.cues.strongNegative: "--",
        ]
        #expect(try Self.reader().features(text).cues.map { names[$0] ?? "?" } == cues)
    }

    /// A model that reads the cues learns polarity from lexicon words and answers for
    /// lexicon words it never saw in training; one without them cannot. The families travel
    /// in the file under a kind of their own.
    @Test func lexiconCuesCarryPolarityToUnseenWords() throws {
        let reader = try Self.reader()
        let positive = ["wonderful", "excellent", "lovely", "brilliant", "perfect", "fantastic"]
        let negative = ["horrible", "terrible", "awful", "dreadful", "disgusting", "pathetic"]
        var examples: [(TextFeatures, Int)] = []
        for (label, words) in [(0, negative), (1, positive)] {
            for word in words.dropLast() {
                for subject in ["the call", "our order", "this plan", "that reply"] {
                    examples.append((reader.features("\(subject) was \(word)"), label))
                }
            }
        }
        var trainer = LinearTrainer()
        trainer.buckets = 1 << 16
        trainer.epochs = 5
        let standard = trainer.train(labels: ["negative", "positive"], examples: examples)
        trainer.families = FeatureFamilies(grams: false, cues: false)
        let wordsOnly = trainer.train(labels: ["negative", "positive"], examples: examples)
        trainer.families = FeatureFamilies(grams: false, cues: true)
        let withCues = trainer.train(labels: ["negative", "positive"], examples: examples)
        trainer.inverseDocumentFrequency = true
        let weightedWithCues = trainer.train(labels: ["negative", "positive"], examples: examples)
        let unseen = [("the demo was \(positive.last!)", "positive"), ("the demo was \(negative.last!)", "negative")]
        for (text, label) in unseen {
            let features = reader.features(text)
            #expect(withCues.classify(features).label == label, "\(text)")
            #expect(weightedWithCues.classify(features).label == label, "\(text)")
        }
        // Without cues (or n-grams) an unseen word is no feature: both texts read alike.
        let unseenLogits = unseen.map { wordsOnly.logits(reader.features($0.0)) }
        #expect(unseenLogits[0] == unseenLogits[1])

        let bytes = try withCues.file.encoded()
        let file = try ModelFile(data: bytes)
        #expect(file.header.kind == "linear_feature_families")
        #expect(file.header.parameters["character_ngrams"] == 0 && file.header.parameters["lexicon_cues"] == 1)
        let loaded = try LinearModel(file: file)
        #expect(loaded.families == withCues.families)
        trainer.families = .spelling
        let spelling = try ModelFile(data: try trainer.train(labels: ["a", "b"], examples: examples).file.encoded())
        #expect(spelling.header.parameters["tokens"] == 0)
        #expect(try LinearModel(file: spelling).families == .spelling)
        #expect(try loaded.file.encoded() == bytes)
        #expect(try ModelFile(data: try standard.file.encoded()).header.kind == "linear")
        var bad = file
        bad.header.parameters["lexicon_cues"] = 2
        #expect(throws: DetectError(.invalidModel, "")) { try LinearModel(file: bad) }
        bad.header.parameters = bad.header.parameters.merging(FeatureFamilies.standard.parameters) { _, new in new }
        #expect(throws: DetectError(.invalidModel, "")) { try LinearModel(file: bad) }
        // A plain linear file that names families is refused, not read as the standard set.
        var stray = try ModelFile(data: try standard.file.encoded())
        #expect(try LinearModel(file: stray).families == .standard)
        stray.header.parameters["lexicon_cues"] = 1
        #expect(throws: DetectError(.invalidModel, "")) { try LinearModel(file: stray) }
    }

    /// Inference on presence features sums 8-bit codes (``LinearModel/presenceLogits``), the
    /// trainer reads ``LinearModel/rows``: for every family set both read the same features.
    @Test(arguments: [
        FeatureFamilies.standard, FeatureFamilies(grams: true, cues: true), FeatureFamilies(grams: false, cues: true),
        FeatureFamilies(grams: false, cues: false), FeatureFamilies.spelling,
    ])
    func presenceSumsReadWhatTheTrainerReads(families: FeatureFamilies) throws {
        let reader = try Self.reader()
        var random = SplitMix64(seed: 11)
        let weights = (0..<(1024 * 3)).map { _ in Float(random.next() % 2001) / 1000 - 1 }
        let model = LinearModel(
            labels: ["negative", "neutral", "positive"],
            buckets: 1024,
            weights: QuantizedTensor(values: weights, columns: 3),
            bias: [0.2, 0, -0.2],
            families: families
        )
        for text in ["I don't love it, awful 😡", "great!!! thanks", "the meeting is at ten"] {
            let features = reader.features(text)
            let (rows, values) = LinearModel.rows(features, buckets: 1024, idf: nil, families: families)
            let expected = model.weightedLogits(rows: rows, values: values)
            let logits = model.presenceLogits(features)
            #expect(zip(logits, expected).allSatisfy { abs($0 - $1) < 1e-4 }, "\(text): \(logits) \(expected)")
        }
    }

    @Test func reportsCountPerClass() {
        let report = ClassificationReport(
            labels: ["a", "b"],
            gold: ["a", "a", "a", "b", "b"],
            predicted: ["a", "a", "b", "b", "unknown"]
        )
        #expect(report.labels == ["a", "b", "unknown"])
        #expect(report.accuracy == 0.6)
        #expect(abs(report.macroRecall - (2.0 / 3 + 0.5) / 2) < 1e-12)
        #expect(report.classes.map(\.label) == ["a", "b"])
        #expect(report.classes[1].precision == 0.5)
        #expect(report.mostConfused(1).first?.gold == "a")
        #expect(report.rendered().contains("most confused: a→b 1"))
    }

    /// Committed models are exactly what `wainsight train` makes from the committed data:
    /// the intent model is retrained here and compared byte for byte.
    @Test func theCommittedIntentModelIsWhatTrainingProduces() throws {
        let trained = try Training(corpora: Self.corpora, reader: try Self.reader()).intent()
        let committed = try #require(
            FileManager.default.contents(atPath: Detector.modelURL("intent", in: Self.modelsDirectory).path)
        )
        #expect(try trained.file.encoded() == committed)
        let manifest = try #require(
            FileManager.default.contents(atPath: Self.modelsDirectory.appendingPathComponent("intent.json").path)
        )
        #expect(try trained.manifest.encoded() == manifest)
    }

    static let clear: [(text: String, language: String, intent: String, sentiment: String)] = [
        ("How much is the annual plan for 10 users?", "en", "pricing", "neutral"),
        ("Quanto custa o plano anual? Tem desconto à vista?", "pt", "pricing", "neutral"),
        ("¿Podemos agendar una demo el martes?", "es", "demo_request", "neutral"),
        ("STOP. Remove me from this list, do not message me again", "en", "opt_out", "negative"),
        ("Mein Paket ist immer noch nicht angekommen, das ist wirklich ärgerlich", "de", "other", "negative"),
        ("Спасибо большое, всё отлично!", "ru", "other", "positive"),
        ("आपकी सेवा बहुत अच्छी है, धन्यवाद", "hi", "other", "positive"),
    ]

    @Test func theCommittedModelsAnswerClearCases() throws {
        let detector = try Detector(directory: Self.modelsDirectory)
        for example in Self.clear {
            let detection = detector.detect(example.text)
            #expect(detection.language == example.language, "\(example.text)")
            #expect(detection.languageConfidence > 0.5, "\(example.text)")
            // Intent is checked where the model was trained (en, es, pt).
            if ["en", "es", "pt"].contains(example.language) {
                #expect(detection.intent == example.intent, "\(example.text): \(detection.intent)")
            }
            #expect((0...1).contains(detection.intentConfidence))
            #expect((-1...1).contains(detection.sentimentScore))
        }
        let happy = detector.detect("I love it, thank you so much 😍😍")
        let angry = detector.detect("worst service ever, I want my money back 😡")
        #expect(happy.sentiment == "positive")
        #expect(angry.sentiment == "negative")
        #expect(happy.sentimentScore > 0 && angry.sentimentScore < 0)
        // Emoji count: the same words read warmer with a heart.
        #expect(
            detector.detect("ok see you tomorrow ❤️").sentimentScore
                > detector.detect("ok see you tomorrow").sentimentScore
        )
        #expect(detector.detect("👍 😂 ?").language == "unknown")
        // Scripts none of the 16 languages is written in are unknown, not a confident guess.
        #expect(detector.detect("这个多少钱？").language == "unknown")
        #expect(detector.detect("Καλημέρα, πόσο κοστίζει;").language == "unknown")
    }

    /// The data the models read texts with comes from their folder: a folder of models without
    /// it, or with a malformed table, is refused with what to do.
    @Test func aModelsFolderWithoutItsDataIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("detect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in Detector.modelNames {
            try FileManager.default.copyItem(
                at: Detector.modelURL(name, in: DetectTests.modelsDirectory),
                to: Detector.modelURL(name, in: folder)
            )
        }
        let missing = try #require(throws: DetectError.self) { try Detector(directory: folder) }
        #expect(missing.code == .modelMissing)
        #expect(missing.message.contains(TextReader.emojiNamesFile))
        #expect(missing.message.contains("scripts/make-emoji-table"))
        try Data("# a comment\n😀\t:grinning:\n😃\n".utf8)
            .write(to: folder.appendingPathComponent(TextReader.emojiNamesFile))
        let invalid = try #require(throws: DetectError.self) { try Detector(directory: folder) }
        #expect(invalid.code == .invalidModel)
        #expect(invalid.underlying as? NormalizeError == NormalizeError(.invalidTable, ""))
        #expect(invalid.description.contains("line 3"), "\(invalid)")

        try FileManager.default.removeItem(at: folder.appendingPathComponent(TextReader.emojiNamesFile))
        try FileManager.default.copyItem(
            at: DetectTests.modelsDirectory.appendingPathComponent(TextReader.emojiNamesFile),
            to: folder.appendingPathComponent(TextReader.emojiNamesFile)
        )
        let noLexicon = try #require(throws: DetectError.self) { try Detector(directory: folder) }
        #expect(noLexicon.code == .modelMissing)
        #expect(noLexicon.message.contains(TextReader.sentimentLexiconFile))
        #expect(noLexicon.message.contains("scripts/make-sentiment-lexicon"))
        try Data("good\t1.9\nbad\tvery\n".utf8)
            .write(to: folder.appendingPathComponent(TextReader.sentimentLexiconFile))
        let badLexicon = try #require(throws: DetectError.self) { try Detector(directory: folder) }
        #expect(badLexicon.code == .invalidModel)
        #expect(badLexicon.description.contains("line 2"), "\(badLexicon)")
    }

    /// The lexicon's format: comments (`#` and no tab), empty lines and CRLF line ends are
    /// skipped; a line that is not a word and a valence, or a lexicon with no word, is refused
    /// naming the line. The committed one has VADER's 7,209 single words.
    @Test func lexiconTablesAreReadStrictly() throws {
        #expect(try Self.reader().lexicon.count == 7_209)
        let lexicon = try SentimentLexicon(table: "# MIT\r\n#\r\n\r\ngood\t1.9\r\nawful\t-3.4\r\n")
        #expect(lexicon.count == 2)
        #expect(lexicon.words[TextFeatures.wordHash("awful")]?.valence == -3.4)
        #expect(lexicon.words[TextFeatures.wordHash("not")]?.negates == true)
        for (table, line) in [("# x\ngood\t1.9\nbad\n", 3), ("good\t1.9\t2\n", 1), ("\t1.9\n", 1), ("bad\tnan", 1)] {
            let error = try #require(throws: DetectError.self) { try SentimentLexicon(table: table) }
            #expect(error.code == .invalidModel)
            #expect(error.message.contains("line \(line) ") && error.message.contains("scripts/make-sentiment-lexicon"))
        }
        #expect(throws: DetectError(.invalidModel, "")) { try SentimentLexicon(table: "# only a comment\n") }
    }
}
