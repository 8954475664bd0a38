import Foundation

/// Cleans a message's text for the classifiers: what a person wrote, in one canonical form.
/// Every step is a pure function, tested on its own; ``normalize(_:)`` runs them in order:
///
/// 1. Unicode NFKC (full-width letters, ligatures and compatibility forms folded).
/// 2. Quoted or forwarded text pasted into the message is cut (``stripQuoted(_:)``).
/// 3. Personal identifiers become typed placeholders (``PIIRedactor``).
/// 4. One pass over the scalars (``foldTokens(_:)``): URLs → `[URL]`, @mentions → `[MENTION]`,
///    numbers → `[NUMBER]`, emoji glyphs, `:names:` and emoticons (`:)`, `<3`) → the canonical
///    `:token:` of the emoji, runs of
///    three or more of one character folded to two (`soooo` → `soo`), whitespace collapsed.
///
/// The last step reads an emoji table (``EmojiNames``), which is data the normalizer is made
/// with; the steps before it need none and are static.
public struct TextNormalizer: Sendable {
    public static let url = "[URL]"
    public static let mention = "[MENTION]"
    public static let number = "[NUMBER]"

    /// The emoji glyphs and names this normalizer folds to tokens.
    public let emojiNames: EmojiNames
    /// The emoticons, read as the tokens of ``emojiNames``, and the polarity of emoji tokens.
    public let emoticons: Emoticons

    public init(emojiNames: EmojiNames) {
        self.emojiNames = emojiNames
        self.emoticons = Emoticons(emojiNames: emojiNames)
    }

    /// All steps, in order.
    public func normalize(_ text: String) -> String {
        var result = Self.compatibilityFold(text)
        result = Self.stripQuoted(result)
        result = PIIRedactor.redact(result)
        return foldTokens(result)
    }

    /// Unicode NFKC; ASCII text is returned as it is (NFKC leaves it unchanged).
    public static func compatibilityFold(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        return text.precomposedStringWithCompatibilityMapping
    }

    // MARK: Quoted and forwarded text

    /// Lines that start a quoted or forwarded block: everything from them on is someone else's.
    static let quoteHeaders: [String] = [
        "-----original message-----", "---------- forwarded message", "begin forwarded message",
        "-------- mensagem original", "---------- mensagem encaminhada", "-------- mensaje original",
        "---------- mensaje reenviado", "-------- message d'origine", "---------- message transféré",
        "-------- ursprüngliche nachricht", "---------- weitergeleitete nachricht",
    ]
    /// How the line before a quoted reply ends ("On Mon, Jan 3, Ana wrote:"), per language.
    static let replyLeadEndings = [
        "wrote:", "escreveu:", "escribió:", "a écrit :", "a écrit:", "schrieb:", "ha scritto:",
        "schreef:", "menulis:", "yazdı:", "написал:", "написала:", "napisał:", "napisała:",
    ]

