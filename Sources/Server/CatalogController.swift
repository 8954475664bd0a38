import Core
import Foundation
import Hummingbird
import Pipeline
import Store

/// The organization's catalog, which the extract stage matches in messages:
/// `POST/GET /api/catalog/products`, `DELETE /api/catalog/products/{id}`, and the same for
/// `/api/catalog/competitors`.
public struct CatalogController<Repository: CatalogStoring>: Sendable {
    public let repository: Repository
    /// This process's cached catalogs, forgotten on a change so the next message sees it.
    public let catalogs: StoredCatalogs?

    public init(repository: Repository, catalogs: StoredCatalogs?) {
        self.repository = repository
        self.catalogs = catalogs
    }

    public func addRoutes(to group: RouterGroup<AppRequestContext>) {
        for kind in CatalogItem.Kind.allCases {
            let path = "/catalog/\(kind.rawValue)s"
            group.post(RouterPath(path)) { request, context in try await add(kind, request, context) }
            group.get(RouterPath(path)) { _, context in try await list(kind, context) }
            group.delete(RouterPath(path + "/{id}")) { _, context in try await delete(kind, context) }
        }
    }

    func add(_ kind: CatalogItem.Kind, _ request: Request, _ context: AppRequestContext) async throws -> Response {
        let org = try context.requireOrganization()
        let item = try Self.item(kind, from: try await request.jsonObject(maxBytes: 64 * 1024))
        let added = try await repository.add(item, organization: org)
        catalogs?.invalidate(org)
        return .json(Self.json(added), status: .created)
    }

    func list(_ kind: CatalogItem.Kind, _ context: AppRequestContext) async throws -> Response {
        let org = try context.requireOrganization()
        let items = try await repository.items(organization: org, kind: kind)
        return .json(.object(["\(kind.rawValue)s": .array(items.map(Self.json))]))
    }

    func delete(_ kind: CatalogItem.Kind, _ context: AppRequestContext) async throws -> Response {
        let org = try context.requireOrganization()
        let id = try context.uuidParameter(code: "invalid_id", what: "\(kind.rawValue) id")
        guard try await repository.delete(id, kind: kind, organization: org) else {
            throw APIError(
                .notFound,
                code: "not_found",
                message: "\(kind.rawValue) \(id) does not exist in this organization"
            )
        }
        catalogs?.invalidate(org)
        return Response(status: .noContent)
    }

    /// Reads and checks an item: a name, up to 50 aliases, an optional SKU, and a list price
    /// with its ISO 4217 currency.
    static func item(_ kind: CatalogItem.Kind, from body: [String: JSONValue]) throws -> CatalogItem {
        func invalid(_ message: String) -> APIError { APIError(.badRequest, code: "invalid_item", message: message) }
        guard let name = body["name"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines),
            (1...200).contains(name.count)
        else { throw invalid("name must be a string of 1 to 200 characters") }
        var aliases: [String] = []
        if let value = body["aliases"], value != .null {
            guard let list = value.arrayValue, list.count <= 50 else {
                throw invalid("aliases must be an array of at most 50 strings")
            }
            for alias in list {
                guard let text = alias.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines),
                    (1...200).contains(text.count)
                else { throw invalid("each alias must be a string of 1 to 200 characters") }
                aliases.append(text)
            }
        }
        var sku: String?
        if let value = body["sku"], value != .null {
            guard let text = value.stringValue?.trimmingCharacters(in: .whitespaces), (1...64).contains(text.count)
            else { throw invalid("sku must be a string of 1 to 64 characters") }
            sku = text
        }
        var price: Double?
        if let value = body["list_price"], value != .null {
            guard case .number(let number) = value, number.isFinite, number >= 0, number < 1e14 else {
                throw invalid("list_price must be a number of 0 or more")
            }
            price = number
        }
        var currency: String?
        if let value = body["currency"], value != .null {
            guard let code = value.stringValue?.uppercased(), code.count == 3,
                code.unicodeScalars.allSatisfy({ $0.value >= 0x41 && $0.value <= 0x5A })
            else { throw invalid("currency must be an ISO 4217 code such as USD or BRL") }
            currency = code
        }
        if price != nil, currency == nil { throw invalid("a list_price needs its currency") }
        return CatalogItem(
            id: UUID(),
            kind: kind,
            name: name,
            aliases: aliases,
            sku: sku,
            listPrice: price,
            currency: currency
        )
    }

    static func json(_ item: CatalogItem) -> JSONValue {
        let object: [String: JSONValue] = [
            "id": .string(item.id.uuidString.lowercased()), "kind": .string(item.kind.rawValue),
            "name": .string(item.name), "aliases": .array(item.aliases.map(JSONValue.string)),
            "sku": item.sku.map(JSONValue.string) ?? .null, "list_price": item.listPrice.map(JSONValue.number) ?? .null,
            "currency": item.currency.map(JSONValue.string) ?? .null,
        ]
        return .object(object)
    }
}
