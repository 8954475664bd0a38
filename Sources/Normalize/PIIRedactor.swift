import Foundation

/// Replaces personal identifiers in a text with typed placeholders, so that nothing computed
/// from the text (an embedding, a prompt) carries them: e-mail addresses `[EMAIL]`, IBANs
/// `[IBAN]` (mod-97 checked), payment card numbers `[CARD]` (Luhn checked), national ids in
/// their common written forms (US SSN, Brazil CPF and CNPJ) `[ID]`, and phone numbers
/// (7 to 15 digits with the usual separators, or a leading +) `[PHONE]`.
public enum PIIRedactor {
    public enum Kind: String, Sendable, CaseIterable {
        case email = "[EMAIL]"
        case iban = "[IBAN]"
        case card = "[CARD]"
        case nationalID = "[ID]"
        case phone = "[PHONE]"
        /// Only where a caller names the span (the extract stage's URLs): the expressions here
        /// find no URLs.
        case url = "[URL]"
    }

    // Built once: NSRegularExpression is thread-safe for matching.
    nonisolated(unsafe) static let email = try! NSRegularExpression(
        pattern: #"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"#
    )
    nonisolated(unsafe) static let iban = try! NSRegularExpression(
        pattern: #"\b[A-Z]{2}[0-9]{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b"#
    )
    nonisolated(unsafe) static let card = try! NSRegularExpression(
        pattern: #"(?<![0-9])(?:[0-9][ \-]?){12,18}[0-9](?![0-9])"#
    )
    nonisolated(unsafe) static let nationalID = try! NSRegularExpression(
        pattern:
            #"(?<![0-9])(?:[0-9]{3}-[0-9]{2}-[0-9]{4}|[0-9]{3}\.[0-9]{3}\.[0-9]{3}-[0-9]{2}|[0-9]{2}\.[0-9]{3}\.[0-9]{3}/[0-9]{4}-[0-9]{2})(?![0-9])"#
    )
    nonisolated(unsafe) static let phone = try! NSRegularExpression(
        pattern: #"(?<![\w+])(?:\+[ ]?)?(?:\(?[0-9]{1,4}\)?[ .\-]?){1,5}[0-9]{2,}(?![\w])"#
    )

