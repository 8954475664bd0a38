import Foundation

/// What a thread-level stage reads of one message: what the message stages stored for it.
public struct MessageFacts: Sendable, Equatable {
    public var messageID: UUID
    public var direction: MessageDirection
    public var sentAt: Date
    /// The message stages' findings as stored (the embedding is not read).
    public var insights: MessageInsights

    public init(
        messageID: UUID,
        direction: MessageDirection,
        sentAt: Date,
        insights: MessageInsights = MessageInsights()
    ) {
        self.messageID = messageID
        self.direction = direction
        self.sentAt = sentAt
        self.insights = insights
    }
}

/// An organization's choices for its insights. Defaults: no time zone (each contact's phone
/// country decides), a thread is `engaged` from an overall BANT of 0.25 and `qualified` from 0.55 (fit on data/bant train).
public struct InsightSettings: Sendable, Equatable {
    /// IANA time zone of the organization's contacts; `nil` lets each phone number's country decide.
    public var timeZone: String?
    /// The overall BANT score from which a thread is `engaged`.
    public var engagedThreshold: Double = 0.25
    /// The overall BANT score from which a thread is `qualified`.
    public var qualifiedThreshold: Double = 0.55

    public init(timeZone: String? = nil, engagedThreshold: Double = 0.25, qualifiedThreshold: Double = 0.55) {
        self.timeZone = timeZone
        self.engagedThreshold = engagedThreshold
        self.qualifiedThreshold = qualifiedThreshold
    }
}

/// What a thread-level stage concluded about a thread.
public struct ThreadConclusion: Sendable, Equatable {
    /// The stage's document (BANT with evidence), stored on the thread.
    public var document: JSONValue
    /// The thread's qualification stage (`unqualified`, `engaged`, `qualified`).
    public var stage: String

    public init(document: JSONValue, stage: String) {
        self.document = document
        self.stage = stage
    }
}

/// A stage that concludes about a whole thread from its messages' stored facts. It runs after
/// the message stages of each inbound message (what the business writes concludes nothing new), on every message the thread has, so that messages
/// arriving in any order (or replayed) give the same conclusion. Pure: no storage I/O.
public protocol ThreadStage: Sendable {
    var name: String { get }
    /// - Parameter messages: the thread's messages, in any order.
    func conclude(_ messages: [MessageFacts], settings: InsightSettings) -> ThreadConclusion
}
