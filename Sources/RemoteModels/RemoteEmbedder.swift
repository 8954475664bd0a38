import AsyncHTTPClient
import Core
import Embed
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Sentence embeddings from an OpenAI-compatible endpoint (`POST {baseURL}/v1/embeddings` with
/// `{"model", "input": [...], "dimensions"}`), for organizations that prefer a hosted model. The
/// vectors are checked for length and made unit length, like the local model's.
public struct RemoteEmbedder: SentenceEmbedder {
    public let client: HTTPClient
    public let baseURL: String
    public let model: String
    public let dimensions: Int
    public let apiKey: String?
    public let timeout: Duration
    /// Texts per request.
    public let batchSize: Int

    public init(
        client: HTTPClient,
        baseURL: String,
        model: String,
        dimensions: Int,
        apiKey: String?,
        timeout: Duration = .seconds(30),
        batchSize: Int = 64
    ) {
        self.client = client
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.model = model
        self.dimensions = dimensions
        self.apiKey = apiKey
        self.timeout = timeout
        self.batchSize = max(1, batchSize)
    }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        var vectors: [[Float]] = []
        var start = 0
        while start < texts.count {
            let batch = Array(texts[start..<min(texts.count, start + batchSize)])
            vectors += try await request(batch)
            start += batchSize
        }
        return vectors
    }

    private func request(_ texts: [String]) async throws -> [[Float]] {
        var request = HTTPClientRequest(url: "\(baseURL)/v1/embeddings")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        let body: JSONValue = [
            "model": .string(model), "input": .array(texts.map(JSONValue.string)),
            "dimensions": .number(Double(dimensions)), "encoding_format": "float",
        ]
        request.body = .bytes(ByteBuffer(data: body.canonicalData()))
        let response: HTTPClientResponse
        let data: Data
        do {
            response = try await client.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
            data = Data(buffer: try await response.body.collect(upTo: 64 << 20))
        } catch {
            throw EmbedError(.remote, "the embeddings endpoint \(baseURL) could not be reached", underlying: error)
        }
        guard response.status == .ok else {
            let detail =
                (try? JSONValue.parse(data))?["error"]?["message"]?.stringValue
                ?? String(decoding: data.prefix(200), as: UTF8.self)
            throw EmbedError(.remote, "the embeddings endpoint answered HTTP \(response.status.code): \(detail)")
        }
        guard let items = (try? JSONValue.parse(data))?["data"]?.arrayValue, items.count == texts.count else {
            throw EmbedError(.remote, "the embeddings answer does not hold one vector per input (\(texts.count))")
        }
        var vectors = [[Float]](repeating: [], count: texts.count)
        for (position, item) in items.enumerated() {
            let index = item["index"]?.intValue ?? position
            guard vectors.indices.contains(index),
                let values = item["embedding"]?.arrayValue?.compactMap({ $0.doubleValue.map(Float.init) }),
                values.count == dimensions
            else {
                throw EmbedError(
                    .remote,
                    "the embeddings answer has a vector that is not \(dimensions) floats; set the model's dimensions to \(dimensions)"
                )
            }
            let norm = max(values.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
            vectors[index] = values.map { $0 / norm }
        }
        return vectors
    }
}

/// Names the endpoint, never the key (services holding the embedder are described with
/// `String(describing:)`, and that text goes to logs and errors).
extension RemoteEmbedder: CustomStringConvertible {
    public var description: String {
        "RemoteEmbedder(\(baseURL), model: \(model), dimensions: \(dimensions), api key: \(apiKey == nil ? "none" : "set"))"
    }
}
