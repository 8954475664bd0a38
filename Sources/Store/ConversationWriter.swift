import Core
import Crypto
import Foundation
import Logging
import PostgresNIO
import WhatsAppCloud

/// The SQL that turns parsed webhook parts into conversation rows, inside the caller's
/// transaction. Every write is idempotent and order-proof: replaying any set of webhooks in any
/// order, any number of times, leaves the same rows. Where two payloads disagree about one key
/// (a wamid, a status, a profile name), a fixed rule picks the same winner whatever the order:
/// the later Meta timestamp, then the smaller content hash.
public struct ConversationWriter {
    public let connection: PostgresConnection
    public let organization: OrganizationID
    public let logger: Logger

    public init(connection: PostgresConnection, organization: OrganizationID, logger: Logger) {
        self.connection = connection
        self.organization = organization
        self.logger = logger
    }

    private var org: UUID { organization.rawValue }

    // MARK: Contacts

    /// Finds or creates the contact keyed by `waID` (or by `userID` when Meta gives no phone
    /// id), updating its profile name by the later-timestamp rule.
    /// - Returns: The contact id, or `nil` when the payload names neither id.
    public func upsertContact(waID: String?, userID: String?, name: String?, seenAt: Date?, lastSeen: Date?)
        async throws
        -> UUID?
    {
        let rows: PostgresRowSequence
        if let waID {
            rows = try await connection.query(
                """
                INSERT INTO whatsapp_contacts AS c (organization_id, wa_id, user_id, profile_name, profile_seen_at, last_seen_at)
                VALUES (\(org), \(waID), \(userID), \(name), \(seenAt), \(lastSeen))
                ON CONFLICT (wa_id, organization_id) WHERE wa_id IS NOT NULL DO UPDATE SET
                    profile_name = CASE WHEN \(unescaped: Self.newerProfile) THEN EXCLUDED.profile_name ELSE c.profile_name END,
                    user_id = CASE WHEN EXCLUDED.user_id IS NOT NULL AND (c.user_id IS NULL
                        OR (coalesce(EXCLUDED.profile_seen_at, 'epoch'), EXCLUDED.user_id)
                         > (coalesce(c.profile_seen_at, 'epoch'), c.user_id)) THEN EXCLUDED.user_id ELSE c.user_id END,
                    profile_seen_at = CASE WHEN \(unescaped: Self.newerProfile) THEN EXCLUDED.profile_seen_at ELSE c.profile_seen_at END,
                    last_seen_at = GREATEST(c.last_seen_at, EXCLUDED.last_seen_at)
                RETURNING id
                """,
                logger: logger
            )
        } else if let userID {
            rows = try await connection.query(
                """
                INSERT INTO whatsapp_contacts AS c (organization_id, wa_id, user_id, profile_name, profile_seen_at, last_seen_at)
                VALUES (\(org), NULL, \(userID), \(name), \(seenAt), \(lastSeen))
                ON CONFLICT (user_id, organization_id) WHERE wa_id IS NULL DO UPDATE SET
                    profile_name = CASE WHEN \(unescaped: Self.newerProfile) THEN EXCLUDED.profile_name ELSE c.profile_name END,
                    profile_seen_at = CASE WHEN \(unescaped: Self.newerProfile) THEN EXCLUDED.profile_seen_at ELSE c.profile_seen_at END,
                    last_seen_at = GREATEST(c.last_seen_at, EXCLUDED.last_seen_at)
                RETURNING id
                """,
                logger: logger
            )
        } else {
            return nil
        }
        for try await id in rows.decode(UUID.self) { return id }
        return nil
    }

    /// A profile name replaces the stored one when it is newer, or equally new and greater.
    private static let newerProfile =
        ("""
        (EXCLUDED.profile_name IS NOT NULL AND (c.profile_name IS NULL
            OR (coalesce(EXCLUDED.profile_seen_at, 'epoch'), EXCLUDED.profile_name)
             > (coalesce(c.profile_seen_at, 'epoch'), c.profile_name)))
        """)

