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
}
