import Foundation

/// BERT's uncased WordPiece tokenizer, as Hugging Face's `tokenizers` runs it for
/// all-MiniLM-L6-v2: clean-up (control characters dropped, every white space a space), CJK
/// ideographs split apart, accents stripped (NFD, nonspacing marks removed), lower-casing per
/// scalar, splitting on white space and punctuation, then greedy longest-match WordPiece with
/// `##` continuations. Words over 100 scalars, or with a piece not in the vocabulary, are `[UNK]`.
public struct WordPieceTokenizer: Sendable {
    let vocabulary: [String: Int32]
    public let unknownID: Int32
    public let classifierID: Int32
    public let separatorID: Int32
    /// Most tokens per text, `[CLS]` and `[SEP]` included (sentence-transformers' max_seq_length).
    public let maxTokens: Int
    static let maxScalarsPerWord = 100

    /// - Parameter vocabulary: `vocab.txt`, one token per line; the line number is its id.
    public init(vocabulary text: String, maxTokens: Int = 256) throws {
        var vocabulary: [String: Int32] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.isEmpty {
            vocabulary[String(line).trimmingCharacters(in: CharacterSet(charactersIn: "\r"))] = Int32(index)
        }
        guard let unknown = vocabulary["[UNK]"], let cls = vocabulary["[CLS]"], let sep = vocabulary["[SEP]"] else {
            throw EmbedError(.invalidModel, "vocab.txt lacks [UNK], [CLS] or [SEP]")
        }
        self.vocabulary = vocabulary
        self.unknownID = unknown
        self.classifierID = cls
        self.separatorID = sep
        self.maxTokens = maxTokens
    }

    /// Token ids with `[CLS]` and `[SEP]`, truncated to ``maxTokens``.
    public func encode(_ text: String) -> [Int32] {
        var ids: [Int32] = [classifierID]
        for word in words(text) {
            wordPieces(word, into: &ids)
            if ids.count >= maxTokens - 1 { break }
        }
        if ids.count > maxTokens - 1 { ids.removeLast(ids.count - (maxTokens - 1)) }
        ids.append(separatorID)
        return ids
    }

    /// The words after normalization and pre-tokenization, each as Unicode scalars.
    func words(_ text: String) -> [[Unicode.Scalar]] {
        // Clean-up and CJK spacing.
        var cleaned = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.value == 0 || scalar.value == 0xFFFD || Self.isControl(scalar) { continue }
            if Self.isWhitespace(scalar) {
                cleaned.append(" ")
            } else if Self.isCJK(scalar) {
                cleaned.append(" ")
                cleaned.append(scalar)
                cleaned.append(" ")
            } else {
                cleaned.append(scalar)
            }
        }
        // Accents stripped (on the decomposed form), then lower-cased scalar by scalar.
        var normalized: [Unicode.Scalar] = []
        for scalar in String(cleaned).decomposedStringWithCanonicalMapping.unicodeScalars
        where scalar.properties.generalCategory != .nonspacingMark {
            if scalar.properties.changesWhenLowercased {
                normalized.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            } else {
                normalized.append(scalar)
            }
        }
        // White space separates words; each punctuation character is a word of its own.
        var words: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for scalar in normalized {
            if Self.isWhitespace(scalar) {
                if !current.isEmpty { words.append(current) }
                current = []
            } else if Self.isPunctuation(scalar) {
                if !current.isEmpty { words.append(current) }
                words.append([scalar])
                current = []
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Greedy longest-match-first WordPiece of one word, appended to `ids`.
    func wordPieces(_ word: [Unicode.Scalar], into ids: inout [Int32]) {
        guard word.count <= Self.maxScalarsPerWord else {
            ids.append(unknownID)
            return
        }
        var pieces: [Int32] = []
        var start = 0
        while start < word.count {
            var end = word.count
            var found: Int32?
            while start < end {
                var piece = start > 0 ? "##" : ""
                piece.unicodeScalars.append(contentsOf: word[start..<end])
                if let id = vocabulary[piece] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let found else {
                ids.append(unknownID)
                return
            }
            pieces.append(found)
            start = end
        }
        ids.append(contentsOf: pieces)
    }

    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar.properties.isWhitespace
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\t" || scalar == "\n" || scalar == "\r" { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .unassigned, .privateUse, .surrogate: return true
        default: return false
        }
    }

    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if (33...47).contains(value) || (58...64).contains(value) || (91...96).contains(value)
            || (123...126).contains(value)
        {
            return true
        }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .closePunctuation, .finalPunctuation, .initialPunctuation,
            .otherPunctuation, .openPunctuation:
            return true
        default:
            return false
        }
    }

    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
            0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
