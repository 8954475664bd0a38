import Foundation

/// All settings of a wainsight process, loaded in one place.
///
/// Environment keys (documented in README.md, "Configuration"):
/// `WAINSIGHT_DATABASE_URL`, `WAINSIGHT_APP_SECRETS`, `WAINSIGHT_VERIFY_TOKEN`,
/// `WAINSIGHT_MASTER_KEY`, `WAINSIGHT_HOST`, `WAINSIGHT_PORT`, `WAINSIGHT_MAX_WEBHOOK_BYTES`,
/// `WAINSIGHT_DATABASE_CONNECTIONS`, `WAINSIGHT_WORKER_CONCURRENCY`, `WAINSIGHT_WORKER_BATCH`.
public struct WainsightConfiguration: Sendable {
    /// Postgres connection URL. Default: the local `scripts/dev-postgres` server.
    public var databaseURL: String
    /// Connections in the Postgres pool. Default 16.
    public var databaseConnections: Int
    /// App Secrets that may sign webhooks; several allow rotation. Default: none (every POST is refused).
    public var appSecrets: [String]
    /// The token Meta echoes in the verification handshake. Default: none (every handshake is refused).
    public var verifyToken: String?
    /// 32-byte key that encrypts access tokens and raw payloads at rest. Default: none (commands
    /// that need it fail and say how to make one).
    public var masterKey: Data?
    /// Interface the HTTP server binds. Default `127.0.0.1`.
    public var host: String
    /// HTTP port. Default 8080.
    public var port: Int
    /// Largest webhook body accepted, in bytes. Default 4 MiB (Meta sends at most 3 MB).
    public var maxWebhookBytes: Int
    /// Options of the background workers.
    public var worker: WorkerOptions

    public struct WorkerOptions: Sendable {
        /// Concurrent job loops per process. Default 2.
        public var concurrency: Int
        /// Jobs claimed per transaction. Default 64.
        public var batchSize: Int
        /// How long an idle loop waits before looking for new jobs. Default 200 ms.
        public var pollInterval: Duration
        /// Attempts before a failing job is marked dead. Default 8.
        public var maxAttempts: Int

        public init(
            concurrency: Int = 2,
            batchSize: Int = 64,
            pollInterval: Duration = .milliseconds(200),
            maxAttempts: Int = 8
        ) {
            self.concurrency = concurrency
            self.batchSize = batchSize
            self.pollInterval = pollInterval
            self.maxAttempts = maxAttempts
        }
    }

    public static let defaultDatabaseURL = "postgres://wainsight@127.0.0.1:55432/wainsight?sslmode=disable"

    public init(
        databaseURL: String = WainsightConfiguration.defaultDatabaseURL,
        databaseConnections: Int = 16,
        appSecrets: [String] = [],
        verifyToken: String? = nil,
        masterKey: Data? = nil,
        host: String = "127.0.0.1",
        port: Int = 8080,
        maxWebhookBytes: Int = 4 << 20,
        worker: WorkerOptions = WorkerOptions()
    ) {
        self.databaseURL = databaseURL
        self.databaseConnections = databaseConnections
        self.appSecrets = appSecrets
        self.verifyToken = verifyToken
        self.masterKey = masterKey
        self.host = host
        self.port = port
        self.maxWebhookBytes = maxWebhookBytes
        self.worker = worker
    }

    /// Reads every setting from `environment`, with the defaults above for keys that are unset.
    /// - Throws: ``ConfigurationError`` naming the key whose value is malformed.
    public init(environment: [String: String]) throws {
        self.init()
        func value(_ key: String) -> String? {
            guard let raw = environment[key]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
            guard let raw = value(key) else { return nil }
            guard let number = Int(raw), range.contains(number) else {
                throw ConfigurationError(key: key, message: "must be a whole number in \(range), got '\(raw)'")
            }
            return number
        }
        if let url = value("WAINSIGHT_DATABASE_URL") { databaseURL = url }
        if let secrets = value("WAINSIGHT_APP_SECRETS") {
            appSecrets = secrets.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
        }
        verifyToken = value("WAINSIGHT_VERIFY_TOKEN")
        if let key = value("WAINSIGHT_MASTER_KEY") {
            guard let bytes = Data(base64Encoded: key), bytes.count == 32 else {
                throw ConfigurationError(
                    key: "WAINSIGHT_MASTER_KEY",
                    message: "must be 32 random bytes in base64 (make one with: openssl rand -base64 32)"
                )
            }
            masterKey = bytes
        }
        if let host = value("WAINSIGHT_HOST") { self.host = host }
        if let port = try integer("WAINSIGHT_PORT", in: 0...65535) { self.port = port }
        if let bytes = try integer("WAINSIGHT_MAX_WEBHOOK_BYTES", in: 1024...(64 << 20)) { maxWebhookBytes = bytes }
        if let count = try integer("WAINSIGHT_DATABASE_CONNECTIONS", in: 1...500) { databaseConnections = count }
        if let count = try integer("WAINSIGHT_WORKER_CONCURRENCY", in: 0...64) { worker.concurrency = count }
        if let count = try integer("WAINSIGHT_WORKER_BATCH", in: 1...10_000) { worker.batchSize = count }
    }
}

/// A setting that is missing or malformed.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The environment key at fault.
    public var key: String
    public var message: String

    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { "\(key) \(message)" }
}
