import ArgumentParser
import Core
import Foundation
import Ingest
import Logging
import Outbound
import Pipeline
import PostgresNIO
import Store

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Bring the database schema up to date.")
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let configuration = try options.configuration()
        let logger = options.logger()
        let applied = try await Database.withClient(url: configuration.databaseURL, logger: logger) { client in
            try await Migrator(client: client).migrate(logger: logger)
        }
        print(
            applied.isEmpty
                ? "schema is current" : "applied migrations \(applied.map(String.init).joined(separator: ", "))"
        )
    }
}

struct Organization: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org",
        abstract: "Manage organizations.",
        subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an organization; prints its id and an API key once."
        )
        @OptionGroup var options: GlobalOptions
        @Option(help: "The organization's name.") var name: String
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            let (id, key) = try await options.withDatabase { client, _, logger in
                try await OrganizationRepository(client: client, logger: logger).createOrganization(name: name)
            }
            if json {
                print(#"{"organization_id":"\#(id)","api_key":"\#(key)"}"#)
            } else {
                print("organization_id: \(id)\napi_key: \(key)\n(the API key is shown only now; store it safely)")
            }
        }
    }
}

struct Account: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage connected WhatsApp business numbers.",
        subcommands: [Add.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Connect a business phone number to an organization (token sealed with the master key)."
        )
        @OptionGroup var options: GlobalOptions
        @Option(help: "Organization id.") var org: String
        @Option(name: .customLong("phone-number-id"), help: "Meta's phone_number_id.") var phoneNumberID: String
        @Option(name: .customLong("waba-id"), help: "WhatsApp Business Account id.") var wabaID: String
        @Option(name: .customLong("access-token"), help: "Access token; or set WAINSIGHT_ACCESS_TOKEN.")
        var accessToken: String?
        @Option(name: .customLong("display-phone-number"), help: "The number as people see it.")
        var displayPhoneNumber: String?
        @Option(help: "Who carries its messages: meta (Graph API) or 360dialog (the token is the D360-API-KEY).")
        var provider: String = "meta"
        @Option(
            name: .customLong("messages-per-second"),
            help: "Its own throughput cap (default: WAINSIGHT_MESSAGES_PER_SECOND)."
        )
        var messagesPerSecond: Double?

        func run() async throws {
            guard let organization = OrganizationID(org) else { throw ValidationError("--org must be a UUID") }
            guard provider == "meta" || provider == "360dialog" else {
                throw ValidationError("--provider must be meta or 360dialog")
            }
            if let rate = messagesPerSecond, !(rate > 0 && rate <= 1000) {
                throw ValidationError("--messages-per-second must be in (0, 1000]")
            }
            guard let token = accessToken ?? ProcessInfo.processInfo.environment["WAINSIGHT_ACCESS_TOKEN"],
                !token.isEmpty
            else { throw ValidationError("give --access-token or set WAINSIGHT_ACCESS_TOKEN") }
            let box = try SecretBox(masterKeys: try options.configuration().masterKeys)
            let (account, requeued) = try await options.withDatabase { client, _, logger in
                let accounts = AccountRepository(client: client, secretBox: box, logger: logger)
                let added = try await accounts.add(
                    organization: organization,
                    phoneNumberID: phoneNumberID,
                    wabaID: wabaID,
                    accessToken: token,
                    displayPhoneNumber: displayPhoneNumber,
                    provider: provider
                )
                if let messagesPerSecond {
                    try await accounts.setMessagesPerSecond(accountID: added.account.id, messagesPerSecond)
                }
                return added
            }
            print("account_id: \(account.id.uuidString.lowercased())")
            if requeued > 0 { print("queued again: \(requeued) earlier webhook(s) that had no connected account") }
        }
    }
}

struct Ingest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Store webhook bodies from files, as if Meta had POSTed them, then process them.",
        discussion:
            "Each file holds one webhook body. The bodies take the same path as HTTP webhooks: sealed, stored, queued."
    )
    @OptionGroup var options: GlobalOptions
    @Argument(help: "Files holding webhook bodies.") var files: [String]
    @Flag(help: "Only store and queue; leave processing to a running worker.") var noProcess = false

    func run() async throws {
        let box = try SecretBox(masterKeys: try options.configuration().masterKeys)
        let events = try files.map { path -> SealedWebhook in
            guard let body = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read \(path)")
            }
            return try SealedWebhook(body: body, secretBox: box)
        }
        let (stored, processed) = try await options.withDatabase { client, configuration, logger in
            let stored = try await WebhookEventStore(client: client, logger: logger).insert(events)
            guard !noProcess else { return (stored, 0) }
            return (stored, try await drainWithConfiguredStages(client, box, configuration, logger))
        }
        print("stored \(stored) new of \(events.count) webhook(s); ran \(processed) job(s)")
    }
}

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show stored webhooks by state and jobs by kind and state."
    )
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let (events, jobs) = try await options.withDatabase { client, _, logger in
            (
                try await WebhookEventStore(client: client, logger: logger).countByState(),
                try await JobQueue(client: client, logger: logger).counts()
            )
        }
        print("webhook events:")
        for state in WebhookEventState.allCases { print("  \(state.rawValue): \(events[state] ?? 0)") }
        print("jobs:")
        for (kind, states) in jobs.sorted(by: { $0.key < $1.key }) {
            print(
                "  \(kind): " + states.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            )
        }
    }
}

struct Reprocess: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Queue every stored webhook for ingest again (ingest is idempotent), then process them."
    )
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let box = try SecretBox(masterKeys: try options.configuration().masterKeys)
        let (queued, ran) = try await options.withDatabase { client, configuration, logger in
            let queued = try await WebhookEventStore(client: client, logger: logger).requeueAll()
            return (queued, try await drainWithConfiguredStages(client, box, configuration, logger))
        }
        print("queued \(queued) webhook(s) again; ran \(ran) job(s)")
    }
}

/// Runs every queued job to the end with the stages the configuration asks for (as the server
/// would), so messages stored from the command line get their insights too.
func drainWithConfiguredStages(
    _ client: PostgresClient,
    _ box: SecretBox,
    _ configuration: WainsightConfiguration,
    _ logger: Logger
) async throws -> Int {
    return try await HTTPClientService.withClient(maxConnectionsPerHost: 2) { http in
        let configured = try ConfiguredStages.make(
            configuration,
            httpClient: http,
            catalogs: StoredCatalogs(store: CatalogRepository(client: client, logger: logger)),
            logger: logger
        )
        let worker = IngestWorker.make(
            client: client,
            secretBox: box,
            stages: configured.stages,
            threadStages: configured.threadStages,
            summaries: SummaryRefresher(debounce: .zero, logger: logger),
            options: configuration.worker,
            logger: logger
        )
        let ran = try await worker.drain()
        return ran
    }
}
