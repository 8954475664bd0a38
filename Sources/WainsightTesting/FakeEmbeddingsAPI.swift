import Core
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat
import ServiceLifecycle
import Synchronization

/// An OpenAI-compatible `POST /v1/embeddings` on loopback: checks the bearer key and the body
/// (`model`, `input` array, `dimensions`), answers deterministic vectors (a hash of each text,
/// deliberately not unit length, listed in reverse order with their `index`), or OpenAI's
/// error bodies when told to fail.
public final class FakeEmbeddingsAPI: Sendable {
    public enum Mode: Sendable { case normal, unauthorized, serverError, wrongDimensions }

    struct State {
        var port: Int?
        var mode: Mode = .normal
        var requests = 0
        var inputs: [String] = []
    }

    let state = Mutex(State())
    public let apiKey: String

    public init(apiKey: String = "sk-test") { self.apiKey = apiKey }

    public var baseURL: String { "http://127.0.0.1:\(state.withLock { $0.port ?? 0 })" }
    public var requestCount: Int { state.withLock { $0.requests } }
    /// Every text it was asked to embed, in order.
    public var inputs: [String] { state.withLock { $0.inputs } }
    public func setMode(_ mode: Mode) { state.withLock { $0.mode = mode } }

    /// The vector the fake gives `text` (before the client normalizes it).
    public static func vector(for text: String, dimensions: Int) -> [Float] {
        var values: [Float] = []
        var counter = 0
        while values.count < dimensions {
            let digest = SHA256.hash(data: Data("\(counter)|\(text)".utf8))
            values += digest.map { Float(Int($0) - 128) / 64 }
            counter += 1
        }
        return Array(values.prefix(dimensions))
    }

    public static func with<Result: Sendable>(_ body: (FakeEmbeddingsAPI) async throws -> Result) async throws -> Result
    {
        let fake = FakeEmbeddingsAPI()
        let router = Router()
        router.post("/v1/embeddings") { request, _ in try await fake.embeddings(request) }
        return try await LoopbackServer.serve(
            router,
            label: "fake-embeddings",
            bound: { port in fake.state.withLock { $0.port = port } }
        ) {
            try await body(fake)
        }
    }

    static func error(_ status: HTTPResponse.Status, _ message: String, type: String) -> Response {
        let body: JSONValue = ["error": ["message": .string(message), "type": .string(type), "code": .null]]
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: body.canonicalData()))
        )
    }

    private func embeddings(_ request: Request) async throws -> Response {
        let mode = state.withLock { state -> Mode in
            state.requests += 1
            return state.mode
        }
        guard request.headers[.authorization] == "Bearer \(apiKey)", mode != .unauthorized else {
            return Self.error(.unauthorized, "Incorrect API key provided.", type: "invalid_request_error")
        }
        if mode == .serverError {
            return Self.error(.internalServerError, "The server had an error.", type: "server_error")
        }
        let body = try JSONValue.parse(Data(buffer: try await request.body.collect(upTo: 8 << 20)))
        guard let model = body["model"]?.stringValue, let inputs = body["input"]?.arrayValue?.compactMap(\.stringValue),
            !inputs.isEmpty, let dimensions = body["dimensions"]?.intValue
        else {
            return Self.error(
                .badRequest,
                "model, input (array of strings) and dimensions are required",
                type: "invalid_request_error"
            )
        }
        state.withLock { $0.inputs += inputs }
        let size = mode == .wrongDimensions ? dimensions * 4 : dimensions
        let data: [JSONValue] = inputs.enumerated().reversed().map { index, text in
            [
                "object": "embedding", "index": .number(Double(index)),
                "embedding": .array(Self.vector(for: text, dimensions: size).map { .number(Double($0)) }),
            ]
        }
        let answer: JSONValue = [
            "object": "list", "data": .array(data), "model": .string(model),
            "usage": ["prompt_tokens": .number(Double(inputs.count)), "total_tokens": .number(Double(inputs.count))],
        ]
        return Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: answer.canonicalData()))
        )
    }
}
