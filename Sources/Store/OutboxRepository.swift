import Core
import Foundation
import Logging
import PostgresNIO

extension OutboxMessage {
    static let columns = """
        id, organization_id, account_id, thread_id, contact_id, recipient, kind, template_name, template_language,
        template_category, body::text, state, attempts, reclaims, next_attempt_at, provider_msg_id, delivery_status,
        error_code, error_message, last_error, created_at, sent_at, idempotency_key
        """

    /// The types of ``columns``, in order.
    typealias Row = (
        UUID, UUID, UUID, UUID, UUID, String, String, String?, String?, String?, String, String, Int32, Int32, Date,
        String?, String?, Int32?, String?, String?, Date, Date?, String?
    )

    /// A row that starts with ``columns`` (a query may add columns after them).
    init(row: PostgresRow) throws {
        try self.init(row.decode(Row.self))
    }

    init(_ r: Row) throws {
        self.init(
            id: r.0,
            organizationID: OrganizationID(r.1),
            accountID: r.2,
            threadID: r.3,
            contactID: r.4,
            recipient: r.5,
            kind: Kind(rawValue: r.6) ?? .text,
            templateName: r.7,
            templateLanguage: r.8,
            templateCategory: r.9,
            body: try JSONValue.parse(Data(r.10.utf8)),
            state: State(rawValue: r.11) ?? .queued,
            attempts: Int(r.12),
            reclaims: Int(r.13),
            nextAttemptAt: r.14,
            providerMessageID: r.15,
            deliveryStatus: r.16,
            errorCode: r.17.map(Int.init),
            errorMessage: r.18,
            lastError: r.19,
            createdAt: r.20,
            sentAt: r.21,
            idempotencyKey: r.22
        )
    }
}

