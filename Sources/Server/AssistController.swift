import Core
import Foundation
import Hummingbird
import Pipeline
import Store

/// `GET/PUT/DELETE /api/assist/settings` — the LLM an organization's summaries, next actions
/// and drafts use: a preset or any OpenAI-compatible endpoint, its key (sealed at rest, never
/// returned), its token prices and daily token budget, and today's usage.
public struct AssistController: Sendable {
    public let models: AssistModels

    public init(models: AssistModels) {
        self.models = models
    }

    public func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/assist/settings", use: settings)
        group.put("/assist/settings", use: updateSettings)
        group.delete("/assist/settings", use: clearSettings)
    }

    @Sendable func settings(_ request: Request, context: AppRequestContext) async throws -> Response {
        .json(try await document(try context.requireOrganization()))
    }

    /// Body `{"preset"?, "base_url"?, "model"?, "api_key"?, "input_cost_per_million"?,
    /// "output_cost_per_million"?, "daily_token_budget"?}`. A preset fills the endpoint and its
    /// prices; fields given override it. A left-out `api_key` keeps the stored one while the
    /// endpoint stays the same; `null` removes it. `daily_token_budget` `null` takes the
    /// global default.
    @Sendable func updateSettings(_ request: Request, context: AppRequestContext) async throws -> Response {
        let org = try context.requireOrganization()
        let body = try await request.jsonObject(maxBytes: 16 * 1024)
        func invalid(_ message: String, code: String = "invalid_settings") -> APIError {
            APIError(.badRequest, code: code, message: message)
        }
        let known: Set<String> = [
            "preset", "base_url", "model", "api_key", "input_cost_per_million", "output_cost_per_million",
            "daily_token_budget",
        ]
        if let unknown = body.keys.sorted().first(where: { !known.contains($0) }) {
            throw invalid(
                "\(unknown) is not an assist setting; the settings are \(known.sorted().joined(separator: ", "))"
            )
        }
        let stored = try await models.store.settings(org)
        var preset: ChatEndpointPreset?
        if let name = body["preset"], name != .null {
            guard let found = name.stringValue.flatMap(ChatEndpointPreset.named) else {
                throw invalid(
                    "preset must be one of \(ChatEndpointPreset.all.map(\.name).joined(separator: ", "))",
                    code: "unknown_preset"
                )
            }
            preset = found
        }
        var endpoint = preset?.endpoint ?? stored?.endpoint ?? ChatEndpoint(baseURL: "", model: "")
        endpoint.apiKey = nil  // set below, from the body or the stored settings
        if let value = body["base_url"] {
            guard let url = value.stringValue, url.hasPrefix("http://") || url.hasPrefix("https://"),
                URL(string: url)?.host != nil, url.count <= 500
            else { throw invalid("base_url must be an http(s) URL such as https://api.openai.com") }
            endpoint.baseURL = url
        }
        if let value = body["model"] {
            guard let model = value.stringValue, (1...200).contains(model.count) else {
                throw invalid("model must be a name of 1 to 200 characters")
            }
            endpoint.model = model
        }
        for (key, path) in [
            ("input_cost_per_million", \ChatEndpoint.inputCostPerMillion),
            ("output_cost_per_million", \ChatEndpoint.outputCostPerMillion),
        ] {
            guard let value = body[key] else { continue }
            guard case .number(let number) = value, number >= 0, number < 10_000 else {
                throw invalid("\(key) must be a number of US dollars from 0 up")
            }
            endpoint[keyPath: path] = number
        }
        guard !endpoint.baseURL.isEmpty, !endpoint.model.isEmpty else {
            throw invalid("name a preset, or give base_url and model")
        }
        switch body["api_key"] {
        case .none:
            // Kept only for the endpoint it was given for: a key never goes to another host.
            if let stored, stored.endpoint.baseURL == endpoint.baseURL { endpoint.apiKey = stored.endpoint.apiKey }
        case .some(.null):
            endpoint.apiKey = nil
        case .some(let value):
            guard let key = value.stringValue, (1...500).contains(key.count) else {
                throw invalid("api_key must be a string of 1 to 500 characters, or null")
            }
            endpoint.apiKey = key
        }
        if preset?.needsKey == true, endpoint.apiKey == nil {
            throw invalid("the \(preset?.name ?? "") preset needs an api_key", code: "api_key_required")
        }
        var budget = stored?.dailyTokenBudget
        if let value = body["daily_token_budget"] {
            if value == .null {
                budget = nil
            } else {
                guard let tokens = value.exactIntValue, (0...1_000_000_000).contains(tokens) else {
                    throw invalid(
                        "daily_token_budget must be a whole number of tokens from 0 to 1,000,000,000, or null"
                    )
                }
                budget = tokens
            }
        }
        let presetName = body["preset"] == nil ? stored?.preset : preset?.name
        try await models.store.setSettings(
            AssistSettings(preset: presetName, endpoint: endpoint, dailyTokenBudget: budget),
            organization: org
        )
        return .json(try await document(org))
    }

    @Sendable func clearSettings(_ request: Request, context: AppRequestContext) async throws -> Response {
        let org = try context.requireOrganization()
        _ = try await models.store.clearSettings(org)
        return .json(try await document(org))
    }

    /// Where calls go, with what budget, and today's usage; the key only as `api_key_set`.
    func document(_ organization: OrganizationID) async throws -> JSONValue {
        let resolved = try await models.resolve(organization)
        let usage = try await models.store.usageToday(organization)
        let endpoint = resolved.endpoint
        return .object([
            "source": .string(resolved.source),
            "preset": resolved.preset.map(JSONValue.string) ?? .null,
            "base_url": endpoint.map { .string($0.baseURL) } ?? .null,
            "model": endpoint.map { .string($0.model) } ?? .null,
            "api_key_set": .bool(endpoint?.apiKey != nil),
            "input_cost_per_million": endpoint.map { .number($0.inputCostPerMillion) } ?? .null,
            "output_cost_per_million": endpoint.map { .number($0.outputCostPerMillion) } ?? .null,
            "daily_token_budget": .number(Double(resolved.dailyTokenBudget)),
            "usage_today": .object([
                "prompt_tokens": .number(Double(usage.promptTokens)),
                "completion_tokens": .number(Double(usage.completionTokens)),
                "calls": .number(Double(usage.calls)),
                "fallbacks": .number(Double(usage.fallbacks)),
                "cost_usd": .number(usage.costUSD),
            ]),
            "presets": .array(
                ChatEndpointPreset.all.map { preset in
                    .object([
                        "name": .string(preset.name), "summary": .string(preset.summary),
                        "base_url": .string(preset.endpoint.baseURL), "model": .string(preset.endpoint.model),
                        "needs_key": .bool(preset.needsKey),
                    ])
                }
            ),
        ])
    }
}
