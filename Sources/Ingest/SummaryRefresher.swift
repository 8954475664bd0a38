import Assist
import Core
import Foundation
import Logging
import PostgresNIO
import Store

/// Keeps every thread's rolling summary current: each message's stages queue one
/// `refresh_summary` job for its thread to run after a quiet moment (`debounce`), so a burst
/// of messages refreshes it once; the job summarizes the thread's messages and stores a new
/// version when a message was added since the last.
public struct SummaryRefresher: Sendable {
    public let summarizer: any ThreadSummarizing
    public let debounce: Duration
    public let logger: Logger

    public init(
        summarizer: any ThreadSummarizing = ThreadSummarizer(),
        debounce: Duration = .seconds(15),
        logger: Logger
    ) {
        self.summarizer = summarizer
        self.debounce = debounce
        self.logger = logger
    }

    /// Queues the thread's refresh unless one is waiting (inside the stage job's transaction).
    public func queue(thread: UUID, organization: OrganizationID, on connection: PostgresConnection) async throws {
        try await JobQueue.enqueueOnce(
            .refreshSummary,
            refUUID: thread,
            organization: organization,
            after: debounce,
            on: connection,
            logger: logger
        )
    }

    /// Summarizes the thread and stores the new version. - Returns: The version now current
    /// (0 when the thread has no message with text).
    @discardableResult
    public func refresh(thread: UUID, on connection: PostgresConnection) async throws -> Int {
        guard
            let (organization, rows, bant) = try await SummaryRepository.threadMessages(
                thread,
                organization: nil,
                on: connection,
                logger: logger
            ), let last = rows.last
        else { return 0 }
        let messages = rows.map(Self.message)
        let document = await summarizer.summarize(messages, bant: bant, language: nil, organization: organization)
        return try await SummaryRepository.save(
            document,
            language: document["language"]?.stringValue ?? "en",
            thread: thread,
            organization: organization,
            lastMessage: (last.id, last.sentAt),
            messageCount: rows.count,
            on: connection,
            logger: logger
        )
    }

    /// A stored message as the summarizer reads it: its own text, then its media's.
    public static func message(_ row: ThreadMessageRow) -> SummaryMessage {
        SummaryMessage(
            id: row.id,
            direction: row.direction,
            sentAt: row.sentAt,
            text: [row.text, row.mediaText].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "\n\n"),
            language: row.language,
            intent: row.intent,
            entities: row.entities,
            cues: row.cues
        )
    }
}