    // MARK: Threads

    /// The open thread between an account and a contact, created when there is none.
    public func openThread(account: UUID, contact: UUID) async throws -> UUID {
        for _ in 0..<3 {
            let rows = try await connection.query(
                """
                WITH existing AS (
                    SELECT id FROM whatsapp_threads
                    WHERE organization_id = \(org) AND account_id = \(account) AND contact_id = \(contact) AND is_open
                ), created AS (
                    INSERT INTO whatsapp_threads (organization_id, account_id, contact_id)
                    SELECT \(org), \(account), \(contact) WHERE NOT EXISTS (SELECT 1 FROM existing)
                    ON CONFLICT (organization_id, account_id, contact_id) WHERE is_open DO NOTHING
                    RETURNING id
                )
                SELECT id FROM existing UNION ALL SELECT id FROM created
                """,
                logger: logger
            )
            for try await id in rows.decode(UUID.self) { return id }
            // Another worker created it between our read and insert: read it again.
        }
        throw StoreError(.conflict, "could not find or create the open thread of contact \(contact)")
    }

    /// Recomputes a thread's activity marks from its messages (after a message moved away).
    public func recomputeThread(_ thread: UUID) async throws {
        try await connection.query(
            """
            UPDATE whatsapp_threads t SET
                last_msg_at = (SELECT max(sent_at) FROM whatsapp_messages m WHERE m.thread_id = t.id),
                last_inbound_at = (SELECT max(sent_at) FROM whatsapp_messages m WHERE m.thread_id = t.id AND m.direction = 'inbound'),
                care_window_expires_at = (SELECT max(sent_at) + interval '24 hours' FROM whatsapp_messages m
                    WHERE m.thread_id = t.id AND m.direction = 'inbound')
            WHERE t.id = \(thread) AND t.organization_id = \(org)
            """,
            logger: logger
        )
    }

    // MARK: Messages

    public enum MessageWrite {
        /// A new row (its thread's marks already moved forward).
        case inserted(UUID)
        /// This payload won over a different one stored under the same wamid.
        case replaced(UUID, previousThread: UUID?, previousTarget: String?)
        /// The stored row stays (same content, or it wins the tie-break).
        case unchanged(UUID)
    }

