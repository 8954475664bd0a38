import AsyncHTTPClient
import Core
import Detect
import Embed
import Hummingbird
import Ingest
import Logging
import Outbound
import Pipeline
import PostgresNIO
import ServiceLifecycle
import Store
import WhatsAppCloud

/// Builds the wainsight application: HTTP server, webhook writer, Postgres pool and the
/// background worker, as one service group. `wainsight serve` runs it; tests build the same.
/// Run what this returns: its HTTP client to providers closes when the group stops, and dropping
/// it unrun leaves the client open (a debug build stops on that).
///
/// - Parameters:
///   - configuration: All settings.
///   - stages: Pipeline stages to run before the configured ones (detect and embed; see
///     ``ConfiguredStages``).
///   - runWorker: Whether this process also runs the background workers (ingest, outbox
///     senders, media fetcher). Default true.
///   - shutdown: The process's shutdown, shared by its workers (see ``runUntilStopped(_:shutdown:deadline:logger:)``).
///     Default: one with the configured grace.
///   - logger: The application logger.
/// - Throws: ``StoreError`` when the master key is missing or the database URL is malformed;
///   migrations run first, so their errors surface here too.
public func buildApplication(
    configuration: WainsightConfiguration,
    stages: [any PipelineStage] = [],
    runWorker: Bool = true,
    shutdown: ShutdownGrace? = nil,
    logger: Logger
) async throws -> some ApplicationProtocol {
    let shutdown = shutdown ?? ShutdownGrace(grace: configuration.shutdownGrace)
    let secretBox = try SecretBox(masterKeys: configuration.masterKeys)
    _ = try await Database.withClient(url: configuration.databaseURL, logger: logger) { client in
        try await Migrator(client: client).migrate(logger: logger)
    }
    let client = PostgresClient(
        configuration: try DatabaseURL.configuration(
            configuration.databaseURL,
            maxConnections: configuration.databaseConnections
        ),
        backgroundLogger: logger
    )
    let writer = WebhookEventWriter(store: WebhookEventStore(client: client, logger: logger))
    let http = HTTPClientService(maxConnectionsPerHost: max(8, configuration.outbound.concurrency))
    let catalogs = StoredCatalogs(store: CatalogRepository(client: client, logger: logger))
    let configured: ConfiguredStages
    do {
        configured = try ConfiguredStages.make(
            configuration,
            httpClient: http.client,
            catalogs: catalogs,
            logger: logger
        )
    } catch {
        // Nothing will run the client's service to close it, and an open client must not be dropped.
        try? await http.shutdown()
        throw error
    }
    let embedder = configured.embedder
    let detector = configured.detector
    let stages = stages + configured.stages
    let outbound = OutboundParts(
        configuration: configuration,
        client: client,
        httpClient: http.client,
        secretBox: secretBox,
        shutdown: shutdown,
        logger: logger
    )
    // Started in this order, stopped in reverse: the HTTP client outlives the senders.
    var services: [any Service] = [client, http, writer]
    if runWorker {
        services.append(
            IngestWorker.make(
                client: client,
                secretBox: secretBox,
                stages: stages,
                threadStages: configured.threadStages,
                summaries: SummaryRefresher(
                    summarizer: LLMThreadSummarizer(
                        models: AssistModels(
                            store: AssistRepository(client: client, secretBox: secretBox, logger: logger),
                            http: http.client,
                            options: configuration.assist
                        )
                    ),
                    debounce: configuration.assist.summaryDebounce,
                    logger: logger
                ),
                options: configuration.worker,
                shutdown: shutdown,
                logger: logger
            )
        )
        if configuration.outbound.concurrency > 0 { services.append(outbound.sender) }
        services.append(outbound.mediaFetcher)
    }
    let router = buildRouter(
        configuration: configuration,
        client: client,
        secretBox: secretBox,
        writer: writer,
        outbound: outbound,
        embedder: embedder,
        detector: detector,
        catalogs: catalogs,
        logger: logger
    )
    return Application(
        router: router,
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "wainsight"
        ),
        services: services,
        onServerRunning: { channel in
            // The bound address, not the configured one: port 0 lets the system pick a free port.
            let port = channel.localAddress?.port ?? configuration.port
            logger.info("listening", metadata: ["http.url": "http://\(configuration.host):\(port)"])
        },
        logger: logger
    )
}

/// The routes: webhooks (signed by Meta), health, and the organization-scoped API.
public func buildRouter(
    configuration: WainsightConfiguration,
    client: PostgresClient,
    secretBox: SecretBox,
    writer: WebhookEventWriter,
    outbound: OutboundParts,
    embedder: ConfiguredEmbedder?,
    detector: Detector?,
    catalogs: StoredCatalogs? = nil,
    logger: Logger
) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: JSONErrorMiddleware())
    router.get("/health") { _, _ in
        try await Database.ping(client, logger: logger)
        return ["status": "ok"]
    }
    router.get(RouterPath(OpenAPIDocument.path)) { _, _ in
        Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.data))
        )
    }
    WebhookController(
        handshake: VerificationHandshake(verifyToken: configuration.verifyToken),
        verifier: WebhookSignatureVerifier(appSecrets: configuration.appSecrets),
        secretBox: secretBox,
        writer: writer,
        maxBodyBytes: configuration.maxWebhookBytes
    ).addRoutes(to: router.group("/webhooks/whatsapp"))

    let api = router.group("/api").add(
        middleware: APIKeyMiddleware(keys: OrganizationRepository(client: client, logger: logger))
    )
    ConversationController(repository: ConversationRepository(client: client, logger: logger)).addRoutes(to: api)
    let draftStore = DraftStore(client: client, logger: logger)
    OutboundController(service: outbound.service, media: outbound.media, drafts: draftStore, logger: logger)
        .addRoutes(to: api, public: router)
    SearchController(search: SearchRepository(client: client, logger: logger), embedder: embedder, logger: logger)
        .addRoutes(to: api)
    InsightsController(detector: detector, embedder: embedder, logger: logger).addRoutes(to: api)
    let catalogs = catalogs ?? StoredCatalogs(store: CatalogRepository(client: client, logger: logger))
    CatalogController(repository: CatalogRepository(client: client, logger: logger), catalogs: catalogs)
        .addRoutes(to: api)
    ExtractController(organizations: OrganizationRepository(client: client, logger: logger), catalogs: catalogs)
        .addRoutes(to: api)
    let assist = AssistModels(
        store: AssistRepository(client: client, secretBox: secretBox, logger: logger),
        http: outbound.directory.httpClient,
        options: configuration.assist
    )
    AssistController(models: assist).addRoutes(to: api)
    SummaryController(repository: SummaryStore(client: client, logger: logger)).addRoutes(to: api)
    let knowledge = KnowledgeRepository(client: client, logger: logger)
    KnowledgeController(repository: knowledge, embedder: embedder).addRoutes(to: api)
    DraftController(
        service: DraftService(
            client: client,
            catalogs: catalogs,
            knowledge: knowledge,
            templates: TemplateRepository(client: client, logger: logger),
            embedder: embedder,
            logger: logger
        ),
        store: draftStore
    ).addRoutes(to: api)
    return router
}
