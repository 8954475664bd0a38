import ArgumentParser
import Core
import Foundation
import Logging
import PostgresNIO
import Store

@main
struct Wainsight: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wainsight",
        abstract: "WhatsApp Business conversations in Postgres, with insights on every thread.",
        discussion: "Settings come from WAINSIGHT_* environment variables; see README.md, Configuration.",
        subcommands: [
            Serve.self, Migrate.self, Organization.self, Account.self, Ingest.self, Status.self, Reprocess.self,
            Outbox.self, Templates.self, EmbedCommand.self, SearchCommand.self, Backfill.self, TrainCommand.self,
            EvalCommand.self, DetectCommand.self, ExtractCommand.self, Rekey.self,
        ]
    )
}

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    /// The configuration from the environment; exits with the configuration error when malformed.
    func configuration() throws -> WainsightConfiguration {
        do {
            return try WainsightConfiguration(environment: ProcessInfo.processInfo.environment)
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
    }

    /// Runs `body` with a client of the configured database, brought up to date first.
    func withDatabase<Result: Sendable>(
        _ body: @Sendable (PostgresClient, WainsightConfiguration, Logger) async throws -> Result
    ) async throws -> Result {
        let configuration = try configuration()
        let logger = logger()
        return try await Database.withClient(url: configuration.databaseURL, logger: logger) { client in
            try await Migrator(client: client).migrate(logger: logger)
            return try await body(client, configuration, logger)
        }
    }

    func logger() -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        return Logger(label: "wainsight")
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