    /// Stores a message under its wamid; a different payload for a stored wamid replaces it
    /// only when its content hash is smaller. A new message moves its thread's activity marks
    /// forward and takes over what reactions, edits and revokes that arrived before it say, in
    /// the same statement.
    public func upsertMessage(_ message: WAMessage, thread: UUID?, sentAt: Date, eventID: Int64) async throws
        -> MessageWrite
    {
        let payload = message.raw.canonicalData()
        let hash = Data(SHA256.hash(data: payload))
        let json = String(decoding: payload, as: UTF8.self)
        let inbound = message.direction == .inbound
        // An amendment's own row keeps its own text and emoji; other messages derive theirs
        // from amendments already stored (none, almost always: the subqueries find nothing).
        let isAmendment = message.targetMessageID != nil
        let inserted = try await connection.query(
            """
            WITH amendments AS (
                SELECT type, text, reaction, sent_at, provider_msg_id FROM whatsapp_messages
                WHERE organization_id = \(org) AND target_msg_id = \(message.id) AND NOT \(isAmendment)
            ), inserted AS (
                INSERT INTO whatsapp_messages (organization_id, thread_id, provider_msg_id, direction, type, text,
                    original_text, media_id, payload, payload_sha256, context_msg_id, target_msg_id, reaction,
                    edited_at, revoked_at, sent_at, webhook_event_id)
                SELECT \(org), \(thread), \(message.id), \(message.direction.rawValue), \(message.type),
                    coalesce((SELECT text FROM amendments WHERE type = 'edit' ORDER BY sent_at DESC, provider_msg_id DESC LIMIT 1),
                        \(message.text)),
                    \(message.text), \(message.mediaID), \(json)::jsonb, \(hash), \(message.contextMessageID),
                    \(message.targetMessageID),
                    CASE WHEN \(isAmendment) THEN \(message.reactionEmoji)
                        ELSE (SELECT reaction FROM amendments WHERE type = 'reaction'
                              ORDER BY sent_at DESC, provider_msg_id DESC LIMIT 1) END,
                    (SELECT max(sent_at) FROM amendments WHERE type = 'edit'),
                    (SELECT max(sent_at) FROM amendments WHERE type = 'revoke'),
                    \(sentAt), \(eventID)
                ON CONFLICT (organization_id, provider_msg_id) DO NOTHING
                RETURNING id
            ), touched AS (
                UPDATE whatsapp_threads SET
                    last_msg_at = GREATEST(last_msg_at, \(sentAt)),
                    last_inbound_at = CASE WHEN \(inbound) THEN GREATEST(last_inbound_at, \(sentAt)) ELSE last_inbound_at END,
                    care_window_expires_at = CASE WHEN \(inbound)
                        THEN GREATEST(care_window_expires_at, \(sentAt) + interval '24 hours') ELSE care_window_expires_at END
                WHERE id = \(thread) AND organization_id = \(org) AND EXISTS (SELECT 1 FROM inserted)
            )
            SELECT id FROM inserted
            """,
            logger: logger
        )
        for try await id in inserted.decode(UUID.self) { return .inserted(id) }

        let existing = try await connection.query(
            """
            SELECT id, thread_id, target_msg_id, payload_sha256 FROM whatsapp_messages
            WHERE organization_id = \(org) AND provider_msg_id = \(message.id) FOR UPDATE
            """,
            logger: logger
        )
        for try await (id, previousThread, previousTarget, previousHash) in existing.decode(
            (UUID, UUID?, String?, Data).self
        ) {
            guard hash.lexicographicallyPrecedes(previousHash) else { return .unchanged(id) }
            try await connection.query(
                """
                UPDATE whatsapp_messages SET thread_id = \(thread), direction = \(message.direction.rawValue),
                    type = \(message.type), text = \(message.text), original_text = \(message.text),
                    media_id = \(message.mediaID), payload = \(json)::jsonb, payload_sha256 = \(hash),
                    context_msg_id = \(message.contextMessageID), target_msg_id = \(message.targetMessageID),
                    reaction = \(message.reactionEmoji), sent_at = \(sentAt), webhook_event_id = \(eventID),
                    edited_at = NULL, revoked_at = NULL, status = NULL, status_rank = 0, delivered_at = NULL,
                    read_at = NULL, failed_at = NULL, error_code = NULL, error_detail = NULL,
                    ai_language = NULL, ai_language_confidence = NULL, ai_intent = NULL, ai_intent_confidence = NULL,
                    ai_sentiment = NULL, ai_sentiment_score = NULL, ai_entities_json = NULL, ai_extra = NULL
                WHERE id = \(id)
                """,
                logger: logger
            )
            try await connection.query("DELETE FROM message_stage_runs WHERE message_id = \(id)", logger: logger)
            return .replaced(id, previousThread: previousThread, previousTarget: previousTarget)
        }
        throw StoreError(.conflict, "message \(message.id) vanished while it was being written")
    }

    /// Re-derives what reactions, edits and revokes say about message `providerMessageID`:
    /// the latest reaction, the latest edit's text, when it was edited and revoked.
    public func applyAmendments(to providerMessageID: String) async throws {
        try await connection.query(
            """
            UPDATE whatsapp_messages t SET
                reaction = (SELECT a.reaction FROM whatsapp_messages a
                    WHERE a.organization_id = t.organization_id AND a.target_msg_id = t.provider_msg_id AND a.type = 'reaction'
                    ORDER BY a.sent_at DESC, a.provider_msg_id DESC LIMIT 1),
                text = coalesce((SELECT a.text FROM whatsapp_messages a
                    WHERE a.organization_id = t.organization_id AND a.target_msg_id = t.provider_msg_id AND a.type = 'edit'
                    ORDER BY a.sent_at DESC, a.provider_msg_id DESC LIMIT 1), t.original_text),
                edited_at = (SELECT max(a.sent_at) FROM whatsapp_messages a
                    WHERE a.organization_id = t.organization_id AND a.target_msg_id = t.provider_msg_id AND a.type = 'edit'),
                revoked_at = (SELECT max(a.sent_at) FROM whatsapp_messages a
                    WHERE a.organization_id = t.organization_id AND a.target_msg_id = t.provider_msg_id AND a.type = 'revoke')
            WHERE t.organization_id = \(org) AND t.provider_msg_id = \(providerMessageID)
                AND t.type NOT IN ('reaction', 'edit', 'revoke')
            """,
            logger: logger
        )
    }

