import Core
import Foundation

/// One message of a chat prompt.
public struct ChatMessage: Sendable, Equatable {
    public enum Role: String, Sendable { case system, user, assistant }

    public var role: Role
    public var content: String

    public init(_ role: Role, _ content: String) {
        self.role = role
        self.content = content
    }
}

/// The JSON a structured answer must be: a name and a JSON Schema (the subset
/// ``JSONSchemaCheck`` checks), sent as OpenAI's `response_format` `json_schema`. String fields
/// should carry `maxLength`: a small model otherwise writes until its token limit.
public struct OutputSchema: Sendable, Equatable {
    public var name: String
    public var schema: JSONValue

    public init(name: String, schema: JSONValue) {
        self.name = name
        self.schema = schema
    }
}

/// What is asked of a chat model.
public struct ChatRequest: Sendable, Equatable {
    public var messages: [ChatMessage]
    public var maxTokens: Int
    public var temperature: Double
    /// When set, the answer must be JSON of this schema.
    public var schema: OutputSchema?

    public init(messages: [ChatMessage], maxTokens: Int = 512, temperature: Double = 0.2, schema: OutputSchema? = nil) {
        self.messages = messages
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.schema = schema
    }
}

/// Tokens a call used, as the endpoint counted them.
public struct TokenUsage: Sendable, Equatable {
    public var prompt: Int
    public var completion: Int

    public init(prompt: Int = 0, completion: Int = 0) {
        self.prompt = prompt
        self.completion = completion
    }

    public static func + (a: TokenUsage, b: TokenUsage) -> TokenUsage {
        TokenUsage(prompt: a.prompt + b.prompt, completion: a.completion + b.completion)
    }
}

/// A chat model's whole answer.
public struct ChatAnswer: Sendable, Equatable {
    public var text: String
    /// The model that answered, as the endpoint names it.
    public var model: String
    /// `stop`, `length`, ...
    public var finishReason: String?
    public var usage: TokenUsage

    public init(text: String, model: String, finishReason: String?, usage: TokenUsage) {
        self.text = text
        self.model = model
        self.finishReason = finishReason
        self.usage = usage
    }
}

/// A piece of a streamed answer: text as it comes, then the whole answer.
public enum ChatChunk: Sendable, Equatable {
    case text(String)
    case done(ChatAnswer)
}

/// A chat model: an OpenAI-compatible endpoint (`RemoteModels.ChatCompletionsClient`) or a test
/// double. Assist's logic is written against this, so it never imports HTTP.
public protocol ChatModel: Sendable {
    /// The whole answer at once.
    /// - Throws: ``AssistError``.
    func complete(_ request: ChatRequest) async throws -> ChatAnswer

    /// The answer as it is written: `.text` pieces, then `.done` with the whole answer.
    func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatChunk, any Error>
}

/// What went wrong with a model call; the local path takes over in every case.
public struct AssistError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        /// The endpoint could not be reached, or answered 5xx, after the retries.
        case unavailable
        /// The endpoint kept answering 429, or asked to wait longer than the client waits.
        case rateLimited = "rate_limited"
        /// The endpoint refused the request itself (4xx other than 429): a wrong key, model or shape.
        case rejected
        /// No answer within the time allowed.
        case timedOut = "timed_out"
        /// Recent calls failed; the endpoint is not tried until its cool-down ends.
        case circuitOpen = "circuit_open"
        /// The answer was not what was asked for (not JSON, or not of the schema), even after
        /// one repair.
        case invalidOutput = "invalid_output"
        /// The organization spent its daily token budget.
        case overBudget = "over_budget"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

extension ChatModel {
    /// A JSON answer of `request.schema`: parsed and checked; when it is not valid, the model is
    /// asked once to repair it (its answer and the problems quoted back), and then it either is
    /// valid or the call fails with `.invalidOutput`, so the caller takes its local answer.
    /// - Returns: The value and the tokens both calls used.
    public func structured(_ request: ChatRequest) async throws -> (value: JSONValue, usage: TokenUsage) {
        guard let schema = request.schema else {
            throw AssistError(.invalidOutput, "a structured call needs a schema")
        }
        let first = try await complete(request)
        let problems = Self.problems(in: first.text, schema: schema)
        if problems.isEmpty, let value = try? JSONValue.parse(Data(first.text.utf8)) { return (value, first.usage) }
        var repair = request
        repair.messages += [
            ChatMessage(.assistant, first.text),
            ChatMessage(
                .user,
                "That answer is not valid JSON of the schema \(schema.name): "
                    + problems.prefix(5).joined(separator: "; ")
                    + ". Answer again with only the corrected JSON."
            ),
        ]
        let second = try await complete(repair)
        let again = Self.problems(in: second.text, schema: schema)
        guard again.isEmpty, let value = try? JSONValue.parse(Data(second.text.utf8)) else {
            throw AssistError(
                .invalidOutput,
                "the answer is not JSON of the schema \(schema.name) after one repair: "
                    + again.prefix(3).joined(separator: "; ")
            )
        }
        return (value, first.usage + second.usage)
    }

    static func problems(in text: String, schema: OutputSchema) -> [String] {
        guard let value = try? JSONValue.parse(Data(text.utf8)) else { return ["the answer is not JSON"] }
        return JSONSchemaCheck.problems(value, schema: schema.schema)
    }
}
