import Foundation
import Normalize

/// How the models read a text: the normalizer with its emoji table, whose tokens are features
/// the models were trained on. Its data lives in the models folder beside the models and is
/// loaded with them (``init(directory:)``), so that models and data travel together.
public struct TextReader: Sendable {
    /// The emoji table in a models folder, as `scripts/make-emoji-table` writes it.
    public static let emojiNamesFile = "emoji-names.tsv"
    /// Every data file a models folder holds beside the models.
    public static let fileNames = [emojiNamesFile]

    public let normalizer: TextNormalizer

    public init(normalizer: TextNormalizer) {
        self.normalizer = normalizer
    }

    /// Loads the emoji table (``emojiNamesFile``) from a models folder.
    /// - Throws: ``DetectError``: `modelMissing` when the file is not there, `invalidModel`
    ///   (with the ``Normalize/NormalizeError``) when it cannot be read.
    public init(directory: URL) throws {
        let url = directory.appendingPathComponent(Self.emojiNamesFile)
        let table = try Self.text(of: url, madeBy: "scripts/make-emoji-table")
        do {
            self.init(normalizer: TextNormalizer(emojiNames: try EmojiNames(table: table)))
        } catch {
            throw DetectError(.invalidModel, "\(url.path) cannot be read", underlying: error)
        }
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
