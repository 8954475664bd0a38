import Assist
import AsyncHTTPClient
import Core
import Foundation
import Outbound
import Testing
import WainsightTesting

@testable import RemoteModels

/// The chat completions client against a fake OpenAI-compatible server on loopback: request
/// shape, streaming, structured output with one repair, retries with Retry-After, timeouts, and
/// the circuit breaker.
@Suite struct ChatClientTests {
    static func with(
        _ body: @Sendable (FakeChatAPI, @Sendable (ChatClientOptions) -> ChatCompletionsClient) async throws -> Void
    ) async throws {
        try await FakeChatAPI.with { fake in
            try await HTTPClientService.withClient(maxConnectionsPerHost: 4) { http in
                try await body(fake) { options in
                    ChatCompletionsClient(
                        client: http,
                        baseURL: fake.baseURL + "/v1/",
                        model: "gpt-4o-mini",
                        apiKey: options.apiKey ?? fake.apiKey,
                        timeout: options.timeout,
                        maxAttempts: options.maxAttempts,
                        retryBase: .milliseconds(20),
                        breaker: options.breaker
                    )
                }
            }
        }
    }

    struct ChatClientOptions: Sendable {
        var apiKey: String?
        var timeout: Duration = .seconds(5)
        var maxAttempts = 3
        var breaker = CircuitBreaker()
    }

    static let prompt = ChatRequest(
        messages: [ChatMessage(.system, "You draft replies."), ChatMessage(.user, "Quanto custa o plano Pro?")],
        maxTokens: 64
    )

    @Test func aPlainAnswerAndTheRequestAsDocumented() async throws {
        try await Self.with { fake, make in
            fake.script([.answer("O plano Pro custa R$ 99 por mês.")])
            let answer = try await make(ChatClientOptions()).complete(Self.prompt)
            #expect(answer.text == "O plano Pro custa R$ 99 por mês.")
            #expect(answer.model == "fake-chat-1")
            #expect(answer.finishReason == "stop")
            #expect(answer.usage == TokenUsage(prompt: 42, completion: 8))
            let sent = try #require(fake.requests.first)
            #expect(sent["model"]?.stringValue == "gpt-4o-mini")
            #expect(sent["stream"]?.boolValue == false)
            #expect(sent["max_tokens"]?.exactIntValue == 64)
            #expect(sent["messages"]?[1]?["content"]?.stringValue == "Quanto custa o plano Pro?")
            #expect(sent["response_format"] == nil)
            #expect(fake.invalidRequests.isEmpty, "\(fake.invalidRequests)")
        }
    }

    @Test func aStreamedAnswerArrivesInPiecesWithItsUsage() async throws {
        try await Self.with { fake, make in
            let text = "Olá! Posso ajudar com a proposta amanhã às 10h? 🙂"
            fake.script([.answer(text)])
            var pieces: [String] = []
            var done: ChatAnswer?
            for try await chunk in make(ChatClientOptions()).stream(Self.prompt) {
                switch chunk {
                case .text(let piece): pieces.append(piece)
                case .done(let answer): done = answer
                }
            }
            // Events cut across writes, accents and emoji split between them, come back whole.
            #expect(pieces.count > 5)
            #expect(pieces.joined() == text)
            #expect(done?.text == text)
            #expect(done?.finishReason == "stop")
            #expect(done?.usage.completion == FakeChatAPI.tokens(text))
            #expect(fake.requests.first?["stream"]?.boolValue == true)
            #expect(fake.invalidRequests.isEmpty, "\(fake.invalidRequests)")
        }
    }

    @Test func rateLimitsWaitAsAskedOrFailAtOnce() async throws {
        try await Self.with { fake, make in
            let client = make(ChatClientOptions())
            fake.script([.status(429, retryAfter: "1"), .answer("ok")])
            let clock = ContinuousClock()
            let start = clock.now
            let answered = try await client.complete(Self.prompt)
            #expect(answered.text == "ok")
            #expect(clock.now - start >= .milliseconds(950))
            #expect(fake.requests.count == 2)

            // Asked to wait two minutes: the local path answers now instead.
            fake.script([.status(429, retryAfter: "120")])
            let waited = clock.now
            await #expect(throws: AssistError.self) { _ = try await client.complete(Self.prompt) }
            #expect(clock.now - waited < .seconds(1))
            #expect(fake.requests.count == 3)
        }
    }

    @Test func serverErrorsAndBrokenAnswersAreRetriedThenGiveUp() async throws {
        try await Self.with { fake, make in
            let client = make(ChatClientOptions())
            fake.script([.status(500), .malformed, .answer("third time")])
            let third = try await client.complete(Self.prompt)
            #expect(third.text == "third time")
            #expect(fake.requests.count == 3)

            fake.script([], fallback: .status(503))
            do {
                _ = try await client.complete(Self.prompt)
                Issue.record("a failing endpoint answered")
            } catch let error as AssistError {
                #expect(error.code == .unavailable)
                #expect(error.message.contains("503"))
            }
            #expect(fake.requests.count == 6)
        }
    }

