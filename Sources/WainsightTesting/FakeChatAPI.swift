import Core
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat
import ServiceLifecycle
import Synchronization

/// An OpenAI-compatible `POST /v1/chat/completions` on loopback. It checks every request's shape
/// as OpenAI documents it (bearer key, `model`, `messages` with known roles and string content,
/// `max_tokens`, `stream` with `stream_options.include_usage`, a `response_format` `json_schema`
/// whose string fields all carry `maxLength`) and records what broke it. It answers from a
/// script of replies (then the default): a completion, the same streamed as server-sent event
/// chunks, an error status with OpenAI's body (429 with `Retry-After`), a stall, or a body that
/// is not JSON.
public final class FakeChatAPI: Sendable {
    public enum Reply: Sendable, Equatable {
        /// A completion whose message content is this text (streamed in chunks when asked).
        case answer(String)
        /// An error answer, with `Retry-After` when given.
        case status(Int, retryAfter: String? = nil)
        /// Waits, then answers the text.
        case stall(Duration, then: String)
        /// A 200 whose body is not JSON.
        case malformed
    }

    struct State {
        var port: Int?
        var script: [Reply] = []
        var fallback: Reply = .answer("ok")
        var requests: [JSONValue] = []
        var invalid: [String] = []
    }

    let state = Mutex(State())
    public let apiKey: String
    public let model: String

    public init(apiKey: String = "sk-chat-test", model: String = "fake-chat-1") {
        self.apiKey = apiKey
        self.model = model
    }

    public var baseURL: String { "http://127.0.0.1:\(state.withLock { $0.port ?? 0 })" }
    /// Every request body, in order.
    public var requests: [JSONValue] { state.withLock { $0.requests } }
    /// Requests that broke the documented protocol: should stay empty.
    public var invalidRequests: [String] { state.withLock { $0.invalid } }

    /// The next requests get these replies in order; later ones get `fallback`.
    public func script(_ replies: [Reply], fallback: Reply = .answer("ok")) {
        state.withLock {
            $0.script = replies
            $0.fallback = fallback
        }
    }

    public static func with<Result: Sendable>(_ body: (FakeChatAPI) async throws -> Result) async throws -> Result {
        let fake = FakeChatAPI()
        let router = Router()
        router.post("/v1/chat/completions") { request, _ in try await fake.completions(request) }
        return try await LoopbackServer.serve(
            router,
            label: "fake-chat",
            bound: { port in fake.state.withLock { $0.port = port } }
        ) {
            try await body(fake)
        }
    }

    // MARK: Answering

