import Foundation
import Logging
import PostgresNIO
import Store

/// A fresh, migrated database per test, dropped afterwards.
/// The server is the one `scripts/test` starts; its URL comes from `WAINSIGHT_DATABASE_URL`.
public enum TestDatabase {
    /// Why tests cannot run: they never skip silently.
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    /// An error from inside a test database session, with every detail.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public static let logger: Logger = {
        var logger = Logger(label: "wainsight.test")
        logger.logLevel =
            ProcessInfo.processInfo.environment["WAINSIGHT_TEST_LOG_LEVEL"]
            .flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return logger
    }()

    /// The admin URL of the test server.
    public static func serverURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["WAINSIGHT_DATABASE_URL"], !url.isEmpty else {
            throw Unavailable(
                description: """
                    WAINSIGHT_DATABASE_URL is not set. Run the tests with scripts/test, which starts PostgreSQL \
                    and sets it, or start one with scripts/dev-postgres start and export the URL it prints.
                    """
            )
        }
        return url
    }

    /// `url` with its database name replaced.
    public static func url(_ url: String, database: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        components.path = "/" + database
        return components.string ?? url
    }

    /// Creates a database for one test, runs `body` with its URL and a running client, then drops it.
    public static func with<Result: Sendable>(
        _ body: @Sendable (_ url: String, _ client: PostgresClient) async throws -> Result
    ) async throws -> Result {
        let server = try serverURL()
        let name = "wainsight_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let databaseURL = url(server, database: name)
        do {
            try await admin(server) { client in try await Database.create(named: name, on: client, logger: logger) }
            let result = try await Database.withClient(url: databaseURL, maxConnections: 8, logger: logger) { client in
                try await Migrator(client: client).migrate(logger: logger)
                return try await body(databaseURL, client)
            }
            try? await drop(name, server: server)
            return result
        } catch {
            try? await drop(name, server: server)
            // PSQLError hides its details from `description`; tests need them.
            throw Failure(description: String(reflecting: error))
        }
    }

    private static func drop(_ name: String, server: String) async throws {
        try await admin(server) { client in try await Database.drop(named: name, on: client, logger: logger) }
    }

    static func admin(_ server: String, _ body: @Sendable (PostgresClient) async throws -> Void) async throws {
        try await Database.withClient(url: url(server, database: "postgres"), maxConnections: 1, logger: logger, body)
    }
}
