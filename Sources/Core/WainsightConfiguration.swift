import Foundation

/// All settings of a wainsight process, loaded in one place.
///
/// Environment keys (documented in README.md, "Configuration"):
/// `WAINSIGHT_DATABASE_URL`, `WAINSIGHT_APP_SECRETS`, `WAINSIGHT_VERIFY_TOKEN`,
/// `WAINSIGHT_MASTER_KEY`, `WAINSIGHT_HOST`, `WAINSIGHT_PORT`, `WAINSIGHT_MAX_WEBHOOK_BYTES`,
/// `WAINSIGHT_DATABASE_CONNECTIONS`, `WAINSIGHT_WORKER_CONCURRENCY`, `WAINSIGHT_WORKER_BATCH`,
/// `WAINSIGHT_SHUTDOWN_GRACE_MS`, `WAINSIGHT_LLM_URL`, `WAINSIGHT_LLM_MODEL`, `WAINSIGHT_LLM_API_KEY`,
/// `WAINSIGHT_LLM_DAILY_TOKENS`, `WAINSIGHT_LLM_TIMEOUT_MS`, `WAINSIGHT_SUMMARY_DEBOUNCE_MS`, and the
/// sending keys of ``OutboundOptions``.
public struct WainsightConfiguration: Sendable {
    /// Postgres connection URL. Default: the local `scripts/dev-postgres` server.
    public var databaseURL: String
    /// Connections in the Postgres pool. Default 16.
    public var databaseConnections: Int
    /// App Secrets that may sign webhooks; several allow rotation. Default: none (every POST is refused).
    public var appSecrets: [String]
    /// The token Meta echoes in the verification handshake. Default: none (every handshake is refused).
    public var verifyToken: String?
    /// 32-byte keys that encrypt access tokens and raw payloads at rest: the first seals, every
    /// one opens, so the key can be rotated (`WAINSIGHT_MASTER_KEY`, comma-separated). Default:
    /// none (commands that need it fail and say how to make one).
    public var masterKeys: [Data]
    /// The sealing key (the first of ``masterKeys``).
    public var masterKey: Data? {
        get { masterKeys.first }
        set { masterKeys = (newValue.map { [$0] } ?? []) + masterKeys.dropFirst() }
    }
    /// Interface the HTTP server binds. Default `127.0.0.1`.
    public var host: String
    /// HTTP port. Default 8080.
    public var port: Int
    /// Largest webhook body accepted, in bytes. Default 4 MiB (Meta sends at most 3 MB).
    public var maxWebhookBytes: Int
    /// Options of the background workers.
    public var worker: WorkerOptions
    /// Options of sending: providers, rate limits, retries, media.
    public var outbound: OutboundOptions
    /// Which model embeds messages and search queries.
    public var embedding: EmbeddingOptions
    /// Folder of the local language, intent and sentiment models (`WAINSIGHT_MODELS_DIR`). Default
    /// `models`; the detect stage is off, with a notice, when their files are not there.
    public var modelsDirectory: String
    /// How long work in flight (jobs, sends, provider calls) may go on after SIGTERM or SIGINT
    /// before it is cancelled and handed back (`WAINSIGHT_SHUTDOWN_GRACE_MS`). Default 5 s; the
    /// process exits within 10 s whatever it is.
    public var shutdownGrace: Duration
    public var assist: AssistOptions

    /// The LLM behind summaries, next best action and drafts, for organizations that set none
    /// of their own (`PUT /api/assist/settings`). Without an endpoint, the local path answers.
    public struct AssistOptions: Sendable {
        /// `WAINSIGHT_LLM_URL` (the root: `/v1/chat/completions` is appended), `WAINSIGHT_LLM_MODEL`
        /// (default `gpt-4o-mini`), `WAINSIGHT_LLM_API_KEY`. Default: none.
        public var defaultEndpoint: ChatEndpoint?
        /// Tokens an organization may spend a day (`WAINSIGHT_LLM_DAILY_TOKENS`), unless it set its
        /// own budget. Default 2,000,000.
        public var dailyTokenBudget: Int
        /// Longest wait for a whole answer (`WAINSIGHT_LLM_TIMEOUT_MS`). Default 30 s.
        public var timeout: Duration
        /// How long a thread stays quiet before its summary is refreshed, so a burst of
        /// messages refreshes it once (`WAINSIGHT_SUMMARY_DEBOUNCE_MS`). Default 15 s.
        public var summaryDebounce: Duration

