import Foundation

/// What a stage sees of an ingested message: the message and its place in its thread.
public struct StageMessage: Sendable {
    public var organizationID: OrganizationID
    public var messageID: UUID
    public var threadID: UUID?
    public var providerMessageID: String
    public var direction: MessageDirection
    /// The WhatsApp message type (`text`, `image`, `interactive`, ...).
    public var type: String
    /// The text a person wrote or chose: body, caption, button or list-reply title; `nil` when none.
    public var text: String?
    /// The text inside the message's image or document (a PDF's text layer, or OCR), once it
    /// was read; `nil` before, or when the message has no such media.
    public var mediaText: String?
    /// When the sender sent it (Meta's timestamp, not our receive time).
    public var sentAt: Date
    /// The contact's phone number (wa_id) when Meta gave one: its country decides the contact's
    /// time zone and money conventions when the organization sets none.
    public var contactPhone: String?
    /// The organization's IANA time zone (`America/Sao_Paulo`) when it set one.
    public var organizationTimeZone: String?

    public init(
        organizationID: OrganizationID,
        messageID: UUID,
        threadID: UUID?,
        providerMessageID: String,
        direction: MessageDirection,
        type: String,
        text: String?,
        mediaText: String? = nil,
        sentAt: Date,
        contactPhone: String? = nil,
        organizationTimeZone: String? = nil
    ) {
        self.organizationID = organizationID
        self.messageID = messageID
        self.threadID = threadID
        self.providerMessageID = providerMessageID
        self.direction = direction
        self.type = type
        self.text = text
        self.mediaText = mediaText
        self.sentAt = sentAt
        self.contactPhone = contactPhone
        self.organizationTimeZone = organizationTimeZone
    }
}

extension StageMessage {
    /// Where a message's text comes from: its own (`nil`), or the text inside its media.
    public static let mediaTextSource = "media_text"
    /// How much of the text inside media the classifiers and the embedder read: a document's
    /// first lines say what it is, and MiniLM reads 256 tokens at most anyway.
    public static let mediaTextPrefix = 2_000

    /// The message's texts that hold something, each with its source: its own text first
    /// (source `nil`), then the text inside its media (``mediaTextSource``).
    public var texts: [(source: String?, text: String)] {
        var texts: [(source: String?, text: String)] = []
        if let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { texts.append((nil, text)) }
        if let mediaText, !mediaText.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            texts.append((Self.mediaTextSource, mediaText))
        }
        return texts
    }

    /// What the classifiers read: the message's own text, then the start of the text inside its
    /// media (a price list, a screenshot), a blank line apart; `nil` when neither holds anything.
    public func readableText() -> String? {
        let parts = texts.map { $0.source == nil ? $0.text : String($0.text.prefix(Self.mediaTextPrefix)) }
        return parts.isEmpty ? nil : parts.joined(separator: "\n\n")
    }
}

/// The insights stages add to a message. Each stage fills its part; later stages read what
/// earlier ones found. The runner persists every field that is set.
public struct MessageInsights: Sendable, Equatable {
    public var language: String?
    public var languageConfidence: Double?
    public var intent: String?
    public var intentConfidence: Double?
    public var sentiment: String?
    public var sentimentScore: Double?
    public var entities: JSONValue?
    /// Anything else a stage wants kept, by stage-chosen key; stored as JSON on the message.
    public var extra: [String: JSONValue]
    /// The sentence embedding of the (redacted) text, unit length; stored for semantic search.
    public var embedding: [Float]?
    /// Which model made ``embedding`` (vectors of different models are never compared).
    public var embeddingModel: String?

    public init(
        language: String? = nil,
        languageConfidence: Double? = nil,
        intent: String? = nil,
        intentConfidence: Double? = nil,
        sentiment: String? = nil,
        sentimentScore: Double? = nil,
        entities: JSONValue? = nil,
        extra: [String: JSONValue] = [:],
        embedding: [Float]? = nil,
        embeddingModel: String? = nil
    ) {
        self.language = language
        self.languageConfidence = languageConfidence
        self.intent = intent
        self.intentConfidence = intentConfidence
        self.sentiment = sentiment
        self.sentimentScore = sentimentScore
        self.entities = entities
        self.extra = extra
        self.embedding = embedding
        self.embeddingModel = embeddingModel
    }
}

/// One step of the insights pipeline. Stages run in a fixed order for every ingested inbound
/// message; a stage that throws is recorded and retried with backoff without holding up any
/// other message. Stages do no storage I/O of their own: they return insights and the runner
/// writes them, so a stage can be tested, benchmarked and re-run alone.
public protocol PipelineStage: Sendable {
    /// A stable name, recorded with each run (`detect`, `embed`, ...).
    var name: String { get }

    /// Adds this stage's part to `insights`, which holds what earlier stages found.
    func process(_ message: StageMessage, insights: inout MessageInsights) async throws

    /// The same for several messages at once (backfill); stages that batch well (embeddings)
    /// override it. `insights[i]` belongs to `messages[i]`.
    func process(_ messages: [StageMessage], insights: inout [MessageInsights]) async throws
}

extension PipelineStage {
    public func process(_ messages: [StageMessage], insights: inout [MessageInsights]) async throws {
        for index in messages.indices { try await process(messages[index], insights: &insights[index]) }
    }
}
