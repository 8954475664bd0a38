import Foundation

/// A text as Unicode scalars with a folded twin of the same length (lowercase, accents
/// removed, one scalar for one), so whatever a scanner finds in the folded text has its offsets
/// in the original. Tokens are runs of letters, runs of digits, and single other scalars;
/// whitespace separates and is not a token. Extractors scan tokens, not regular expressions:
/// the extract stage must handle tens of thousands of messages per second per core.
public struct ScalarText: Sendable {
    public enum Kind: Sendable, Hashable {
        case word, number, symbol
    }

    public struct Token: Sendable, Hashable {
        public var kind: Kind
        /// Scalar offsets into the text, end exclusive.
        public var start: Int
        public var end: Int
        /// The folded form (`"amanhã"` → `"amanha"`, `"Próximo"` → `"proximo"`).
        public var folded: String
        /// Whitespace before this token (none means it touches the previous token: `10h`, `$5`).
        public var spaceBefore: Bool
    }

    public let original: [Unicode.Scalar]
    public let folded: [Unicode.Scalar]
    public let tokens: [Token]

    public init(_ text: String) {
        let original = Array(text.unicodeScalars)
        let folded = original.map(Self.fold)
        self.original = original
        self.folded = folded
        self.tokens = Self.tokenize(folded)
    }

    /// The original text between two scalar offsets.
    public func text(_ start: Int, _ end: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: original[start..<end])
        return String(view)
    }

    /// The original text a run of tokens covers, from the first's start to the last's end.
    public func text(tokens range: Range<Int>) -> String {
        text(tokens[range.lowerBound].start, tokens[range.upperBound - 1].end)
    }

    /// Lowercase without accents, one scalar for one: ASCII by arithmetic, Latin letters by
    /// their decomposition's base letter, anything else lowercased when that keeps one scalar.
    public static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let value = scalar.value
        if value < 0x80 {
            return value >= 0x41 && value <= 0x5A ? Unicode.Scalar(value + 32)! : scalar
        }
        if value >= 0xC0 && value < 0x250 { return latin[Int(value - 0xC0)] }
        switch value {
        case 0xA0, 0x2007, 0x202F: return " "  // no-break spaces separate like spaces
        case 0x2018, 0x2019: return "'"
        case 0x201C, 0x201D: return "\""
        case 0x2013, 0x2014: return "-"
        default: break
        }
        // Most other scalars (emoji, CJK, symbols) have no lowercase: skip building a String.
        guard scalar.properties.changesWhenLowercased else { return scalar }
        let lower = String(scalar).lowercased().unicodeScalars
        return lower.count == 1 ? lower.first! : scalar
    }

    /// Latin-1 Supplement and Latin Extended-A/B letters folded to their base letter.
    private static let latin: [Unicode.Scalar] = (0xC0..<0x250).map { value in
        let scalar = Unicode.Scalar(UInt32(value))!
        let base = String(scalar).lowercased().decomposedStringWithCanonicalMapping.unicodeScalars
        guard let first = base.first else { return scalar }
        if value == 0xDF { return scalar }  // ß stays ß (its lowercase is itself)
        return first.value < 0x80 || base.count == 1 ? first : scalar
    }

    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return (value | 0x20) >= 0x61 && (value | 0x20) <= 0x7A }
        return scalar.properties.isAlphabetic
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 0x30 && scalar.value <= 0x39 }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value == 0x20 || scalar.properties.isWhitespace
    }

    private static func tokenize(_ folded: [Unicode.Scalar]) -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity(folded.count / 4)
        var index = 0
        var space = true
        while index < folded.count {
            let scalar = folded[index]
            if isSpace(scalar) {
                space = true
                index += 1
                continue
            }
            let start = index
            let kind: Kind
            if isDigit(scalar) {
                kind = .number
                while index < folded.count && isDigit(folded[index]) { index += 1 }
            } else if isLetter(scalar) {
                kind = .word
                while index < folded.count && isLetter(folded[index]) { index += 1 }
            } else {
                kind = .symbol
                index += 1
            }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: folded[start..<index])
            tokens.append(Token(kind: kind, start: start, end: index, folded: String(view), spaceBefore: space))
            space = false
        }
        return tokens
    }
}
