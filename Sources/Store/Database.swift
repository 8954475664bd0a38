import Logging
import PostgresNIO

/// Short-lived access to Postgres for commands and set-up: runs a client for the duration of
/// `body`, then shuts it down.
public enum Database {
    public static func withClient<Result: Sendable>(
        url: String,
        maxConnections: Int = 4,
        logger: Logger,
        _ body: @Sendable (PostgresClient) async throws -> Result
    ) async throws -> Result {
        let client = PostgresClient(
            configuration: try DatabaseURL.configuration(url, maxConnections: maxConnections),
            backgroundLogger: logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            // Let run() start before the first lease, so the pool does not warn that it has not.
            try await Task.sleep(for: .milliseconds(20))
            return try await body(client)
        }
    }

    /// A round trip to the database (for `/health`).
    public static func ping(_ client: PostgresClient, logger: Logger) async throws {
        try await client.query("SELECT 1", logger: logger)
    }

    /// Creates an empty database on the server `client` is connected to.
    /// - Parameter name: lower-case letters, digits and underscores only (it cannot be bound).
    public static func create(named name: String, on client: PostgresClient, logger: Logger) async throws {
        try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(try identifier(name))"), logger: logger)
    }

    /// Drops a database, ending its sessions, if it exists.
    public static func drop(named name: String, on client: PostgresClient, logger: Logger) async throws {
        try await client.query(
            PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(try identifier(name)) WITH (FORCE)"),
            logger: logger
        )
    }

    /// Empties every conversation table (organizations, API keys and accounts stay): for tests
    /// that replay the same webhooks into a clean slate.
    public static func truncateConversations(_ client: PostgresClient, logger: Logger) async throws {
        try await client.query(
            """
            TRUNCATE webhook_events, jobs, whatsapp_messages, whatsapp_message_statuses, whatsapp_threads,
                consent_events, whatsapp_contacts, whatsapp_account_events, media_blobs, message_stage_runs,
                outbox_messages, whatsapp_templates, whatsapp_suppressions, message_embeddings, thread_summaries,
                reply_drafts
            """,
            logger: logger
        )
    }

    private static func identifier(_ name: String) throws -> String {
        guard !name.isEmpty,
            name.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F })
        else { throw StoreError(.invalidDatabaseURL, "'\(name)' is not a plain database name") }
        return name
    }
}
