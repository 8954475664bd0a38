import PostgresNIO

/// What went wrong in the store, and what to do about it.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case invalidDatabaseURL = "invalid_database_url"
            case masterKeyMissing = "master_key_missing"
            case decryptionFailed = "decryption_failed"
            case notFound = "not_found"
            case conflict = "conflict"
            case migrationFailed = "migration_failed"
            case unavailable = "unavailable"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// WAINSIGHT_DATABASE_URL cannot be parsed.
        public static let invalidDatabaseURL = Code(.invalidDatabaseURL)
        /// An operation needs WAINSIGHT_MASTER_KEY and none is configured.
        public static let masterKeyMissing = Code(.masterKeyMissing)
        /// Sealed data does not open under the configured master key.
        public static let decryptionFailed = Code(.decryptionFailed)
        /// A referenced row does not exist in the organization.
        public static let notFound = Code(.notFound)
        /// A row with the same unique key exists.
        public static let conflict = Code(.conflict)
        /// A schema migration failed; the database is left at the previous version.
        public static let migrationFailed = Code(.migrationFailed)

        /// The store is shutting down or cannot take work now; retry shortly.
        public static let unavailable = Code(.unavailable)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    public var underlying: (any Error)?
    public var file: String
    public var line: Int

    public init(
        _ code: Code,
        _ message: String,
        underlying: (any Error)? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    public var description: String {
        if let underlying { return "\(code): \(message) (\(String(reflecting: underlying)))" }
        return "\(code): \(message)"
    }
}

extension StoreError {
    /// A one-line account of `error` that is safe to store and log: for Postgres errors the
    /// SQLSTATE and the server's message, never the query's values.
    public static func summary(of error: any Error) -> String {
        if let error = error as? PostgresTransactionError {
            if let closure = error.closureError { return summary(of: closure) }
            if let commit = error.commitError { return "commit failed: " + summary(of: commit) }
            if let begin = error.beginError { return "begin failed: " + summary(of: begin) }
        }
        if let error = error as? PSQLError {
            let state = error.serverInfo?[.sqlState] ?? "-"
            let message = error.serverInfo?[.message] ?? "\(error.code)"
            return "postgres \(state): \(message)"
        }
        return String(describing: error)
    }
}

extension StoreError: Equatable {
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
}
