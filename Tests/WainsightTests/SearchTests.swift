import Core
import Embed
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Normalize
import PostgresNIO
import Server
import Store
import Testing
import VectorIndex
import WainsightTesting

/// The embed stage, the pgvector index and hybrid search, on the real database with MiniLM.
@Suite struct SearchTests {
    static let phone = "333"
    static let messages: [(from: String, id: String, text: String)] = [
        ("5511900000001", "wamid.S1", "Do you have a discount if we pay for the annual plan?"),
        ("5511900000002", "wamid.S2", "Is there a cheaper price when paying yearly instead of monthly?"),
        ("5511900000003", "wamid.S3", "¿Tienen algún descuento en el plan anual?"),
        ("5511900000004", "wamid.S4", "My order still hasn't arrived, where is it?"),
        ("5511900000005", "wamid.S5", "Could we schedule a product demo next Tuesday?"),
        ("5511900000006", "wamid.S6", "Thanks, have a great weekend!"),
        ("5511900000007", "wamid.S7", "please email me the invoice at maria.lopez@example.com"),
    ]

    static func ingest(_ harness: IngestHarness, organization: OrganizationID) async throws {
        try await harness.connect(organization, phoneNumberID: phone, wabaID: "waba-search")
        let now = Int(Date().timeIntervalSince1970)
        try await harness.store(
            messages.enumerated().map { index, message in
                Payloads.text(to: phone, from: message.from, id: message.id, at: now - 600 + index, body: message.text)
            }
        )
        _ = try await harness.drain()
    }

