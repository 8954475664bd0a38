import Core
import Foundation
import Normalize

/// The pipeline stage that embeds every message with text (body, caption, button or list
/// reply), after redacting personal identifiers, so no vector is computed from raw PII: the
/// redactor's own, and the contact data (e-mail addresses, phone numbers, URLs) the extract
/// stage found, which runs before this one.
public struct EmbedStage: PipelineStage {
    public let embedder: any SentenceEmbedder
    /// Recorded with each vector (`all-MiniLM-L6-v2`, or the remote model's name).
    public let model: String
    public var name: String { "embed" }

    public init(embedder: any SentenceEmbedder, model: String) {
        self.embedder = embedder
        self.model = model
    }

    public func process(_ message: StageMessage, insights: inout MessageInsights) async throws {
        var batch = [insights]
        try await process([message], insights: &batch)
        insights = batch[0]
    }

    public func process(_ messages: [StageMessage], insights: inout [MessageInsights]) async throws {
        let inputs = messages.indices.map { index in
            PIIRedactor.embeddingInput(messages[index].text ?? "", masking: Self.contactSpans(insights[index].entities))
        }
        let wanted = inputs.indices.filter { !inputs[$0].isEmpty }
        guard !wanted.isEmpty else { return }
        let vectors = try await embedder.embed(wanted.map { inputs[$0] })
        guard vectors.count == wanted.count else {
            throw EmbedError(.remote, "the embedder returned \(vectors.count) vectors for \(wanted.count) texts")
        }
        for (index, vector) in zip(wanted, vectors) {
            insights[index].embedding = vector
            insights[index].embeddingModel = model
        }
    }

    /// The contact data among a message's entities (`ai_entities_json`), as spans to mask.
    static func contactSpans(_ entities: JSONValue?) -> [(start: Int, end: Int, kind: PIIRedactor.Kind)] {
        (entities?.arrayValue ?? []).compactMap { entity -> (start: Int, end: Int, kind: PIIRedactor.Kind)? in
            guard let start = entity["start"]?.exactIntValue, let end = entity["end"]?.exactIntValue else { return nil }
            switch entity["type"]?.stringValue {
            case "email": return (start, end, .email)
            case "phone": return (start, end, .phone)
            case "url": return (start, end, .url)
            default: return nil
            }
        }
    }
}
