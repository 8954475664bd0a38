import Core
import Foundation
import Ingest
import PostgresNIO
import Store
import Synchronization
import Testing
import WainsightTesting
import WhatsAppCloud

/// Ingest against the real Postgres that scripts/test starts.
@Suite struct IngestTests {
    @Test func everyCorpusPayloadLandsInRows() async throws {
        try await TestDatabase.with { _, client in
            let harness = try IngestHarness(client: client)
            let org = try await harness.organization().id
            try await harness.connectCorpus(org)
            let payloads = try Corpus.all()
            try await harness.store(payloads.map(\.body))
            try await harness.drain()

            let distinctBodies = Set(payloads.map(\.body)).count
            #expect(try await harness.count("SELECT count(*) FROM webhook_events") == distinctBodies)
            #expect(try await harness.count("SELECT count(*) FROM webhook_events WHERE state <> 'processed'") == 0)
            #expect(
                try await harness.count("SELECT count(*) FROM jobs WHERE state <> 'done' AND kind <> 'download_media'")
                    == 0
            )
            // Every inbound media object has exactly one download job (the media fetcher runs them).
            #expect(
                try await harness.count("SELECT count(*) FROM jobs WHERE kind = 'download_media'")
                    == harness.count("SELECT count(*) FROM media_blobs")
            )

            // Every message and every status of every payload is a row.
            var wamids = Set<String>()
            var statuses = Set<String>()
            var otherFields = Set<String>()
            for payload in payloads {
                for change in try WebhookParser.parse(payload.body).changes {
                    wamids.formUnion(change.messages.map(\.id))
                    statuses.formUnion(change.statuses.map { "\($0.messageID)|\($0.status.rawValue)" })
                    if change.field != "messages" && !WebhookParser.echoFields.contains(change.field) {
                        otherFields.insert(change.field)
                    }
                }
            }
            let storedMessages = Set(try await harness.rows("SELECT provider_msg_id FROM whatsapp_messages"))
            #expect(storedMessages == wamids)
            let storedStatuses = Set(
                try await harness.rows("SELECT provider_msg_id || '|' || status FROM whatsapp_message_statuses")
            )
            #expect(storedStatuses == statuses)
            let storedFields = Set(try await harness.rows("SELECT DISTINCT field FROM whatsapp_account_events"))
            #expect(otherFields.isSubset(of: storedFields), "missing: \(otherFields.subtracting(storedFields))")

