/// Which families of ``TextFeatures`` a linear model reads. The intent models read the
/// ``standard`` set; the sentiment models the lexicon cues too, with or without character
/// n-grams as validation chose; the language model's word classifier reads ``spelling`` alone.
public struct FeatureFamilies: Sendable, Equatable {
    /// Character n-grams (``TextFeatures/grams``); on by default.
    public var grams: Bool
    /// Tokens and token pairs (``TextFeatures/words``, ``TextFeatures/pairs``); on by default.
    public var tokens: Bool
    /// The sentiment lexicon's cues (``TextFeatures/cues``); off by default.
    public var cues: Bool

    public init(grams: Bool = true, tokens: Bool = true, cues: Bool = false) {
        self.grams = grams
        self.tokens = tokens
        self.cues = cues
    }

    /// n-grams, tokens and pairs: what the intent models read.
    public static let standard = FeatureFamilies()
    /// The character n-grams alone: the spelling of words, what the language model's word
    /// classifier reads (never placeholders, emoji, `?` or `!`, which it did not learn).
    public static let spelling = FeatureFamilies(grams: true, tokens: false, cues: false)

    /// The names of the flags in a model file's header and a manifest (`tokens` only when off).
    static let parameterNames = ["character_ngrams", "tokens", "lexicon_cues"]

    /// How a model file's header and a manifest name them: 1 or 0 each; `tokens` only when off,
    /// so the files written before it existed read the same.
    var parameters: [String: Double] {
        var parameters = ["character_ngrams": grams ? 1.0 : 0, "lexicon_cues": cues ? 1 : 0]
        if !tokens { parameters["tokens"] = 0 }
        return parameters
    }

    /// The families a `linear_feature_families` file names.
    /// - Throws: ``DetectError`` `invalidModel` when a flag is missing or not 0 or 1, or when
    ///   they name the standard set (a plain `linear` file, which would not save back the same).
    init(file: ModelFile) throws {
        func flag(_ name: String, absent: Bool? = nil) throws -> Bool {
            if let absent, file.header.parameters[name] == nil { return absent }
            let value = try file.parameter(name)
            guard value == 0 || value == 1 else {
                throw DetectError(.invalidModel, "\(name) is \(value); it is 0 or 1")
            }
            return value == 1
        }
        self.init(
            grams: try flag("character_ngrams"),
            tokens: try flag("tokens", absent: true),
            cues: try flag("lexicon_cues")
        )
        guard self != .standard else {
            throw DetectError(.invalidModel, "this file names the standard feature families: it is a linear file")
        }
    }
}
