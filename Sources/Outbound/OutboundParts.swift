import AsyncHTTPClient
import Core
import Logging
import PostgresNIO
import Store

/// The sending side of one process, wired from the configuration: provider adapters, the
/// outbox service the API calls, its senders, and media.
public struct OutboundParts: Sendable {
    public let directory: ProviderDirectory
    public let service: OutboundService
    public let sender: OutboxSender
    public let media: MediaService
    public let mediaFetcher: MediaFetcher

    public init(
        configuration: WainsightConfiguration,
        client: PostgresClient,
        httpClient: HTTPClient,
        secretBox: SecretBox,
        shutdown: ShutdownGrace = ShutdownGrace(),
        logger: Logger
    ) {
        let accounts = AccountRepository(client: client, secretBox: secretBox, logger: logger)
        let outbox = OutboxRepository(client: client, logger: logger)
        directory = ProviderDirectory(accounts: accounts, httpClient: httpClient, options: configuration.outbound)
        let templates = TemplateRepository(client: client, logger: logger)
        service = OutboundService(outbox: outbox, templates: templates, directory: directory, logger: logger)
        sender = OutboxSender(
            outbox: outbox,
            templates: templates,
            directory: directory,
            options: configuration.outbound,
            shutdown: shutdown,
            logger: logger
        )
        media = MediaService(
            client: client,
            directory: directory,
            secretBox: secretBox,
            options: configuration.outbound,
            logger: logger
        )
        mediaFetcher = MediaFetcher(
            queue: JobQueue(
                client: client,
                logger: logger,
                maxAttempts: configuration.worker.maxAttempts,
                shutdown: shutdown
            ),
            media: media,
            logger: logger
        )
    }
}
