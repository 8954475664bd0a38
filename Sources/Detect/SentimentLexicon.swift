/// English word polarity from the VADER lexicon, read as cue tokens: a positive or negative
/// word, strong or weak, flipped (and weakened) when a negator is among the three words before
/// it, as VADER does. Words rare in the training tweets still carry their sentiment this way.
/// Only a model trained with them reads the cues (``FeatureFamilies/cues``).
enum SentimentLexicon {
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
    static let words: WordTable<Entry> = {
        var entries: [UInt32: Entry] = [:]
        for line in table.split(separator: "\n") {
            let fields = line.split(separator: "\t")
            guard fields.count == 2, let valence = Float(fields[1]) else { continue }
            entries[TextFeatures.wordHash(String(fields[0])), default: Entry()].valence = valence
        }
        for negator in negators { entries[TextFeatures.wordHash(negator), default: Entry()].negates = true }
        entries[TextFeatures.wordHash("t"), default: Entry()].endsContraction = true
        return WordTable(entries, empty: Entry())
    }()

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
        private(set) var cues: [UInt32] = []
        private var words = 0
        /// Where the last negator and the last word that gave a cue were (1-based word counts).
        private var lastNegator: Int?
        private var lastCue: Int?

        /// - Parameter afterApostrophe: the word follows the previous one across an apostrophe
        ///   alone (`won't`, `won’t`).
        mutating func read(word hash: UInt32, afterApostrophe: Bool) {
            words += 1
            guard let entry = SentimentLexicon.words[hash] else { return }
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