    /// Records an inbound media object and queues its download, so it is fetched before Meta's
    /// id expires (7 days). Should two payloads describe one media id differently, the smaller
    /// (hash, type) is kept.
    public func recordMedia(id: String, account: UUID, mimeType: String?, sha256: String?) async throws {
        let rows = try await connection.query(
            """
            INSERT INTO media_blobs AS b (organization_id, provider_media_id, account_id, mime_type, sha256, expires_at)
            VALUES (\(org), \(id), \(account), \(mimeType), \(sha256), now() + interval '7 days')
            ON CONFLICT (organization_id, provider_media_id) DO UPDATE SET
                mime_type = EXCLUDED.mime_type, sha256 = EXCLUDED.sha256
            WHERE b.downloaded_at IS NULL
              AND (coalesce(EXCLUDED.sha256, ''), coalesce(EXCLUDED.mime_type, ''))
                < (coalesce(b.sha256, ''), coalesce(b.mime_type, ''))
            RETURNING b.id, (xmax = 0) AS inserted
            """,
            logger: logger
        )
        var fresh: [UUID] = []
        for try await (blob, inserted) in rows.decode((UUID, Bool).self) where inserted { fresh.append(blob) }
        try await JobQueue.enqueue(
            .downloadMedia,
            refUUIDs: fresh,
            organization: organization,
            on: connection,
            logger: logger
        )
    }

    // MARK: Statuses

    /// Stores a status in the history (one row per message and status) and re-derives the
    /// message's current status from it, so statuses only ever move forward.
    public func recordStatus(_ status: StatusUpdate, occurredAt: Date, eventID: Int64) async throws {
        let payload = status.raw.canonicalData()
        let hash = Data(SHA256.hash(data: payload))
        let json = String(decoding: payload, as: UTF8.self)
        let firstError = status.errors.first
        let errorCode = firstError?["code"]?.intValue
        let errorDetail =
            firstError?["error_data"]?["details"]?.nonEmptyString ?? firstError?["message"]?.nonEmptyString
            ?? firstError?["title"]?.nonEmptyString
        let errors: String? =
            status.errors.isEmpty
            ? nil : String(decoding: JSONValue.array(status.errors).canonicalData(), as: UTF8.self)
        try await connection.query(
            """
            INSERT INTO whatsapp_message_statuses AS s (organization_id, provider_msg_id, status, status_rank, occurred_at,
                recipient_id, recipient_user_id, recipient_type, conversation_id, conversation_origin,
                conversation_expires_at, pricing_model, pricing_category, pricing_type, billable, error_code,
                error_detail, errors, payload, payload_sha256, webhook_event_id)
            VALUES (\(org), \(status.messageID), \(status.status.rawValue), \(Int16(status.status.rank)), \(occurredAt),
                \(status.recipientID), \(status.recipientUserID), \(status.recipientType), \(status.conversationID),
                \(status.conversationOrigin), \(status.conversationExpiresAt), \(status.pricingModel),
                \(status.pricingCategory), \(status.pricingType), \(status.billable), \(errorCode), \(errorDetail),
                \(errors)::jsonb, \(json)::jsonb, \(hash), \(eventID))
            ON CONFLICT (organization_id, provider_msg_id, status) DO UPDATE SET
                occurred_at = EXCLUDED.occurred_at, recipient_id = EXCLUDED.recipient_id,
                recipient_user_id = EXCLUDED.recipient_user_id, recipient_type = EXCLUDED.recipient_type,
                conversation_id = EXCLUDED.conversation_id, conversation_origin = EXCLUDED.conversation_origin,
                conversation_expires_at = EXCLUDED.conversation_expires_at, pricing_model = EXCLUDED.pricing_model,
                pricing_category = EXCLUDED.pricing_category, pricing_type = EXCLUDED.pricing_type,
                billable = EXCLUDED.billable, error_code = EXCLUDED.error_code, error_detail = EXCLUDED.error_detail,
                errors = EXCLUDED.errors, payload = EXCLUDED.payload, payload_sha256 = EXCLUDED.payload_sha256,
                webhook_event_id = EXCLUDED.webhook_event_id
            WHERE EXCLUDED.payload_sha256 < s.payload_sha256
            """,
            logger: logger
        )
        try await applyStatuses(to: status.messageID)
    }

