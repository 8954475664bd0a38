import ArgumentParser
import Core
import Foundation
import Outbound
import Store

struct Outbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Inspect and re-queue dead letters of the outbox.",
        subcommands: [Dead.self, Retry.self]
    )

    struct Dead: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List messages whose retry budget is spent, newest first, with their last error."
        )
        @OptionGroup var options: GlobalOptions
        @Option(help: "Only this organization's.") var org: String?
        @Option(help: "At most this many.") var limit = 100
        @Flag(help: "Print JSON lines instead of text.") var json = false

        func run() async throws {
            let organization = try org.map { value -> OrganizationID in
                guard let id = OrganizationID(value) else { throw ValidationError("--org must be a UUID") }
                return id
            }
            let dead = try await options.withDatabase { client, _, logger in
                try await OutboxRepository(client: client, logger: logger).deadLetters(
                    organization: organization,
                    limit: limit
                )
            }
            for message in dead {
                let id = message.id.uuidString.lowercased()
                let error = message.errorMessage ?? message.lastError ?? ""
                if json {
                    let line: JSONValue = [
                        "id": .string(id), "organization_id": .string(message.organizationID.description),
                        "recipient": .string(message.recipient), "kind": .string(message.kind.rawValue),
                        "attempts": .number(Double(message.attempts)),
                        "error_code": message.errorCode.map { .number(Double($0)) } ?? .null, "error": .string(error),
                    ]
                    print(String(decoding: line.canonicalData(), as: UTF8.self))
                } else {
                    print("\(id)  \(message.kind.rawValue)  attempts=\(message.attempts)  \(error)")
                }
            }
            if !json { print("\(dead.count) dead letter(s)") }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue a dead letter again with a fresh retry budget."
        )
        @OptionGroup var options: GlobalOptions
        @Argument(help: "The outbox message id (from `wainsight outbox dead`).") var id: String

        func run() async throws {
            guard let uuid = UUID(uuidString: id) else { throw ValidationError("the id must be a UUID") }
            try await options.withDatabase { client, _, logger in
                try await OutboxRepository(client: client, logger: logger).requeueDead(id: uuid)
            }
            print("queued again: \(uuid.uuidString.lowercased())")
        }
    }
}

struct Templates: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Message templates of connected accounts.",
        subcommands: [Sync.self]
    )

    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pull every page of the templates of an organization's accounts from their provider."
        )
        @OptionGroup var options: GlobalOptions
        @Option(help: "Organization id.") var org: String
        @Option(help: "Only this account.") var account: String?

        func run() async throws {
            guard let organization = OrganizationID(org) else { throw ValidationError("--org must be a UUID") }
            let accountID = try account.map { value -> UUID in
                guard let id = UUID(uuidString: value) else { throw ValidationError("--account must be a UUID") }
                return id
            }
            let counts = try await options.withDatabase { client, configuration, logger in
                let box = try SecretBox(masterKeys: configuration.masterKeys)
                return try await HTTPClientService.withClient(maxConnectionsPerHost: 4) { http in
                    let parts = OutboundParts(
                        configuration: configuration,
                        client: client,
                        httpClient: http,
                        secretBox: box,
                        logger: logger
                    )
                    let counts = try await parts.service.syncTemplates(organization: organization, accountID: accountID)
                    return counts
                }
            }
            for (waba, count) in counts.sorted(by: { $0.key < $1.key }) { print("waba \(waba): \(count) template(s)") }
        }
    }
}
