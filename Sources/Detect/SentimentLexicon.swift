/// English word polarity from the VADER lexicon, read as cue tokens: a positive or negative
/// word, strong or weak, flipped (and weakened) when a negator is among the three words before
/// it, as VADER does. Words rare in the training tweets still carry their sentiment this way.
/// Only a model trained with them reads the cues (``FeatureFamilies/cues``). The lexicon is
/// data, not code: `scripts/make-sentiment-lexicon` writes it (`models/sentiment-lexicon.tsv`,
/// beside the models trained on its cues) and ``TextReader`` loads it from the models folder.
public struct SentimentLexicon: Sendable {
    /// VADER's factor for a negated word: "not good" is mildly negative.
    static let negationFactor: Float = -0.74
    /// |valence| from which a word is a strong cue (VADER's scale runs from -4 to 4).
    static let strongValence: Float = 2
    /// How many letter words back a negator reaches.
    static let negationReach = 3

    /// What the lexicon knows of a word.
    struct Entry: Sendable {
        /// From -4 to 4; `nil` for a negator the lexicon has no valence for.
        var valence: Float?
        var negates = false
        /// "t", what is left of "n't" once the apostrophe splits "won't" into "won" and "t".
        /// Right after an apostrophe it negates, and the word before it is a stem, not the word
        /// the lexicon knows ("won" is no win); elsewhere ("t-shirt") it is nothing.
        var endsContraction = false
    }

    /// Every lexicon word and negator, by the hash ``TextFeatures`` gives the marked word.
    let words: WordTable<Entry>
    /// How many words have a valence.
    public let count: Int

    /// Parses the table `scripts/make-sentiment-lexicon` writes: UTF-8, one word a line, a tab,
    /// then its mean valence from -4 to 4. A line that starts with `#` and has no tab is a
    /// comment (the licence), and empty lines are skipped. The negators are the lexicon's own
    /// (``negators``).
    /// - Throws: ``DetectError`` `invalidModel`, naming the line, when a line is not a word and
    ///   a number, or the table has no word.
    public init(table: String) throws {
        var entries: [UInt32: Entry] = [:]
        var count = 0
        var lineNumber = 0
        for line in table.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = line.last == "\r" ? line.dropLast() : line[...]
            let isComment = line.first == "#" && !line.contains("\t")
            guard !line.isEmpty, !isComment else { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map {
                String(String.UnicodeScalarView($0))
            }
            guard fields.count == 2, !fields[0].isEmpty, let valence = Float(fields[1]), valence.isFinite else {
                throw DetectError(
                    .invalidModel,
                    "sentiment lexicon line \(lineNumber) is not a word, a tab and its valence: regenerate the "
                        + "lexicon with scripts/make-sentiment-lexicon"
                )
            }
            entries[TextFeatures.wordHash(fields[0]), default: Entry()].valence = valence
            count += 1
        }
        guard count > 0 else {
            throw DetectError(
                .invalidModel,
                "the sentiment lexicon has no word: regenerate it with scripts/make-sentiment-lexicon"
            )
        }
        for negator in Self.negators { entries[TextFeatures.wordHash(negator), default: Entry()].negates = true }
        entries[TextFeatures.wordHash("t"), default: Entry()].endsContraction = true
        self.words = WordTable(entries, empty: Entry())
        self.count = count
    }

    /// Words that negate the next few (and "t" after an apostrophe; see ``Entry``).
    static let negators = [
        "not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "nowhere", "cannot", "without",
        "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "wont", "wouldnt", "shouldnt", "couldnt",
        "cant", "aint", "hasnt", "havent", "hadnt",
    ]

    /// The four cue tokens: positive or negative, strong or weak.
    static let cues: (strongPositive: UInt32, weakPositive: UInt32, weakNegative: UInt32, strongNegative: UInt32) = (
        TextFeatures.hash("[lexicon++]", seed: TextFeatures.cueSeed),
        TextFeatures.hash("[lexicon+]", seed: TextFeatures.cueSeed),
        TextFeatures.hash("[lexicon-]", seed: TextFeatures.cueSeed),
        TextFeatures.hash("[lexicon--]", seed: TextFeatures.cueSeed)
    )

    /// The cue of a word of `valence`, negated or not.
    static func cue(valence: Float, negated: Bool) -> UInt32 {
        let value = negated ? valence * negationFactor : valence
        let strong = abs(value) >= strongValence
        if value > 0 { return strong ? cues.strongPositive : cues.weakPositive }
        return strong ? cues.strongNegative : cues.weakNegative
    }

    /// Reads the letter words of one text in order (by their hashes) and collects the cues.
    struct CueReader {
        /// The lexicon's ``SentimentLexicon/words``.
        private let lexicon: WordTable<Entry>
        private(set) var cues: [UInt32] = []
        private var words = 0
        /// Where the last negator and the last word that gave a cue were (1-based word counts).
        private var lastNegator: Int?
        private var lastCue: Int?

        init(_ lexicon: SentimentLexicon) {
            self.lexicon = lexicon.words
        }

        /// - Parameter afterApostrophe: the word follows the previous one across an apostrophe
        ///   alone (`won't`, `won’t`).
        mutating func read(word hash: UInt32, afterApostrophe: Bool) {
            words += 1
            guard let entry = lexicon[hash] else { return }
            let endsContraction = entry.endsContraction && afterApostrophe
            if endsContraction, lastCue == words - 1 {
                cues.removeLast()
                lastCue = nil
            }
            if let valence = entry.valence {
                let negated = lastNegator.map { words - $0 <= SentimentLexicon.negationReach } ?? false
                cues.append(SentimentLexicon.cue(valence: valence, negated: negated))
                lastCue = words
            }
            if entry.negates || endsContraction { lastNegator = words }
        }
    }
}
