import Assist
import AsyncHTTPClient
import Core
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Synchronization

/// A chat model behind an OpenAI-compatible `POST {baseURL}/v1/chat/completions`: a hosted
/// GPT-4o-mini, or a self-hosted Llama behind vLLM, Ollama or llama.cpp's `llama-server`.
///
/// - Plain and streamed (server-sent events, `stream_options.include_usage` for the tokens).
/// - Structured output as `response_format` `json_schema` (checked again by ``ChatModel/structured(_:)``).
/// - Retries 5xx, failed connections and malformed answers with exponential backoff and
///   jitter, and 429 after its `Retry-After` (seconds or an HTTP date) when that is no longer
///   than ``longestWait``; a 4xx other than 429 and a timeout fail at once.
/// - A ``CircuitBreaker`` shared by every call to the endpoint: after repeated failures calls
///   fail at once (`circuit_open`) until a cool-down passes, so the local path answers without
///   waiting on a dead endpoint.
public struct ChatCompletionsClient: ChatModel {
    public let client: HTTPClient
    /// Without the `/v1` (a trailing `/v1` is dropped: presets are written either way).
    public let baseURL: String
    public let model: String
    public let apiKey: String?
    /// A whole plain answer.
    public var timeout: Duration
    /// A whole streamed answer.
    public var streamTimeout: Duration
    public var maxAttempts: Int
    public var retryBase: Duration
    /// A 429 that asks to wait longer than this fails at once (the local path answers now).
    public var longestWait: Duration
    public let breaker: CircuitBreaker

    public init(
        client: HTTPClient,
        baseURL: String,
        model: String,
        apiKey: String?,
        timeout: Duration = .seconds(30),
        streamTimeout: Duration = .seconds(120),
        maxAttempts: Int = 3,
        retryBase: Duration = .milliseconds(250),
        longestWait: Duration = .seconds(10),
        breaker: CircuitBreaker = CircuitBreaker()
    ) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/v1") { base.removeLast(3) }
        self.client = client
        self.baseURL = base
        self.model = model
        self.apiKey = apiKey
        self.timeout = timeout
        self.streamTimeout = streamTimeout
        self.maxAttempts = max(1, maxAttempts)
        self.retryBase = retryBase
        self.longestWait = longestWait
        self.breaker = breaker
    }

    // MARK: ChatModel

    public func complete(_ request: ChatRequest) async throws -> ChatAnswer {
        try await guarded {
            let response = try await send(request, stream: false)
            let data: Data
            do {
                data = Data(buffer: try await response.body.collect(upTo: 16 << 20))
            } catch {
                throw Failure.retryable(AssistError(.unavailable, "the answer from \(baseURL) broke off: \(error)"))
            }
            return try Self.answer(from: data, endpoint: baseURL)
        }
    }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatChunk, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let response = try await guarded { try await send(request, stream: true) }
                    var reader = EventStreamReader()
                    var text = ""
                    var finish: String?
                    var usage = TokenUsage()
                    var answeringModel = model
                    var ended = false
                    for try await buffer in response.body where !ended {
                        for event in reader.feed(buffer) {
                            if event == "[DONE]" {
                                ended = true
                                break
                            }
                            guard let chunk = try? JSONValue.parse(Data(event.utf8)) else {
                                throw AssistError(.invalidOutput, "\(baseURL) streamed a chunk that is not JSON")
                            }
                            if let name = chunk["model"]?.stringValue { answeringModel = name }
                            if let piece = chunk["choices"]?[0]?["delta"]?["content"]?.stringValue, !piece.isEmpty {
                                text += piece
                                continuation.yield(.text(piece))
                            }
                            if let reason = chunk["choices"]?[0]?["finish_reason"]?.stringValue { finish = reason }
                            if let counted = Self.usage(chunk["usage"]) { usage = counted }
                        }
                    }
                    continuation.yield(
                        .done(ChatAnswer(text: text, model: answeringModel, finishReason: finish, usage: usage))
                    )
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    // MARK: Calls

    /// A failure, and whether trying again may help.
    enum Failure: Error {
        case retryable(AssistError, wait: Duration? = nil)
        case final(AssistError)
    }

    /// Runs `call` with the breaker, the retries and their waits.
    private func guarded<T: Sendable>(_ call: () async throws -> T) async throws -> T {
        try breaker.admit(endpoint: baseURL)
        var attempt = 0
        while true {
            attempt += 1
            do {
                let result = try await call()
                breaker.record(success: true)
                return result
            } catch let failure as Failure {
                switch failure {
                case .final(let error):
                    breaker.record(success: false)
                    throw error
                case .retryable(let error, let wait):
                    guard attempt < maxAttempts else {
                        breaker.record(success: false)
                        throw error
                    }
                    if let wait, wait > longestWait {
                        breaker.record(success: false)
                        throw AssistError(
                            .rateLimited,
                            "\(error.message); it asks to wait \(wait), longer than \(longestWait)"
                        )
                    }
                    try await Task.sleep(for: wait ?? backoff(attempt))
                }
            } catch let error as AssistError {
                breaker.record(success: false)
                throw error
            }
        }
    }

    /// Exponential from ``retryBase``, ±20 %.
    private func backoff(_ attempt: Int) -> Duration {
        let base = retryBase * (1 << min(attempt - 1, 8))
        return base * Double.random(in: 0.8...1.2)
    }

    /// Sends the request; answers other than 200 become failures.
    private func send(_ request: ChatRequest, stream: Bool) async throws -> HTTPClientResponse {
        var http = HTTPClientRequest(url: "\(baseURL)/v1/chat/completions")
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "application/json")
        if stream { http.headers.add(name: "Accept", value: "text/event-stream") }
        if let apiKey { http.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        http.body = .bytes(ByteBuffer(data: Self.body(request, model: model, stream: stream).canonicalData()))
        let response: HTTPClientResponse
        let allowed = stream ? streamTimeout : timeout
        do {
            response = try await client.execute(http, timeout: .nanoseconds(allowed.nanoseconds))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw Failure.final(AssistError(.timedOut, "\(baseURL) did not answer within \(allowed)"))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw Failure.retryable(AssistError(.unavailable, "\(baseURL) could not be reached: \(error)"))
        }
        guard response.status == .ok else {
            let data = Data(buffer: (try? await response.body.collect(upTo: 1 << 20)) ?? ByteBuffer())
            let detail =
                (try? JSONValue.parse(data))?["error"]?["message"]?.stringValue
                ?? String(decoding: data.prefix(200), as: UTF8.self)
            let said = "\(baseURL) answered HTTP \(response.status.code): \(detail)"
            switch response.status.code {
            case 429:
                throw Failure.retryable(
                    AssistError(.rateLimited, said),
                    wait: Self.retryAfter(response.headers.first(name: "Retry-After")) ?? backoff(1)
                )
            case 500...599: throw Failure.retryable(AssistError(.unavailable, said))
            default: throw Failure.final(AssistError(.rejected, said))
            }
        }
        return response
    }

    // MARK: Wire format

    /// The request body OpenAI's API documents.
    static func body(_ request: ChatRequest, model: String, stream: Bool) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(model),
            "messages": .array(
                request.messages.map { ["role": .string($0.role.rawValue), "content": .string($0.content)] }
            ),
            "max_tokens": .number(Double(request.maxTokens)),
            "temperature": .number(request.temperature),
            "stream": .bool(stream),
        ]
        if stream { body["stream_options"] = ["include_usage": true] }
        if let schema = request.schema {
            body["response_format"] = [
                "type": "json_schema",
                "json_schema": ["name": .string(schema.name), "strict": true, "schema": schema.schema],
            ]
        }
        return .object(body)
    }

    static func answer(from data: Data, endpoint: String) throws -> ChatAnswer {
        guard let json = try? JSONValue.parse(data), let message = json["choices"]?[0]?["message"] else {
            throw Failure.retryable(
                AssistError(.unavailable, "\(endpoint) answered something that is not a chat completion")
            )
        }
        return ChatAnswer(
            text: message["content"]?.stringValue ?? "",
            model: json["model"]?.stringValue ?? "",
            finishReason: json["choices"]?[0]?["finish_reason"]?.stringValue,
            usage: usage(json["usage"]) ?? TokenUsage()
        )
    }

    static func usage(_ json: JSONValue?) -> TokenUsage? {
        guard let json, let prompt = json["prompt_tokens"]?.intValue else { return nil }
        return TokenUsage(prompt: prompt, completion: json["completion_tokens"]?.intValue ?? 0)
    }

    /// `Retry-After` as delta-seconds or an HTTP date.
    static func retryAfter(_ value: String?, now: Date = Date()) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value) { return .milliseconds(Int64(max(0, seconds) * 1000)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000))
    }
}