    /// The message without pasted quotes: lines starting with `>`, everything from a forwarded
    /// or reply header on ("-----Original Message-----", "On … wrote:", "Em … escreveu:", …),
    /// and lines copied from a WhatsApp chat export (`[03/12/24, 10:15] Ana: …` or
    /// `03/12/2024 10:15 - Ana: …`). When nothing would be left, the text is kept whole: a
    /// message that is only a quote is still what the person sent.
    public static func stripQuoted(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x3E || $0 == 0x3A || $0 == 0x2D }) else { return text }
        var kept: [Substring] = []
        var removed = false
        // Character-wise, so "\r\n" (one Character) ends a line as "\n" does.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard let first = trimmed.utf8.first else {
                kept.append(line)
                continue
            }
            // Only lines that could be a header, a reply lead, a quote or a chat export are
            // looked at closely: they start with '-', 'b', '>', '[' or a digit, or end with ':'.
            let endsWithColon = trimmed.utf8.last(where: { $0 != 0x20 && $0 != 0x0D }) == 0x3A
            if first == 0x2D || first | 0x20 == 0x62 || endsWithColon {
                let lower = trimmed.lowercased()
                if quoteHeaders.contains(where: { lower.hasPrefix($0) }) || (endsWithColon && isReplyLead(lower)) {
                    removed = true
                    break
                }
            }
            if isQuoteLine(trimmed) || ((first == 0x5B || (0x30...0x39).contains(first)) && isChatExportLine(trimmed)) {
                removed = true
                continue
            }
            kept.append(line)
        }
        guard removed else { return text }
        let result = kept.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return result.isEmpty ? text : result
    }

    /// "On Tue, 3 Dec 2024 at 10:15, Ana <ana@…> wrote:" and its translations: a line that ends
    /// with a reply lead and starts with a capitalized preposition-like word.
    static func isReplyLead(_ lower: String) -> Bool {
        guard lower.count < 200, let ending = replyLeadEndings.first(where: { lower.hasSuffix($0) }) else {
            return false
        }
        let lead = lower.dropLast(ending.count)
        return ["on ", "em ", "el ", "le ", "am ", "il ", "op ", "pada ", "w dniu ", "tarihinde "].contains {
            lead.hasPrefix($0)
        } || containsClockTime(lead)
    }

    /// `> quoted` or `>>nested` (or a bare `>`), not `>100 units` or `>:(`.
    static func isQuoteLine(_ line: Substring) -> Bool {
        guard line.utf8.first == 0x3E else { return false }
        let next = line.utf8.dropFirst().first
        return next == nil || next == 0x20 || next == 0x3E || next == 0x09
    }

    /// A clock time (`9:00`, `10:15`) somewhere in the text: reply leads carry the time the
    /// quoted message was sent.
    static func containsClockTime(_ text: Substring) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 4 else { return false }
        func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
        for index in 1..<(bytes.count - 2) where bytes[index] == 0x3A {
            if isDigit(bytes[index - 1]), isDigit(bytes[index + 1]), isDigit(bytes[index + 2]) { return true }
        }
        return false
    }

    /// `[03/12/24, 10:15] Ana: …`, `[10:15, 03/12/2024] Ana: …` or `03/12/2024, 10:15 - Ana: …`.
    static func isChatExportLine(_ line: Substring) -> Bool {
        var rest = line[...]
        if rest.first == "[" {
            guard let close = rest.firstIndex(of: "]") else { return false }
            let stamp = rest[rest.index(after: rest.startIndex)..<close]
            guard isTimestamp(stamp) else { return false }
            rest = rest[rest.index(after: close)...]
        } else {
            guard let dash = rest.range(of: " - ") else { return false }
            guard isTimestamp(rest[..<dash.lowerBound]) else { return false }
            rest = rest[dash.upperBound...]
        }
        // "Name: text" follows.
        guard let colon = rest.firstIndex(of: ":") else { return false }
        return rest.distance(from: rest.startIndex, to: colon) <= 40
    }

    /// Digits with `/`, `.`, `-`, `:`, `,` and spaces (and AM/PM): a date and a time.
    static func isTimestamp(_ text: Substring) -> Bool {
        let digits = text.filter(\.isNumber).count
        let allowed = text.allSatisfy { $0.isNumber || "/.-:, apmAPM\u{202F}".contains($0) }
        return allowed && digits >= 6 && text.contains(":")
    }

    // MARK: One pass over the scalars

    /// URLs, mentions, numbers and emoji to their tokens; elongations and whitespace folded.
    public func foldTokens(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var writer = TokenWriter(capacity: text.utf8.count)
        var i = 0
        while i < scalars.count {
            let scalar = scalars[i]
            if Self.isSpace(scalar) {
                writer.pendingSpace = true
                i += 1
                continue
            }
            let atWordStart = i == 0 || Self.isSpace(scalars[i - 1]) || Self.isOpening(scalars[i - 1])
            if atWordStart, let end = Self.urlEnd(scalars, from: i) {
                writer.token(Self.url)
                i = end
            } else if atWordStart, let (token, end) = emoticons.match(scalars, at: i) {
                writer.token(token)
                i = end
            } else if scalar == "@", atWordStart, i + 1 < scalars.count, Self.isWordScalar(scalars[i + 1]) {
                var end = i + 1
                while end < scalars.count, Self.isWordScalar(scalars[end]) || scalars[end] == "." { end += 1 }
                writer.token(Self.mention)
                i = end
            } else if Self.isEmojiStart(scalars, at: i) {
                let end = Self.emojiEnd(scalars, from: i)
                let glyph = String(String.UnicodeScalarView(scalars[i..<end]))
                if let token = emojiNames.canonical(glyph: glyph)
                    ?? emojiNames.canonical(glyph: String(Character(scalar)))
                {
                    writer.token(token)
                } else {
                    for part in scalars[i..<end] where !EmojiNames.isIgnorable(part) { writer.scalar(part) }
                }
                i = end
            } else if scalar == ":", let (token, end) = emojiName(scalars, from: i) {
                writer.token(token)
                i = end
            } else if Self.isDigit(scalar) {
                var end = i + 1
                while end < scalars.count,
                    Self.isDigit(scalars[end])
                        || ((scalars[end] == "." || scalars[end] == "," || scalars[end] == "'")
                            && end + 1 < scalars.count && Self.isDigit(scalars[end + 1]))
                {
                    end += 1
                }
                writer.token(Self.number)
                i = end
            } else {
                writer.scalar(scalar)
                i += 1
            }
        }
        return writer.string
    }

    /// UTF-8 output of ``foldTokens(_:)``: spacing between tokens and words, elongation folding.
    struct TokenWriter {
        var bytes: [UInt8] = []
        var pendingSpace = false
        // Elongation: the last scalar or token written and how often it repeated in a row.
        var last: Unicode.Scalar = " "
        var repeats = 0
        var lastToken: String?
        var tokenRepeats = 0

        init(capacity: Int) { bytes.reserveCapacity(capacity + 16) }

        var string: String { String(decoding: bytes, as: UTF8.self) }

        /// A token stands apart from words and other tokens; punctuation may touch it.
        mutating func scalar(_ scalar: Unicode.Scalar) {
            if !bytes.isEmpty, pendingSpace || (lastToken != nil && isWordScalar(scalar)) {
                bytes.append(0x20)
                last = " "
                repeats = 0
            }
            pendingSpace = false
            lastToken = nil
            if scalar == last {
                repeats += 1
                if repeats >= 2 { return }
            } else {
                last = scalar
                repeats = 0
            }
            if scalar.value < 0x80 {
                bytes.append(UInt8(scalar.value))
            } else {
                UTF8.encode(scalar) { bytes.append($0) }
            }
        }

        mutating func token(_ token: String) {
            if token == lastToken, !pendingSpace || token.hasPrefix(":") {
                tokenRepeats += 1
                if tokenRepeats >= 2 { return }
            } else {
                tokenRepeats = 0
            }
            if !bytes.isEmpty, pendingSpace || lastToken != nil || isWordScalar(last) { bytes.append(0x20) }
            bytes.append(contentsOf: token.utf8)
            pendingSpace = false
            lastToken = token
            last = " "
            repeats = 0
        }
    }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        ScalarClass.isWhitespace(scalar)
    }

    /// Characters after which a new word may start without a space: `(`, `[`, `"`, `'`.
    static func isOpening(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "(" || scalar == "[" || scalar == "\"" || scalar == "'"
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        ScalarClass.isDecimalDigit(scalar)
    }

    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 {
            let v = scalar.value
            return v == 0x5F || (0x30...0x39).contains(v) || (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v)
        }
        return ScalarClass.isAlphabetic(scalar) || isDigit(scalar)
    }

    /// Where a URL starting at `start` ends (`http://`, `https://` or `www.`), or `nil`.
    static func urlEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        func matches(_ prefix: String) -> Bool {
            var index = start
            for expected in prefix.unicodeScalars {
                guard index < scalars.count,
                    Unicode.Scalar(UInt8(truncatingIfNeeded: lowerASCII(scalars[index]))) == expected
                else { return false }
                index += 1
            }
            return index < scalars.count && !ScalarClass.isWhitespace(scalars[index])
        }
        let first = lowerASCII(scalars[start])
        guard first == 0x68 || first == 0x77, matches("http://") || matches("https://") || matches("www.") else {
            return nil
        }
        var end = start
        while end < scalars.count, !ScalarClass.isWhitespace(scalars[end]) { end += 1 }
        // Trailing punctuation belongs to the sentence, not the link.
        while end > start, ".,;:!?)]\"'".unicodeScalars.contains(scalars[end - 1]) { end -= 1 }
        return end
    }

    static func lowerASCII(_ scalar: Unicode.Scalar) -> UInt32 {
        (0x41...0x5A).contains(scalar.value) ? scalar.value + 0x20 : scalar.value
    }

    /// `:name:` with a known emoji name starting at `start`: its canonical token and the end.
    func emojiName(_ scalars: [Unicode.Scalar], from start: Int) -> (String, Int)? {
        var end = start + 1
        // CLDR names have letters outside ASCII too (`:curaçao:`, `:côte_d’ivoire:`).
        while end < scalars.count, end - start <= 60,
            Self.isWordScalar(scalars[end]) || "-+&'.’".unicodeScalars.contains(scalars[end])
        {
            end += 1
        }
        guard end < scalars.count, end > start + 1, scalars[end] == ":" else { return nil }
        let name = String(String.UnicodeScalarView(scalars[start...end]))
        return emojiNames.canonical(name: name).map { ($0, end + 1) }
    }

    /// An emoji starts here: a pictographic scalar (not a plain digit, `#` or `*` unless a
    /// keycap follows) or a regional-indicator flag letter.
    static func isEmojiStart(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        let scalar = scalars[index]
        if scalar.isASCII {
            return index + 2 < scalars.count && scalars[index + 1].value == 0xFE0F && scalars[index + 2].value == 0x20E3
        }
        // Below U+203C (‼) no scalar is drawn as an emoji without a keycap.
        guard scalar.value >= 0x203C else { return false }
        let properties = scalar.properties
        return properties.isEmojiPresentation || properties.isEmoji
    }

    /// The end of the emoji sequence starting at `start`: modifiers, variation selectors,
    /// keycaps, tags, zero-width-joined parts and the second letter of a flag.
    static func emojiEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        var end = start + 1
        let isRegional = (0x1F1E6...0x1F1FF).contains(scalars[start].value)
        if isRegional, end < scalars.count, (0x1F1E6...0x1F1FF).contains(scalars[end].value) { return end + 1 }
        while end < scalars.count {
            let value = scalars[end].value
            if value == 0xFE0F || value == 0xFE0E || value == 0x20E3 || (0x1F3FB...0x1F3FF).contains(value)
                || (0xE0020...0xE007F).contains(value)
            {
                end += 1
            } else if value == 0x200D, end + 1 < scalars.count, scalars[end + 1].properties.isEmoji {
                end += 2
            } else {
                break
            }
        }
        return end
    }
}
