import Normalize

/// The hashed features of one normalized text, computed once and shared by every classifier:
///
/// - ``grams``: character n-grams (1 to 5) of each word made of letters, with word-boundary
///   marks (`<word>`), the language signal that still works on a single word;
/// - ``words``: every token — words, placeholders (`[number]`), emoji tokens (`:joy:`, with
///   `[emoji+]` or `[emoji-]` beside those whose sentiment is plain), and the punctuation that
///   carries intent (`?`, `!`);
/// - ``pairs``: each two neighbouring tokens;
/// - ``cues``: one token per word of the sentiment lexicon (``SentimentLexicon``), its polarity
///   and strength, flipped after a negator.
///
/// Each family hashes (FNV-1a over Unicode scalar values) with its own seed, so a model may
/// fold them all into one table without a word colliding with the same letters as a gram.
public struct TextFeatures: Sendable {
    public var grams: [UInt32] = []
    public var words: [UInt32] = []
    public var pairs: [UInt32] = []
    public var cues: [UInt32] = []
    /// How many tokens were letter words (0: nothing to tell a language by).
    public var letterWords = 0
    /// Letters, and those in a script of the languages the model knows (Latin, Cyrillic,
    /// Arabic, Devanagari): Chinese or Greek text is `unknown`, not a guess.
    public var letters = 0
    public var lettersInKnownScripts = 0

    static let gramSeed: UInt32 = 0x811C_9DC5
    static let wordSeed: UInt32 = 0x2F69_3A41
    static let pairSeed: UInt32 = 0x6B43_A9B5
    static let cueSeed: UInt32 = 0x9E37_79B9
    static let prime: UInt32 = 0x0100_0193
    static let wordStart: UInt32 = 0x02
    static let wordEnd: UInt32 = 0x03
    static let positiveEmoji = hash("[emoji+]", seed: wordSeed)
    static let negativeEmoji = hash("[emoji-]", seed: wordSeed)

    static func hash(_ text: String, seed: UInt32) -> UInt32 {
        var hash = seed
        for scalar in text.unicodeScalars { hash = (hash ^ scalar.value) &* prime }
        return hash
    }

    /// The hash ``words`` has for a marked word (``wordStart``, its scalars, ``wordEnd``).
    static func markedWordHash(_ marked: [UInt32]) -> UInt32 {
        var hash = wordSeed
        for value in marked { hash = (hash ^ value) &* prime }
        return hash
    }

    /// The hash ``words`` has for a letter word (lower case, without marks).
    static func wordHash(_ word: String) -> UInt32 {
        markedWordHash([wordStart] + word.unicodeScalars.map(\.value) + [wordEnd])
    }

    /// - Parameters:
    ///   - text: normalized text (``Normalize/TextNormalizer``, ``TextReader/features(_:)``); it is
    ///     lower-cased here.
    ///   - reader: the emoji polarities of the normalizer that made `text`, and the sentiment
    ///     lexicon.
    public init(_ text: String, reader: TextReader) {
        self.init(text, emoticons: reader.normalizer.emoticons, lexicon: reader.lexicon)
    }

    /// The features of an empty text: none.
    public init() {}

    /// The features of one letter word, which has no emoji token, without lexicon cues: what the
    /// language model's word classifier learns the spelling of (``FeatureFamilies/spelling``).
    init(letterWord word: String) {
        self.init(word, emoticons: nil, lexicon: nil)
    }

