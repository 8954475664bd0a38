import Assist
import Core
import Extract
import Foundation
import Hummingbird
import Ingest
import Store

/// `GET /api/whatsapp/threads/{id}/summary?since=&language=` — the thread's rolling summary
/// (kept current by `refresh_summary` jobs), and what is new since an earlier version or time.
public struct SummaryController<Repository: SummaryReading>: Sendable {
    public let repository: Repository
    public let summarizer: ThreadSummarizer

    public init(repository: Repository, summarizer: ThreadSummarizer = ThreadSummarizer()) {
        self.repository = repository
        self.summarizer = summarizer
    }

    public func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/whatsapp/threads/{id}/summary", use: summary)
    }

    /// `since`: a version number this API returned, or an ISO 8601 time: the answer's `since`
    /// holds what the messages after it say. `language` (en, es, pt): the reader's; default the
    /// customer's.
    @Sendable func summary(_ request: Request, context: AppRequestContext) async throws -> Response {
        let org = try context.requireOrganization()
        let thread = try context.uuidParameter(code: "invalid_thread_id", what: "thread id")
        let query = request.uri.queryParameters
        let language = query["language"].map(String.init)
        if let language, !["en", "es", "pt"].contains(language) {
            throw APIError(.badRequest, code: "invalid_language", message: "language must be en, es or pt")
        }
        var since: (version: Int?, time: Date?)?
        if let raw = query["since"].map(String.init) {
            if let version = Int(raw), version > 0 {
                since = (version, nil)
            } else if let time = Instant.parse(raw) {
                since = (nil, time)
            } else {
                throw APIError(
                    .badRequest,
                    code: "invalid_since",
                    message: "since must be a summary version (1, 2, ...) or an ISO 8601 time"
                )
            }
        }
        guard let (rows, bant) = try await repository.threadMessages(thread, organization: org) else {
            throw APIError(
                .notFound,
                code: "not_found",
                message: "thread \(thread) does not exist in this organization"
            )
        }
        let stored = try await repository.summary(thread, version: nil, organization: org)
        var answer: [String: JSONValue] = ["thread_id": .string(thread.uuidString.lowercased())]
        let messages = rows.map(SummaryRefresher.message)
        if let stored, language == nil || language == stored.language {
            answer.merge(stored.json.objectValue ?? [:]) { $1 }
        } else {
            // None stored yet, or another reader's language: made now from the same messages.
            answer["version"] = stored.map { .number(Double($0.version)) } ?? .null
            answer["summary"] = await summarizer.summarize(messages, bant: bant, language: language)
        }
        if let since {
            var base: StoredSummary?
            if let version = since.version {
                base = try await repository.summary(thread, version: version, organization: org)
                guard base != nil else {
                    throw APIError(
                        .notFound,
                        code: "version_not_found",
                        message: "thread \(thread) has no summary version \(version)"
                    )
                }
            }
            let after = base?.lastMessageAt ?? since.time ?? .distantPast
            let fresh = messages.filter { $0.sentAt > after }
            var delta: [String: JSONValue] = [
                "version": base.map { .number(Double($0.version)) } ?? .null,
                "after": .string(after.formatted(.iso8601)),
                "new_messages": .number(Double(fresh.count)),
                "summary": fresh.isEmpty
                    ? .null : await summarizer.summarize(fresh, bant: nil, language: language ?? stored?.language),
            ]
            if let before = base?.document["facts"]?["stage"], let now = bant?["stage"], before != now {
                delta["stage_changed"] = ["from": before, "to": now]
            }
            answer["since"] = .object(delta)
        }
        return .json(.object(answer))
    }
}

extension StoredSummary {
    /// A stored version: its number, what it covers, when it was made, and the document.
    var json: JSONValue {
        [
            "version": .number(Double(version)),
            "covers": [
                "last_message_id": .string(lastMessageID.uuidString.lowercased()),
                "last_message_at": .string(lastMessageAt.formatted(.iso8601)),
                "messages": .number(Double(messageCount)),
            ],
            "created_at": .string(createdAt.formatted(.iso8601)),
            "summary": document,
        ]
    }
}
