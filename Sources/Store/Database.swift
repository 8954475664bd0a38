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
}