        public init(
            defaultEndpoint: ChatEndpoint? = nil,
            dailyTokenBudget: Int = 2_000_000,
            timeout: Duration = .seconds(30),
            summaryDebounce: Duration = .seconds(15)
        ) {
            self.defaultEndpoint = defaultEndpoint
            self.dailyTokenBudget = dailyTokenBudget
            self.timeout = timeout
            self.summaryDebounce = summaryDebounce
        }
    }

    public struct EmbeddingOptions: Sendable {
        /// Which embedder (`WAINSIGHT_EMBEDDER`).
        public struct Mode: Sendable, Hashable, CustomStringConvertible {
            private enum Base: String, Sendable { case automatic = "auto", minilm, remote, none }
            private let base: Base
            private init(_ base: Base) { self.base = base }
            /// MiniLM when its files are there, else none (with a notice). The default.
            public static let automatic = Mode(.automatic)
            /// The local MiniLM; start-up fails when its files are missing.
            public static let minilm = Mode(.minilm)
            /// An OpenAI-compatible endpoint.
            public static let remote = Mode(.remote)
            /// No embeddings: search by words only.
            public static let none = Mode(.none)
            public init?(rawValue: String) {
                guard let base = Base(rawValue: rawValue) else { return nil }
                self.base = base
            }
            public var description: String { base.rawValue }
        }

        /// Default `.automatic`.
        public var mode: Mode
        /// Folder with MiniLM's model.safetensors and vocab.txt (`WAINSIGHT_MINILM_DIR`). Default models/minilm.
        public var miniLMDirectory: String
        /// Remote endpoint root; `/v1/embeddings` is appended (`WAINSIGHT_EMBEDDINGS_URL`).
        public var remoteURL: String?
        /// Remote model name (`WAINSIGHT_EMBEDDINGS_MODEL`). Default `text-embedding-3-small`.
        public var remoteModel: String
        /// Bearer key for the remote endpoint (`WAINSIGHT_EMBEDDINGS_API_KEY`). Default none.
        public var remoteAPIKey: String?
        /// Vector length; the index stores 384 (MiniLM's), so a remote model is asked for 384. Fixed.
        public var dimensions: Int

        public init(
            mode: Mode = .automatic,
            miniLMDirectory: String = "models/minilm",
            remoteURL: String? = nil,
            remoteModel: String = "text-embedding-3-small",
            remoteAPIKey: String? = nil
        ) {
            self.mode = mode
            self.miniLMDirectory = miniLMDirectory
            self.remoteURL = remoteURL
            self.remoteModel = remoteModel
            self.remoteAPIKey = remoteAPIKey
            self.dimensions = 384
        }
    }

    public struct OutboundOptions: Sendable {
        /// Meta Graph API root (`WAINSIGHT_GRAPH_BASE_URL`). Default `https://graph.facebook.com`.
        public var graphBaseURL: String
        /// Graph API version pinned in every path (`WAINSIGHT_GRAPH_API_VERSION`). Default `v23.0`.
        public var graphAPIVersion: String
        /// 360dialog root (`WAINSIGHT_360DIALOG_BASE_URL`). Default `https://waba-v2.360dialog.io`.
        public var dialog360BaseURL: String
        /// Longest wait for one provider answer (`WAINSIGHT_PROVIDER_TIMEOUT_MS`). Default 15 s.
        public var requestTimeout: Duration
        /// Messages per second per phone number unless the account sets its own
        /// (`WAINSIGHT_MESSAGES_PER_SECOND`). Default 80, Meta's default throughput.
        public var messagesPerSecond: Double
        /// Meta's pair rate: one message per `pairInterval` to one recipient. Default 6 s.
        public var pairInterval: Duration
        /// Messages one recipient may get in a burst before the pair rate applies
        /// (`WAINSIGHT_PAIR_BURST`). Default 10 (Meta tolerates up to 45).
        public var pairBurst: Int
        /// Provider requests in flight per process (`WAINSIGHT_SENDER_CONCURRENCY`). Default 64;
        /// 0 runs no sender.
        public var concurrency: Int
        /// Attempts before a message goes to dead letters (`WAINSIGHT_SEND_MAX_ATTEMPTS`). Default 8.
        public var maxAttempts: Int
        /// First retry delay, doubled per attempt with full jitter (`WAINSIGHT_RETRY_BASE_MS`). Default 1 s.
        public var retryBase: Duration
        /// Longest retry delay. Default 5 min.
        public var retryCap: Duration
        /// How long a sender owns a message it is sending; a crashed sender's messages are
        /// taken over after it (`WAINSIGHT_SEND_LEASE_SECONDS`). Default 60 s.
        public var lease: Duration
        /// How long an idle sender waits before looking for due messages. Default 100 ms.
        public var pollInterval: Duration
        /// Where uploaded and downloaded media files live (`WAINSIGHT_MEDIA_DIR`). Default `.data/media`.
        public var mediaDirectory: String
        /// Lifetime of a signed media URL (`WAINSIGHT_MEDIA_URL_TTL_SECONDS`). Default 15 min.
        public var mediaURLLifetime: Duration
        /// Largest media file accepted or downloaded. Default 100 MiB (Meta's document limit).
        public var maxMediaBytes: Int

