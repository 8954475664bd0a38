import Core
import Extract
import Foundation
import Normalize

/// One guardrail's verdict on a draft.
public struct GuardrailResult: Sendable, Equatable {
    public var name: String
    public var passed: Bool
    /// What failed, when it did.
    public var detail: String?

    public var json: JSONValue {
        ["name": .string(name), "passed": .bool(passed), "detail": detail.map(JSONValue.string) ?? .null]
    }
}

/// The checks every draft passes before a rep sees it, whichever path wrote it:
/// - `profanity`: no word of a multilingual list (en, es, pt);
/// - `pii`: no e-mail address or phone number but the customer's own;
/// - `prices`: no amount that is not in the catalog, a knowledge snippet, or the customer's
///   own words;
/// - `template_boundary`: outside the 24-hour window only an approved template, never free text.
public struct Guardrails: Sendable {
    /// What a draft may say.
    public struct Context: Sendable {
        /// Amounts (value and ISO currency when known) the draft may quote.
        public var allowedAmounts: [(value: Double, unit: String?)]
        /// The customer's own e-mail addresses and phone numbers (digits), which a reply may repeat.
        public var customerContacts: Set<String>
        public var windowOpen: Bool

        public init(allowedAmounts: [(value: Double, unit: String?)], customerContacts: Set<String>, windowOpen: Bool) {
            self.allowedAmounts = allowedAmounts
            self.customerContacts = customerContacts
            self.windowOpen = windowOpen
        }
    }

    let extractor = Extractor()

    public init() {}

    /// What a draft for a thread may quote and repeat: the catalog's list prices, the amounts in
    /// the snippets it drew on and in the customer's own messages; the customer's own e-mail
    /// addresses and phone numbers (their WhatsApp number among them).
    public static func context(
        catalog: Catalog,
        snippetBodies: [String],
        customerEntities: [JSONValue],
        contactPhone: String?,
        windowOpen: Bool
    ) -> Context {
        var amounts: [(value: Double, unit: String?)] = catalog.items.compactMap { item in
            item.listPrice.map { ($0, item.currency) }
        }
        let extractor = Extractor()
        let reference = ExtractionContext(
            referenceTime: Date(timeIntervalSince1970: 0),
            timeZone: TimeZone(identifier: "UTC")!
        )
        for body in snippetBodies {
            for entity in extractor.extract(ScalarText(body), context: reference) where entity.type == .money {
                amounts += Self.amounts(entity.value)
            }
        }
        var contacts: Set<String> = []
        for entity in customerEntities {
            switch entity["type"]?.stringValue {
            case "money": amounts += Self.amounts(entity["value"] ?? .null)
            case "email", "phone": contacts.insert(Self.contactKey(entity["text"]?.stringValue ?? ""))
            default: break
            }
        }
        if let contactPhone { contacts.insert(Self.contactKey(contactPhone)) }
        return Context(allowedAmounts: amounts, customerContacts: contacts, windowOpen: windowOpen)
    }

    public func check(_ text: String, mode: String, context: Guardrails.Context) -> [GuardrailResult] {
        let scalars = ScalarText(text)
        let entities = extractor.extract(
            scalars,
            context: ExtractionContext(
                referenceTime: Date(timeIntervalSince1970: 0),
                timeZone: TimeZone(identifier: "UTC")!
            )
        )
        var results: [GuardrailResult] = []

        let words = Set(scalars.tokens.map(\.folded))
        let rude = words.intersection(Self.profanity).sorted()
        results.append(
            GuardrailResult(
                name: "profanity",
                passed: rude.isEmpty,
                detail: rude.isEmpty ? nil : "contains \(rude.joined(separator: ", "))"
            )
        )

        // The customer's own address or number may be repeated to them; anything else the
        // extractor or the PII redactor finds may not.
        let own = entities.filter { entity in
            (entity.type == .email || entity.type == .phone)
                && context.customerContacts.contains(Self.contactKey(entity.text))
        }
        let rest = Self.removing(own.map { ($0.start, $0.end) }, from: text)
        let foreign = entities.filter { ($0.type == .email || $0.type == .phone) && !own.contains($0) }
        let leaks = !foreign.isEmpty || PIIRedactor.redact(rest) != rest
        results.append(
            GuardrailResult(
                name: "pii",
                passed: !leaks,
                detail: leaks ? "holds contact data or identifiers that are not the customer's own" : nil
            )
        )

        let unknown = entities.filter { $0.type == .money }.filter { entity in
            let amounts = Self.amounts(entity.value)
            return !amounts.allSatisfy { amount in
                context.allowedAmounts.contains { allowed in
                    abs(allowed.value - amount.value) < 0.005
                        && (allowed.unit == nil || amount.unit == nil || allowed.unit == amount.unit)
                }
            }
        }
        results.append(
            GuardrailResult(
                name: "prices",
                passed: unknown.isEmpty,
                detail: unknown.isEmpty
                    ? nil
                    : "quotes \(unknown.map(\.text).joined(separator: ", ")), found in no catalog item, snippet or customer message"
            )
        )

        let boundary = context.windowOpen || mode == "template"
        results.append(
            GuardrailResult(
                name: "template_boundary",
                passed: boundary,
                detail: boundary ? nil : "the 24-hour window is closed: only an approved template may be sent"
            )
        )
        return results
    }

    /// The amounts of a money entity's value (one, or both ends of an interval).
    public static func amounts(_ value: JSONValue) -> [(value: Double, unit: String?)] {
        if let amount = value["value"]?.doubleValue { return [(amount, value["unit"]?.stringValue)] }
        return ["from", "to"].compactMap { side in
            value[side]?["value"]?.doubleValue.map { ($0, value[side]?["unit"]?.stringValue) }
        }
    }

    /// An e-mail address lowercased, a phone number as its digits.
    public static func contactKey(_ text: String) -> String {
        text.contains("@") ? text.lowercased() : String(text.filter(\.isNumber))
    }

    /// `text` without the given scalar spans.
    static func removing(_ spans: [(Int, Int)], from text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var kept = String.UnicodeScalarView()
        var position = 0
        for (start, end) in spans.sorted(by: { $0.0 < $1.0 }) where start >= position && end <= scalars.count {
            kept.append(contentsOf: scalars[position..<start])
            position = end
        }
        kept.append(contentsOf: scalars[position...])
        return String(kept)
    }

    /// Folded (no accents, lowercase) words of en, es and pt that no business reply contains.
    static let profanity: Set<String> = [
        "fuck", "fucking", "shit", "bitch", "asshole", "bastard", "dick", "cunt", "crap", "idiot", "stupid",
        "mierda", "puta", "puto", "pendejo", "cabron", "joder", "gilipollas", "estupido", "idiota", "carajo", "verga",
        "porra", "caralho", "merda", "buceta", "foda", "fodase", "otario", "babaca", "cacete", "viado",
    ]
}
