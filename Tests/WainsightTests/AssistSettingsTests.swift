import Assist
import AsyncHTTPClient
import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Outbound
import Pipeline
import PostgresNIO
import Server
import Store
import Testing
import WainsightTesting

/// Per-organization LLM settings over HTTP (presets, the sealed key, scoping) and the metering
/// of calls against a fake OpenAI-compatible endpoint: usage, cost, the daily token budget.
@Suite struct AssistSettingsTests {
    @Test func settingsArePerOrganizationSealedAndCallsAreMeteredAgainstTheBudget() async throws {
        try await FakeChatAPI.with { fake in
            try await TestDatabase.with { url, client in
                try await HTTPClientService.withClient(maxConnectionsPerHost: 2) { http in
                    try await Self.run(url: url, client: client, http: http, fake: fake)
                }
            }
        }
    }

    static func run(url: String, client: PostgresClient, http: HTTPClient, fake: FakeChatAPI) async throws {
        let harness = try IngestHarness(client: client)
        let (organization, apiKey) = try await harness.organization()
        let (_, otherKey) = try await harness.organization("Other org")
        let models = AssistModels(
            store: AssistRepository(client: client, secretBox: harness.secretBox, logger: harness.logger),
            http: http,
            options: .init(dailyTokenBudget: 1_000)
        )
        var configuration = IngestHarness.apiConfiguration(databaseURL: url, embedding: .init(mode: .none))
        configuration.assist.dailyTokenBudget = 1_000
        let app = try await buildApplication(configuration: configuration, runWorker: false, logger: harness.logger)
        try await app.test(.live) { api in
            func call(_ method: HTTPRequest.Method, _ body: JSONValue? = nil, key: String? = nil) async throws -> (
                HTTPResponse.Status, JSONValue
            ) {
                let response = try await api.execute(
                    uri: "/api/assist/settings",
                    method: method,
                    headers: [.authorization: "Bearer \(key ?? apiKey)", .contentType: "application/json"],
                    body: body.map { ByteBuffer(bytes: $0.canonicalData()) }
                )
                return (response.status, (try? JSONValue.parse(Data(buffer: response.body))) ?? .null)
            }

            var (status, settings) = try await call(.get)
            #expect(status == .ok)
            #expect(settings["source"]?.stringValue == "local")
            #expect(settings["presets"]?.arrayValue?.count == ChatEndpointPreset.all.count)

            (status, settings) = try await call(.put, ["preset": "gpt-4o-mini"])
            #expect(status == .badRequest)
            #expect(settings["error"]?["code"]?.stringValue == "api_key_required")
            (status, settings) = try await call(.put, ["preset": "gpt-5-ultra"])
            #expect(settings["error"]?["code"]?.stringValue == "unknown_preset")
            (status, settings) = try await call(.put, ["base_url": "ftp://example.com", "model": "x"])
            #expect(settings["error"]?["code"]?.stringValue == "invalid_settings")

            // A preset, pointed at the fake, with its key and a budget of 100 tokens.
            (status, settings) = try await call(
                .put,
                [
                    "preset": "gpt-4o-mini", "base_url": .string(fake.baseURL), "model": "fake-chat-1",
                    "api_key": .string(fake.apiKey), "daily_token_budget": 100,
                ]
            )
            #expect(status == .ok, "\(settings)")
            #expect(settings["source"]?.stringValue == "organization")
            #expect(settings["preset"]?.stringValue == "gpt-4o-mini")
            #expect(settings["api_key_set"]?.boolValue == true)
            #expect(settings["input_cost_per_million"]?.doubleValue == 0.15)
            #expect(settings["api_key"] == nil)
            // The key is sealed at rest.
            let stored = try await harness.rows("SELECT encode(api_key_enc, 'hex') FROM assist_settings")
            #expect(stored.count == 1)
            #expect(!(stored.first ?? "").contains(Data(fake.apiKey.utf8).map { String(format: "%02x", $0) }.joined()))
            // Another organization's settings are its own.
            #expect(try await call(.get, key: otherKey).1["source"]?.stringValue == "local")

            // Calls are counted, tokens and cost, until the budget is spent.
            let model = try #require(try await models.model(for: organization))
            let request = ChatRequest(messages: [ChatMessage(.user, "Resuma a conversa.")], maxTokens: 32)
            fake.script([], fallback: .answer("Cliente quer 20 licenças do CRM Pro."))
            for _ in 0..<3 { _ = try await model.complete(request) }  // 42 + 7 tokens each: 147
            do {
                _ = try await model.complete(request)
                Issue.record("a call over the budget went through")
            } catch let error as AssistError {
                #expect(error.code == .overBudget)
            }
            #expect(fake.requests.count == 3)
            let usage = try #require(try await call(.get).1["usage_today"])
            #expect(usage["calls"]?.intValue == 3)
            #expect(usage["fallbacks"]?.intValue == 1)
            #expect(usage["prompt_tokens"]?.intValue == 126)
            #expect(usage["completion_tokens"]?.intValue == 21)
            #expect(abs((usage["cost_usd"]?.doubleValue ?? 0) - (126 * 0.15 + 21 * 0.60) / 1_000_000) < 1e-9)

            // Back to the default budget: the key stays; moved to another host, it does not follow.
            (status, settings) = try await call(.put, ["daily_token_budget": .null])
            #expect(settings["daily_token_budget"]?.intValue == 1_000)
            #expect(settings["api_key_set"]?.boolValue == true)
            (status, settings) = try await call(.put, ["base_url": "http://127.0.0.1:9"])
            #expect(settings["api_key_set"]?.boolValue == false)

            (status, settings) = try await call(.delete)
            #expect(settings["source"]?.stringValue == "local")
            #expect(try await models.model(for: organization) == nil)
        }
        #expect(fake.invalidRequests.isEmpty, "\(fake.invalidRequests)")
    }
}
