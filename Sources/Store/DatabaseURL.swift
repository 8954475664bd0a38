import Foundation
import PostgresNIO

/// Builds a `PostgresClient` configuration from a `postgres://user:password@host:port/database`
/// URL. `sslmode=disable` turns TLS off; any other mode (or none) prefers TLS.
public enum DatabaseURL {
    public static func configuration(_ string: String, maxConnections: Int) throws -> PostgresClient.Configuration {
        guard let url = URLComponents(string: string),
            url.scheme == "postgres" || url.scheme == "postgresql",
            let host = url.host, !host.isEmpty
        else {
            throw StoreError(
                .invalidDatabaseURL,
                "expected postgres://user:password@host:port/database, got '\(redacted(string))'"
            )
        }
        let database = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        let sslMode = url.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        let tls: PostgresClient.Configuration.TLS =
            sslMode == "disable" ? .disable : .prefer(.makeClientConfiguration())
        var configuration = PostgresClient.Configuration(
            host: host,
            port: url.port ?? 5432,
            username: url.user ?? "postgres",
            password: url.password,
            database: database.isEmpty ? nil : database,
            tls: tls
        )
        configuration.options.maximumConnections = maxConnections
        return configuration
    }

    /// The URL with any password replaced, for messages and logs.
    public static func redacted(_ string: String) -> String {
        guard var url = URLComponents(string: string), url.password != nil else { return string }
        url.password = "***"
        return url.string ?? "<unparseable URL>"
    }
}
