import Assist
import Core
import Foundation
import Store

/// Thread summaries from the organization's LLM when it has one, the local path otherwise. The
/// local summary is made first (its facts, wants, objections, commitments and questions stay:
/// they are read from the stored facts, not written by a model); the model rewrites only its
/// `text`, from a prompt of redacted text (``Prompts``). An answer that fails its schema or the
/// guardrails (profanity, any contact data), an endpoint down or over budget: the local text
/// stays, and the call counts as a fallback.
public struct LLMThreadSummarizer: ThreadSummarizing {
    public let models: AssistModels
    public let local: ThreadSummarizer
    let guardrails = Guardrails()

    public init(models: AssistModels, local: ThreadSummarizer = ThreadSummarizer()) {
        self.models = models
        self.local = local
    }

    public func summarize(
        _ messages: [SummaryMessage],
        bant: JSONValue?,
        language: String?,
        organization: OrganizationID
    ) async -> JSONValue {
        let summary = local.summarize(messages, bant: bant, language: language)
        guard !messages.isEmpty, let model = try? await models.model(for: organization) else { return summary }
        let request = Prompts.summary(messages, local: summary, language: summary["language"]?.stringValue ?? "en")
        guard let (value, _) = try? await model.structured(request), let text = value["text"]?.stringValue else {
            return summary
        }
        let verdict = guardrails.check(
            text,
            mode: "summary",
            context: Guardrails.Context(allowedAmounts: [], customerContacts: [], windowOpen: true)
        )
        guard verdict.filter({ $0.name == "profanity" || $0.name == "pii" }).allSatisfy(\.passed) else {
            try? await models.store.recordToday(AssistUsage(fallbacks: 1), organization: organization)
            return summary
        }
        guard case .object(var document) = summary else { return summary }
        document["text"] = .string(text)
        document["method"] = "llm"
        return .object(document)
    }
}
