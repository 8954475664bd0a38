import Core
import Foundation
import Normalize

/// The pipeline stage that embeds every message with text (body, caption, button or list
/// reply, the text inside an image or document), after redacting personal identifiers, so no vector is computed from raw PII: the
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
            Self.input(messages[index], entities: insights[index].entities)
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

    /// What is embedded: the message's own text and the start of the text inside its media
    /// (as detect reads them), each redacted with its own contact spans masked.
    static func input(_ message: StageMessage, entities: JSONValue?) -> String {
        message.texts.map { source, text in
            // Masked whole, then cut: an address across the cut is never half kept.
            let input = PIIRedactor.embeddingInput(text, masking: contactSpans(entities, source: source))
            return source == nil ? input : String(input.prefix(StageMessage.mediaTextPrefix))
        }.filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    /// The contact data among a message's entities (`ai_entities_json`) found in the text of
    /// `source` (the message's own when `nil`), as spans to mask.
    static func contactSpans(_ entities: JSONValue?, source: String? = nil)
        -> [(start: Int, end: Int, kind: PIIRedactor.Kind)]
    {
        (entities?.arrayValue ?? []).compactMap { entity -> (start: Int, end: Int, kind: PIIRedactor.Kind)? in
            guard entity["source"]?.stringValue == source, let start = entity["start"]?.exactIntValue,
                let end = entity["end"]?.exactIntValue
            else { return nil }
            switch entity["type"]?.stringValue {
            case "email": return (start, end, .email)
            case "phone": return (start, end, .phone)
            case "url": return (start, end, .url)
            default: return nil
            }
        }
    }
}
