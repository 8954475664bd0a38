import ArgumentParser
import Core
import Logging
import Server
import Store

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Migrate, then serve the API and webhooks and run the background worker."
    )
    @OptionGroup var options: GlobalOptions
    @Flag(help: "Serve HTTP only; leave the background work to other processes.")
    var noWorker = false

    func run() async throws {
        let configuration = try options.configuration()
        let logger = options.logger()
        let shutdown = ShutdownGrace(grace: configuration.shutdownGrace)
        let app = try await buildApplication(
            configuration: configuration,
            runWorker: !noWorker,
            shutdown: shutdown,
            logger: logger
        )
        logger.info("serving", metadata: ["worker": "\(!noWorker)"])
        try await runUntilStopped(app, shutdown: shutdown, logger: logger)
    }
}
