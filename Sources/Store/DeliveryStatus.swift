import Core
import Foundation
import Logging
import PostgresNIO

/// Derives an outbound message's current status from its status history (one row per wamid and
/// status, whatever order webhooks came in): the highest rank wins, `failed` keeps its error.
/// Ingest calls it when a status arrives; the sender when it learns a wamid (a status webhook
/// can beat the send's HTTP answer).
public enum DeliveryStatus {
    public static func apply(
        organization: OrganizationID,
        providerMessageID: String,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        let org = organization.rawValue
        try await connection.query(
            """
            UPDATE whatsapp_messages m SET
                status = top.status, status_rank = top.status_rank,
                delivered_at = (SELECT occurred_at FROM whatsapp_message_statuses s WHERE s.organization_id = m.organization_id
                    AND s.provider_msg_id = m.provider_msg_id AND s.status = 'delivered'),
                read_at = (SELECT occurred_at FROM whatsapp_message_statuses s WHERE s.organization_id = m.organization_id
                    AND s.provider_msg_id = m.provider_msg_id AND s.status = 'read'),
                failed_at = (SELECT occurred_at FROM whatsapp_message_statuses s WHERE s.organization_id = m.organization_id
                    AND s.provider_msg_id = m.provider_msg_id AND s.status = 'failed'),
                error_code = (SELECT error_code FROM whatsapp_message_statuses s WHERE s.organization_id = m.organization_id
                    AND s.provider_msg_id = m.provider_msg_id AND s.status = 'failed'),
                error_detail = (SELECT error_detail FROM whatsapp_message_statuses s WHERE s.organization_id = m.organization_id
                    AND s.provider_msg_id = m.provider_msg_id AND s.status = 'failed')
            FROM (SELECT status, status_rank FROM whatsapp_message_statuses
                  WHERE organization_id = \(org) AND provider_msg_id = \(providerMessageID) AND status_rank > 0
                  ORDER BY status_rank DESC LIMIT 1) AS top
            WHERE m.organization_id = \(org) AND m.provider_msg_id = \(providerMessageID) AND m.direction = 'outbound'
            """,
            logger: logger
        )
        try await connection.query(
            """
            UPDATE outbox_messages o SET
                delivery_status = top.status, delivery_rank = top.status_rank, updated_at = now(),
                error_code = CASE WHEN top.status = 'failed' THEN top.error_code ELSE o.error_code END,
                error_message = CASE WHEN top.status = 'failed' THEN top.error_detail ELSE o.error_message END
            FROM (SELECT status, status_rank, error_code, error_detail FROM whatsapp_message_statuses
                  WHERE organization_id = \(org) AND provider_msg_id = \(providerMessageID) AND status_rank > 0
                  ORDER BY status_rank DESC LIMIT 1) AS top
            WHERE o.organization_id = \(org) AND o.provider_msg_id = \(providerMessageID)
                AND o.delivery_rank < top.status_rank
            """,
            logger: logger
        )
    }
}
