import Core
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat

extension Request {
    /// The body as a JSON object, at most `maxBytes`; a clear 400 for anything else.
    func jsonObject(maxBytes: Int = 1 << 20) async throws -> [String: JSONValue] {
        let body = try await body.collect(upTo: maxBytes)
        guard let value = try? JSONValue.parse(Data(buffer: body)) else {
            throw APIError(.badRequest, code: "invalid_json", message: "the request body is not JSON")
        }
        guard let object = value.objectValue else {
            throw APIError(.badRequest, code: "invalid_body", message: "the request body must be a JSON object")
        }
        return object
    }
}

extension Response {
    /// A JSON document as it is (its keys are snake_case already).
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: value.canonicalData()))
        )
    }
}
