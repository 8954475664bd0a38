import Foundation
import Logging
import PostgresNIO

/// Reads for tests and operators' checks: any query's rows as text, a count, and every
/// conversation row on natural keys. Never used by the service itself; the queries come from
/// the caller, so only trusted code may pass them.
public struct DatabaseInspection: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Runs `sql` and returns each row as one string of its columns as Postgres renders them
    /// in JSON (`|`-separated, `∅` for NULL, booleans as `true`/`false`).
    public func rows(_ sql: String) async throws -> [String] {
        let wrapped = """
            SELECT (SELECT string_agg(coalesce(value, '∅'), '|' ORDER BY n)
                    FROM json_each_text(row_to_json(t)) WITH ORDINALITY AS cells(key, value, n))
            FROM (\(sql)) t
            """
        var lines: [String] = []
        for try await line in try await client.query(PostgresQuery(unsafeSQL: wrapped), logger: logger).decode(
            String?.self
        ) {
            lines.append(line ?? "")
        }
        return lines
    }

    /// The first column of the first row as an integer.
    public func count(_ sql: String) async throws -> Int {
        for try await value in try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Int.self) {
            return value
        }
        return 0
    }

    /// Every conversation row on natural keys (no generated ids or insert times), sorted: two
    /// databases that hold the same conversations give equal snapshots.
    public func snapshot() async throws -> [String: [String]] {
        let contactKey = "coalesce(c.wa_id, 'bsuid:' || c.user_id)"
        return [
            "contacts": try await rows(
                """
                SELECT \(contactKey), c.user_id, c.profile_name, c.opt_in_status, c.marketing_opted_out, c.last_seen_at
                FROM whatsapp_contacts c ORDER BY 1
                """
            ),
            "threads": try await rows(
                """
                SELECT a.phone_number_id, \(contactKey), t.last_msg_at, t.last_inbound_at, t.care_window_expires_at, t.is_open
                FROM whatsapp_threads t JOIN whatsapp_contacts c ON c.id = t.contact_id
                JOIN whatsapp_accounts a ON a.id = t.account_id ORDER BY 1, 2
                """
            ),
            "messages": try await rows(
                """
                SELECT m.provider_msg_id, a.phone_number_id, \(contactKey), m.direction, m.type, m.text, m.original_text,
                    m.media_id, m.context_msg_id, m.target_msg_id, m.reaction, m.edited_at, m.revoked_at, m.status,
                    m.status_rank, m.sent_at, m.delivered_at, m.read_at, m.failed_at, m.error_code,
                    encode(m.payload_sha256, 'hex')
                FROM whatsapp_messages m
                LEFT JOIN whatsapp_threads t ON t.id = m.thread_id
                LEFT JOIN whatsapp_contacts c ON c.id = t.contact_id
                LEFT JOIN whatsapp_accounts a ON a.id = t.account_id ORDER BY 1
                """
            ),
            "statuses": try await rows(
                """
                SELECT provider_msg_id, status, occurred_at, pricing_category, conversation_origin, error_code,
                    encode(payload_sha256, 'hex')
                FROM whatsapp_message_statuses ORDER BY 1, 2
                """
            ),
            "consent": try await rows(
                """
                SELECT \(contactKey), e.scope, e.status, e.source, e.source_ref, e.detail, e.occurred_at
                FROM consent_events e JOIN whatsapp_contacts c ON c.id = e.contact_id ORDER BY 1, 5, 4
                """
            ),
            "account_events": try await rows(
                "SELECT field, event, waba_id, encode(payload_sha256, 'hex') FROM whatsapp_account_events ORDER BY 1, 4"
            ),
            "media": try await rows("SELECT provider_media_id, mime_type, sha256 FROM media_blobs ORDER BY 1"),
        ]
    }

    /// Messages of every organization.
    public func messageCount() async throws -> Int {
        try await count("SELECT count(*) FROM whatsapp_messages")
    }
}