    /// What an embedder is given for a message: the text trimmed, its identifiers replaced. The
    /// embed stage, the detect command and API, and training all embed through this, so a
    /// model that takes an embedding sees the vectors it was trained on.
    public static func embeddingInput(_ text: String) -> String {
        redact(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The same, with the given spans (Unicode scalar offsets into `text`, end exclusive: the
    /// contact data the extract stage found) replaced by their placeholders first, so whatever
    /// the extract stage knows to be contact data is never embedded, even where the
    /// expressions here would miss it.
    public static func embeddingInput(_ text: String, masking spans: [(start: Int, end: Int, kind: Kind)]) -> String {
        guard !spans.isEmpty else { return embeddingInput(text) }
        let scalars = Array(text.unicodeScalars)
        var masked = String.UnicodeScalarView()
        var position = 0
        for span in spans.sorted(by: { $0.start < $1.start })
        where span.start >= position && span.start < span.end && span.end <= scalars.count {
            masked.append(contentsOf: scalars[position..<span.start])
            masked.append(contentsOf: span.kind.rawValue.unicodeScalars)
            position = span.end
        }
        masked.append(contentsOf: scalars[position...])
        return embeddingInput(String(masked))
    }

    /// The text with every identifier replaced by its placeholder.
    public static func redact(_ text: String) -> String { redact(text, clues: Clues(text)) }

    /// The redaction running only the expressions `clues` allows (``Clues/all``: every one).
    static func redact(_ text: String, clues: Clues) -> String {
        // Most messages have no clue at all and skip the expressions.
        guard clues.at || clues.longestDigitRun >= 7 || clues.ibanStart else { return text }
        var result = text
        if clues.at { result = replace(email, in: result, with: .email) { _ in true } }
        if clues.ibanStart { result = replace(iban, in: result, with: .iban) { isValidIBAN($0) } }
        if clues.longestDigitRun >= 13 { result = replace(card, in: result, with: .card) { passesLuhn($0) } }
        if clues.longestDigitRun >= 9 { result = replace(nationalID, in: result, with: .nationalID) { _ in true } }
        guard clues.longestDigitRun >= 7 else { return result }
        result = replace(phone, in: result, with: .phone) { match in
            let digits = match.filter(\.isNumber).count
            return (7...15).contains(digits)
                && (match.hasPrefix("+") || digits >= 8 || match.contains(where: { " -.()".contains($0) }))
        }
        return result
    }

    /// What one pass over a text says about which expressions could match in it: an `@` right
    /// after a character an address may have (an e-mail address, not a `@mention`); the longest
    /// run of ASCII digits with at most three of ` .-()/+` between two of them (a phone number
    /// has 7 or more, a national id 9, a card 13); two capitals followed by two digits (an
    /// IBAN's country and check digits).
    struct Clues {
        var at = false
        var longestDigitRun = 0
        var ibanStart = false

        /// Clues that let every expression run.
        static let all: Clues = {
            var clues = Clues("")
            clues.at = true
            clues.longestDigitRun = .max
            clues.ibanStart = true
            return clues
        }()

        init(_ text: String) {
            var run = 0
            var gap = 0
            var capitals = 0
            var digitsAfterCapitals = 0
            var previous: Unicode.Scalar = " "
            for scalar in text.unicodeScalars {
                defer { previous = scalar }
                let value = scalar.value
                if (0x30...0x39).contains(value) {
                    run = run > 0 && gap <= 3 ? run + 1 : 1
                    gap = 0
                    longestDigitRun = max(longestDigitRun, run)
                    digitsAfterCapitals = capitals >= 2 || digitsAfterCapitals > 0 ? digitsAfterCapitals + 1 : 0
                    if digitsAfterCapitals >= 2 { ibanStart = true }
                    capitals = 0
                    continue
                }
                digitsAfterCapitals = 0
                capitals = (0x41...0x5A).contains(value) ? capitals + 1 : 0
                if value == 0x40 {
                    at = at || Self.isAddressCharacter(previous)
                } else if run > 0, " .-()/+".unicodeScalars.contains(scalar) {
                    gap += 1
                    continue
                }
                run = 0
                gap = 0
            }
        }

        /// `[A-Za-z0-9._%+-]`, what the e-mail expression allows before the `@`.
        static func isAddressCharacter(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII && (ScalarClass.isAlphabetic(scalar) || "0123456789._%+-".unicodeScalars.contains(scalar))
        }
    }

    private static func replace(
        _ pattern: NSRegularExpression,
        in text: String,
        with kind: Kind,
        when accept: (String) -> Bool
    ) -> String {
        let range = NSRange(text.startIndex..., in: text)
        var result = text
        for match in pattern.matches(in: text, range: range).reversed() {
            guard let swiftRange = Range(match.range, in: result) else { continue }
            let found = String(result[swiftRange])
            // Never re-redact inside a placeholder already put in.
            guard !found.contains("["), accept(found) else { continue }
            result.replaceSubrange(swiftRange, with: kind.rawValue)
        }
        return result
    }

    static func passesLuhn(_ candidate: String) -> Bool {
        let digits = candidate.compactMap(\.wholeNumberValue)
        guard (13...19).contains(digits.count) else { return false }
        var sum = 0
        for (index, digit) in digits.reversed().enumerated() {
            if index % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }

    static func isValidIBAN(_ candidate: String) -> Bool {
        let compact = candidate.filter { !$0.isWhitespace }.uppercased()
        guard (15...34).contains(compact.count) else { return false }
        let rearranged = compact.dropFirst(4) + compact.prefix(4)
        var remainder = 0
        for character in rearranged {
            if let digit = character.wholeNumberValue {
                remainder = (remainder * 10 + digit) % 97
            } else if let ascii = character.asciiValue, (65...90).contains(ascii) {
                remainder = (remainder * 100 + Int(ascii) - 55) % 97
            } else {
                return false
            }
        }
        return remainder == 1
    }
}
