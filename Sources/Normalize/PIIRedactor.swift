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

    /// The text with every identifier replaced by its placeholder.
    public static func redact(_ text: String) -> String {
        // Every identifier has an @ or at least 7 digits (a phone number's least): most messages
        // have neither and skip the expressions.
        var digits = 0
        var at = false
        for scalar in text.unicodeScalars {
            if scalar.value < 0x80 {
                if (0x30...0x39).contains(scalar.value) { digits += 1 } else if scalar == "@" { at = true }
            } else if scalar.properties.numericType == .decimal {
                digits += 1
            }
        }
        guard at || digits >= 7 else { return text }
        // Each expression only where its identifier could be: cards have 13 digits or more,
        // the national ids 9 or more.
        var result = text
        if at { result = replace(email, in: result, with: .email) { _ in true } }
        guard digits >= 7 else { return result }
        result = replace(iban, in: result, with: .iban) { isValidIBAN($0) }
        if digits >= 13 { result = replace(card, in: result, with: .card) { passesLuhn($0) } }
        if digits >= 9 { result = replace(nationalID, in: result, with: .nationalID) { _ in true } }
        result = replace(phone, in: result, with: .phone) { match in
            let digits = match.filter(\.isNumber).count
            return (7...15).contains(digits)
                && (match.hasPrefix("+") || digits >= 8 || match.contains(where: { " -.()".contains($0) }))
        }
        return result
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
