import Assist
import Core
import Foundation
import Hummingbird
import Logging
import Store

/// Read-only conversation API, scoped to the caller's organization:
/// `GET /api/organization`, `GET /api/whatsapp/threads`, `GET /api/whatsapp/threads/{id}`,
/// `GET /api/whatsapp/threads/{id}/messages`, `GET /api/whatsapp/threads/{id}/insights`.
public struct ConversationController<Repository: ConversationReading>: Sendable {
    public let repository: Repository

    public init(repository: Repository) {
        self.repository = repository
    }

    public func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/organization", use: organization)
        group.get("/whatsapp/threads", use: threads)
        group.get("/whatsapp/threads/{id}", use: thread)
        group.get("/whatsapp/threads/{id}/messages", use: messages)
        group.get("/whatsapp/threads/{id}/insights", use: insights)
    }

    struct OrganizationSummary: ResponseEncodable {
        var id: String
        var accounts: Int
        var contacts: Int
        var threads: Int
        var messages: Int
    }

    @Sendable func organization(_ request: Request, context: AppRequestContext) async throws -> OrganizationSummary {
        let org = try context.requireOrganization()
        let counts = try await repository.counts(organization: org)
        return OrganizationSummary(
            id: org.description,
            accounts: counts.accounts,
            contacts: counts.contacts,
            threads: counts.threads,
            messages: counts.messages
        )
    }

    struct ThreadSummary: Codable, Sendable {
        @LowercaseID var id: UUID
        @LowercaseID var contactID: UUID
        var waID: String?
        var profileName: String?
        var optInStatus: String
        var lastMessageAt: Date?
        var careWindowExpiresAt: Date?
        var isOpen: Bool
    }

    struct ThreadList: ResponseEncodable {
        var threads: [ThreadSummary]
    }

    @Sendable func threads(_ request: Request, context: AppRequestContext) async throws -> ThreadList {
        let org = try context.requireOrganization()
        let query = request.uri.queryParameters
        let openOnly = query["open"].map { $0 == "1" || $0 == "true" } ?? false
        let contact = try query["contact_id"].map { value -> UUID in
            guard let id = UUID(uuidString: String(value)) else {
                throw APIError(.badRequest, code: "invalid_contact_id", message: "contact_id must be a UUID")
            }
            return id
        }
        let limit = min(200, max(1, query["limit"].flatMap { Int(String($0)) } ?? 50))
        let threads = try await repository.threads(
            organization: org,
            openOnly: openOnly,
            contact: contact,
            limit: limit
        ).map {
            ThreadSummary(
                id: $0.id,
                contactID: $0.contactID,
                waID: $0.waID,
                profileName: $0.profileName,
                optInStatus: $0.optInStatus,
                lastMessageAt: $0.lastMessageAt,
                careWindowExpiresAt: $0.careWindowExpiresAt,
                isOpen: $0.isOpen
            )
        }
        return ThreadList(threads: threads)
    }

    struct ThreadDetail: ResponseEncodable {
        @LowercaseID var id: UUID
        @LowercaseID var accountID: UUID
        var phoneNumberID: String
        @LowercaseID var contactID: UUID
        var waID: String?
        var userID: String?
        var profileName: String?
        var optInStatus: String
        var marketingOptedOut: Bool
        var doNotContact: Bool
        @OptionalLowercaseID var leadID: UUID?
        var lastMessageAt: Date?
        var lastInboundAt: Date?
        var careWindowExpiresAt: Date?
        /// Whether a session (free-form) message may be sent now.
        var careWindowOpen: Bool
        var isOpen: Bool
        var messageCount: Int
    }

    @Sendable func thread(_ request: Request, context: AppRequestContext) async throws -> ThreadDetail {
        let org = try context.requireOrganization()
        let id = try context.uuidParameter(code: "invalid_thread_id", what: "thread id")
        guard let thread = try await repository.thread(organization: org, id: id) else {
            throw APIError(.notFound, code: "not_found", message: "thread \(id) does not exist in this organization")
        }
        return ThreadDetail(
            id: thread.id,
            accountID: thread.accountID,
            phoneNumberID: thread.phoneNumberID,
            contactID: thread.contactID,
            waID: thread.waID,
            userID: thread.userID,
            profileName: thread.profileName,
            optInStatus: thread.optInStatus,
            marketingOptedOut: thread.marketingOptedOut,
            doNotContact: thread.doNotContact,
            leadID: thread.leadID,
            lastMessageAt: thread.lastMessageAt,
            lastInboundAt: thread.lastInboundAt,
            careWindowExpiresAt: thread.careWindowExpiresAt,
            careWindowOpen: thread.careWindowOpen,
            isOpen: thread.isOpen,
            messageCount: thread.messageCount
        )
    }

    struct MessageView: Codable, Sendable {
        @LowercaseID var id: UUID
        var providerMessageID: String
        var direction: String
        var type: String
        var text: String?
        var status: String?
        var reaction: String?
        var sentAt: Date
        /// The text inside an inbound image or document; `nil` for other messages, and until
        /// it was read.
        var mediaText: MediaTextView?
        /// What the detect stage found (inbound messages with text); `nil` until it ran.
        var insights: MessageInsightsView?
    }

    /// What reading a media file's text gave: the text and how it was read (`pdf_text`, `ocr`,
    /// `plain_text`), or the reason it could not be read (`error`, with `text` and `source` null).
    /// Entities found in it carry `"source": "media_text"`, their offsets into this text.
    struct MediaTextView: Codable, Sendable {
        var text: String?
        var source: String?
        var error: String?
    }

    struct MessageInsightsView: Codable, Sendable {
        var language: String?
        var languageConfidence: Double?
        var intent: String?
        var intentConfidence: Double?
        var sentiment: String?
        var sentimentScore: Double?
        /// What the extract stage found (docs/extract.md); `nil` until it ran.
        var entities: JSONValue?
    }

    struct MessagePage: ResponseEncodable {
        var messages: [MessageView]
        /// Pass as `cursor` to get the next (older) page; `nil` on the last page.
        var nextCursor: String?
    }

    /// Newest first, keyset-paginated on (sent_at, id).
    @Sendable func messages(_ request: Request, context: AppRequestContext) async throws -> MessagePage {
        let org = try context.requireOrganization()
        let thread = try context.uuidParameter(code: "invalid_thread_id", what: "thread id")
        let query = request.uri.queryParameters
        let limit = min(200, max(1, query["limit"].flatMap { Int(String($0)) } ?? 50))
        var before: (Date, UUID)?
        if let cursor = query["cursor"] {
            guard let decoded = Self.decodeCursor(String(cursor)) else {
                throw APIError(.badRequest, code: "invalid_cursor", message: "cursor is not one this API returned")
            }
            before = decoded
        }
        var messages = try await repository.messages(
            organization: org,
            thread: thread,
            before: before,
            limit: limit + 1
        ).map { message in
            let detected =
                message.language != nil || message.intent != nil || message.sentiment != nil || message.entities != nil
            return MessageView(
                id: message.id,
                providerMessageID: message.providerMessageID,
                direction: message.direction,
                type: message.type,
                text: message.text,
                status: message.status,
                reaction: message.reaction,
                sentAt: message.sentAt,
                mediaText: message.mediaText != nil || message.mediaTextError != nil
                    ? MediaTextView(
                        text: message.mediaText,
                        source: message.mediaTextSource,
                        error: message.mediaTextError
                    ) : nil,
                insights: detected
                    ? MessageInsightsView(
                        language: message.language,
                        languageConfidence: message.languageConfidence.map(Double.init),
                        intent: message.intent,
                        intentConfidence: message.intentConfidence.map(Double.init),
                        sentiment: message.sentiment,
                        sentimentScore: message.sentimentScore.map(Double.init),
                        entities: message.entities
                    ) : nil
            )
        }
        var next: String?
        if messages.count > limit {
            messages.removeLast()
            if let last = messages.last { next = Self.encodeCursor(last.sentAt, last.id) }
        }
        return MessagePage(messages: messages, nextCursor: next)
    }

    /// BANT with evidence, the latest intent and the sentiment trend, and the thread's entities.
    @Sendable func insights(_ request: Request, context: AppRequestContext) async throws -> Response {
        let org = try context.requireOrganization()
        let id = try context.uuidParameter(code: "invalid_thread_id", what: "thread id")
        guard let insights = try await repository.insights(organization: org, thread: id) else {
            throw APIError(.notFound, code: "not_found", message: "thread \(id) does not exist in this organization")
        }
        return .json(Self.json(insights, thread: id))
    }

    /// The sentiment trend shows the latest this many inbound messages.
    static var trendLength: Int { 20 }

    /// The next-best-action rules' view of the thread.
    static func state(_ insights: ThreadInsights, now: Date) -> ThreadState {
        let inbound = insights.messages.map { message in
            ThreadState.Message(
                id: message.id,
                direction: .inbound,
                sentAt: message.sentAt,
                intent: message.intent,
                sentimentScore: message.sentimentScore.map(Double.init),
                products: (message.entities?.arrayValue ?? []).compactMap { entity in
                    entity["type"]?.stringValue == "product"
                        ? entity["value"]?["name"]?.stringValue ?? entity["text"]?.stringValue : nil
                }
            )
        }
        let outbound = insights.outbound.map { ThreadState.Message(id: $0.id, direction: .outbound, sentAt: $0.sentAt) }
        return ThreadState(
            now: now,
            messages: inbound + outbound,
            careWindowExpiresAt: insights.careWindowExpiresAt,
            optInStatus: insights.optInStatus,
            bant: insights.bant
        )
    }

    static func json(_ insights: ThreadInsights, thread: UUID, now: Date = Date()) -> JSONValue {
        func id(_ uuid: UUID) -> JSONValue { .string(uuid.uuidString.lowercased()) }
        func time(_ date: Date) -> JSONValue { .string(date.formatted(.iso8601)) }
        let withIntent = insights.messages.filter { $0.intent != nil }
        var counts: [String: JSONValue] = [:]
        for message in withIntent {
            if let intent = message.intent { counts[intent] = .number((counts[intent]?.doubleValue ?? 0) + 1) }
        }
        let latestIntent: JSONValue =
            withIntent.last.map { message in
                .object([
                    "message_id": id(message.id), "sent_at": time(message.sentAt),
                    "intent": .string(message.intent ?? ""),
                    "confidence": message.intentConfidence.map { .number(Double($0)) } ?? .null,
                ])
            } ?? .null
        let scored = insights.messages.filter { $0.sentiment != nil }
        let trend = scored.suffix(trendLength).map { message -> JSONValue in
            .object([
                "message_id": id(message.id), "sent_at": time(message.sentAt),
                "sentiment": .string(message.sentiment ?? ""),
                "score": message.sentimentScore.map { .number(Double($0)) } ?? .null,
            ])
        }
        let scores = scored.compactMap(\.sentimentScore).map(Double.init)
        var entities: [JSONValue] = []
        for message in insights.messages {
            for entity in message.entities?.arrayValue ?? [] {
                guard var object = entity.objectValue else { continue }
                object["message_id"] = id(message.id)
                entities.append(.object(object))
            }
        }
        return .object([
            "thread_id": id(thread),
            "stage": insights.stage.map(JSONValue.string) ?? .null,
            "bant": insights.bant ?? .null,
            "updated_at": insights.updatedAt.map(time) ?? .null,
            "intent": .object(["latest": latestIntent, "counts": .object(counts)]),
            "sentiment": .object([
                "trend": .array(Array(trend)),
                "average": scores.isEmpty ? .null : .number(scores.reduce(0, +) / Double(scores.count)),
            ]),
            "entities": .array(entities),
            "summary": insights.summary?.json ?? .null,
            "next_actions": .array(NextBestAction().actions(Self.state(insights, now: now)).map(\.json)),
        ])
    }

    static func encodeCursor(_ date: Date, _ id: UUID) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        return Data("\(micros)|\(id.uuidString)".utf8).base64EncodedString()
    }

    static func decodeCursor(_ cursor: String) -> (Date, UUID)? {
        guard let data = Data(base64Encoded: cursor) else { return nil }
        let parts = String(decoding: data, as: UTF8.self).split(separator: "|")
        guard parts.count == 2, let micros = Int64(parts[0]), let id = UUID(uuidString: String(parts[1])) else {
            return nil
        }
        return (Date(timeIntervalSince1970: Double(micros) / 1_000_000), id)
    }
}
