import Assist
import AsyncHTTPClient
import Core
import Foundation
import RemoteModels
import Store
import Synchronization

/// Which chat model an organization's assist calls go to: its own endpoint
/// (`PUT /api/assist/settings`), else the global default (`WAINSIGHT_LLM_*`), else none (the
/// local path answers). Each call is checked against the organization's daily token budget and
/// counted in `assist_usage`, tokens, cost and fallbacks. Calls to one endpoint share one
/// circuit breaker, whichever organization makes them.
public final class AssistModels: Sendable {
    public let store: any AssistSettingsStoring
    public let http: HTTPClient
    public let options: WainsightConfiguration.AssistOptions
    private let breakers = Mutex<[String: CircuitBreaker]>([:])

    public init(store: any AssistSettingsStoring, http: HTTPClient, options: WainsightConfiguration.AssistOptions) {
        self.store = store
        self.http = http
        self.options = options
    }

    /// Where an organization's calls go, and under which budget.
    public struct Resolved: Sendable {
        /// `organization`, `default` or `local`.
        public var source: String
        public var preset: String?
        public var endpoint: ChatEndpoint?
        public var dailyTokenBudget: Int
    }

    public func resolve(_ organization: OrganizationID) async throws -> Resolved {
        if let own = try await store.settings(organization) {
            return Resolved(
                source: "organization",
                preset: own.preset,
                endpoint: own.endpoint,
                dailyTokenBudget: own.dailyTokenBudget ?? options.dailyTokenBudget
            )
        }
        if let endpoint = options.defaultEndpoint {
            return Resolved(source: "default", endpoint: endpoint, dailyTokenBudget: options.dailyTokenBudget)
        }
        return Resolved(source: "local", dailyTokenBudget: options.dailyTokenBudget)
    }

    /// The organization's model, metered; `nil` when it has none (use the local path).
    public func model(for organization: OrganizationID) async throws -> (any ChatModel)? {
        let resolved = try await resolve(organization)
        guard let endpoint = resolved.endpoint else { return nil }
        let breaker = breakers.withLock { breakers in
            let key = "\(endpoint.baseURL)|\(endpoint.model)"
            if let known = breakers[key] { return known }
            let made = CircuitBreaker()
            breakers[key] = made
            return made
        }
        let client = ChatCompletionsClient(
            client: http,
            baseURL: endpoint.baseURL,
            model: endpoint.model,
            apiKey: endpoint.apiKey,
            timeout: options.timeout,
            breaker: breaker
        )
        return MeteredModel(
            inner: client,
            endpoint: endpoint,
            budget: resolved.dailyTokenBudget,
            organization: organization,
            store: store
        )
    }
}

/// A chat model whose calls are refused once the organization spent its daily tokens, and
/// whose usage (tokens, cost) and failures (fallbacks to the local path) are counted.
struct MeteredModel: ChatModel {
    let inner: ChatCompletionsClient
    let endpoint: ChatEndpoint
    let budget: Int
    let organization: OrganizationID
    let store: any AssistSettingsStoring

    func complete(_ request: ChatRequest) async throws -> ChatAnswer {
        do {
            try await admit()
            let answer = try await inner.complete(request)
            try await record(answer.usage)
            return answer
        } catch let error as AssistError {
            try? await store.recordToday(AssistUsage(fallbacks: 1), organization: organization)
            throw error
        }
    }

    func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatChunk, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await admit()
                    for try await chunk in inner.stream(request) {
                        if case .done(let answer) = chunk { try await record(answer.usage) }
                        continuation.yield(chunk)
                    }
                    continuation.finish()
                } catch {
                    if error is AssistError {
                        try? await store.recordToday(AssistUsage(fallbacks: 1), organization: organization)
                    }
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func admit() async throws {
        let used = try await store.usageToday(organization)
        guard used.tokens < budget else {
            throw AssistError(
                .overBudget,
                "the organization used \(used.tokens) of its \(budget) tokens today (UTC); the local path answers "
                    + "until tomorrow, or raise daily_token_budget in PUT /api/assist/settings"
            )
        }
    }

    private func record(_ usage: TokenUsage) async throws {
        try await store.recordToday(
            AssistUsage(
                promptTokens: usage.prompt,
                completionTokens: usage.completion,
                calls: 1,
                costUSD: endpoint.cost(prompt: usage.prompt, completion: usage.completion)
            ),
            organization: organization
        )
    }
}
