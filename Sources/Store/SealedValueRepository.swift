import Foundation
import Logging
import PostgresNIO

/// The sealed values at rest (accounts' access tokens, raw webhook bodies), re-sealed under the
/// first master key by `wainsight rekey` after a rotation.
///
/// Resumable by construction: a value already sealed under the first key is never selected
/// again, so a stopped run picks up where it was. A value that opens under no configured key is
/// left as it is and counted.
public struct SealedValueRepository: Sendable {
    /// A column of sealed values.
    public enum Column: String, CaseIterable, Sendable {
        case accessTokens = "access tokens"
        case webhookBodies = "webhook bodies"

        var table: String { self == .accessTokens ? "whatsapp_accounts" : "webhook_events" }
        var column: String { self == .accessTokens ? "access_token_enc" : "payload_enc" }
        /// The id as text, and the type to read it back as.
        var idType: String { self == .accessTokens ? "uuid" : "bigint" }
        /// Where a scan starts: below every id.
        var start: String { self == .accessTokens ? "00000000-0000-0000-0000-000000000000" : "0" }
    }

    /// How far one column has come.
    public struct Progress: Sendable, Equatable {
        public var resealed = 0
        /// Values no configured key opens (left as they are).
        public var unopenable = 0
        /// Where the next batch starts (exclusive); `nil` when the column is done.
        public var after: String?

        public init() {}
    }

    public let client: PostgresClient
    public let secretBox: SecretBox
    public let logger: Logger

    public init(client: PostgresClient, secretBox: SecretBox, logger: Logger) {
        self.client = client
        self.secretBox = secretBox
        self.logger = logger
    }

    /// The header a value sealed under the first key starts with.
    private var currentHeader: Data { secretBox.currentHeader }

    /// How many values of `column` are not sealed under the first key.
    public func pending(_ column: Column) async throws -> Int {
        let rows = try await client.query(
            """
            SELECT count(*) FROM \(unescaped: column.table)
            WHERE substring(\(unescaped: column.column) FROM 1 FOR 5) <> \(currentHeader)
            """,
            logger: logger
        )
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// Re-seals the next `limit` values of `column` after `progress.after` that are not under
    /// the first key, in one transaction.
    /// - Returns: `progress` moved on.
    public func reseal(_ column: Column, limit: Int, from progress: Progress) async throws -> Progress {
        let after = progress.after ?? column.start
        return try await client.withTransaction(logger: logger) { connection in
            var next = progress
            next.after = nil
            let rows = try await connection.query(
                """
                SELECT id::text, \(unescaped: column.column) FROM \(unescaped: column.table)
                WHERE id > \(after)::\(unescaped: column.idType)
                    AND substring(\(unescaped: column.column) FROM 1 FOR 5) <> \(currentHeader)
                ORDER BY id LIMIT \(limit)
                FOR UPDATE
                """,
                logger: logger
            )
            var batch: [(String, Data)] = []
            for try await row in rows.decode((String, Data).self) { batch.append(row) }
            for (id, sealed) in batch {
                next.after = id
                guard let plain = try? secretBox.open(sealed) else {
                    next.unopenable += 1
                    continue
                }
                try await connection.query(
                    """
                    UPDATE \(unescaped: column.table) SET \(unescaped: column.column) = \(try secretBox.seal(plain))
                    WHERE id = \(id)::\(unescaped: column.idType)
                    """,
                    logger: logger
                )
                next.resealed += 1
            }
            return next
        }
    }
}
