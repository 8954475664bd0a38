import Core
import Foundation
import Logging
import PostgresNIO

/// What the conversation API reads: an organization's counts, threads and messages.
public protocol ConversationReading: Sendable {
    func counts(organization: OrganizationID) async throws -> ConversationCounts
    func threads(organization: OrganizationID, openOnly: Bool, contact: UUID?, limit: Int) async throws
        -> [ThreadSummary]
    /// - Returns: `nil` when the thread is not the organization's.
    func thread(organization: OrganizationID, id: UUID) async throws -> ThreadDetail?
    /// Newest first, after the keyset `before` (sent_at, id) when given.
    func messages(organization: OrganizationID, thread: UUID, before: (Date, UUID)?, limit: Int) async throws
        -> [StoredMessage]
    /// - Returns: `nil` when the thread is not the organization's.
    func insights(organization: OrganizationID, thread: UUID) async throws -> ThreadInsights?
}

/// What the pipeline concluded about a thread, and the facts it drew on.
public struct ThreadInsights: Sendable {
    /// BANT with evidence (the `bant` thread stage's document); `nil` until a message was processed.
    public var bant: JSONValue?
    public var stage: String?
    public var updatedAt: Date?
    /// The inbound messages' detect results and entities, oldest first.
    public var messages: [MessageFactsView]
    /// The latest rolling summary (``SummaryRepository``), `nil` until one was made.
    public var summary: StoredSummary? = nil
    /// When the 24-hour window closes or closed; `nil` when the customer never wrote.
    public var careWindowExpiresAt: Date? = nil
    public var optInStatus: String = "unknown"
    /// The business's messages: id and send time, oldest first.
    public var outbound: [(id: UUID, sentAt: Date)] = []

    /// One inbound message's part (every inbound message with text, processed or not yet).
    public struct MessageFactsView: Sendable, Equatable {
        public var id: UUID
        public var sentAt: Date
        public var intent: String?
        public var intentConfidence: Float?
        public var sentiment: String?
        public var sentimentScore: Float?
        public var entities: JSONValue?
    }
}

/// How much an organization has.
public struct ConversationCounts: Sendable, Equatable {
    public var accounts: Int
    public var contacts: Int
    public var threads: Int
    public var messages: Int
}

/// A thread in a list, with its contact.
public struct ThreadSummary: Sendable, Equatable {
    public var id: UUID
    public var contactID: UUID
    public var waID: String?
    public var profileName: String?
    public var optInStatus: String
    public var lastMessageAt: Date?
    public var careWindowExpiresAt: Date?
    public var isOpen: Bool
}

/// One thread with its contact's standing and its counts.
public struct ThreadDetail: Sendable, Equatable {
    public var id: UUID
    public var accountID: UUID
    public var phoneNumberID: String
    public var contactID: UUID
    public var waID: String?
    public var userID: String?
    public var profileName: String?
    public var optInStatus: String
    public var marketingOptedOut: Bool
    public var doNotContact: Bool
    public var leadID: UUID?
    public var lastMessageAt: Date?
    public var lastInboundAt: Date?
    public var careWindowExpiresAt: Date?
    /// Whether the 24-hour window is open now (by the database's clock).
    public var careWindowOpen: Bool
    public var isOpen: Bool
    public var messageCount: Int
}

/// A message of a thread, with what the detect stage found.
public struct StoredMessage: Sendable, Equatable {
    public var id: UUID
    public var providerMessageID: String
    public var direction: String
    public var type: String
    public var text: String?
    public var status: String?
    public var reaction: String?
    public var sentAt: Date
    public var language: String?
    public var languageConfidence: Float?
    public var intent: String?
    public var intentConfidence: Float?
    public var sentiment: String?
    public var sentimentScore: Float?
    /// What the extract stage found: an array of entities; `nil` until it ran.
    public var entities: JSONValue?
    /// The text inside the message's image or document and how it was read (`pdf_text`,
    /// `ocr`, `plain_text`), or why it could not be; all `nil` until it was read.
    public var mediaText: String? = nil
    public var mediaTextSource: String? = nil
    public var mediaTextError: String? = nil
}

/// ``ConversationReading`` on Postgres.
public struct ConversationRepository: ConversationReading {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func counts(organization: OrganizationID) async throws -> ConversationCounts {
        let org = organization.rawValue
        let rows = try await client.query(
            """
            SELECT (SELECT count(*) FROM whatsapp_accounts WHERE organization_id = \(org)),
                   (SELECT count(*) FROM whatsapp_contacts WHERE organization_id = \(org)),
                   (SELECT count(*) FROM whatsapp_threads WHERE organization_id = \(org)),
                   (SELECT count(*) FROM whatsapp_messages WHERE organization_id = \(org))
            """,
            logger: logger
        )
        for try await (accounts, contacts, threads, messages) in rows.decode((Int, Int, Int, Int).self) {
            return ConversationCounts(accounts: accounts, contacts: contacts, threads: threads, messages: messages)
        }
        throw StoreError(.unavailable, "the counts query returned no row")
    }