        public init(
            graphBaseURL: String = "https://graph.facebook.com",
            graphAPIVersion: String = "v23.0",
            dialog360BaseURL: String = "https://waba-v2.360dialog.io",
            requestTimeout: Duration = .seconds(15),
            messagesPerSecond: Double = 80,
            pairInterval: Duration = .seconds(6),
            pairBurst: Int = 10,
            concurrency: Int = 64,
            maxAttempts: Int = 8,
            retryBase: Duration = .seconds(1),
            retryCap: Duration = .seconds(300),
            lease: Duration = .seconds(60),
            pollInterval: Duration = .milliseconds(100),
            mediaDirectory: String = ".data/media",
            mediaURLLifetime: Duration = .seconds(900),
            maxMediaBytes: Int = 100 << 20
        ) {
            self.graphBaseURL = graphBaseURL
            self.graphAPIVersion = graphAPIVersion
            self.dialog360BaseURL = dialog360BaseURL
            self.requestTimeout = requestTimeout
            self.messagesPerSecond = messagesPerSecond
            self.pairInterval = pairInterval
            self.pairBurst = pairBurst
            self.concurrency = concurrency
            self.maxAttempts = maxAttempts
            self.retryBase = retryBase
            self.retryCap = retryCap
            self.lease = lease
            self.pollInterval = pollInterval
            self.mediaDirectory = mediaDirectory
            self.mediaURLLifetime = mediaURLLifetime
            self.maxMediaBytes = maxMediaBytes
        }
    }

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
        worker: WorkerOptions = WorkerOptions(),
        outbound: OutboundOptions = OutboundOptions(),
        embedding: EmbeddingOptions = EmbeddingOptions(),
        modelsDirectory: String = "models",
        shutdownGrace: Duration = .seconds(5),
        assist: AssistOptions = AssistOptions()
    ) {
        self.databaseURL = databaseURL
        self.databaseConnections = databaseConnections
        self.appSecrets = appSecrets
        self.verifyToken = verifyToken
        self.masterKeys = masterKey.map { [$0] } ?? []
        self.host = host
        self.port = port
        self.maxWebhookBytes = maxWebhookBytes
        self.worker = worker
        self.outbound = outbound
        self.embedding = embedding
        self.modelsDirectory = modelsDirectory
        self.shutdownGrace = shutdownGrace
        self.assist = assist
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
        if let list = value("WAINSIGHT_MASTER_KEY") {
            masterKeys = try list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.enumerated().map { index, key in
                    guard let bytes = Data(base64Encoded: key), bytes.count == 32 else {
                        throw ConfigurationError(
                            key: "WAINSIGHT_MASTER_KEY",
                            message: "key \(index + 1) must be 32 random bytes in base64 (make one with: "
                                + "openssl rand -base64 32); several keys are separated by commas, the sealing key first"
                        )
                    }
                    return bytes
                }
        }
        if let host = value("WAINSIGHT_HOST") { self.host = host }
        if let port = try integer("WAINSIGHT_PORT", in: 0...65535) { self.port = port }
        if let bytes = try integer("WAINSIGHT_MAX_WEBHOOK_BYTES", in: 1024...(64 << 20)) { maxWebhookBytes = bytes }
        if let count = try integer("WAINSIGHT_DATABASE_CONNECTIONS", in: 1...500) { databaseConnections = count }
        if let count = try integer("WAINSIGHT_WORKER_CONCURRENCY", in: 0...64) { worker.concurrency = count }
        if let count = try integer("WAINSIGHT_WORKER_BATCH", in: 1...10_000) { worker.batchSize = count }
        if let ms = try integer("WAINSIGHT_SHUTDOWN_GRACE_MS", in: 0...7_000) { shutdownGrace = .milliseconds(ms) }

        if let url = value("WAINSIGHT_GRAPH_BASE_URL") { outbound.graphBaseURL = url }
        if let version = value("WAINSIGHT_GRAPH_API_VERSION") {
            guard version.range(of: #"^v[0-9]+\.[0-9]+$"#, options: .regularExpression) != nil else {
                throw ConfigurationError(
                    key: "WAINSIGHT_GRAPH_API_VERSION",
                    message: "must look like v23.0, got '\(version)'"
                )
            }
            outbound.graphAPIVersion = version
        }
        if let url = value("WAINSIGHT_360DIALOG_BASE_URL") { outbound.dialog360BaseURL = url }
        if let ms = try integer("WAINSIGHT_PROVIDER_TIMEOUT_MS", in: 100...600_000) {
            outbound.requestTimeout = .milliseconds(ms)
        }
        if let rate = try integer("WAINSIGHT_MESSAGES_PER_SECOND", in: 1...1_000) {
            outbound.messagesPerSecond = Double(rate)
        }
        if let burst = try integer("WAINSIGHT_PAIR_BURST", in: 1...45) { outbound.pairBurst = burst }
        if let count = try integer("WAINSIGHT_SENDER_CONCURRENCY", in: 0...1_000) { outbound.concurrency = count }
        if let count = try integer("WAINSIGHT_SEND_MAX_ATTEMPTS", in: 1...100) { outbound.maxAttempts = count }
        if let ms = try integer("WAINSIGHT_RETRY_BASE_MS", in: 1...600_000) { outbound.retryBase = .milliseconds(ms) }
        if let seconds = try integer("WAINSIGHT_SEND_LEASE_SECONDS", in: 1...3_600) {
            outbound.lease = .seconds(seconds)
        }
        if let directory = value("WAINSIGHT_MEDIA_DIR") { outbound.mediaDirectory = directory }
        if let raw = value("WAINSIGHT_EMBEDDER") {
            guard let mode = EmbeddingOptions.Mode(rawValue: raw) else {
                throw ConfigurationError(
                    key: "WAINSIGHT_EMBEDDER",
                    message: "must be auto, minilm, remote or none, got '\(raw)'"
                )
            }
            embedding.mode = mode
        }
        if let directory = value("WAINSIGHT_MINILM_DIR") { embedding.miniLMDirectory = directory }
        if let directory = value("WAINSIGHT_MODELS_DIR") { modelsDirectory = directory }
        embedding.remoteURL = value("WAINSIGHT_EMBEDDINGS_URL")
        if let model = value("WAINSIGHT_EMBEDDINGS_MODEL") { embedding.remoteModel = model }
        embedding.remoteAPIKey = value("WAINSIGHT_EMBEDDINGS_API_KEY")
        if embedding.mode == .remote, embedding.remoteURL == nil {
            throw ConfigurationError(
                key: "WAINSIGHT_EMBEDDINGS_URL",
                message: "is required when WAINSIGHT_EMBEDDER=remote"
            )
        }
        if let seconds = try integer("WAINSIGHT_MEDIA_URL_TTL_SECONDS", in: 10...604_800) {
            outbound.mediaURLLifetime = .seconds(seconds)
        }
        if let url = value("WAINSIGHT_LLM_URL") {
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw ConfigurationError(key: "WAINSIGHT_LLM_URL", message: "must be an http(s) URL, got '\(url)'")
            }
            let model = value("WAINSIGHT_LLM_MODEL") ?? "gpt-4o-mini"
            let preset = ChatEndpointPreset.all.first { $0.endpoint.model == model }
            assist.defaultEndpoint = ChatEndpoint(
                baseURL: url,
                model: model,
                apiKey: value("WAINSIGHT_LLM_API_KEY"),
                inputCostPerMillion: preset?.endpoint.inputCostPerMillion ?? 0,
                outputCostPerMillion: preset?.endpoint.outputCostPerMillion ?? 0
            )
        }
        if let tokens = try integer("WAINSIGHT_LLM_DAILY_TOKENS", in: 0...1_000_000_000) {
            assist.dailyTokenBudget = tokens
        }
        if let ms = try integer("WAINSIGHT_LLM_TIMEOUT_MS", in: 100...600_000) { assist.timeout = .milliseconds(ms) }
        if let ms = try integer("WAINSIGHT_SUMMARY_DEBOUNCE_MS", in: 0...3_600_000) {
            assist.summaryDebounce = .milliseconds(ms)
        }
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
