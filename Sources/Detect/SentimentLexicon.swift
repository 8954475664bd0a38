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

    /// What the lexicon knows of a word: its valence (if it has one) and whether it negates.
    struct Entry {
        var valence: Float?
        var negates = false
    }

    /// Every lexicon word and negator, by the hash ``TextFeatures`` gives the marked word.
    static let words: WordTable = {
        var entries: [UInt32: Entry] = [:]
        for line in table.split(separator: "\n") {
            let fields = line.split(separator: "\t")
            guard fields.count == 2, let valence = Float(fields[1]) else { continue }
            entries[TextFeatures.wordHash(String(fields[0])), default: Entry()].valence = valence
        }
        for negator in negators { entries[TextFeatures.wordHash(negator), default: Entry()].negates = true }
        return WordTable(entries)
    }()

    /// Words that negate the next few ("t" is what is left of "n't" once the apostrophe
    /// splits "don't" into "don" and "t").
    static let negators = [
        "not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "nowhere", "cannot", "without",
        "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "wont", "wouldnt", "shouldnt", "couldnt",
        "cant", "aint", "hasnt", "havent", "hadnt", "t",
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
}

/// Open addressing over the words' own 32-bit hashes (FNV-1a, already mixed): a lookup is a
/// mask and a probe or two, where a `Dictionary` would hash the key again (it runs once per
/// word of every message).
struct WordTable {
    private let mask: Int
    private let keys: [UInt32]
    private let used: [Bool]
    private let entries: [SentimentLexicon.Entry]

    init(_ entries: [UInt32: SentimentLexicon.Entry]) {
        var size = 16
        while size < entries.count * 2 { size *= 2 }
        mask = size - 1
        var keys = [UInt32](repeating: 0, count: size)
        var used = [Bool](repeating: false, count: size)
        var values = [SentimentLexicon.Entry](repeating: SentimentLexicon.Entry(), count: size)
        for (key, entry) in entries {
            var slot = Self.slot(key, mask: mask)
            while used[slot] { slot = (slot + 1) & mask }
            keys[slot] = key
            used[slot] = true
            values[slot] = entry
        }
        self.keys = keys
        self.used = used
        self.entries = values
    }

    static func slot(_ key: UInt32, mask: Int) -> Int { Int(key) & mask }

    subscript(_ key: UInt32) -> SentimentLexicon.Entry? {
        var slot = Self.slot(key, mask: mask)
        while used[slot] {
            if keys[slot] == key { return entries[slot] }
            slot = (slot + 1) & mask
        }
        return nil
    }
}