    public func threads(organization: OrganizationID, openOnly: Bool, contact: UUID?, limit: Int) async throws
        -> [ThreadSummary]
    {
        let rows = try await client.query(
            """
            SELECT t.id, c.id, c.wa_id, c.profile_name, c.opt_in_status, t.last_msg_at, t.care_window_expires_at, t.is_open
            FROM whatsapp_threads t JOIN whatsapp_contacts c ON c.id = t.contact_id
            WHERE t.organization_id = \(organization.rawValue) AND (NOT \(openOnly) OR t.is_open)
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
        return threads
    }

    public func thread(organization: OrganizationID, id: UUID) async throws -> ThreadDetail? {
        let rows = try await client.query(
            """
            SELECT t.id, t.account_id, a.phone_number_id, c.id, c.wa_id, c.user_id, c.profile_name, c.opt_in_status,
                c.marketing_opted_out, c.do_not_contact, t.lead_id, t.last_msg_at, t.last_inbound_at,
                t.care_window_expires_at, coalesce(t.care_window_expires_at > now(), false), t.is_open,
                (SELECT count(*) FROM whatsapp_messages m WHERE m.thread_id = t.id)
            FROM whatsapp_threads t
            JOIN whatsapp_contacts c ON c.id = t.contact_id
            JOIN whatsapp_accounts a ON a.id = t.account_id
            WHERE t.id = \(id) AND t.organization_id = \(organization.rawValue)
            """,
            logger: logger
        )
        for try await row in rows.decode(
            (
                UUID, UUID, String, UUID, String?, String?, String?, String, Bool, Bool, UUID?, Date?, Date?, Date?,
                Bool, Bool, Int
            ).self
        ) {
            return ThreadDetail(
                id: row.0,
                accountID: row.1,
                phoneNumberID: row.2,
                contactID: row.3,
                waID: row.4,
                userID: row.5,
                profileName: row.6,
                optInStatus: row.7,
                marketingOptedOut: row.8,
                doNotContact: row.9,
                leadID: row.10,
                lastMessageAt: row.11,
                lastInboundAt: row.12,
                careWindowExpiresAt: row.13,
                careWindowOpen: row.14,
                isOpen: row.15,
                messageCount: row.16
            )
        }
        return nil
    }

    public func messages(organization: OrganizationID, thread: UUID, before: (Date, UUID)?, limit: Int) async throws
        -> [StoredMessage]
    {
        let rows = try await client.query(
            """
            SELECT id, provider_msg_id, direction, type, text, status, reaction, sent_at,
                ai_language, ai_language_confidence, ai_intent, ai_intent_confidence, ai_sentiment, ai_sentiment_score,
                ai_entities_json::text, media_text, media_text_source, media_text_error
            FROM whatsapp_messages
            WHERE organization_id = \(organization.rawValue) AND thread_id = \(thread)
              AND (\(before?.0)::timestamptz IS NULL OR (sent_at, id) < (\(before?.0), \(before?.1)))
            ORDER BY sent_at DESC, id DESC LIMIT \(limit)
            """,
            logger: logger
        )
        var messages: [StoredMessage] = []
        for try await row in rows.decode(
            (
                UUID, String, String, String, String?, String?, String?, Date, String?, Float?, String?, Float?,
                String?, Float?, String?, String?, String?, String?
            ).self
        ) {
            messages.append(
                StoredMessage(
                    id: row.0,
                    providerMessageID: row.1,
                    direction: row.2,
                    type: row.3,
                    text: row.4,
                    status: row.5,
                    reaction: row.6,
                    sentAt: row.7,
                    language: row.8,
                    languageConfidence: row.9,
                    intent: row.10,
                    intentConfidence: row.11,
                    sentiment: row.12,
                    sentimentScore: row.13,
                    entities: row.14.flatMap { try? JSONValue.parse(Data($0.utf8)) },
                    mediaText: row.15,
                    mediaTextSource: row.16,
                    mediaTextError: row.17
                )
            )
        }
        return messages
    }

    public func insights(organization: OrganizationID, thread: UUID) async throws -> ThreadInsights? {
        let threads = try await client.query(
            """
            SELECT t.ai_bant_json::text, t.ai_stage, t.ai_bant_updated_at, t.care_window_expires_at, c.opt_in_status
            FROM whatsapp_threads t JOIN whatsapp_contacts c ON c.id = t.contact_id
            WHERE t.id = \(thread) AND t.organization_id = \(organization.rawValue)
            """,
            logger: logger
        )
        var found: ThreadInsights?
        for try await row in threads.decode((String?, String?, Date?, Date?, String).self) {
            found = ThreadInsights(
                bant: row.0.flatMap { try? JSONValue.parse(Data($0.utf8)) },
                stage: row.1,
                updatedAt: row.2,
                messages: [],
                careWindowExpiresAt: row.3,
                optInStatus: row.4
            )
        }
        guard var insights = found else { return nil }
        insights.summary = try await client.withConnection { connection in
            try await SummaryRepository.summary(thread, organization: organization, on: connection, logger: logger)
        }
        let rows = try await client.query(
            """
            SELECT id, sent_at, ai_intent, ai_intent_confidence, ai_sentiment, ai_sentiment_score,
                ai_entities_json::text, direction
            FROM whatsapp_messages
            WHERE organization_id = \(organization.rawValue) AND thread_id = \(thread)
              AND type NOT IN ('reaction', 'edit', 'revoke') AND revoked_at IS NULL
            ORDER BY sent_at, id
            """,
            logger: logger
        )
        for try await row in rows.decode((UUID, Date, String?, Float?, String?, Float?, String?, String).self) {
            guard row.7 == "inbound" else {
                insights.outbound.append((row.0, row.1))
                continue
            }
            insights.messages.append(
                ThreadInsights.MessageFactsView(
                    id: row.0,
                    sentAt: row.1,
                    intent: row.2,
                    intentConfidence: row.3,
                    sentiment: row.4,
                    sentimentScore: row.5,
                    entities: row.6.flatMap { try? JSONValue.parse(Data($0.utf8)) }
                )
            )
        }
        return insights
    }
}
