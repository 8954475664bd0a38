import Core
import Foundation
import Logging
import PostgresNIO

/// A media file wainsight keeps: inbound media (fetched from the provider) or an upload.
public struct MediaBlob: Sendable, Equatable {
    public var id: UUID
    public var organizationID: OrganizationID
    public var accountID: UUID?
    public var providerMediaID: String?
    public var direction: String
    public var mimeType: String?
    public var filename: String?
    /// As Meta announced it (inbound) or as computed (uploads, downloads): lowercase hex.
    public var sha256: String?
    public var size: Int?
    /// Relative to the media directory; `nil` until the file is here.
    public var storagePath: String?
    public var downloadError: String?

    static let columns = """
        id, organization_id, account_id, provider_media_id, direction, mime_type, filename, sha256, size,
        storage_path, download_error
        """

    /// A row of exactly ``columns``.
    init(row: PostgresRow) throws {
        let r = try row.decode(
            (UUID, UUID, UUID?, String?, String, String?, String?, String?, Int64?, String?, String?).self
        )
        id = r.0
        organizationID = OrganizationID(r.1)
        accountID = r.2
        providerMediaID = r.3
        direction = r.4
        mimeType = r.5
        filename = r.6
        sha256 = r.7
        size = r.8.map(Int.init)
        storagePath = r.9
        downloadError = r.10
    }
}

/// Media rows on Postgres.
public enum MediaRepository {
    public static func blob(id: UUID, organization: OrganizationID?, on connection: PostgresConnection, logger: Logger)
        async throws -> MediaBlob
    {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: MediaBlob.columns) FROM media_blobs
            WHERE id = \(id) AND (\(organization?.rawValue)::uuid IS NULL OR organization_id = \(organization?.rawValue))
            """,
            logger: logger
        )
        for try await row in rows { return try MediaBlob(row: row) }
        throw StoreError(.notFound, "media \(id) does not exist in this organization")
    }

    /// Records an uploaded file.
    public static func insertUpload(
        organization: OrganizationID,
        account: UUID?,
        providerMediaID: String?,
        mimeType: String,
        filename: String?,
        sha256: String,
        size: Int,
        storagePath: String,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> MediaBlob {
        let rows = try await connection.query(
            """
            INSERT INTO media_blobs (organization_id, account_id, provider_media_id, direction, mime_type, filename,
                sha256, size, storage_path, downloaded_at, expires_at)
            VALUES (\(organization.rawValue), \(account), \(providerMediaID), 'outbound', \(mimeType), \(filename),
                \(sha256), \(Int64(size)), \(storagePath), now(),
                CASE WHEN \(providerMediaID)::text IS NULL THEN NULL ELSE now() + interval '30 days' END)
            RETURNING \(unescaped: MediaBlob.columns)
            """,
            logger: logger
        )
        for try await row in rows { return try MediaBlob(row: row) }
        throw StoreError(.unavailable, "media insert returned no row")
    }

    /// Records a fetched inbound file.
    public static func recordDownload(
        id: UUID,
        storagePath: String,
        size: Int,
        mimeType: String?,
        sha256: String,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        try await connection.query(
            """
            UPDATE media_blobs SET storage_path = \(storagePath), size = \(Int64(size)),
                mime_type = coalesce(mime_type, \(mimeType)), sha256 = coalesce(sha256, \(sha256)),
                downloaded_at = now(), download_error = NULL
            WHERE id = \(id)
            """,
            logger: logger
        )
    }

    /// Notes why the latest download attempt failed (the job retries).
    public static func recordDownloadError(id: UUID, error: String, client: PostgresClient, logger: Logger) async throws
    {
        try await client.query(
            "UPDATE media_blobs SET download_error = \(String(error.prefix(1000))) WHERE id = \(id)",
            logger: logger
        )
    }

    // MARK: Text inside media

    /// The inbound images and documents that show the file (a sticker, audio or video shows
    /// no text to read).
    public static func messagesShowing(_ blob: MediaBlob, on connection: PostgresConnection, logger: Logger)
        async throws -> [UUID]
    {
        let rows = try await connection.query(
            """
            SELECT id FROM whatsapp_messages
            WHERE organization_id = \(blob.organizationID.rawValue) AND media_id = \(blob.providerMediaID)
                AND direction = 'inbound' AND type IN ('image', 'document')
            ORDER BY id
            """,
            logger: logger
        )
        var ids: [UUID] = []
        for try await id in rows.decode(UUID.self) { ids.append(id) }
        return ids
    }

    /// Stores what reading the file's text gave on every message that shows it: the text and
    /// how it was read, or why it could not be (`text` and `source` `nil`). Messages that got
    /// text have their stages run again (their stage runs forgotten, a `run_stages` job
    /// queued), so detect, extract and embed read it. Waits for a stage run that holds a
    /// message (``StageRunRepository/load(_:on:logger:)`` locks it), so none is marked done
    /// without having seen the text. - Returns: The messages updated.
    @discardableResult
    public static func recordMediaText(
        _ blob: MediaBlob,
        text: String?,
        source: String?,
        error: String?,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> [UUID] {
        let rows = try await connection.query(
            """
            UPDATE whatsapp_messages SET media_text = \(text), media_text_source = \(source),
                media_text_error = \(error.map { String($0.prefix(1000)) }), media_text_read_at = now()
            WHERE organization_id = \(blob.organizationID.rawValue) AND media_id = \(blob.providerMediaID)
                AND direction = 'inbound' AND type IN ('image', 'document')
            RETURNING id
            """,
            logger: logger
        )
        var ids: [UUID] = []
        for try await id in rows.decode(UUID.self) { ids.append(id) }
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, !ids.isEmpty else { return ids }
        try await connection.query("DELETE FROM message_stage_runs WHERE message_id = ANY(\(ids))", logger: logger)
        try await JobQueue.enqueue(
            .runStages,
            refUUIDs: ids,
            organization: blob.organizationID,
            on: connection,
            logger: logger
        )
        return ids
    }

    /// Queues a `read_media_text` job for every downloaded inbound file of one of `mimeTypes`
    /// whose images or documents were never read (media stored before text was read, or a
    /// read that went dead), unless one is already waiting. - Returns: How many were queued.
    public static func queueUnreadMedia(
        mimeTypes: [String],
        organization: OrganizationID?,
        client: PostgresClient,
        logger: Logger
    ) async throws -> Int {
        let org = organization?.rawValue
        return try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query(
                """
                SELECT DISTINCT b.id FROM media_blobs b
                JOIN whatsapp_messages m ON m.organization_id = b.organization_id AND m.media_id = b.provider_media_id
                WHERE b.storage_path IS NOT NULL AND (\(org)::uuid IS NULL OR b.organization_id = \(org))
                    AND lower(trim(split_part(coalesce(b.mime_type, ''), ';', 1))) = ANY(\(mimeTypes))
                    AND m.direction = 'inbound' AND m.type IN ('image', 'document') AND m.media_text_read_at IS NULL
                    AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.kind = \(JobKind.readMediaText.rawValue)
                                    AND j.ref_uuid = b.id AND j.state IN ('queued', 'running'))
                ORDER BY b.id
                """,
                logger: logger
            )
            var ids: [UUID] = []
            for try await id in rows.decode(UUID.self) { ids.append(id) }
            try await JobQueue.enqueue(.readMediaText, refUUIDs: ids, on: connection, logger: logger)
            return ids.count
        }
    }
}