    @Test func aStallTimesOutAndAWrongKeyIsNotRetried() async throws {
        try await Self.with { fake, make in
            fake.script([.stall(.seconds(2), then: "late")])
            let clock = ContinuousClock()
            let start = clock.now
            do {
                _ = try await make(ChatClientOptions(timeout: .milliseconds(300))).complete(Self.prompt)
                Issue.record("a stalled endpoint answered")
            } catch let error as AssistError {
                #expect(error.code == .timedOut)
            }
            #expect(clock.now - start < .seconds(2))

            let before = fake.requests.count
            do {
                _ = try await make(ChatClientOptions(apiKey: "sk-wrong")).complete(Self.prompt)
                Issue.record("a wrong key was accepted")
            } catch let error as AssistError {
                #expect(error.code == .rejected)
                #expect(error.message.contains("401"))
            }
            #expect(fake.requests.count == before)  // refused before the body was read
            #expect(fake.invalidRequests == ["missing or wrong bearer key"])
        }
    }

    @Test func theCircuitOpensAfterFailuresAndClosesAfterItsCoolDown() async throws {
        try await Self.with { fake, make in
            let breaker = CircuitBreaker(threshold: 2, coolDown: .milliseconds(500))
            let client = make(ChatClientOptions(maxAttempts: 1, breaker: breaker))
            fake.script([], fallback: .status(500))
            for _ in 0..<2 { await #expect(throws: AssistError.self) { _ = try await client.complete(Self.prompt) } }
            #expect(breaker.isOpen)
            do {
                _ = try await client.complete(Self.prompt)
                Issue.record("an open circuit let a call through")
            } catch let error as AssistError {
                #expect(error.code == .circuitOpen)
            }
            #expect(fake.requests.count == 2)  // the open circuit sent nothing

            try await Task.sleep(for: .milliseconds(600))
            fake.script([.answer("back")])
            let back = try await client.complete(Self.prompt)
            #expect(back.text == "back")
            #expect(!breaker.isOpen)
        }
    }

    static let replySchema = OutputSchema(
        name: "reply",
        schema: [
            "type": "object", "additionalProperties": false, "required": ["reply", "language"],
            "properties": [
                "reply": ["type": "string", "maxLength": 80],
                "language": ["type": "string", "enum": ["en", "es", "pt"]],
            ],
        ]
    )

    @Test func structuredAnswersAreCheckedAndRepairedOnce() async throws {
        try await Self.with { fake, make in
            let client = make(ChatClientOptions())
            var request = Self.prompt
            request.schema = Self.replySchema
            fake.script([
                .answer(#"{"reply": 5, "language": "pt"}"#), .answer(#"{"reply": "Custa R$ 99.", "language": "pt"}"#),
            ])
            let (value, usage) = try await client.structured(request)
            #expect(value["reply"]?.stringValue == "Custa R$ 99.")
            #expect(usage.prompt == 84)
            let requests = fake.requests
            #expect(requests.count == 2)
            #expect(requests[0]["response_format"]?["json_schema"]?["name"]?.stringValue == "reply")
            // The repair quotes the first answer and says what was wrong with it.
            let repair = requests[1]["messages"]?.arrayValue ?? []
            #expect(repair.count == 4)
            #expect(repair[2]["content"]?.stringValue == #"{"reply": 5, "language": "pt"}"#)
            #expect(repair[3]["content"]?.stringValue?.contains("$.reply must be string") == true)

            // Still wrong after the repair: the caller takes its local answer.
            fake.script([.answer("Claro! Custa R$ 99."), .answer(#"{"reply": "Custa", "language": "fr"}"#)])
            do {
                _ = try await client.structured(request)
                Issue.record("an invalid answer was accepted")
            } catch let error as AssistError {
                #expect(error.code == .invalidOutput)
                #expect(error.message.contains("$.language must be one of en, es, pt"))
            }
            #expect(fake.invalidRequests.isEmpty, "\(fake.invalidRequests)")
        }
    }

    @Test func schemaChecksNameWhatIsWrongAndWhere() {
        let schema: JSONValue = [
            "type": "object", "required": ["actions"],
            "properties": [
                "actions": [
                    "type": "array", "maxItems": 2,
                    "items": [
                        "type": "object", "required": ["kind"],
                        "properties": ["kind": ["type": "string", "enum": ["reply_now", "send_pricing"]]],
                    ],
                ]
            ],
        ]
        #expect(JSONSchemaCheck.problems(["actions": [["kind": "reply_now"]]], schema: schema).isEmpty)
        #expect(
            JSONSchemaCheck.problems(["actions": [["kind": "dance"], [:], ["kind": "reply_now"]]], schema: schema)
                == [
                    "$.actions has 3 items, at most 2 allowed",
                    "$.actions[0].kind must be one of reply_now, send_pricing",
                    "$.actions[1].kind is missing",
                ]
        )
        #expect(JSONSchemaCheck.problems("text", schema: schema) == ["$ must be object, not a string"])
    }

    @Test func retryAfterIsReadAsSecondsOrADate() {
        let now = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01 00:00:00 GMT
        #expect(ChatCompletionsClient.retryAfter("7", now: now) == .seconds(7))
        #expect(ChatCompletionsClient.retryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now: now) == .seconds(30))
        #expect(ChatCompletionsClient.retryAfter("soon", now: now) == nil)
    }
}
