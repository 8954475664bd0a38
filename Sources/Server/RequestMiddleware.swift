import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Gives every request an id: the caller's `X-Request-ID` when it is a sensible one (1 to 128
/// visible ASCII characters), else a new UUID. It goes into every log line of the request
/// (`request.id`) and back in the response's `X-Request-ID`, errors included, so a CRM can
/// quote it when something went wrong.
public struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    public static var header: HTTPField.Name { HTTPField.Name("X-Request-ID")! }

    public init() {}

    // @concurrent: Hummingbird's protocol predates NonisolatedNonsendingByDefault.
    @concurrent public func handle(
        _ request: Request,
        context: Context,
        next: @concurrent (Request, Context) async throws -> Response
    ) async throws -> Response {
        let id = request.headers[Self.header].flatMap(Self.accepted) ?? UUID().uuidString.lowercased()
        var context = context
        context.logger[metadataKey: "request.id"] = .string(id)
        var response = try await next(request, context)
        response.headers[Self.header] = id
        return response
    }

    static func accepted(_ value: String) -> String? {
        guard (1...128).contains(value.utf8.count), value.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            return nil
        }
        return value
    }
}

/// Answers every error with the JSON error body, `{"error": {"code", "message"}}`: errors that
/// carry their own response (``APIError``, the modules' errors) keep it; Hummingbird's bare ones
/// (no route, wrong method, a body over the limit) get a code of their status; anything else is
/// logged and answered as a 500 that says nothing of its cause.
public struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    @concurrent public func handle(
        _ request: Request,
        context: Context,
        next: @concurrent (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let message = error.body ?? Self.message(for: error.status, request: request)
            return APIError.jsonResponse(status: error.status, code: Self.code(for: error.status), message: message)
        } catch let error as any HTTPResponseError {
            let response = try error.response(from: request, context: context)
            guard response.body.contentLength == 0 else { return response }
            return APIError.jsonResponse(
                status: error.status,
                code: Self.code(for: error.status),
                message: Self.message(for: error.status, request: request)
            )
        } catch {
            context.logger.error(
                "request failed",
                metadata: ["error": "\(String(reflecting: error))", "http.route": "\(request.uri.path)"]
            )
            return APIError.jsonResponse(status: .internalServerError, code: "internal", message: "internal error")
        }
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: return "not_found"
        case .methodNotAllowed: return "method_not_allowed"
        case .contentTooLarge: return "body_too_large"
        case .badRequest: return "bad_request"
        case .unauthorized: return "unauthorized"
        default: return status.code < 500 ? "client_error" : "internal"
        }
    }

    static func message(for status: HTTPResponse.Status, request: Request) -> String {
        switch status {
        case .notFound, .methodNotAllowed:
            return "no route \(request.method) \(request.uri.path); the routes are listed at /openapi.json"
        case .contentTooLarge: return "the request body is larger than this route accepts"
        default: return status.reasonPhrase
        }
    }
}
