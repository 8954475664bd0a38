import Assist
import AsyncHTTPClient
import Core
import Foundation
import Outbound
import RemoteModels
import Testing

/// The server `scripts/local-llm` runs, when the environment names it.
let localLLMURL = ProcessInfo.processInfo.environment["WAINSIGHT_LOCAL_LLM_URL"].flatMap { $0.isEmpty ? nil : $0 }

/// The chat client against a real self-hosted endpoint: llama.cpp's llama-server with
/// SmolLM2-135M-Instruct (`scripts/local-llm start`). Runs when `WAINSIGHT_LOCAL_LLM_URL` names
/// it (`scripts/test-llm` sets it, and so does `scripts/test` when the server is up). The tiny
/// model proves the protocol end to end (plain, streamed, JSON-schema output), not quality.
@Suite(.enabled(if: localLLMURL != nil, "set WAINSIGHT_LOCAL_LLM_URL (scripts/test-llm)"))
struct LocalLLMTests {
    static var url: String? { localLLMURL }

    static func with(_ body: @Sendable (ChatCompletionsClient) async throws -> Void) async throws {
        try await HTTPClientService.withClient(maxConnectionsPerHost: 1) { http in
            try await body(
                ChatCompletionsClient(
                    client: http,
                    baseURL: try #require(url),
                    model: "smollm2-135m-instruct",
                    apiKey: nil,
                    timeout: .seconds(120)
                )
            )
        }
    }

    static let question = ChatRequest(
        messages: [
            ChatMessage(.system, "You are a helpful sales assistant. Answer in one short sentence."),
            ChatMessage(.user, "What is the capital of France?"),
        ],
        maxTokens: 32,
        temperature: 0
    )

    @Test func aPlainAnswerWithItsUsage() async throws {
        try await Self.with { client in
            let answer = try await client.complete(Self.question)
            #expect(!answer.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
            #expect(answer.usage.prompt > 10)
            #expect(answer.usage.completion > 0 && answer.usage.completion <= 32)
            #expect(["stop", "length"].contains(answer.finishReason ?? ""))
        }
    }

    @Test func aStreamedAnswerInPieces() async throws {
        try await Self.with { client in
            var pieces: [String] = []
            var done: ChatAnswer?
            for try await chunk in client.stream(Self.question) {
                switch chunk {
                case .text(let piece): pieces.append(piece)
                case .done(let answer): done = answer
                }
            }
            #expect(pieces.count > 1)
            #expect(done?.text == pieces.joined())
            #expect((done?.usage.completion ?? 0) > 0)
        }
    }

    @Test func aJSONSchemaAnswer() async throws {
        try await Self.with { client in
            var request = Self.question
            request.maxTokens = 96
            request.messages[0] = ChatMessage(.system, "Answer as JSON with a short reply and its language code.")
            request.schema = OutputSchema(
                name: "reply",
                schema: [
                    "type": "object", "additionalProperties": false, "required": ["reply", "language"],
                    "properties": [
                        "reply": ["type": "string", "maxLength": 60],
                        "language": ["type": "string", "enum": ["en", "es", "pt"]],
                    ],
                ]
            )
            let (value, usage) = try await client.structured(request)
            #expect(value["reply"]?.stringValue != nil)
            #expect(["en", "es", "pt"].contains(value["language"]?.stringValue ?? ""))
            #expect(usage.completion > 0)
        }
    }
}