/// The outbox on Postgres. A message is stored before anything is sent; senders lease due
/// messages (`FOR UPDATE SKIP LOCKED`, state `sending` until `locked_until`), and only the
/// holder of the current lease (same `attempts`) may record the outcome.
public struct OutboxRepository: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    // MARK: Targets

    static let targetSelect = """
        SELECT t.account_id, a.phone_number_id, a.waba_id, t.id, c.id, coalesce(c.wa_id, c.user_id),
            c.opt_in_status = 'opted_out', c.marketing_opted_out, c.do_not_contact, s.reason, t.care_window_expires_at,
            (\(threadLanguage("t.id")))
        FROM whatsapp_threads t
        JOIN whatsapp_accounts a ON a.id = t.account_id
        JOIN whatsapp_contacts c ON c.id = t.contact_id
        LEFT JOIN whatsapp_suppressions s ON s.organization_id = t.organization_id
            AND s.recipient IN (c.wa_id, c.user_id)
        """

    /// A row of exactly ``targetSelect``'s columns.
    private static func target(_ row: PostgresRow) throws -> SendTarget {
        let r = try row.decode(
            (UUID, String, String, UUID, UUID, String, Bool, Bool, Bool, String?, Date?, String?).self
        )
        return SendTarget(
            accountID: r.0,
            phoneNumberID: r.1,
            wabaID: r.2,
            threadID: r.3,
            contactID: r.4,
            recipient: r.5,
            consent: ContactConsent(optedOut: r.6, marketingOptedOut: r.7, doNotContact: r.8, suppression: r.9),
            windowExpiresAt: r.10,
            language: r.11
        )
    }

    /// A subquery for the language of a thread's latest inbound message that has one.
    static func threadLanguage(_ thread: String) -> String {
        """
        SELECT m.ai_language FROM whatsapp_messages m
        WHERE m.thread_id = \(thread) AND m.direction = 'inbound' AND m.ai_language IS NOT NULL
        ORDER BY m.sent_at DESC, m.id DESC LIMIT 1
        """
    }

    /// The target of a thread of the organization.
    /// - Throws: ``StoreError`` `.notFound`.
    public func target(organization: OrganizationID, thread: UUID) async throws -> SendTarget {
        let rows = try await client.query(
            "\(unescaped: Self.targetSelect) WHERE t.id = \(thread) AND t.organization_id = \(organization.rawValue)",
            logger: logger
        )
        for try await row in rows { return try Self.target(row) }
        throw StoreError(.notFound, "thread \(thread) does not exist in this organization")
    }

    /// The target for a recipient (wa_id digits) on a connected number, creating the contact
    /// and its open thread when this is the first message between them.
    /// - Throws: ``StoreError`` `.notFound` when the number is not connected to the organization.
    public func target(organization: OrganizationID, phoneNumberID: String, recipient: String) async throws
        -> SendTarget
    {
        let org = organization.rawValue
        // Most sends go to someone known: one read finds them.
        let known = try await client.query(
            """
            \(unescaped: Self.targetSelect)
            WHERE t.organization_id = \(org) AND t.is_open AND a.phone_number_id = \(phoneNumberID) AND c.wa_id = \(recipient)
            """,
            logger: logger
        )
        for try await row in known { return try Self.target(row) }
        // A first message: contact and thread in one statement (each an idempotent upsert).
        let created = try await client.query(
            """
            WITH account AS (
                SELECT id FROM whatsapp_accounts WHERE phone_number_id = \(phoneNumberID) AND organization_id = \(org)
            ), contact AS (
                INSERT INTO whatsapp_contacts (organization_id, wa_id) SELECT \(org), \(recipient) FROM account
                ON CONFLICT (wa_id, organization_id) WHERE wa_id IS NOT NULL DO UPDATE SET wa_id = EXCLUDED.wa_id
                RETURNING id
            )
            INSERT INTO whatsapp_threads (organization_id, account_id, contact_id)
            SELECT \(org), account.id, contact.id FROM account, contact
            ON CONFLICT (organization_id, account_id, contact_id) WHERE is_open DO UPDATE SET is_open = true
            RETURNING id
            """,
            logger: logger
        )
        for try await thread in created.decode(UUID.self) {
            return try await target(organization: organization, thread: thread)
        }
        throw StoreError(.notFound, "phone_number_id \(phoneNumberID) is not connected to this organization")
    }

    // MARK: Enqueue and read

    /// Stores a message to send. With an idempotency key that was used before, nothing is
    /// stored and the first message is returned.
    /// - Returns: The stored message and whether this call created it.
    /// - Throws: ``StoreError`` `.conflict` when the key was used for a different request.
    public func enqueue(_ new: NewOutboxMessage) async throws -> (message: OutboxMessage, created: Bool) {
        let org = new.organization.rawValue
        let json = String(decoding: new.body.canonicalData(), as: UTF8.self)
        let rows = try await client.query(
            """
            INSERT INTO outbox_messages (id, organization_id, account_id, thread_id, contact_id, recipient, kind,
                template_name, template_language, template_category, body, request_sha256, idempotency_key)
            VALUES (\(new.id), \(org), \(new.target.accountID), \(new.target.threadID), \(new.target.contactID),
                \(new.target.recipient), \(new.kind.rawValue), \(new.templateName), \(new.templateLanguage),
                \(new.templateCategory), \(json)::jsonb, \(new.requestSHA256), \(new.idempotencyKey))
            ON CONFLICT (organization_id, idempotency_key) DO NOTHING
            RETURNING \(unescaped: OutboxMessage.columns)
            """,
            logger: logger
        )
        for try await row in rows { return (try OutboxMessage(row: row), true) }
        guard let key = new.idempotencyKey else { throw StoreError(.conflict, "outbox id \(new.id) exists") }
        if let (existing, hash) = try await message(organization: new.organization, idempotencyKey: key) {
            guard hash == new.requestSHA256 else {
                throw StoreError(
                    .conflict,
                    "Idempotency-Key '\(key)' was used for a different request; use a new key for a new message"
                )
            }
            return (existing, false)
        }
        throw StoreError(.unavailable, "Idempotency-Key '\(key)' conflicted but no row was found; retry")
    }

    /// One message of the organization.
    public func message(organization: OrganizationID, id: UUID) async throws -> OutboxMessage {
        let rows = try await client.query(
            """
            SELECT \(unescaped: OutboxMessage.columns) FROM outbox_messages
            WHERE id = \(id) AND organization_id = \(organization.rawValue)
            """,
            logger: logger
        )
        for try await row in rows { return try OutboxMessage(row: row) }
        throw StoreError(.notFound, "outbox message \(id) does not exist in this organization")
    }
}

extension OutboxRepository {
    /// The message stored under an idempotency key, with the hash of the request that stored it.
    public func message(organization: OrganizationID, idempotencyKey: String) async throws -> (OutboxMessage, Data)? {
        let rows = try await client.query(
            """
            SELECT \(unescaped: OutboxMessage.columns), request_sha256 FROM outbox_messages
            WHERE organization_id = \(organization.rawValue) AND idempotency_key = \(idempotencyKey)
            """,
            logger: logger
        )
        for try await r in rows.decode(
            (
                UUID, UUID, UUID, UUID, UUID, String, String, String?, String?, String?, String, String, Int32, Int32,
                Date, String?, String?, Int32?, String?, String?, Date, Date?, String?, Data
            ).self
        ) {
            return (
                try OutboxMessage(
                    (
                        r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9, r.10, r.11, r.12, r.13, r.14, r.15, r.16,
                        r.17, r.18, r.19, r.20, r.21, r.22
                    )
                ), r.23
            )
        }
        return nil
    }

    /// The wamid of a thread's latest inbound message.
    public func latestInbound(thread: UUID) async throws -> String? {
        let rows = try await client.query(
            """
            SELECT provider_msg_id FROM whatsapp_messages
            WHERE thread_id = \(thread) AND direction = 'inbound' ORDER BY sent_at DESC, id DESC LIMIT 1
            """,
            logger: logger
        )
        for try await id in rows.decode(String.self) { return id }
        return nil
    }
}
