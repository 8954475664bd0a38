import Core
import Extract
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import NIOCore
import NIOFoundationCompat
import Outbound
import Pipeline
import PostgresNIO
import Server
import Store
import Testing
import WainsightTesting

/// The extract stage and the thread-level BANT on ingested messages, the catalog and settings
/// APIs, the thread insights route and POST /api/insights/extract, on the real database over HTTP.
@Suite struct ExtractPipelineTests {
    static let phone = "777"

    /// A Brazilian buyer's thread: a catalog product with a quantity, a budget in reais, a
    /// date, a role, and an approval she needs.
    static let thread = [
        "Oi! Sou a Marina, diretora de compras da Padaria Bom Pão Ltda.",
        "Precisamos de 20 licenças do CRM Pro para a equipe de vendas",
        "Nosso orçamento é de R$ 2.500,00 por mês",
        "Podemos conversar amanhã às 10h?",
        "preciso ver com meu sócio antes de fechar",
    ]

    /// 2026-03-10 14:00 UTC, a Tuesday (11:00 in São Paulo).
    static let start = 1_773_151_200

    static func harness(_ client: PostgresClient) throws -> IngestHarness {
        let logger = TestDatabase.logger
        return try IngestHarness(
            client: client,
            stages: [ExtractStage(catalogs: StoredCatalogs(store: CatalogRepository(client: client, logger: logger)))],
            threadStages: [BANTScorer()]
        )
    }

    /// Stores the thread's messages from `customer` (one a minute), in `order`.
    static func store(from customer: String, prefix: String, order: [Int], harness: IngestHarness) async throws {
        try await harness.store(
            order.map { index in
                Payloads.text(
                    to: phone,
                    from: customer,
                    id: "wamid.\(prefix)\(index)",
                    at: start + 60 * index,
                    body: thread[index]
                )
            }
        )
    }

    /// The BANT document with message ids replaced by the provider ids' position in the
    /// thread, so two threads' conclusions compare.
    static func comparable(_ bant: JSONValue, ids: [String: String]) -> String {
        var text = String(decoding: bant.canonicalData(), as: UTF8.self)
        for (id, position) in ids { text = text.replacingOccurrences(of: id, with: position) }
        return text
    }

