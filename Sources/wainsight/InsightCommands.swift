import ArgumentParser
import AsyncHTTPClient
import Core
import Detect
import Embed
import Foundation
import Ingest
import Logging
import MediaText
import Normalize
import Outbound
import Pipeline
import PostgresNIO
import Store

/// `wainsight embed`: text lines on standard input, one JSON array of floats per line out.
struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed text lines from standard input; print one JSON array of floats per line.",
        discussion: "The vectors are those the pipeline stores: each line is trimmed and PII-redacted first "
            + "(--raw skips that)."
    )
    @OptionGroup var options: GlobalOptions
    @Flag(help: "Embed the text as given, without redacting identifiers.") var raw = false
    @Option(help: "Lines per batch.") var batch = 32

    func run() async throws {
        let configuration = try options.configuration()
        try await HTTPClientService.withClient(maxConnectionsPerHost: 2) { http in
            var embedding = configuration.embedding
            if embedding.mode == .automatic { embedding.mode = .minilm }
            guard
                let embedder = try ConfiguredEmbedder.make(embedding, httpClient: http, logger: options.logger())
            else { throw ValidationError("embeddings are off (WAINSIGHT_EMBEDDER=none)") }
            var lines: [String] = []
            func flush() async throws {
                let texts = raw ? lines : lines.map(PIIRedactor.embeddingInput)
                for vector in try await embedder.embedder.embed(texts) {
                    print(SearchRepository.vectorLiteral(vector))
                }
                lines.removeAll(keepingCapacity: true)
            }
            while let line = readLine(strippingNewline: true) {
                lines.append(line)
                if lines.count >= batch { try await flush() }
            }
            if !lines.isEmpty { try await flush() }
        }
    }
}

/// `wainsight search "..." --org ID`: the API's hybrid search, printed.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search an organization's messages by meaning and words (as GET /api/search)."
    )
    @OptionGroup var options: GlobalOptions
    @Argument(help: "What to look for.") var query: String
    @Option(help: "Organization id.") var org: String
    @Option(help: "Hits to show.") var limit = 10
    @Flag(help: "Print JSON lines instead of text.") var json = false

    func run() async throws {
        guard let organization = OrganizationID(org) else { throw ValidationError("--org must be a UUID") }
        let hits = try await options.withDatabase { client, configuration, logger in
            return try await HTTPClientService.withClient(maxConnectionsPerHost: 2) { http in
                let embedder = try ConfiguredEmbedder.make(
                    configuration.embedding,
                    httpClient: http,
                    logger: logger
                )
                let hits = try await ConfiguredEmbedder.search(
                    query,
                    organization: organization,
                    filter: SearchFilter(),
                    limit: limit,
                    repository: SearchRepository(client: client, logger: logger),
                    embedder: embedder
                )
                return hits
            }
        }
        let formatter = ISO8601DateFormatter()
        for hit in hits {
            if json {
                let line: JSONValue = [
                    "message_id": .string(hit.messageID.uuidString.lowercased()),
                    "thread_id": hit.threadID.map { .string($0.uuidString.lowercased()) } ?? .null,
                    "wa_id": hit.waID.map(JSONValue.string) ?? .null, "direction": .string(hit.direction),
                    "sent_at": .string(formatter.string(from: hit.sentAt)), "score": .number(hit.score),
                    "snippet": .string(hit.snippet),
                ]
                print(String(decoding: line.canonicalData(), as: UTF8.self))
            } else {
                print(
                    String(format: "%.4f", hit.score)
                        + "  \(formatter.string(from: hit.sentAt))  \(hit.profileName ?? hit.waID ?? "?")  "
                        + hit.snippet.replacingOccurrences(of: "\n", with: " ")
                )
            }
        }
    }
}

/// `wainsight backfill`: runs the pipeline stages over stored messages that have not had them.
struct Backfill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the pipeline stages over stored messages that missed them (resumable: done stages are skipped).",
        discussion: "--redo STAGE runs a stage again on every message in scope, e.g. after retraining its models. "
            + "To resume an interrupted --redo run, run again without --redo (with it, the redo starts over)."
    )
    @OptionGroup var options: GlobalOptions
    @Option(help: "Only this organization's messages.") var org: String?
    @Option(help: "Messages per batch (one transaction each).") var batch = 64
    @Option(help: "A stage to run again on messages that already had it (detect, extract, embed); repeatable.")
    var redo: [String] = []

    func run() async throws {
        let organization = try org.map { value -> OrganizationID in
            guard let id = OrganizationID(value) else { throw ValidationError("--org must be a UUID") }
            return id
        }
        try await options.withDatabase { client, configuration, logger in
            try await HTTPClientService.withClient(maxConnectionsPerHost: 2) { http in
                try await backfill(
                    client: client,
                    configuration: configuration,
                    http: http,
                    organization: organization,
                    logger: logger
                )
            }
        }
    }

    private func backfill(
        client: PostgresClient,
        configuration: WainsightConfiguration,
        http: HTTPClient,
        organization: OrganizationID?,
        logger: Logger
    ) async throws {
        // The same stages, in the same order, as the live pipeline.
        let configured = try ConfiguredStages.make(
            configuration,
            httpClient: http,
            catalogs: StoredCatalogs(store: CatalogRepository(client: client, logger: logger)),
            logger: logger
        )
        let stages = configured.stages
        if let organization, !(try await OrganizationRepository(client: client, logger: logger).exists(organization)) {
            throw ValidationError("no organization \(organization.rawValue)")
        }
        let backfill = StageBackfill(
            client: client,
            runner: StageRunner(
                stages: stages,
                threadStages: configured.threadStages,
                summaries: SummaryRefresher(debounce: .zero, logger: logger),
                logger: logger
            )
        )
        if !redo.isEmpty {
            let (again, cleared) = try await backfill.forget(redo, organization: organization)
            print("backfill: \(again.joined(separator: ", ")) to run again (\(cleared) earlier run(s) cleared)")
        }
        let total = try await backfill.pending(organization: organization)
        print("backfill: \(total) message(s) to run \(stages.map(\.name).joined(separator: ", ")) on")
        let start = ContinuousClock.now
        let processed = try await backfill.run(organization: organization, batch: batch) { processed in
            let seconds = max(0.001, (ContinuousClock.now - start).seconds)
            drawProgress("backfill", done: processed, of: total, suffix: "  \(Int(Double(processed) / seconds))/s")
        }
        FileHandle.standardError.write(Data("\n".utf8))
        print("backfill: done, \(processed) message(s)")
        // Thresholds or the scorer may have changed even where no message stage had to run.
        let threads = try await backfill.concludeThreads(organization: organization)
        print("backfill: BANT concluded and summaries refreshed on \(threads) thread(s)")
        // Files stored before their text was read: `wainsight serve`'s media fetcher reads
        // them, then their messages' stages run again.
        let unread = try await MediaRepository.queueUnreadMedia(
            mimeTypes: MediaTextReader.readableTypes.sorted(),
            organization: organization,
            client: client,
            logger: logger
        )
        print("backfill: \(unread) media file(s) queued to have their text read (wainsight serve reads them)")
    }
}
