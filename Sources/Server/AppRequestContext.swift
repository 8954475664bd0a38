import Core
import Foundation
import Hummingbird

/// The per-request context: the organization the caller's API key belongs to, once the
/// authentication middleware has run.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``APIKeyMiddleware``; `nil` on unauthenticated routes.
    public var organization: OrganizationID?

    /// JSON answers use snake_case keys and ISO 8601 dates, like Meta's and the CRM's APIs, with
    /// keys in a stable (sorted) order.
    public var responseEncoder: JSONEncoder { .api }

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.organization = nil
    }

    /// The UUID in the path parameter `name` (`{id}`).
    /// - Throws: 400 with `code` when it is not a UUID.
    public func uuidParameter(_ name: String = "id", code: String, what: String) throws -> UUID {
        guard let id = parameters.get(name).flatMap(UUID.init(uuidString:)) else {
            throw APIError(.badRequest, code: code, message: "\(what) must be a UUID")
        }
        return id
    }

    /// The authenticated organization.
    /// - Throws: 401 when the route was reached without a key (a wiring mistake).
    public func requireOrganization() throws -> OrganizationID {
        guard let organization else {
            throw APIError(.unauthorized, code: "unauthenticated", message: "send Authorization: Bearer <API key>")
        }
        return organization
    }
}

extension JSONEncoder {
    /// How every JSON answer is written: snake_case keys, ISO 8601 dates, sorted keys, `/` as is.
    static var api: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}