    /// Sets an outbound message's current status to the highest-ranked one in its history, with the
    /// time of each step and the failure's error. A message not stored yet is reconciled when
    /// it is (the history is keyed by wamid).
    public func applyStatuses(to providerMessageID: String) async throws {
        try await DeliveryStatus.apply(
            organization: organization,
            providerMessageID: providerMessageID,
            on: connection,
            logger: logger
        )
    }

    // MARK: Consent

    public enum ConsentScope: String {
        /// Every business-initiated message (a typed STOP).
        case all
        /// Marketing only (Meta's "Stop promotions").
        case marketing
    }

    /// Appends to the consent audit trail and re-derives the contact's state from its latest
    /// entry (by when the user asked, then by reference), so replays in any order agree.
    public func recordConsent(
        contact: UUID,
        scope: ConsentScope,
        optedOut: Bool,
        source: String,
        reference: String,
        detail: String?,
        occurredAt: Date
    ) async throws {
        let status = optedOut ? "opted_out" : "opted_in"
        try await connection.query(
            """
            INSERT INTO consent_events (organization_id, contact_id, scope, status, source, source_ref, detail, occurred_at)
            VALUES (\(org), \(contact), \(scope.rawValue), \(status), \(source), \(reference), \(detail), \(occurredAt))
            ON CONFLICT (organization_id, contact_id, source, source_ref) DO NOTHING
            """,
            logger: logger
        )
        try await connection.query(
            """
            UPDATE whatsapp_contacts c SET
                opt_in_status = coalesce((SELECT e.status FROM consent_events e WHERE e.contact_id = c.id AND e.scope = 'all'
                    ORDER BY e.occurred_at DESC, e.source_ref DESC LIMIT 1), 'unknown'),
                marketing_opted_out = coalesce((SELECT e.status = 'opted_out' FROM consent_events e
                    WHERE e.contact_id = c.id AND e.scope = 'marketing'
                    ORDER BY e.occurred_at DESC, e.source_ref DESC LIMIT 1), false)
            WHERE c.id = \(contact) AND c.organization_id = \(org)
            """,
            logger: logger
        )
    }

    // MARK: Account-level events

    /// Keeps a non-message notification whole (template status, account update, calls, ...).
    public func recordAccountEvent(
        wabaID: String?,
        phoneNumberID: String?,
        field: String,
        event: String?,
        occurredAt: Date?,
        payload: JSONValue,
        eventID: Int64
    ) async throws {
        let data = payload.canonicalData()
        let hash = Data(SHA256.hash(data: data))
        try await connection.query(
            """
            INSERT INTO whatsapp_account_events (organization_id, waba_id, phone_number_id, field, event, occurred_at,
                payload, payload_sha256, webhook_event_id)
            VALUES (\(org), \(wabaID), \(phoneNumberID), \(field), \(event), \(occurredAt),
                \(String(decoding: data, as: UTF8.self))::jsonb, \(hash), \(eventID))
            ON CONFLICT (organization_id, field, payload_sha256) DO NOTHING
            """,
            logger: logger
        )
    }
}
