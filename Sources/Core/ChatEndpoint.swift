import Foundation

/// An OpenAI-compatible chat completions endpoint: where it is, which model, its key, and what
/// its tokens cost (for the per-organization spend; 0 for a self-hosted model).
public struct ChatEndpoint: Sendable, Equatable {
    /// The root; `/v1/chat/completions` is appended (a trailing `/v1` is tolerated).
    public var baseURL: String
    public var model: String
    public var apiKey: String?
    /// US dollars per million prompt tokens.
    public var inputCostPerMillion: Double
    /// US dollars per million completion tokens.
    public var outputCostPerMillion: Double

    public init(
        baseURL: String,
        model: String,
        apiKey: String? = nil,
        inputCostPerMillion: Double = 0,
        outputCostPerMillion: Double = 0
    ) {
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
        self.inputCostPerMillion = inputCostPerMillion
        self.outputCostPerMillion = outputCostPerMillion
    }

    /// What `prompt` and `completion` tokens cost here, in US dollars.
    public func cost(prompt: Int, completion: Int) -> Double {
        (Double(prompt) * inputCostPerMillion + Double(completion) * outputCostPerMillion) / 1_000_000
    }
}

/// Endpoints people run, so an organization names one instead of typing its details.
public struct ChatEndpointPreset: Sendable, Equatable {
    public var name: String
    public var summary: String
    /// The endpoint without its key.
    public var endpoint: ChatEndpoint
    /// Whether it needs an API key.
    public var needsKey: Bool

    public static let all: [ChatEndpointPreset] = [
        ChatEndpointPreset(
            name: "gpt-4o-mini",
            summary: "OpenAI's hosted GPT-4o mini (list price USD 0.15 / 0.60 per million tokens in / out)",
            endpoint: ChatEndpoint(
                baseURL: "https://api.openai.com",
                model: "gpt-4o-mini",
                inputCostPerMillion: 0.15,
                outputCostPerMillion: 0.60
            ),
            needsKey: true
        ),
        ChatEndpointPreset(
            name: "llama-3.1-8b-vllm",
            summary: "Llama-3.1-8B-Instruct served by vLLM's OpenAI-compatible server on its default port",
            endpoint: ChatEndpoint(baseURL: "http://127.0.0.1:8000", model: "meta-llama/Llama-3.1-8B-Instruct"),
            needsKey: false
        ),
        ChatEndpointPreset(
            name: "llama-3.1-8b-ollama",
            summary: "Llama-3.1-8B-Instruct in Ollama (ollama pull llama3.1:8b) on its default port",
            endpoint: ChatEndpoint(baseURL: "http://127.0.0.1:11434", model: "llama3.1:8b"),
            needsKey: false
        ),
        ChatEndpointPreset(
            name: "llama-cpp",
            summary: "llama.cpp's llama-server on its default port (it serves the one model it loaded)",
            endpoint: ChatEndpoint(baseURL: "http://127.0.0.1:8080", model: "local"),
            needsKey: false
        ),
    ]

    public static func named(_ name: String) -> ChatEndpointPreset? { all.first { $0.name == name } }
}

/// An organization's own LLM settings (`PUT /api/assist/settings`); without them the global
/// default applies (`WAINSIGHT_LLM_*`), and without that the local path answers.
public struct AssistSettings: Sendable, Equatable {
    /// The preset it started from, if any.
    public var preset: String?
    public var endpoint: ChatEndpoint
    /// Tokens a day (prompt and completion) before calls go to the local path; `nil` takes the
    /// global default budget.
    public var dailyTokenBudget: Int?

    public init(preset: String? = nil, endpoint: ChatEndpoint, dailyTokenBudget: Int? = nil) {
        self.preset = preset
        self.endpoint = endpoint
        self.dailyTokenBudget = dailyTokenBudget
    }
}

/// What an organization's LLM calls used on one day (UTC).
public struct AssistUsage: Sendable, Equatable {
    public var promptTokens: Int
    public var completionTokens: Int
    /// Calls answered by the endpoint.
    public var calls: Int
    /// Calls the local path answered instead (endpoint down, invalid output, over budget).
    public var fallbacks: Int
    public var costUSD: Double

    public var tokens: Int { promptTokens + completionTokens }

    public init(
        promptTokens: Int = 0,
        completionTokens: Int = 0,
        calls: Int = 0,
        fallbacks: Int = 0,
        costUSD: Double = 0
    ) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.calls = calls
        self.fallbacks = fallbacks
        self.costUSD = costUSD
    }
}
