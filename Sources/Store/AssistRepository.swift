import Core
import Foundation
import Logging
import PostgresNIO

/// Where each organization's LLM settings and daily usage are kept.
public protocol AssistSettingsStoring: Sendable {
    /// The organization's own settings (its key opened); `nil` when it set none.
    func settings(_ organization: OrganizationID) async throws -> AssistSettings?
    /// Replaces them; the key is sealed before it is stored.
    func setSettings(_ settings: AssistSettings, organization: OrganizationID) async throws
    /// Removes them (the global default applies again). - Returns: Whether there were any.
    func clearSettings(_ organization: OrganizationID) async throws -> Bool
    /// What its calls used today (UTC).
    func usageToday(_ organization: OrganizationID) async throws -> AssistUsage
    /// Adds a call's usage to today's (UTC).
    func recordToday(_ usage: AssistUsage, organization: OrganizationID) async throws
}

/// ``AssistSettingsStoring`` on Postgres; API keys sealed with the master key like access tokens.
public struct AssistRepository: AssistSettingsStoring {
    public let client: PostgresClient
    public let secretBox: SecretBox
    public let logger: Logger

    public init(client: PostgresClient, secretBox: SecretBox, logger: Logger) {
        self.client = client
        self.secretBox = secretBox
        self.logger = logger
    }

    public func settings(_ organization: OrganizationID) async throws -> AssistSettings? {
        let rows = try await client.query(
            """
            SELECT preset, base_url, model, api_key_enc, input_cost_per_million, output_cost_per_million,
                daily_token_budget
            FROM assist_settings WHERE organization_id = \(organization.rawValue)
            """,
            logger: logger
        )
        for try await row in rows.decode((String?, String, String, Data?, Double, Double, Int64?).self) {
            return AssistSettings(
                preset: row.0,
                endpoint: ChatEndpoint(
                    baseURL: row.1,
                    model: row.2,
                    apiKey: try row.3.map { String(decoding: try secretBox.open($0), as: UTF8.self) },
                    inputCostPerMillion: row.4,
                    outputCostPerMillion: row.5
                ),
                dailyTokenBudget: row.6.map(Int.init)
            )
        }
        return nil
    }

    public func setSettings(_ settings: AssistSettings, organization: OrganizationID) async throws {
        let sealed = try settings.endpoint.apiKey.map { try secretBox.seal(Data($0.utf8)) }
        let endpoint = settings.endpoint
        try await client.query(
            """
            INSERT INTO assist_settings (organization_id, preset, base_url, model, api_key_enc,
                input_cost_per_million, output_cost_per_million, daily_token_budget)
            VALUES (\(organization.rawValue), \(settings.preset), \(endpoint.baseURL), \(endpoint.model), \(sealed),
                \(endpoint.inputCostPerMillion), \(endpoint.outputCostPerMillion), \(settings.dailyTokenBudget.map(Int64.init)))
            ON CONFLICT (organization_id) DO UPDATE SET
                preset = EXCLUDED.preset, base_url = EXCLUDED.base_url, model = EXCLUDED.model,
                api_key_enc = EXCLUDED.api_key_enc, input_cost_per_million = EXCLUDED.input_cost_per_million,
                output_cost_per_million = EXCLUDED.output_cost_per_million,
                daily_token_budget = EXCLUDED.daily_token_budget, updated_at = now()
            """,
            logger: logger
        )
    }

    public func clearSettings(_ organization: OrganizationID) async throws -> Bool {
        let rows = try await client.query(
            "DELETE FROM assist_settings WHERE organization_id = \(organization.rawValue) RETURNING 1",
            logger: logger
        )
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }

    public func usageToday(_ organization: OrganizationID) async throws -> AssistUsage {
        let rows = try await client.query(
            """
            SELECT prompt_tokens, completion_tokens, calls, fallbacks, cost_usd FROM assist_usage
            WHERE organization_id = \(organization.rawValue) AND day = (now() AT TIME ZONE 'UTC')::date
            """,
            logger: logger
        )
        for try await row in rows.decode((Int64, Int64, Int32, Int32, Double).self) {
            return AssistUsage(
                promptTokens: Int(row.0),
                completionTokens: Int(row.1),
                calls: Int(row.2),
                fallbacks: Int(row.3),
                costUSD: row.4
            )
        }
        return AssistUsage()
    }

    public func recordToday(_ usage: AssistUsage, organization: OrganizationID) async throws {
        try await client.query(
            """
            INSERT INTO assist_usage AS u (organization_id, day, prompt_tokens, completion_tokens, calls, fallbacks,
                cost_usd)
            VALUES (\(organization.rawValue), (now() AT TIME ZONE 'UTC')::date, \(Int64(usage.promptTokens)),
                \(Int64(usage.completionTokens)), \(Int32(usage.calls)), \(Int32(usage.fallbacks)), \(usage.costUSD))
            ON CONFLICT (organization_id, day) DO UPDATE SET
                prompt_tokens = u.prompt_tokens + EXCLUDED.prompt_tokens,
                completion_tokens = u.completion_tokens + EXCLUDED.completion_tokens,
                calls = u.calls + EXCLUDED.calls, fallbacks = u.fallbacks + EXCLUDED.fallbacks,
                cost_usd = u.cost_usd + EXCLUDED.cost_usd
            """,
            logger: logger
        )
    }
}