            // Statuses keep pricing and conversation details; user_preferences reach the consent trail.
            #expect(
                try await harness.count("SELECT count(*) FROM whatsapp_message_statuses WHERE pricing_model = 'PMP'")
                    >= 1
            )
            #expect(
                try await harness.count(
                    "SELECT count(*) FROM whatsapp_message_statuses WHERE conversation_origin IS NOT NULL"
                ) >= 1
            )
            #expect(
                try await harness.count("SELECT count(*) FROM consent_events WHERE source = 'user_preferences'") >= 1
            )
        }
    }

    /// The corpus reuses placeholder wamids ("wamid.ID" in 33 files), so in one database only
    /// one payload per wamid can win. Here each payload is ingested alone and its own content
    /// is checked, field by field.
    @Test func eachCorpusPayloadsContentIsStoredFaithfully() async throws {
        try await TestDatabase.with { _, client in
            let harness = try IngestHarness(client: client)
            try await harness.connectCorpus(try await harness.organization().id)
            var typesSeen = Set<String>()
            for payload in try Corpus.all() {
                try await harness.resetConversations()
                try await harness.store([payload.body])
                try await harness.drain()
                #expect(try await harness.rows("SELECT state FROM webhook_events") == ["processed"], "\(payload.name)")
                let changes = try WebhookParser.parse(payload.body).changes
                for change in changes {
                    for message in change.messages {
                        // A batch may carry one wamid twice; one of them is stored (the same one in any order).
                        let candidates = changes.flatMap(\.messages).filter { $0.id == message.id }
                        let row = try await harness.rows(
                            """
                            SELECT type, coalesce(original_text, '∅'), coalesce(media_id, '∅'), direction,
                                payload = '\(String(decoding: message.raw.canonicalData(), as: UTF8.self).replacingOccurrences(of: "'", with: "''"))'::jsonb
                            FROM whatsapp_messages WHERE provider_msg_id = '\(message.id)'
                            """
                        )
                        let expected = [
                            message.type, message.text ?? "∅", message.mediaID ?? "∅", message.direction.rawValue,
                            "true",
                        ]
                        if candidates.count == 1 {
                            #expect(row == [expected.joined(separator: "|")], "\(payload.name) \(message.id)")
                        } else {
                            #expect(row.count == 1, "\(payload.name) \(message.id)")
                        }
                        typesSeen.insert(message.type)
                        if let mediaID = message.mediaID {
                            #expect(
                                try await harness.count(
                                    "SELECT count(*) FROM media_blobs WHERE provider_media_id = '\(mediaID)'"
                                ) == 1
                            )
                        }
                        if !message.errors.isEmpty {
                            #expect(
                                try await harness.count(
                                    "SELECT count(*) FROM whatsapp_messages WHERE payload ? 'errors'"
                                ) >= 1
                            )
                        }
                    }
                    for status in change.statuses {
                        let row = try await harness.rows(
                            """
                            SELECT status, coalesce(error_code::text, '∅'), coalesce(pricing_category, '∅')
                            FROM whatsapp_message_statuses WHERE provider_msg_id = '\(status.messageID)' AND status = '\(status.status.rawValue)'
                            """
                        )
                        let code = status.errors.first?["code"]?.intValue.map(String.init) ?? "∅"
                        #expect(
                            row == ["\(status.status.rawValue)|\(code)|\(status.pricingCategory ?? "∅")"],
                            "\(payload.name)"
                        )
                    }
                    if change.field != "messages" && !WebhookParser.echoFields.contains(change.field) {
                        #expect(
                            try await harness.count(
                                "SELECT count(*) FROM whatsapp_account_events WHERE field = '\(change.field)'"
                            ) >= 1,
                            "\(payload.name) \(change.field)"
                        )
                    }
                }
            }
            #expect(
                typesSeen.isSuperset(of: [
                    "text", "image", "interactive", "button", "reaction", "order", "system", "unsupported", "unknown",
                    "location", "contacts", "edit", "revoke",
                ])
            )
        }
    }

    @Test func replayingTheCorpusInAnyOrderGivesTheSameDatabase() async throws {
        let payloads = try Corpus.all()
        let once = try await TestDatabase.with { _, client in
            let harness = try IngestHarness(client: client)
            try await harness.connectCorpus(try await harness.organization().id)
            try await harness.store(payloads.map(\.body))
            try await harness.drain()
            return try await harness.snapshot()
        }
        let thrice = try await TestDatabase.with { _, client in
            let harness = try IngestHarness(client: client)
            try await harness.connectCorpus(try await harness.organization().id)
            for _ in 0..<3 {
                try await harness.store(payloads.shuffled().map(\.body))
                try await harness.drain()
            }
            // Re-deliveries collapse on the body hash, so also re-run ingest itself, shuffled.
            try await harness.reprocessShuffled()
            try await harness.reprocessShuffled()
            return try await harness.snapshot()
        }
        #expect(once["messages"]?.count ?? 0 > 10)
        for table in once.keys.sorted() {
            #expect(once[table] == thrice[table], "\(table) differs")
        }
    }

    static let phone = "100200300"

    /// A test database with one organization that has connected ``phone``.
    static func withConnectedNumber(
        stages: [any PipelineStage] = [],
        _ body: @Sendable (IngestHarness) async throws -> Void
    ) async throws {
        try await TestDatabase.with { _, client in
            let harness = try IngestHarness(client: client, stages: stages)
            try await harness.connect(
                try await harness.organization().id,
                phoneNumberID: phone,
                wabaID: Payloads.wabaID
            )
            try await body(harness)
        }
    }

    @Test(arguments: [
        ["sent", "delivered", "read"], ["read", "delivered", "sent"], ["delivered", "read", "sent"],
        ["read", "sent", "delivered"],
    ])
    func statusesOnlyMoveForward(order: [String]) async throws {
        try await Self.withConnectedNumber { harness in
            let times = ["sent": 1_700_000_010, "delivered": 1_700_000_020, "read": 1_700_000_030]
            // Statuses may arrive before the message row exists: they wait for it.
            try await harness.store([
                Payloads.status(
                    of: "wamid.OUT1",
                    order[0],
                    phoneNumberID: Self.phone,
                    recipient: "5511",
                    at: times[order[0]]!
                )
            ])
            try await harness.drain()
            try await harness.store([
                Payloads.echo(from: Self.phone, to: "5511", id: "wamid.OUT1", at: 1_700_000_000, body: "Hola")
            ])
            for status in order.dropFirst() {
                try await harness.store([
                    Payloads.status(
                        of: "wamid.OUT1",
                        status,
                        phoneNumberID: Self.phone,
                        recipient: "5511",
                        at: times[status]!
                    )
                ])
                try await harness.drain()
            }
            let row = try await harness.rows(
                """
                SELECT status, extract(epoch FROM delivered_at)::bigint, extract(epoch FROM read_at)::bigint, direction
                FROM whatsapp_messages WHERE provider_msg_id = 'wamid.OUT1'
                """
            )
            #expect(row == ["read|1700000020|1700000030|outbound"])
            #expect(try await harness.count("SELECT count(*) FROM whatsapp_message_statuses") == 3)
        }
    }

    @Test func failedIsTerminalAndKeepsItsError() async throws {
        try await Self.withConnectedNumber { harness in
            try await harness.store([
                Payloads.echo(from: Self.phone, to: "5511", id: "wamid.F", at: 1_700_000_000, body: "Oferta"),
                Payloads.status(
                    of: "wamid.F",
                    "failed",
                    phoneNumberID: Self.phone,
                    recipient: "5511",
                    at: 1_700_000_005,
                    errorCode: 131047
                ),
                Payloads.status(of: "wamid.F", "sent", phoneNumberID: Self.phone, recipient: "5511", at: 1_700_000_001),
            ])
            try await harness.drain()
            let row = try await harness.rows(
                "SELECT status, error_code, error_detail IS NOT NULL FROM whatsapp_messages WHERE provider_msg_id = 'wamid.F'"
            )
            #expect(row == ["failed|131047|true"])
        }
    }

    @Test(arguments: [false, true])
    func reactionsEditsAndRevokesAttachToTheirMessage(amendmentsFirst: Bool) async throws {
        try await Self.withConnectedNumber { harness in
            let original = Payloads.text(
                to: Self.phone,
                from: "5511",
                id: "wamid.M1",
                at: 1_700_000_000,
                body: "Quanto custa?"
            )
            let amendments = [
                Payloads.reaction(
                    to: Self.phone,
                    from: "5511",
                    id: "wamid.R1",
                    at: 1_700_000_010,
                    target: "wamid.M1",
                    emoji: "👍"
                ),
                Payloads.edit(
                    to: Self.phone,
                    from: "5511",
                    id: "wamid.E1",
                    at: 1_700_000_020,
                    target: "wamid.M1",
                    body: "Quanto custa o plano anual?"
                ),
                Payloads.reaction(
                    to: Self.phone,
                    from: "5511",
                    id: "wamid.R2",
                    at: 1_700_000_030,
                    target: "wamid.M1",
                    emoji: "❤️"
                ),
            ]
            try await harness.store(amendmentsFirst ? amendments.reversed() + [original] : [original] + amendments)
            try await harness.drain()
            var row = try await harness.rows(
                "SELECT text, original_text, reaction, edited_at IS NOT NULL, revoked_at IS NULL FROM whatsapp_messages WHERE provider_msg_id = 'wamid.M1'"
            )
            #expect(row == ["Quanto custa o plano anual?|Quanto custa?|❤️|true|true"])

            // Removing the reaction (no emoji) and revoking the message.
            try await harness.store([
                Payloads.reaction(
                    to: Self.phone,
                    from: "5511",
                    id: "wamid.R3",
                    at: 1_700_000_040,
                    target: "wamid.M1",
                    emoji: nil
                ),
                Payloads.revoke(to: Self.phone, from: "5511", id: "wamid.V1", at: 1_700_000_050, target: "wamid.M1"),
            ])
            try await harness.drain()
            row = try await harness.rows(
                "SELECT coalesce(reaction, '∅'), revoked_at IS NOT NULL FROM whatsapp_messages WHERE provider_msg_id = 'wamid.M1'"
            )
            #expect(row == ["∅|true"])
        }
    }

    @Test func messagesFindTheirContactAndThreadAndKeepTheWindowCurrent() async throws {
        try await Self.withConnectedNumber { harness in
            // Newest first: the thread's marks must still end at the latest message.
            try await harness.store([
                Payloads.text(
                    to: Self.phone,
                    from: "5511",
                    name: "Ana Souza",
                    id: "wamid.2",
                    at: 1_700_086_400,
                    body: "E o desconto?"
                ),
                Payloads.text(to: Self.phone, from: "5511", name: "Ana", id: "wamid.1", at: 1_700_000_000, body: "Oi"),
                Payloads.echo(from: Self.phone, to: "5511", id: "wamid.3", at: 1_700_090_000, body: "Temos sim"),
                Payloads.textFromUsername(
                    to: Self.phone,
                    userID: "BR.123",
                    id: "wamid.4",
                    at: 1_700_000_500,
                    body: "hello"
                ),
            ])
            try await harness.drain()
            #expect(try await harness.count("SELECT count(*) FROM whatsapp_contacts") == 2)
            #expect(try await harness.count("SELECT count(*) FROM whatsapp_threads") == 2)
            let thread = try await harness.rows(
                """
                SELECT c.profile_name, extract(epoch FROM t.last_msg_at)::bigint, extract(epoch FROM t.last_inbound_at)::bigint,
                    extract(epoch FROM t.care_window_expires_at)::bigint, (SELECT count(*) FROM whatsapp_messages m WHERE m.thread_id = t.id)
                FROM whatsapp_threads t JOIN whatsapp_contacts c ON c.id = t.contact_id WHERE c.wa_id = '5511'
                """
            )
            // The later message's profile name wins; the window runs 24 h from the last inbound message.
            #expect(thread == ["Ana Souza|1700090000|1700086400|1700172800|3"])
            let username = try await harness.rows(
                "SELECT wa_id IS NULL, user_id, profile_name FROM whatsapp_contacts WHERE user_id = 'BR.123'"
            )
            #expect(username == ["true|BR.123|Nick"])
        }
    }

    @Test func eventsForAnUnknownNumberAreKeptAndIngestedOnceItIsConnected() async throws {
        try await TestDatabase.with { _, client in
            let harness = try IngestHarness(client: client)
            let org = try await harness.organization().id
            try await harness.store([
                Payloads.text(to: "999888777", from: "4477", id: "wamid.U1", at: 1_700_000_000, body: "Hello?")
            ])
            try await harness.drain()
            #expect(
                try await harness.rows("SELECT state, note FROM webhook_events") == [
                    "unrouted|no connected account for phone_number_id 999888777"
                ]
            )
            #expect(try await harness.count("SELECT count(*) FROM whatsapp_messages") == 0)

            let requeued = try await harness.connect(org, phoneNumberID: "999888777", wabaID: "waba-2")
            #expect(requeued == 1)
            try await harness.drain()
            #expect(try await harness.rows("SELECT state FROM webhook_events") == ["processed"])
            #expect(try await harness.rows("SELECT text FROM whatsapp_messages") == ["Hello?"])
        }
    }

    @Test(arguments: [false, true])
    func stopAndStartKeywordsChangeConsentWithAnAuditTrail(reversed: Bool) async throws {
        try await Self.withConnectedNumber { harness in
            let bodies = [
                Payloads.text(to: Self.phone, from: "3491", id: "wamid.S1", at: 1_700_000_000, body: "BAJA"),
                Payloads.text(
                    to: Self.phone,
                    from: "3491",
                    id: "wamid.S2",
                    at: 1_700_000_100,
                    body: "no me escriban más por favor"
                ),
                Payloads.text(to: Self.phone, from: "3491", id: "wamid.S3", at: 1_700_000_200, body: "Alta"),
                Payloads.text(to: Self.phone, from: "3491", id: "wamid.S4", at: 1_700_000_300, body: "STOP"),
            ]
            try await harness.store(reversed ? bodies.reversed() : bodies)
            try await harness.drain()
            #expect(try await harness.rows("SELECT opt_in_status FROM whatsapp_contacts") == ["opted_out"])
            let trail = try await harness.rows(
                "SELECT status, source, source_ref, detail FROM consent_events ORDER BY occurred_at"
            )
            #expect(
                trail == [
                    "opted_out|inbound_keyword|wamid.S1|baja", "opted_in|inbound_keyword|wamid.S3|alta",
                    "opted_out|inbound_keyword|wamid.S4|stop",
                ]
            )
        }
    }

    @Test func aFailingStageIsRetriedWithBackoffAndBlocksNoOtherMessage() async throws {
        let flaky = FlakyStage(failures: 2)
        try await Self.withConnectedNumber(stages: [flaky, LengthStage()]) { harness in
            try await harness.store([
                Payloads.text(to: Self.phone, from: "1", id: "wamid.A", at: 1_700_000_000, body: "flaky one"),
                Payloads.text(to: Self.phone, from: "2", id: "wamid.B", at: 1_700_000_001, body: "steady"),
            ])
            try await harness.drain()
            // B went through both stages; A failed at the first and waits for its backoff.
            #expect(
                try await harness.rows(
                    "SELECT provider_msg_id, ai_intent, ai_extra->>'length' FROM whatsapp_messages ORDER BY 1"
                ) == [
                    "wamid.A|∅|∅", "wamid.B|steady|6",
                ]
            )
            #expect(
                try await harness.rows(
                    "SELECT state, attempts, last_error IS NOT NULL FROM message_stage_runs m JOIN whatsapp_messages w ON w.id = m.message_id WHERE w.provider_msg_id = 'wamid.A'"
                ) == ["failed|1|true"]
            )
            let runAt = try await harness.count(
                "SELECT extract(epoch FROM run_at - now())::int FROM jobs WHERE kind = 'run_stages' AND state = 'queued'"
            )
            #expect(runAt >= 1)

            for _ in 0..<2 {
                try await harness.client.query(
                    "UPDATE jobs SET run_at = now() WHERE state = 'queued'",
                    logger: harness.logger
                )
                try await harness.drain()
            }
            #expect(
                try await harness.rows(
                    "SELECT ai_intent, ai_extra->>'length' FROM whatsapp_messages WHERE provider_msg_id = 'wamid.A'"
                ) == ["flaky one|9"]
            )
            #expect(
                try await harness.rows(
                    "SELECT stage, state, attempts FROM message_stage_runs m JOIN whatsapp_messages w ON w.id = m.message_id WHERE w.provider_msg_id = 'wamid.A' ORDER BY 1"
                ) == [
                    "flaky|done|3", "length|done|1",
                ]
            )
            #expect(
                try await harness.count("SELECT count(*) FROM jobs WHERE state <> 'done' AND kind <> 'download_media'")
                    == 0
            )

        }
    }
}