    /// - Parameters:
    ///   - emoticons: the polarity of emoji tokens; `nil` only for text that has none.
    ///   - lexicon: the words that give ``cues``; `nil` for none.
    private init(_ text: String, emoticons: Emoticons?, lexicon: SentimentLexicon?) {
        let scalars = Array(text.lowercased().unicodeScalars)
        grams.reserveCapacity(scalars.count * 5)
        var previousWord: UInt32?
        var word: [UInt32] = [Self.wordStart]
        var cueReader = lexicon.map(SentimentLexicon.CueReader.init)
        // Whether the word being read follows the last one across an apostrophe alone.
        var afterApostrophe = false
        var i = 0

        func addToken(_ hash: UInt32) {
            words.append(hash)
            if let previousWord { pairs.append((previousWord &* 31 ^ hash) &* Self.prime ^ Self.pairSeed) }
            previousWord = hash
        }
        func finishLetterWord() {
            guard word.count > 1 else { return }
            word.append(Self.wordEnd)
            addGrams(word)
            let hash = Self.markedWordHash(word)
            addToken(hash)
            letterWords += 1
            cueReader?.read(word: hash, afterApostrophe: afterApostrophe)
            afterApostrophe = false
            word.removeAll(keepingCapacity: true)
            word.append(Self.wordStart)
        }
        func hashToken(_ range: Range<Int>) -> UInt32 {
            var hash = Self.wordSeed
            for index in range { hash = (hash ^ scalars[index].value) &* Self.prime }
            return hash
        }

        while i < scalars.count {
            let scalar = scalars[i]
            if Self.isLetter(scalar) {
                word.append(scalar.value)
                letters += 1
                if Self.isKnownScript(scalar.value) { lettersInKnownScripts += 1 }
                i += 1
                continue
            }
            let joinsNext =
                (scalar == "'" || scalar == "\u{2019}") && word.count > 1 && i + 1 < scalars.count
                && Self.isLetter(scalars[i + 1])
            finishLetterWord()
            afterApostrophe = joinsNext
            if scalar == "[" || scalar == ":", let end = Self.tokenEnd(scalars, from: i) {
                addToken(hashToken(i..<end))
                // An emoji's plain sentiment is a token of its own, shared with the emoticons
                // that mean the same (training tweets have those, not emoji).
                if scalar == ":",
                    let polarity = emoticons?.polarity(of: String(String.UnicodeScalarView(scalars[i..<end])))
                {
                    addToken(polarity == .positive ? Self.positiveEmoji : Self.negativeEmoji)
                }
                i = end
            } else if scalar == "?" || scalar == "!" {
                addToken(hashToken(i..<(i + 1)))
                i += 1
            } else {
                i += 1
            }
        }
        finishLetterWord()
        cues = cueReader?.cues ?? []
    }

    /// The lower-cased letter words of a normalized text, as ``init(_:)`` reads them
    /// (placeholders and emoji tokens are not words): what the language trainer counts.
    public static func letterWordTexts(_ text: String) -> [String] {
        let scalars = Array(text.lowercased().unicodeScalars)
        var words: [String] = []
        var word = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let scalar = scalars[i]
            if isLetter(scalar) {
                word.append(scalar)
                i += 1
                continue
            }
            if !word.isEmpty { words.append(String(word)) }
            word = String.UnicodeScalarView()
            i = (scalar == "[" || scalar == ":") ? tokenEnd(scalars, from: i) ?? i + 1 : i + 1
        }
        if !word.isEmpty { words.append(String(word)) }
        return words
    }

    /// n-grams of 1 to 5 scalars of a marked word, leaving out the marks alone.
    mutating func addGrams(_ word: [UInt32]) {
        for start in word.indices {
            var hash = Self.gramSeed
            for end in start..<min(word.count, start + 5) {
                hash = (hash ^ word[end]) &* Self.prime
                if end == start, word[start] == Self.wordStart || word[start] == Self.wordEnd { continue }
                grams.append(hash)
            }
        }
    }

    static func isKnownScript(_ value: UInt32) -> Bool {
        switch value {
        case 0..<0x250, 0x300..<0x370, 0x1E00..<0x1F00: return true  // Latin, diacritics, Vietnamese
        case 0x400..<0x530: return true  // Cyrillic
        case 0x600..<0x700, 0x750..<0x780, 0x8A0..<0x900, 0xFB50..<0xFE00, 0xFE70..<0xFF00: return true  // Arabic
        case 0x900..<0x980, 0xA8E0..<0xA900: return true  // Devanagari
        default: return false
        }
    }

    /// Letters and the marks that are part of them (Devanagari vowel signs, Arabic harakat).
    static func isLetter(_ scalar: Unicode.Scalar) -> Bool { ScalarClass.isLetterOrMark(scalar) }

    /// The end of a `[placeholder]` or `:emoji_token:` starting at `start`, if one does.
    static func tokenEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        let close: Unicode.Scalar = scalars[start] == "[" ? "]" : ":"
        var end = start + 1
        while end < scalars.count, end - start < 64 {
            let scalar = scalars[end]
            if scalar == close { return end > start + 1 ? end + 1 : nil }
            guard scalar.isASCII, ScalarClass.isAlphabetic(scalar) || "_-+&'.0123456789".unicodeScalars.contains(scalar)
            else { return nil }
            end += 1
        }
        return nil
    }
}
