import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Store

/// Authenticates `Authorization: Bearer <API key>` (or `X-API-Key`) and sets the
/// organization on the context; everything under it is scoped to that organization.
public struct APIKeyMiddleware<Keys: APIKeyAuthenticating>: RouterMiddleware {
    public typealias Context = AppRequestContext
    let keys: Keys

    public init(keys: Keys) { self.keys = keys }

    // @concurrent: Hummingbird's protocol predates NonisolatedNonsendingByDefault.
    @concurrent public func handle(
        _ request: Request,
        context: Context,
        next: @concurrent (Request, Context) async throws -> Response
    ) async throws -> Response {
        let header = request.headers[.authorization] ?? ""
        let key: String? =
            if header.lowercased().hasPrefix("bearer ") {
                String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
            } else { request.headers[HTTPField.Name("X-API-Key")!] }
        guard let key, !key.isEmpty else {
            throw APIError(.unauthorized, code: "missing_api_key", message: "send Authorization: Bearer <API key>")
        }
        guard let organization = try await keys.organization(forAPIKey: key) else {
            throw APIError(.unauthorized, code: "invalid_api_key", message: "the API key is unknown or revoked")
        }
        var context = context
        context.organization = organization
        return try await next(request, context)
    }
}