    private func completions(_ request: Request) async throws -> Response {
        guard request.headers[.authorization] == "Bearer \(apiKey)" else {
            note("missing or wrong bearer key")
            return FakeEmbeddingsAPI.error(.unauthorized, "Incorrect API key provided.", type: "invalid_request_error")
        }
        guard let body = try? JSONValue.parse(Data(buffer: try await request.body.collect(upTo: 8 << 20))) else {
            note("body is not JSON")
            return FakeEmbeddingsAPI.error(
                .badRequest,
                "We could not parse the JSON body.",
                type: "invalid_request_error"
            )
        }
        let problems = Self.problems(body)
        let reply = state.withLock { state -> Reply in
            state.requests.append(body)
            state.invalid += problems
            return state.script.isEmpty ? state.fallback : state.script.removeFirst()
        }
        guard problems.isEmpty else {
            return FakeEmbeddingsAPI.error(.badRequest, problems.joined(separator: "; "), type: "invalid_request_error")
        }
        let stream = body["stream"]?.boolValue == true
        switch reply {
        case .answer(let text):
            return stream ? streamed(text) : completion(text)
        case .stall(let delay, let text):
            try await Task.sleep(for: delay)
            return stream ? streamed(text) : completion(text)
        case .status(let code, let retryAfter):
            var response = FakeEmbeddingsAPI.error(
                HTTPResponse.Status(code: code),
                code == 429
                    ? "Rate limit reached for requests." : "The server had an error while processing your request.",
                type: code == 429 ? "requests" : "server_error"
            )
            if let retryAfter { response.headers[HTTPField.Name("Retry-After")!] = retryAfter }
            return response
        case .malformed:
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "{\"choices\": [{\"message\": "))
            )
        }
    }

    private func note(_ problem: String) {
        state.withLock { $0.invalid.append(problem) }
    }

    /// Tokens as the fake counts them: words.
    public static func tokens(_ text: String) -> Int { text.split(whereSeparator: \.isWhitespace).count }

    private func completion(_ text: String) -> Response {
        let answer: JSONValue = [
            "id": "chatcmpl-fake", "object": "chat.completion", "created": 1_767_225_600, "model": .string(model),
            "choices": [
                ["index": 0, "message": ["role": "assistant", "content": .string(text)], "finish_reason": "stop"]
            ],
            "usage": [
                "prompt_tokens": 42, "completion_tokens": .number(Double(Self.tokens(text))),
                "total_tokens": .number(Double(42 + Self.tokens(text))),
            ],
        ]
        return Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: answer.canonicalData()))
        )
    }

    /// The text in chunks of four characters, each an SSE event; the finish reason, the usage
    /// (`include_usage`), then `[DONE]`. Events are split across writes on purpose.
    private func streamed(_ text: String) -> Response {
        let characters = Array(text)
        var events: [JSONValue] = stride(from: 0, to: characters.count, by: 4).map { start in
            let piece = String(characters[start..<min(characters.count, start + 4)])
            return [
                "id": "chatcmpl-fake", "object": "chat.completion.chunk", "model": .string(model),
                "choices": [["index": 0, "delta": ["content": .string(piece)], "finish_reason": .null]],
            ]
        }
        events.append([
            "id": "chatcmpl-fake", "object": "chat.completion.chunk", "model": .string(model),
            "choices": [["index": 0, "delta": [:], "finish_reason": "stop"]],
        ])
        events.append([
            "id": "chatcmpl-fake", "object": "chat.completion.chunk", "model": .string(model), "choices": [],
            "usage": ["prompt_tokens": 42, "completion_tokens": .number(Double(Self.tokens(text)))],
        ])
        var wire = events.map { "data: " + String(decoding: $0.canonicalData(), as: UTF8.self) + "\n\n" }.joined()
        wire += "data: [DONE]\n\n"
        let bytes = Array(wire.utf8)
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream"],
            body: ResponseBody { writer in
                var start = 0
                while start < bytes.count {
                    let end = min(bytes.count, start + 37)
                    try await writer.write(ByteBuffer(bytes: bytes[start..<end]))
                    start = end
                }
                try await writer.finish(nil)
            }
        )
    }

    // MARK: The protocol

    /// How `body` breaks OpenAI's documented chat completions request.
    static func problems(_ body: JSONValue) -> [String] {
        var problems: [String] = []
        if body["model"]?.stringValue?.isEmpty != false { problems.append("model must be a non-empty string") }
        let messages = body["messages"]?.arrayValue ?? []
        if messages.isEmpty { problems.append("messages must be a non-empty array") }
        for (index, message) in messages.enumerated() {
            if !["system", "user", "assistant"].contains(message["role"]?.stringValue ?? "") {
                problems.append("messages[\(index)].role is not system, user or assistant")
            }
            if case .string = message["content"] {
            } else {
                problems.append("messages[\(index)].content must be a string")
            }
        }
        if let tokens = body["max_tokens"], tokens.exactIntValue.map({ $0 > 0 }) != true {
            problems.append("max_tokens must be a positive integer")
        }
        guard let stream = body["stream"]?.boolValue else {
            problems.append("stream must be a boolean")
            return problems
        }
        if stream, body["stream_options"]?["include_usage"]?.boolValue != true {
            problems.append("a stream should ask for its usage (stream_options.include_usage)")
        }
        if let format = body["response_format"] {
            if format["type"]?.stringValue != "json_schema" || format["json_schema"]?["name"]?.stringValue == nil
                || format["json_schema"]?["schema"]?.objectValue == nil
            {
                problems.append("response_format must be {type: json_schema, json_schema: {name, schema}}")
            } else {
                problems += unboundedStrings(format["json_schema"]?["schema"] ?? .null, path: "schema")
            }
        }
        return problems
    }

    /// String fields without `maxLength` (a small model then writes to its token limit).
    static func unboundedStrings(_ schema: JSONValue, path: String) -> [String] {
        var found: [String] = []
        if schema["type"]?.stringValue == "string", schema["maxLength"] == nil, schema["enum"] == nil {
            found.append("\(path) is a string with no maxLength")
        }
        for (key, property) in (schema["properties"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            found += unboundedStrings(property, path: "\(path).\(key)")
        }
        if let items = schema["items"] { found += unboundedStrings(items, path: "\(path)[]") }
        return found
    }
}
