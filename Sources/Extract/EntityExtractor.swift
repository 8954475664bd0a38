import Core

/// Finds entities (money, dates, companies, products, quantities, roles, contact data) in a
/// message. The extractors and BANT scoring arrive with a later issue; nothing here extracts yet.
public protocol EntityExtractor: Sendable {
    /// Entities found in `text`, as JSON objects with at least `type`, `text` and `value`.
    func extract(from text: String, language: String?) -> [JSONValue]
}
