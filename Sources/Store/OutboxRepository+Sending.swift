import Core
import Crypto
import Foundation
import Logging
import PostgresNIO

/// A message a sender holds, with what the rules said about its recipient when it was claimed.
public struct ClaimedMessage: Sendable {
    public var message: OutboxMessage
    public var consent: ContactConsent
    public var windowExpiresAt: Date?
}

extension OutboxRepository {
    /// Accounts that have messages due now (queued and due, or held under a lease that ran out).
    public func accountsWithDueMessages() async throws -> [UUID] {
        let rows = try await client.query(
            """
            SELECT account_id FROM outbox_messages WHERE state = 'queued' AND next_attempt_at <= now()
            UNION
            SELECT account_id FROM outbox_messages WHERE state = 'sending' AND locked_until < now()
            """,
            logger: logger
        )
        var accounts: [UUID] = []
        for try await id in rows.decode(UUID.self) { accounts.append(id) }
        return accounts
    }

    /// Messages not finished yet (queued, possibly for later, or held by a sender).
    public func pendingCount() async throws -> Int {
        let rows = try await client.query(
            "SELECT count(*) FROM outbox_messages WHERE state IN ('queued', 'sending')",
            logger: logger
        )
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// Leases up to `limit` due messages of one account, oldest first. A message whose lease ran
    /// out (its sender died) is taken over and counted in `reclaims`.
    public func claim(account: UUID, limit: Int, lease: Duration) async throws -> [ClaimedMessage] {
        let leaseMS = lease.milliseconds
        let rows = try await client.query(
            """
            WITH picked AS (
                SELECT id FROM outbox_messages
                WHERE account_id = \(account)
                    AND ((state = 'queued' AND next_attempt_at <= now()) OR (state = 'sending' AND locked_until < now()))
                ORDER BY next_attempt_at, created_at
                LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
            ), claimed AS (
                UPDATE outbox_messages o SET state = 'sending', attempts = o.attempts + 1,
                    reclaims = o.reclaims + (o.state = 'sending')::int,
                    locked_until = now() + \(leaseMS) * interval '1 millisecond', updated_at = now()
                FROM picked WHERE o.id = picked.id
                RETURNING o.*
            )
            SELECT \(unescaped: Self.prefixed(OutboxMessage.columns, "o")),
                c.opt_in_status = 'opted_out', c.marketing_opted_out, c.do_not_contact, s.reason, t.care_window_expires_at
            FROM claimed o
            JOIN whatsapp_contacts c ON c.id = o.contact_id
            JOIN whatsapp_threads t ON t.id = o.thread_id
            LEFT JOIN whatsapp_suppressions s ON s.organization_id = o.organization_id
                AND s.recipient IN (c.wa_id, c.user_id)
            """,
            logger: logger
        )
        var claimed: [ClaimedMessage] = []
        for try await r in rows.decode(
            (
                UUID, UUID, UUID, UUID, UUID, String, String, String?, String?, String?, String, String, Int32, Int32,
                Date, String?, String?, Int32?, String?, String?, Date, Date?, String?,
                Bool, Bool, Bool, String?, Date?
            ).self
        ) {
            claimed.append(
                ClaimedMessage(
                    message: try OutboxMessage(
                        (
                            r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9, r.10, r.11, r.12, r.13, r.14, r.15, r.16,
                            r.17, r.18, r.19, r.20, r.21, r.22
                        )
                    ),
                    consent: ContactConsent(
                        optedOut: r.23,
                        marketingOptedOut: r.24,
                        doNotContact: r.25,
                        suppression: r.26
                    ),
                    windowExpiresAt: r.27
                )
            )
        }
        return claimed.sorted {
            ($0.message.nextAttemptAt, $0.message.createdAt) < ($1.message.nextAttemptAt, $1.message.createdAt)
        }
    }

    static func prefixed(_ columns: String, _ alias: String) -> String {
        columns.split(separator: ",").map { "\(alias).\($0.trimmingCharacters(in: .whitespacesAndNewlines))" }
            .joined(separator: ", ")
    }

    /// Records the provider's acceptance: the outbox row, the outbound message in its thread,
    /// and any status webhook that beat the answer.
    /// - Returns: `false` when the lease was lost (another sender took the message over; it may
    ///   have gone out twice), in which case nothing is written.
    @discardableResult
    public func markSent(_ message: OutboxMessage, providerMessageID: String, text: String?) async throws -> Bool {
        let org = message.organizationID.rawValue
        return try await client.withTransaction(logger: logger) { connection in
            var updated = false
            for try await _ in try await connection.query(
                """
                UPDATE outbox_messages SET state = 'sent', provider_msg_id = \(providerMessageID), sent_at = now(),
                    finished_at = now(), locked_until = NULL, last_error = NULL, updated_at = now()
                WHERE id = \(message.id) AND state = 'sending' AND attempts = \(Int32(message.attempts))
                RETURNING id
                """,
                logger: logger
            ) { updated = true }
            guard updated else { return false }
            let payload = message.body.canonicalData()
            try await connection.query(
                """
                INSERT INTO whatsapp_messages (organization_id, thread_id, provider_msg_id, direction, type, text,
                    payload, payload_sha256, sent_at)
                VALUES (\(org), \(message.threadID), \(providerMessageID), 'outbound', \(message.kind.rawValue), \(text),
                    \(String(decoding: payload, as: UTF8.self))::jsonb, \(Data(SHA256.hash(data: payload))), now())
                ON CONFLICT (organization_id, provider_msg_id) DO NOTHING
                """,
                logger: logger
            )
            try await connection.query(
                "UPDATE whatsapp_threads SET last_msg_at = GREATEST(last_msg_at, now()) WHERE id = \(message.threadID)",
                logger: logger
            )
            try await DeliveryStatus.apply(
                organization: message.organizationID,
                providerMessageID: providerMessageID,
                on: connection,
                logger: logger
            )
            return true
        }
    }

    /// Puts a held message back in the queue to try again after `delay`.
    public func markRetry(_ message: OutboxMessage, after delay: Duration, error: String) async throws {
        try await release(message, after: delay, countAttempt: true, error: error)
    }

    /// Puts a held message back without counting the attempt (it was not sent: a local rate
    /// limit said to wait).
    public func postpone(_ message: OutboxMessage, by delay: Duration) async throws {
        try await release(message, after: delay, countAttempt: false, error: nil)
    }

    private func release(_ message: OutboxMessage, after delay: Duration, countAttempt: Bool, error: String?)
        async throws
    {
        let ms = delay.milliseconds
        try await client.query(
            """
            UPDATE outbox_messages SET state = 'queued', locked_until = NULL, updated_at = now(),
                next_attempt_at = now() + \(ms) * interval '1 millisecond',
                attempts = attempts - \(countAttempt ? 0 : 1), last_error = coalesce(\(error), last_error)
            WHERE id = \(message.id) AND state = 'sending' AND attempts = \(Int32(message.attempts))
            """,
            logger: logger
        )
    }

    /// Ends a held message: `failed` (retrying cannot help) or `dead` (retry budget spent), with
    /// the provider's code and text.
    public func markFailed(_ message: OutboxMessage, dead: Bool, code: Int?, reason: String) async throws {
        try await client.query(
            """
            UPDATE outbox_messages SET state = \(dead ? "dead" : "failed"), locked_until = NULL, finished_at = now(),
                updated_at = now(), error_code = \(code.map(Int32.init)), error_message = \(reason), last_error = \(reason)
            WHERE id = \(message.id) AND state = 'sending' AND attempts = \(Int32(message.attempts))
            """,
            logger: logger
        )
    }

    /// Dead-letters every message of an account that is due or waiting, with `reason`: for a
    /// fault no retry can fix (the account's credential opens under no configured key). Each can
    /// be re-queued with `wainsight outbox retry` once the fault is fixed.
    /// - Returns: How many were dead-lettered.
    @discardableResult
    public func deadLetterWaiting(account: UUID, reason: String) async throws -> Int {
        let rows = try await client.query(
            """
            UPDATE outbox_messages SET state = 'dead', locked_until = NULL, finished_at = now(), updated_at = now(),
                error_message = \(reason), last_error = \(reason)
            WHERE account_id = \(account) AND (state = 'queued' OR (state = 'sending' AND locked_until < now()))
            RETURNING id
            """,
            logger: logger
        )
        var count = 0
        for try await _ in rows { count += 1 }
        return count
    }

    /// Dead letters, newest first, of one organization or of all.
    public func deadLetters(organization: OrganizationID?, limit: Int = 100) async throws -> [OutboxMessage] {
        let rows = try await client.query(
            """
            SELECT \(unescaped: OutboxMessage.columns) FROM outbox_messages
            WHERE state = 'dead' AND (\(organization?.rawValue)::uuid IS NULL OR organization_id = \(organization?.rawValue))
            ORDER BY finished_at DESC, id LIMIT \(limit)
            """,
            logger: logger
        )
        var messages: [OutboxMessage] = []
        for try await row in rows { messages.append(try OutboxMessage(row: row)) }
        return messages
    }

    /// Queues a dead letter again with a fresh retry budget.
    /// - Throws: ``StoreError`` `.notFound` when no dead message has that id.
    public func requeueDead(id: UUID, organization: OrganizationID? = nil) async throws {
        let rows = try await client.query(
            """
            UPDATE outbox_messages SET state = 'queued', attempts = 0, next_attempt_at = now(), finished_at = NULL,
                error_code = NULL, error_message = NULL, updated_at = now()
            WHERE id = \(id) AND state = 'dead'
                AND (\(organization?.rawValue)::uuid IS NULL OR organization_id = \(organization?.rawValue))
            RETURNING id
            """,
            logger: logger
        )
        for try await _ in rows { return }
        throw StoreError(
            .notFound,
            "no dead outbox message has id \(id.uuidString.lowercased()) (see: wainsight outbox dead)"
        )
    }

    /// How each message ended up, with its number (for `scripts/bench-outbound`'s check).
    public func outcomes() async throws
        -> [(id: UUID, state: String, attempts: Int, reclaims: Int, errorCode: Int?, phoneNumberID: String)]
    {
        let rows = try await client.query(
            """
            SELECT o.id, o.state, o.attempts, o.reclaims, o.error_code, a.phone_number_id
            FROM outbox_messages o JOIN whatsapp_accounts a ON a.id = o.account_id
            """,
            logger: logger
        )
        var outcomes:
            [(id: UUID, state: String, attempts: Int, reclaims: Int, errorCode: Int?, phoneNumberID: String)] =
                []
        for try await (id, state, attempts, reclaims, code, phone) in rows.decode(
            (UUID, String, Int32, Int32, Int32?, String).self
        ) {
            outcomes.append((id, state, Int(attempts), Int(reclaims), code.map(Int.init), phone))
        }
        return outcomes
    }
}