    @Test func bantIsTheSameInAnyOrderHasEvidenceAndBackfillRecomputesIt() async throws {
        try await TestDatabase.with { url, client in
            let harness = try Self.harness(client)
            let (organization, apiKey) = try await harness.organization()
            _ = try await harness.connect(organization, phoneNumberID: Self.phone, wabaID: "waba-extract")
            _ = try await CatalogRepository(client: client, logger: harness.logger).add(
                CatalogItem(id: UUID(), kind: .product, name: "CRM Pro", aliases: ["plano pro"]),
                organization: organization
            )
            // The same thread twice: in order, and replayed backwards by another contact.
            try await Self.store(from: "5511987650001", prefix: "A", order: [0, 1, 2, 3, 4], harness: harness)
            _ = try await harness.drain()
            try await Self.store(from: "5511987650002", prefix: "B", order: [4, 3, 2, 1, 0], harness: harness)
            _ = try await harness.drain()

            let configuration = IngestHarness.apiConfiguration(databaseURL: url, embedding: .init(mode: .none))
            let app = try await buildApplication(configuration: configuration, runWorker: false, logger: harness.logger)
            try await app.test(.live) { http in
                let headers: HTTPFields = [.authorization: "Bearer \(apiKey)", .contentType: "application/json"]
                func get(_ uri: String) async throws -> JSONValue {
                    let response = try await http.execute(uri: uri, method: .get, headers: headers)
                    #expect(response.status == .ok, "\(uri): \(String(buffer: response.body))")
                    return try JSONValue.parse(Data(buffer: response.body))
                }
                let threads = try await get("/api/whatsapp/threads")["threads"]?.arrayValue ?? []
                #expect(threads.count == 2)
                var conclusions: [String] = []
                for summary in threads {
                    let id = try #require(summary["id"]?.stringValue)
                    let insights = try await get("/api/whatsapp/threads/\(id)/insights")
                    let messages = try await get("/api/whatsapp/threads/\(id)/messages")["messages"]?.arrayValue ?? []
                    #expect(messages.count == Self.thread.count)
                    // Message id → its text, and → its position in the thread (from the provider id).
                    var texts: [String: String] = [:]
                    var positions: [String: String] = [:]
                    for message in messages {
                        let messageID = try #require(message["id"]?.stringValue)
                        texts[messageID] = message["text"]?.stringValue
                        positions[messageID] = "#" + String(message["provider_message_id"]?.stringValue?.last ?? "?")
                        // Every message has its entities in the messages API.
                        #expect(message["insights"]?["entities"]?.arrayValue != nil)
                    }
                    let bant = try #require(insights["bant"])
                    #expect(insights["stage"]?.stringValue == bant["stage"]?.stringValue)
                    #expect(bant["budget"]?["level"]?.stringValue == "stated")
                    #expect(bant["authority"]?["level"]?.stringValue == "influencer")
                    #expect(bant["authority"]?["needs_approval"]?.boolValue == true)
                    #expect(bant["need"]?["level"]?.stringValue == "clear")
                    #expect(bant["timeline"]?["level"]?.stringValue == "defined")
                    // Each piece of evidence quotes its message exactly, by scalar offsets.
                    for dimension in ["budget", "authority", "need", "timeline"] {
                        let evidence = bant[dimension]?["evidence"]?.arrayValue ?? []
                        #expect(!evidence.isEmpty, "\(dimension)")
                        for piece in evidence {
                            let text = try #require(texts[piece["message_id"]?.stringValue ?? ""])
                            let start = try #require(piece["start"]?.exactIntValue)
                            let end = try #require(piece["end"]?.exactIntValue)
                            let scalars = Array(text.unicodeScalars)[start..<end]
                            #expect(String(String.UnicodeScalarView(scalars)) == piece["text"]?.stringValue)
                        }
                    }
                    // The thread's entities: the catalog product, the money with its period,
                    // and "amanhã às 10h" in São Paulo's time (the phone's country) the next day.
                    let entities = insights["entities"]?.arrayValue ?? []
                    #expect(entities.contains { $0["type"] == "product" && $0["value"]?["name"] == "CRM Pro" })
                    let money = try #require(entities.first { $0["type"] == "money" })
                    #expect(money["value"]?["value"]?.doubleValue == 2_500)
                    #expect(money["value"]?["unit"]?.stringValue == "BRL")
                    let time = try #require(entities.first { $0["type"] == "time" })
                    #expect(time["value"]?["value"]?.stringValue == "2026-03-11T10:00:00.000-03:00", "\(time)")
                    // This pipeline has no detect stage: no intent and no sentiment trend yet.
                    #expect(insights["intent"]?["latest"] == .null && insights["intent"]?["counts"] == .object([:]))
                    #expect(insights["sentiment"]?["trend"] == .array([]) && insights["sentiment"]?["average"] == .null)
                    conclusions.append(Self.comparable(bant, ids: positions))
                }
                // Replayed backwards, the thread concludes the same.
                #expect(conclusions.count == 2 && conclusions[0] == conclusions[1], "\(conclusions)")

                // Stricter thresholds, then backfill: every thread is concluded again.
                let put = try await http.execute(
                    uri: "/api/insights/settings",
                    method: .put,
                    headers: headers,
                    body: ByteBuffer(string: #"{"bant": {"engaged_threshold": 0.95, "qualified_threshold": 0.99}}"#)
                )
                #expect(put.status == .ok, "\(String(buffer: put.body))")
                let backfill = StageBackfill(
                    client: client,
                    runner: StageRunner(
                        stages: harness.stages,
                        threadStages: harness.threadStages,
                        logger: harness.logger
                    )
                )
                #expect(try await backfill.concludeThreads(organization: organization) == 2)
                for summary in threads {
                    let id = try #require(summary["id"]?.stringValue)
                    let insights = try await get("/api/whatsapp/threads/\(id)/insights")
                    #expect(insights["stage"]?.stringValue == "unqualified")
                    #expect(insights["bant"]?["thresholds"]?["qualified"]?.doubleValue == 0.99)
                }
            }
        }
    }

    @Test func catalogSettingsAndExtractRoutes() async throws {
        try await TestDatabase.with { url, client in
            let harness = try Self.harness(client)
            let (_, apiKey) = try await harness.organization("One")
            let (_, otherKey) = try await harness.organization("Two")
            let configuration = IngestHarness.apiConfiguration(databaseURL: url, embedding: .init(mode: .none))
            let app = try await buildApplication(configuration: configuration, runWorker: false, logger: harness.logger)
            try await app.test(.live) { http in
                func call(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, key: String? = nil)
                    async throws -> (HTTPResponse.Status, JSONValue?)
                {
                    let response = try await http.execute(
                        uri: uri,
                        method: method,
                        headers: [.authorization: "Bearer \(key ?? apiKey)", .contentType: "application/json"],
                        body: body.map { ByteBuffer(string: $0) }
                    )
                    return (response.status, try? JSONValue.parse(Data(buffer: response.body)))
                }
                let (created, product) = try await call(
                    .post,
                    "/api/catalog/products",
                    #"{"name": "Impresora térmica TX-200", "aliases": ["TX200"], "sku": "tx-200", "list_price": 1299.9, "currency": "brl"}"#
                )
                #expect(created == .created)
                #expect(product?["currency"] == "BRL" && product?["list_price"]?.doubleValue == 1299.9)
                let id = try #require(product?["id"]?.stringValue)
                #expect(id == id.lowercased())
                // One name per kind; the same name may be a competitor.
                #expect(
                    try await call(.post, "/api/catalog/products", #"{"name": "impresora TÉRMICA tx-200"}"#).0
                        == .conflict
                )
                let (competitor, rival) = try await call(
                    .post,
                    "/api/catalog/competitors",
                    #"{"name": "Impresora térmica TX-200"}"#
                )
                #expect(competitor == .created)
                let rivalID = try #require(rival?["id"]?.stringValue)
                #expect(try await call(.delete, "/api/catalog/competitors/\(rivalID)").0 == .noContent)
                for bad in [
                    #"{"aliases": []}"#, #"{"name": "x", "list_price": 5}"#, #"{"name": "x", "currency": "reais"}"#,
                    "[1]",
                ] {
                    let (status, error) = try await call(.post, "/api/catalog/products", bad)
                    #expect(status == .badRequest, "\(bad)")
                    #expect(error?["error"]?["message"]?.stringValue?.isEmpty == false)
                }
                #expect(try await call(.get, "/api/catalog/products").1?["products"]?.arrayValue?.count == 1)
                // Another organization sees none of it and cannot delete it.
                #expect(
                    try await call(.get, "/api/catalog/products", key: otherKey).1?["products"]?.arrayValue?.isEmpty
                        == true
                )
                #expect(try await call(.delete, "/api/catalog/products/\(id)", key: otherKey).0 == .notFound)

                // The catalog is matched at once by this process's extract route.
                let (extracted, result) = try await call(
                    .post,
                    "/api/insights/extract",
                    #"{"text": "Quiero 3 impresoras térmicas TX-200 para el lunes, escríbeme a ana@panaderia.mx", "reference_time": "2026-03-10T14:00:00Z", "timezone": "America/Mexico_City", "language": "es"}"#
                )
                #expect(extracted == .ok)
                let entities = result?["entities"]?.arrayValue ?? []
                #expect(
                    entities.contains { $0["type"] == "product" && $0["value"]?["id"]?.stringValue == id },
                    "\(entities)"
                )
                #expect(entities.contains { $0["type"] == "email" && $0["value"]?["value"] == "ana@panaderia.mx" })
                let monday = entities.first { $0["type"] == "time" }
                #expect(monday?["value"]?["value"]?.stringValue == "2026-03-16T00:00:00.000-06:00", "\(entities)")
                #expect(result?["timezone"] == "America/Mexico_City")
                #expect(try await call(.post, "/api/insights/extract", #"{"text": "  "}"#).0 == .badRequest)
                #expect(
                    try await call(.post, "/api/insights/extract", #"{"text": "hi", "timezone": "Mars/Base"}"#).0
                        == .badRequest
                )

                #expect(try await call(.delete, "/api/catalog/products/\(id)").0 == .noContent)
                #expect(try await call(.delete, "/api/catalog/products/\(id)").0 == .notFound)
                #expect(try await call(.delete, "/api/catalog/products/not-a-uuid").0 == .badRequest)

                // Settings: defaults, a change, and refusals that say why.
                let (_, defaults) = try await call(.get, "/api/insights/settings")
                #expect(
                    defaults?["timezone"] == .null && defaults?["bant"]?["qualified_threshold"]?.doubleValue == 0.55
                )
                let (changed, settings) = try await call(
                    .put,
                    "/api/insights/settings",
                    #"{"timezone": "America/Sao_Paulo", "bant": {"engaged_threshold": 0.2}}"#
                )
                #expect(changed == .ok && settings?["timezone"] == "America/Sao_Paulo")
                #expect(settings?["bant"]?["engaged_threshold"]?.doubleValue == 0.2)
                for bad in [
                    #"{"timezone": "Nowhere"}"#, #"{"bant": {"engaged_threshold": 0.9, "qualified_threshold": 0.5}}"#,
                    #"{"bant": {"qualified_threshold": 2}}"#,
                ] {
                    let (status, error) = try await call(.put, "/api/insights/settings", bad)
                    #expect(status == .badRequest && error?["error"]?["code"] == "invalid_settings", "\(bad)")
                }
                #expect(try await call(.get, "/api/insights/settings", key: otherKey).1?["timezone"] == .null)
            }
        }
    }

    /// Contact data the extract stage finds is never embedded: the configured pipeline runs
    /// extract before embed, which masks it (a URL the redactor alone would let through).
    @Test func contactDataNeverReachesTheEmbedder() async throws {
        try await FakeEmbeddingsAPI.with { fake in
            try await TestDatabase.with { _, client in
                try await HTTPClientService.withClient(maxConnectionsPerHost: 2) { http in
                    var configuration = WainsightConfiguration(databaseURL: "", masterKey: IngestHarness.testMasterKey)
                    configuration.embedding = .init(
                        mode: .remote,
                        remoteURL: fake.baseURL + "/",
                        remoteAPIKey: fake.apiKey
                    )
                    configuration.modelsDirectory = SharedData.repositoryRoot.appendingPathComponent("models").path
                    let configured = try ConfiguredStages.make(
                        configuration,
                        httpClient: http,
                        catalogs: FixedCatalog(),
                        logger: TestDatabase.logger
                    )
                    let names = configured.stages.map(\.name)
                    #expect(names.firstIndex(of: "extract")! < names.firstIndex(of: "embed")!, "\(names)")
                    let harness = try IngestHarness(client: client, stages: configured.stages)
                    let (organization, _) = try await harness.organization()
                    _ = try await harness.connect(organization, phoneNumberID: Self.phone, wabaID: "waba-mask")
                    let text =
                        "Escríbeme a ana.lopez@panaderia.mx o al +52 55 1234 5678, catálogo en www.panaderia.mx/precios"
                    try await harness.store([
                        Payloads.text(
                            to: Self.phone,
                            from: "5215500000001",
                            id: "wamid.MASK",
                            at: Self.start,
                            body: text
                        )
                    ])
                    _ = try await harness.drain()
                    let inputs = fake.inputs
                    #expect(inputs.count == 1)
                    let input = inputs.first ?? ""
                    for secret in ["ana.lopez", "panaderia.mx", "1234", "precios"] {
                        #expect(!input.contains(secret), "\(input)")
                    }
                    #expect(
                        input.contains("[EMAIL]") && input.contains("[PHONE]") && input.contains("[URL]"),
                        "\(input)"
                    )
                }
            }
        }
    }
}