/// Names the endpoint and model, never the key.
extension ChatCompletionsClient: CustomStringConvertible {
    public var description: String {
        "ChatCompletionsClient(\(baseURL), model: \(model), api key: \(apiKey == nil ? "none" : "set"))"
    }
}

/// Splits a server-sent event stream into its `data:` payloads (one event's lines joined), as
/// the bytes arrive in any cut.
struct EventStreamReader {
    private var pending = Data()
    private var data: [String] = []

    mutating func feed(_ buffer: ByteBuffer) -> [String] {
        pending.append(contentsOf: buffer.readableBytesView)
        var events: [String] = []
        while let newline = pending.firstIndex(of: 0x0A) {
            var line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
            pending.removeSubrange(pending.startIndex...newline)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty {
                if !data.isEmpty { events.append(data.joined(separator: "\n")) }
                data = []
            } else if line.hasPrefix("data:") {
                var payload = line.dropFirst(5)
                if payload.first == " " { payload = payload.dropFirst() }
                data.append(String(payload))
            }
        }
        return events
    }
}

/// Stops calling an endpoint that keeps failing: after ``threshold`` failures in a row every call
/// fails at once until ``coolDown`` has passed; then calls go through again, and the first
/// success closes it (a failure opens it for another cool-down).
public final class CircuitBreaker: Sendable {
    public let threshold: Int
    public let coolDown: Duration
    private let state = Mutex<(failures: Int, openUntil: ContinuousClock.Instant?)>((0, nil))

    public init(threshold: Int = 5, coolDown: Duration = .seconds(30)) {
        self.threshold = max(1, threshold)
        self.coolDown = coolDown
    }

    /// - Throws: ``AssistError`` `.circuitOpen` while open.
    func admit(endpoint: String) throws {
        let now = ContinuousClock.now
        if let until = state.withLock({ $0.openUntil }), now < until {
            throw AssistError(
                .circuitOpen,
                "\(endpoint) failed \(threshold) times in a row; not tried again for \(until - now)"
            )
        }
    }

    func record(success: Bool) {
        state.withLock { state in
            if success {
                state = (0, nil)
            } else {
                state.failures += 1
                if state.failures >= threshold { state.openUntil = ContinuousClock.now + coolDown }
            }
        }
    }

    public var isOpen: Bool {
        state.withLock { $0.openUntil.map { ContinuousClock.now < $0 } ?? false }
    }
}
