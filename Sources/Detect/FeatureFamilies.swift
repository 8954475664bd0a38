/// Which families of ``TextFeatures`` a linear model reads. Words and pairs always; the rest
/// is chosen per model: the intent models read the ``standard`` set, the sentiment models
/// the lexicon cues too, with or without character n-grams as validation chose.
public struct FeatureFamilies: Sendable, Equatable {
    /// Character n-grams (``TextFeatures/grams``); on by default.
    public var grams: Bool
    /// The sentiment lexicon's cues (``TextFeatures/cues``); off by default.
    public var cues: Bool

    public init(grams: Bool = true, cues: Bool = false) {
        self.grams = grams
        self.cues = cues
    }

    /// n-grams, words and pairs: what the intent models read.
    public static let standard = FeatureFamilies()

    /// The names of the flags in a model file's header and a manifest.
    static let parameterNames = ["character_ngrams", "lexicon_cues"]

    /// How a model file's header and a manifest name them: 1 or 0 each.
    var parameters: [String: Double] {
        ["character_ngrams": grams ? 1 : 0, "lexicon_cues": cues ? 1 : 0]
    }

    /// The families a `linear_feature_families` file names.
    /// - Throws: ``DetectError`` `invalidModel` when a flag is missing or not 0 or 1, or when
    ///   they name the standard set (a plain `linear` file, which would not save back the same).
    init(file: ModelFile) throws {
        func flag(_ name: String) throws -> Bool {
            let value = try file.parameter(name)
            guard value == 0 || value == 1 else {
                throw DetectError(.invalidModel, "\(name) is \(value); it is 0 or 1")
            }
            return value == 1
        }
        self.init(grams: try flag("character_ngrams"), cues: try flag("lexicon_cues"))
        guard self != .standard else {
            throw DetectError(.invalidModel, "this file names the standard feature families: it is a linear file")
        }
    }
}
