import Core
import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// Read-only conversation API, scoped to the caller's organization:
/// `GET /api/organization`, `GET /api/whatsapp/threads`, `GET /api/whatsapp/threads/{id}`,
/// `GET /api/whatsapp/threads/{id}/messages`.
public struct ConversationController: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/organization", use: organization)
        group.get("/whatsapp/threads", use: threads)
        group.get("/whatsapp/threads/{id}", use: thread)
        group.get("/whatsapp/threads/{id}/messages", use: messages)
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
        let rows = try await client.query(
            """
            SELECT (SELECT count(*) FROM whatsapp_accounts WHERE organization_id = \(org.rawValue)),
                   (SELECT count(*) FROM whatsapp_contacts WHERE organization_id = \(org.rawValue)),
                   (SELECT count(*) FROM whatsapp_threads WHERE organization_id = \(org.rawValue)),
                   (SELECT count(*) FROM whatsapp_messages WHERE organization_id = \(org.rawValue))
            """,
            logger: logger
        )
        for try await (accounts, contacts, threads, messages) in rows.decode((Int, Int, Int, Int).self) {
            return OrganizationSummary(
                id: org.description,
                accounts: accounts,
                contacts: contacts,
                threads: threads,
                messages: messages
            )
        }
        throw APIError(.internalServerError, code: "internal", message: "summary query returned no row")
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
        let rows = try await client.query(
            """
            SELECT t.id, c.id, c.wa_id, c.profile_name, c.opt_in_status, t.last_msg_at, t.care_window_expires_at, t.is_open
            FROM whatsapp_threads t JOIN whatsapp_contacts c ON c.id = t.contact_id
            WHERE t.organization_id = \(org.rawValue) AND (NOT \(openOnly) OR t.is_open)
              AND (\(contact)::uuid IS NULL OR t.contact_id = \(contact))
            ORDER BY t.last_msg_at DESC NULLS LAST, t.id LIMIT \(limit)
            """,
            logger: logger
        )
        var threads: [ThreadSummary] = []
        for try await (id, contactID, waID, name, optIn, last, window, open) in rows.decode(
            (UUID, UUID, String?, String?, String, Date?, Date?, Bool).self
        ) {
            threads.append(
                ThreadSummary(
                    id: id,
                    contactID: contactID,
                    waID: waID,
                    profileName: name,
                    optInStatus: optIn,
                    lastMessageAt: last,
                    careWindowExpiresAt: window,
                    isOpen: open
                )
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
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else {
            throw APIError(.badRequest, code: "invalid_thread_id", message: "thread id must be a UUID")
        }
        let rows = try await client.query(
            """
            SELECT t.id, t.account_id, a.phone_number_id, c.id, c.wa_id, c.user_id, c.profile_name, c.opt_in_status,
                c.marketing_opted_out, c.do_not_contact, t.lead_id, t.last_msg_at, t.last_inbound_at,
                t.care_window_expires_at, coalesce(t.care_window_expires_at > now(), false), t.is_open,
                (SELECT count(*) FROM whatsapp_messages m WHERE m.thread_id = t.id)
            FROM whatsapp_threads t
            JOIN whatsapp_contacts c ON c.id = t.contact_id
            JOIN whatsapp_accounts a ON a.id = t.account_id
            WHERE t.id = \(id) AND t.organization_id = \(org.rawValue)
            """,
            logger: logger
        )
        for try await row in rows {
            let r = row.makeRandomAccess()
            return ThreadDetail(
                id: try r[0].decode(UUID.self),
                accountID: try r[1].decode(UUID.self),
                phoneNumberID: try r[2].decode(String.self),
                contactID: try r[3].decode(UUID.self),
                waID: try r[4].decode(String?.self),
                userID: try r[5].decode(String?.self),
                profileName: try r[6].decode(String?.self),
                optInStatus: try r[7].decode(String.self),
                marketingOptedOut: try r[8].decode(Bool.self),
                doNotContact: try r[9].decode(Bool.self),
                leadID: try r[10].decode(UUID?.self),
                lastMessageAt: try r[11].decode(Date?.self),
                lastInboundAt: try r[12].decode(Date?.self),
                careWindowExpiresAt: try r[13].decode(Date?.self),
                careWindowOpen: try r[14].decode(Bool.self),
                isOpen: try r[15].decode(Bool.self),
                messageCount: try r[16].decode(Int.self)
            )
        }
        throw APIError(.notFound, code: "not_found", message: "thread \(id) does not exist in this organization")
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
        /// What the detect stage found (inbound messages with text); `nil` until it ran.
        var insights: MessageInsightsView?
    }

    struct MessageInsightsView: Codable, Sendable {
        var language: String?
        var languageConfidence: Double?
        var intent: String?
        var intentConfidence: Double?
        var sentiment: String?
        var sentimentScore: Double?
    }

    struct MessagePage: ResponseEncodable {
        var messages: [MessageView]
        /// Pass as `cursor` to get the next (older) page; `nil` on the last page.
        var nextCursor: String?
    }

    /// Newest first, keyset-paginated on (sent_at, id).
    @Sendable func messages(_ request: Request, context: AppRequestContext) async throws -> MessagePage {
        let org = try context.requireOrganization()
        guard let thread = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else {
            throw APIError(.badRequest, code: "invalid_thread_id", message: "thread id must be a UUID")
        }
        let query = request.uri.queryParameters
        let limit = min(200, max(1, query["limit"].flatMap { Int(String($0)) } ?? 50))
        var before: (Date, UUID)?
        if let cursor = query["cursor"] {
            guard let decoded = Self.decodeCursor(String(cursor)) else {
                throw APIError(.badRequest, code: "invalid_cursor", message: "cursor is not one this API returned")
            }
            before = decoded
        }
        let rows = try await client.query(
            """
            SELECT id, provider_msg_id, direction, type, text, status, reaction, sent_at,
                ai_language, ai_language_confidence, ai_intent, ai_intent_confidence, ai_sentiment, ai_sentiment_score
            FROM whatsapp_messages
            WHERE organization_id = \(org.rawValue) AND thread_id = \(thread)
              AND (\(before?.0)::timestamptz IS NULL OR (sent_at, id) < (\(before?.0), \(before?.1)))
            ORDER BY sent_at DESC, id DESC LIMIT \(limit + 1)
            """,
            logger: logger
        )
        var messages: [MessageView] = []
        for try await row in rows {
            let r = row.makeRandomAccess()
            let language = try r[8].decode(String?.self)
            let intent = try r[10].decode(String?.self)
            let sentiment = try r[12].decode(String?.self)
            let detected = language != nil || intent != nil || sentiment != nil
            messages.append(
                MessageView(
                    id: try r[0].decode(UUID.self),
                    providerMessageID: try r[1].decode(String.self),
                    direction: try r[2].decode(String.self),
                    type: try r[3].decode(String.self),
                    text: try r[4].decode(String?.self),
                    status: try r[5].decode(String?.self),
                    reaction: try r[6].decode(String?.self),
                    sentAt: try r[7].decode(Date.self),
                    insights: detected
                        ? MessageInsightsView(
                            language: language,
                            languageConfidence: try r[9].decode(Float?.self).map(Double.init),
                            intent: intent,
                            intentConfidence: try r[11].decode(Float?.self).map(Double.init),
                            sentiment: sentiment,
                            sentimentScore: try r[13].decode(Float?.self).map(Double.init)
                        ) : nil
                )
            )
        }
        var next: String?
        if messages.count > limit {
            messages.removeLast()
            if let last = messages.last { next = Self.encodeCursor(last.sentAt, last.id) }
        }
        return MessagePage(messages: messages, nextCursor: next)
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