/// A stage that fails its first `failures` runs on messages containing "flaky", then copies
/// the text into the intent (so the test can see it ran).
final class FlakyStage: PipelineStage {
    let name = "flaky"
    private let remaining: Mutex<Int>

    init(failures: Int) { self.remaining = Mutex(failures) }

    func process(_ message: StageMessage, insights: inout MessageInsights) async throws {
        if message.text?.contains("flaky") == true {
            let fail = remaining.withLock { remaining in
                defer { remaining -= 1 }
                return remaining > 0
            }
            if fail { throw IngestError(.stageFailed, "flaky stage failed on purpose") }
        }
        insights.intent = message.text
    }
}

/// A stage that records the text length, reading what the stage before it wrote.
struct LengthStage: PipelineStage {
    let name = "length"

    func process(_ message: StageMessage, insights: inout MessageInsights) async throws {
        guard insights.intent != nil else { throw IngestError(.stageFailed, "ran before the flaky stage") }
        insights.extra["length"] = .number(Double(message.text?.count ?? 0))
    }
}

@Suite struct DemoDataTests {
    /// The demo set scripts/run serves holds every kind of event and ingests without a loss.
    @Test func demoConversationsIngestCompletely() async throws {
        try await TestDatabase.with { _, client in
            let harness = try IngestHarness(client: client)
            let org = try await harness.organization().id
            try await harness.connect(org, phoneNumberID: DemoData.phoneNumberID, wabaID: DemoData.wabaID)
            let payloads = try DemoData.all()
            #expect(payloads.count >= 25)
            try await harness.store(payloads.map(\.body))
            try await harness.drain()
            #expect(try await harness.count("SELECT count(*) FROM webhook_events WHERE state <> 'processed'") == 0)
            #expect(try await harness.count("SELECT count(DISTINCT type) FROM whatsapp_messages") >= 15)
            #expect(
                try await harness.rows("SELECT wa_id FROM whatsapp_contacts WHERE opt_in_status = 'opted_out'") == [
                    "33612345678"
                ]
            )
            #expect(
                try await harness.rows("SELECT wa_id FROM whatsapp_contacts WHERE marketing_opted_out") == [
                    "4915112345678"
                ]
            )
            // The rep's reply to Ana: read, with the late 'delivered' kept, and Ana's 👍 on it.
            #expect(
                try await harness.rows(
                    """
                    SELECT status, delivered_at IS NOT NULL, reaction FROM whatsapp_messages
                    WHERE direction = 'outbound' AND text LIKE 'Olá Ana%'
                    """
                ) == ["read|true|👍"]
            )
            #expect(
                try await harness.rows("SELECT status, error_code FROM whatsapp_messages WHERE text LIKE 'Hi Priya%'")
                    == ["failed|131047"]
            )
            #expect(
                try await harness.count(
                    "SELECT count(*) FROM whatsapp_messages WHERE text LIKE '%(TOTVS)?' AND edited_at IS NOT NULL"
                ) == 1
            )
            #expect(
                try await harness.count(
                    "SELECT count(*) FROM whatsapp_messages WHERE type = 'video' AND revoked_at IS NOT NULL"
                ) == 1
            )
        }
    }
}

