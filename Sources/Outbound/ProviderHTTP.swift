import AsyncHTTPClient
import Core
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import WhatsAppCloud

/// The HTTP exchange every adapter shares: JSON in and out, credentials in a header, Meta's
/// error bodies read into ``GraphAPIError``, transport failures and timeouts told apart.
struct ProviderHTTP: Sendable {
    let client: HTTPClient
    /// The credential header (`Authorization: Bearer …` or `D360-API-KEY: …`).
    let credential: (name: String, value: String)
    let timeout: Duration
    /// Largest JSON answer read (template pages are the biggest).
    static let maxJSONBytes = 8 << 20

    func json(_ method: HTTPMethod, _ url: String, body: JSONValue? = nil) async throws -> JSONValue {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: credential.name, value: credential.value)
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: body.canonicalData()))
        }
        return try await exchange(request, what: "\(method) \(Self.redacted(url))")
    }

    /// A `multipart/form-data` POST of text fields and one file.
    func multipart(
        _ url: String,
        fields: [(String, String)],
        file: (field: String, filename: String, mimeType: String, data: Data)
    ) async throws -> JSONValue {
        let boundary = "wainsight-" + UUID().uuidString
        var buffer = ByteBuffer()
        for (name, value) in fields {
            buffer.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        let filename = file.filename.replacingOccurrences(of: "\"", with: "")
        buffer.writeString(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(filename)\"\r\n"
                + "Content-Type: \(file.mimeType)\r\n\r\n"
        )
        buffer.writeBytes(file.data)
        buffer.writeString("\r\n--\(boundary)--\r\n")
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: credential.name, value: credential.value)
        request.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
        request.body = .bytes(buffer)
        return try await exchange(request, what: "POST \(Self.redacted(url))")
    }

    /// The raw bytes at `url`, fetched with the credential header.
    func bytes(_ url: String, maxBytes: Int) async throws -> Data {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: credential.name, value: credential.value)
        let (status, body) = try await perform(request, maxBytes: maxBytes, what: "GET media")
        guard (200..<300).contains(status) else { throw Self.failure(status: status, body: body) }
        return Data(buffer: body)
    }

    private func exchange(_ request: HTTPClientRequest, what: String) async throws -> JSONValue {
        let (status, body) = try await perform(request, maxBytes: Self.maxJSONBytes, what: what)
        let data = Data(buffer: body)
        guard (200..<300).contains(status) else { throw Self.failure(status: status, body: body) }
        do {
            return try JSONValue.parse(data)
        } catch {
            throw OutboundError(
                .unreadableResponse,
                "\(what) answered HTTP \(status) with a body that is not JSON",
                httpStatus: status,
                underlying: error
            )
        }
    }

    private func perform(_ request: HTTPClientRequest, maxBytes: Int, what: String) async throws -> (Int, ByteBuffer) {
        let deadline = TimeAmount.nanoseconds(timeout.nanoseconds)
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: deadline)
        } catch let error as HTTPClientError where Self.isTimeout(error) {
            throw OutboundError(.timeout, "\(what) got no answer within \(timeout)", underlying: error)
        } catch {
            throw OutboundError(.transport, "\(what) failed: the provider could not be reached", underlying: error)
        }
        do {
            return (Int(response.status.code), try await response.body.collect(upTo: maxBytes))
        } catch let error as HTTPClientError where Self.isTimeout(error) {
            throw OutboundError(.timeout, "\(what) answer did not finish within \(timeout)", underlying: error)
        } catch let error as NIOTooManyBytesError {
            throw OutboundError(.invalidRequest, "\(what) answer is larger than \(maxBytes) bytes", underlying: error)
        } catch {
            throw OutboundError(.transport, "\(what) answer broke off", underlying: error)
        }
    }

    private static func isTimeout(_ error: HTTPClientError) -> Bool {
        error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout
            || error == .writeTimeout
    }

    static func failure(status: Int, body: ByteBuffer) -> OutboundError {
        let data = Data(buffer: body)
        if let graph = GraphAPIError(httpStatus: status, body: data) {
            return OutboundError(.provider, graph.message, graphError: graph)
        }
        let excerpt = String(decoding: data.prefix(200), as: UTF8.self)
        return OutboundError(.unexpectedStatus, "HTTP \(status): \(excerpt)", httpStatus: status)
    }

    /// A URL without its query (media download URLs carry signatures).
    static func redacted(_ url: String) -> String {
        url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
    }
}
