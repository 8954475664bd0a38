import Foundation
import HTTPTypes
import Hummingbird
import Store
import WhatsAppCloud

/// An error answered as `{"error": {"code": "...", "message": "..."}}` with its HTTP status.
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    /// Stable machine-readable code.
    public var code: String
    public var message: String

    public init(_ status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Self.jsonResponse(status: status, code: code, message: message)
    }

    static func jsonResponse(status: HTTPResponse.Status, code: String, message: String) -> Response {
        let body: [String: [String: String]] = ["error": ["code": code, "message": message]]
        let data = (try? JSONEncoder.api.encode(body)) ?? Data()
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}

extension WhatsAppCloudError: HTTPResponseError {
    /// A bad or missing signature is 401, a refused handshake 403, a malformed payload 400.
    public var status: HTTPResponse.Status {
        switch code {
        case .handshakeRefused: return .forbidden
        case .malformedPayload: return .badRequest
        default: return .unauthorized
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        APIError.jsonResponse(status: status, code: code.description, message: message)
    }
}

extension StoreError: HTTPResponseError {
    /// Unavailable is 503 (retry), a missing row 404, a duplicate 409; anything else 500.
    public var status: HTTPResponse.Status {
        switch code {
        case .unavailable: return .serviceUnavailable
        case .notFound: return .notFound
        case .conflict: return .conflict
        default: return .internalServerError
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        // Internal details stay in the log; clients get the code and a safe message.
        let message = status == .internalServerError ? "internal error" : message
        return APIError.jsonResponse(status: status, code: code.description, message: message)
    }
}
