import Logging
import PostgresNIO

/// Applies ``Migrations/all`` in order, each in its own transaction, under an advisory lock so
/// several processes starting at once migrate exactly once.
public struct Migrator: Sendable {
    public let client: PostgresClient

    public init(client: PostgresClient) { self.client = client }

    /// Brings the schema up to date.
    /// - Returns: The versions applied by this call (empty when already current).
    @discardableResult
    public func migrate(logger: Logger) async throws -> [Int] {
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(7261946)", logger: logger)
            do {
                let applied = try await apply(on: connection, logger: logger)
                try await connection.query("SELECT pg_advisory_unlock(7261946)", logger: logger)
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(7261946)", logger: logger)
                throw error
            }
        }
    }

    private func apply(on connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
            """,
            logger: logger
        )
        var current: Set<Int> = []
        for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger)
            .decode(Int.self)
        {
            current.insert(version)
        }
        var applied: [Int] = []
        for migration in Migrations.all where !current.contains(migration.version) {
            do {
                try await connection.withTransaction(logger: logger) { connection in
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                        logger: logger
                    )
                }
            } catch {
                throw StoreError(
                    .migrationFailed,
                    "migration \(migration.version) (\(migration.name)) failed",
                    underlying: error
                )
            }
            logger.debug("schema migrated", metadata: ["db.migration.version": "\(migration.version)"])
            applied.append(migration.version)
        }
        return applied
    }
}
