import Foundation
import Normalize

/// How the models read a text: the normalizer with its emoji table, and the sentiment lexicon,
/// whose tokens and cues are features the models were trained on. Their data lives in the
/// models folder beside the models and is loaded with them (``init(directory:)``), so that
/// models and data travel together.
public struct TextReader: Sendable {
    /// The emoji table in a models folder, as `scripts/make-emoji-table` writes it.
    public static let emojiNamesFile = "emoji-names.tsv"
    /// The sentiment lexicon in a models folder, as `scripts/make-sentiment-lexicon` writes it.
    public static let sentimentLexiconFile = "sentiment-lexicon.tsv"
    /// Every data file a models folder holds beside the models.
    public static let fileNames = [emojiNamesFile, sentimentLexiconFile]

    public let normalizer: TextNormalizer
    public let lexicon: SentimentLexicon

    public init(normalizer: TextNormalizer, lexicon: SentimentLexicon) {
        self.normalizer = normalizer
        self.lexicon = lexicon
    }

    /// Loads the emoji table (``emojiNamesFile``) and the sentiment lexicon
    /// (``sentimentLexiconFile``) from a models folder.
    /// - Throws: ``DetectError``: `modelMissing` when a file is not there, `invalidModel` (with
    ///   the parser's error, a ``Normalize/NormalizeError`` for the emoji table) when it cannot
    ///   be read.
    public init(directory: URL) throws {
        func load<Table>(_ name: String, madeBy script: String, _ parse: (String) throws -> Table) throws -> Table {
            let url = directory.appendingPathComponent(name)
            let text = try Self.text(of: url, madeBy: script)
            do {
                return try parse(text)
            } catch {
                throw DetectError(.invalidModel, "\(url.path) cannot be read", underlying: error)
            }
        }
        let emojiNames = try load(Self.emojiNamesFile, madeBy: "scripts/make-emoji-table", EmojiNames.init)
        let lexicon = try load(
            Self.sentimentLexiconFile,
            madeBy: "scripts/make-sentiment-lexicon",
            SentimentLexicon.init
        )
        self.init(normalizer: TextNormalizer(emojiNames: emojiNames), lexicon: lexicon)
    }

    /// The normalized, hashed features of a message's text.
    public func features(_ text: String) -> TextFeatures {
        TextFeatures(normalizer.normalize(text), reader: self)
    }

    /// The UTF-8 text of a data file of the models folder.
    /// - Throws: ``DetectError`` `modelMissing` (saying where the file comes from) or
    ///   `invalidModel` when it is not UTF-8.
    static func text(of url: URL, madeBy script: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw DetectError(
                .modelMissing,
                "\(url.path) is missing: the models read it; copy it with them from the repository's models/ "
                    + "folder (\(script) writes it)"
            )
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DetectError(.invalidModel, "\(url.path) is not UTF-8 text: run \(script) again")
        }
        return text
    }
}