@Suite struct JobQueueTests {
    @Test func aThrowingJobIsRolledBackAndRetriedWithItsError() async throws {
        try await TestDatabase.with { _, client in
            let harness = try IngestHarness(client: client)
            let queue = JobQueue(client: client, logger: harness.logger, maxAttempts: 2)
            try await queue.enqueue(.runStages, refUUID: UUID())
            let handler: @Sendable (PostgresConnection, Job) async throws -> JobOutcome = { connection, _ in
                try await connection.query(
                    "INSERT INTO organizations (name) VALUES ('written then undone')",
                    logger: harness.logger
                )
                throw IngestError(.eventMissing, "webhook event 42 does not exist")
            }
            #expect(try await queue.process(kinds: [.runStages], limit: 10, handler: handler) == 1)
            #expect(try await harness.count("SELECT count(*) FROM organizations") == 0)
            #expect(
                try await harness.rows("SELECT state, attempts, last_error, run_at > now() FROM jobs")
                    == ["queued|1|event_missing: webhook event 42 does not exist|true"]
            )
            // Not ready again until its backoff passes; after the last attempt it is dead.
            #expect(try await queue.process(kinds: [.runStages], limit: 10, handler: handler) == 0)
            try await client.query("UPDATE jobs SET run_at = now()", logger: harness.logger)
            #expect(try await queue.process(kinds: [.runStages], limit: 10, handler: handler) == 1)
            #expect(try await harness.rows("SELECT state, attempts FROM jobs") == ["dead|2"])
        }
    }
}
