import Core
import Foundation

/// What kind of fact an ``Entity`` is.
public enum EntityType: String, Sendable, Hashable, CaseIterable, Codable {
    case time, duration, money, quantity, percentage
    case email, phone, url
    case company, role, product, competitor

    /// Contact data: found before redaction so a rep sees it, and never embedded nor sent to an
    /// LLM (the redacted text those stages read has placeholders where these were).
    public var isContactData: Bool { self == .email || self == .phone || self == .url }
}

/// One fact found in a text. `start` and `end` are offsets in Unicode scalars into the text as
/// stored (end exclusive): `Array(text.unicodeScalars)[start..<end]` is `text`. Scalars, not
/// UTF-16 units or grapheme clusters, because Postgres, Python and JavaScript's `codePointAt`
/// all agree on them.
public struct Entity: Sendable, Hashable {
    public var type: EntityType
    public var text: String
    public var start: Int
    public var end: Int
    /// The resolved value, its shape per type (docs/extract.md): time as Duckling's
    /// `{"type": "value", "value", "grain"}` or `{"type": "interval", "from", "to"}`, money as
    /// `{"type": "value", "value", "unit"}` or an interval of those, and so on.
    public var value: JSONValue
    /// How sure the extractor is, in [0, 1].
    public var confidence: Double

    public init(type: EntityType, text: String, start: Int, end: Int, value: JSONValue, confidence: Double) {
        self.type = type
        self.text = text
        self.start = start
        self.end = end
        self.value = value
        self.confidence = confidence
    }

    /// The JSON object stored in `ai_entities_json` and returned by the API.
    public var json: JSONValue {
        .object([
            "type": .string(type.rawValue),
            "text": .string(text),
            "start": .number(Double(start)),
            "end": .number(Double(end)),
            "value": value,
            "confidence": .number((confidence * 1000).rounded() / 1000),
        ])
    }
}

/// What extraction resolves against: relative times against the message's sent time in the
/// contact's time zone, ambiguous dates (2/3) by the region's order, catalog names per
/// organization.
public struct ExtractionContext: Sendable {
    /// The instant "now" means: the message's sent time.
    public var referenceTime: Date
    /// The contact's time zone: "tomorrow at 3" is 15:00 there.
    public var timeZone: TimeZone
    /// The message's language (`en`, `es`, `pt`, ...) when known; `nil` tries every language.
    public var language: String?
    /// ISO 3166 region (`US`, `GB`, `BR`) when known: decides whether 2/3 is February 3 or 2 March.
    public var region: String?
    /// The organization's products and competitors.
    public var catalog: Catalog
    /// An hour from 1 to 6 said without am/pm is the afternoon's ("tomorrow at 3" is 15:00), as
    /// people mean it in a sales chat. Off, the next such hour comes first, as Duckling reads it
    /// (its corpora are evaluated that way). Default on.
    public var businessHours = true

    public init(
        referenceTime: Date,
        timeZone: TimeZone,
        language: String? = nil,
        region: String? = nil,
        catalog: Catalog = Catalog()
    ) {
        self.referenceTime = referenceTime
        self.timeZone = timeZone
        self.language = language
        self.region = region
        self.catalog = catalog
    }
}