    @Test func everyTextIsEmbeddedFromItsRedactedText() async throws {
        let embedder = try MiniLMEmbedder(directory: SharedData.miniLMDirectory)
        try await TestDatabase.with { _, client in
            let harness = try IngestHarness(
                client: client,
                stages: [EmbedStage(embedder: embedder, model: "all-MiniLM-L6-v2")]
            )
            let (organization, _) = try await harness.organization()
            try await Self.ingest(harness, organization: organization)
            #expect(try await harness.count("SELECT count(*) FROM message_embeddings") == Self.messages.count)
            #expect(
                try await harness.count(
                    "SELECT count(*) FROM message_stage_runs WHERE stage = 'embed' AND state = 'done'"
                ) == Self.messages.count
            )
            // The stored vector is that of the redacted text, not of the raw one.
            let stored = try await harness.rows(
                "SELECT e.embedding::text FROM message_embeddings e JOIN whatsapp_messages m ON m.id = e.message_id WHERE m.provider_msg_id = 'wamid.S7'"
            )
            let vector = try #require(stored.first).dropFirst().dropLast().split(separator: ",").compactMap {
                Float($0)
            }
            let redacted = embedder.embedSync([PIIRedactor.redact(Self.messages[6].text)])[0]
            let raw = embedder.embedSync([Self.messages[6].text])[0]
            func cosine(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
            #expect(cosine(vector, redacted) > 0.9999)
            #expect(cosine(vector, raw) < 0.999)
            #expect(
                try await harness.rows(
                    "SELECT bool_and(organization_id = '\(organization.rawValue)') FROM message_embeddings"
                ) == ["true"]
            )
        }
    }

    @Test func hybridSearchFindsMessagesByMeaningWithinTheOrganization() async throws {
        let embedder = try MiniLMEmbedder(directory: SharedData.miniLMDirectory)
        try await TestDatabase.with { url, client in
            let harness = try IngestHarness(
                client: client,
                stages: [EmbedStage(embedder: embedder, model: "all-MiniLM-L6-v2")]
            )
            let (organization, apiKey) = try await harness.organization()
            try await Self.ingest(harness, organization: organization)
            let (other, otherKey) = try await harness.organization("Other org")
            _ = other

            let configuration = IngestHarness.apiConfiguration(
                databaseURL: url,
                embedding: .init(mode: .minilm, miniLMDirectory: SharedData.miniLMDirectory.path)
            )
            let app = try await buildApplication(configuration: configuration, runWorker: false, logger: harness.logger)
            try await app.test(.live) { http in
                func search(_ query: String, _ parameters: String = "", key: String? = nil) async throws
                    -> (HTTPResponse.Status, JSONValue)
                {
                    let escaped = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
                    let response = try await http.execute(
                        uri: "/api/search?q=\(escaped)\(parameters)",
                        method: .get,
                        headers: [.authorization: "Bearer \(key ?? apiKey)"]
                    )
                    return (response.status, (try? JSONValue.parse(Data(buffer: response.body))) ?? .null)
                }
                let (status, answer) = try await search("customers asking for a discount on annual plans")
                #expect(status == .ok)
                #expect(answer["mode"]?.stringValue == "hybrid")
                let texts = answer["hits"]?.arrayValue?.compactMap { $0["text"]?.stringValue } ?? []
                // The two English ways of asking lead; the unrelated ones trail. (MiniLM is an English
                // model: the Spanish question ranks lower; see the issue notes.)
                #expect(
                    Set(texts.prefix(2)) == Set([Self.messages[0].text, Self.messages[1].text]),
                    "ranking: \(texts)"
                )
                #expect(
                    !texts.prefix(3).contains(Self.messages[3].text) && !texts.prefix(3).contains(Self.messages[5].text)
                )
                #expect(answer["hits"]?[0]?["semantic_rank"]?.intValue != nil)
                #expect(answer["hits"]?[0]?["snippet"]?.stringValue?.isEmpty == false)

                // Meaning without shared words: "yearly cheaper" has no word in common with S1/S3.
                let (_, meaning) = try await search("a lower price for paying once per year")
                #expect(meaning["hits"]?[0]?["text"]?.stringValue == Self.messages[1].text)

                // Filters.
                let (_, outbound) = try await search("discount annual plan", "&direction=outbound")
                #expect(outbound["hits"]?.arrayValue?.isEmpty == true)
                let (_, future) = try await search("discount", "&from=2999-01-01")
                #expect(future["hits"]?.arrayValue?.isEmpty == true)
                let (bad, _) = try await search("discount", "&from=yesterday")
                #expect(bad == .badRequest)

                // Another organization sees nothing of these.
                let (_, foreign) = try await search("customers asking for a discount on annual plans", key: otherKey)
                #expect(foreign["hits"]?.arrayValue?.isEmpty == true)
            }
        }
    }

    @Test func theHNSWIndexAgreesWithTheExactIndex() async throws {
        let embedder = try MiniLMEmbedder(directory: SharedData.miniLMDirectory)
        try await TestDatabase.with { _, client in
            let harness = try IngestHarness(
                client: client,
                stages: [EmbedStage(embedder: embedder, model: "all-MiniLM-L6-v2")]
            )
            let (organization, _) = try await harness.organization()
            try await Self.ingest(harness, organization: organization)
            let exact = ExactVectorIndex(dimensions: 384)
            let rows = try await client.query(
                "SELECT message_id, embedding::text FROM message_embeddings",
                logger: harness.logger
            )
            for try await (id, text) in rows.decode((UUID, String).self) {
                exact.upsertSync(
                    organization: organization,
                    id: id,
                    vector: text.dropFirst().dropLast().split(separator: ",").compactMap { Float($0) }
                )
            }
            let pgvector = PgVectorIndex(client: client, logger: harness.logger, model: "all-MiniLM-L6-v2")
            for query in ["discount on the yearly plan", "where is my package", "book a demo"] {
                let vector = embedder.embedSync([query])[0]
                let truth = exact.nearestSync(organization: organization, to: vector, limit: 3)
                let found = try await pgvector.nearest(organization: organization, to: vector, limit: 3)
                #expect(found.map(\.id) == truth.map(\.id), "\(query)")
                for (a, b) in zip(found, truth) { #expect(abs(a.score - b.score) < 1e-4) }
            }
            let plan = try await pgvector.nearestPlan(
                organization: organization,
                to: embedder.embedSync(["x"])[0],
                limit: 3
            )
            #expect(plan.contains("message_embeddings_hnsw"), "\(plan)")
            #expect(
                try await pgvector.nearest(
                    organization: OrganizationID(UUID()),
                    to: embedder.embedSync(["x"])[0],
                    limit: 3
                ).isEmpty
            )
        }
    }

    @Test func theExactIndexIsABruteForceScan() {
        var generator = SystemRandomNumberGenerator()
        let index = ExactVectorIndex(dimensions: 8)
        let organization = OrganizationID(UUID())
        var vectors: [UUID: [Float]] = [:]
        for _ in 0..<200 {
            var vector = (0..<8).map { _ in Float.random(in: -1...1, using: &generator) }
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            vector = vector.map { $0 / norm }
            let id = UUID()
            vectors[id] = vector
            index.upsertSync(organization: organization, id: id, vector: vector)
        }
        let query = vectors.values.first!
        let expected = vectors.map { ($0.key, zip($0.value, query).reduce(Float(0)) { $0 + $1.0 * $1.1 }) }
            .sorted { $0.1 > $1.1 }.prefix(5).map(\.0)
        #expect(index.nearestSync(organization: organization, to: query, limit: 5).map(\.id) == Array(expected))
        #expect(index.nearestSync(organization: OrganizationID(UUID()), to: query, limit: 5).isEmpty)
    }
}
