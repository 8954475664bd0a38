import Foundation

/// One product or competitor an organization names in `/api/catalog/products` or
/// `/api/catalog/competitors`.
public struct CatalogItem: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case product, competitor
    }

    public var id: UUID
    public var kind: Kind
    public var name: String
    public var aliases: [String]
    public var sku: String?
    /// The list price in `currency`, when given.
    public var listPrice: Double?
    public var currency: String?

    public init(
        id: UUID,
        kind: Kind,
        name: String,
        aliases: [String] = [],
        sku: String? = nil,
        listPrice: Double? = nil,
        currency: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.name = name
        self.aliases = aliases
        self.sku = sku
        self.listPrice = listPrice
        self.currency = currency
    }
}
