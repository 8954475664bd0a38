import Core
import Foundation
import Logging
import PostgresNIO

/// An organization's products and competitors, as the catalog API and the extract stage see them.
public protocol CatalogStoring: Sendable {
    /// - Throws: ``StoreError`` `.conflict` when the organization has an item of that kind and name.
    func add(_ item: CatalogItem, organization: OrganizationID) async throws -> CatalogItem
    /// Every item of the organization, of one kind or all, by name.
    func items(organization: OrganizationID, kind: CatalogItem.Kind?) async throws -> [CatalogItem]
    /// - Returns: Whether there was such an item.
    func delete(_ id: UUID, kind: CatalogItem.Kind, organization: OrganizationID) async throws -> Bool
}

/// ``CatalogStoring`` on Postgres.
public struct CatalogRepository: CatalogStoring {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func add(_ item: CatalogItem, organization: OrganizationID) async throws -> CatalogItem {
        do {
            try await client.query(
                """
                INSERT INTO catalog_items (id, organization_id, kind, name, aliases, sku, list_price, currency)
                VALUES (\(item.id), \(organization.rawValue), \(item.kind.rawValue), \(item.name), \(item.aliases),
                    \(item.sku), \(item.listPrice)::numeric, \(item.currency))
                """,
                logger: logger
            )
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw StoreError(
                .conflict,
                "a \(item.kind.rawValue) named \"\(item.name)\" exists already",
                underlying: error
            )
        }
        return item
    }

    public func items(organization: OrganizationID, kind: CatalogItem.Kind?) async throws -> [CatalogItem] {
        let rows = try await client.query(
            """
            SELECT id, kind, name, aliases, sku, list_price::float8, currency FROM catalog_items
            WHERE organization_id = \(organization.rawValue) AND (\(kind?.rawValue)::text IS NULL OR kind = \(kind?.rawValue))
            ORDER BY kind, lower(name)
            """,
            logger: logger
        )
        var items: [CatalogItem] = []
        for try await row in rows.decode((UUID, String, String, [String], String?, Double?, String?).self) {
            items.append(
                CatalogItem(
                    id: row.0,
                    kind: CatalogItem.Kind(rawValue: row.1) ?? .product,
                    name: row.2,
                    aliases: row.3,
                    sku: row.4,
                    listPrice: row.5,
                    currency: row.6
                )
            )
        }
        return items
    }

    public func delete(_ id: UUID, kind: CatalogItem.Kind, organization: OrganizationID) async throws -> Bool {
        let rows = try await client.query(
            """
            DELETE FROM catalog_items
            WHERE id = \(id) AND kind = \(kind.rawValue) AND organization_id = \(organization.rawValue)
            RETURNING 1
            """,
            logger: logger
        )
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }
}
