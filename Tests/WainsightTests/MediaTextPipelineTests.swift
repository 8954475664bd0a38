import AsyncHTTPClient
import Core
import Extract
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import MediaText
import NIOCore
import NIOFoundationCompat
import Outbound
import Pipeline
import PostgresNIO
import Server
import Store
import Testing
import WainsightTesting

/// The text inside inbound images and documents: files made by the test (a PDF with a text
/// layer, a screenshot, a scan, a damaged file) served by the fake Graph API, downloaded and
/// read by the media fetcher, then through detect, extract, embed and BANT like a message's own
/// text, shown in the messages API and found by search.
@Suite struct MediaTextPipelineTests {
    static let phone = "888"
    static let start = 1_773_151_200

    static let quote = [
        "Proposta comercial - Padaria Bom Pão",
        "20 licenças do CRM Pro",
        "Orçamento: R$ 2.500,00 por mês",
        "Dúvidas: compras@bompao.example",
    ]
    static let screenshot = [
        "Cotización para Panadería Lupita", "25 licencias del CRM Pro", "Necesitamos el sistema pronto",
    ]
    static let scan = ["Purchase order 4411", "Ship 12 units of CRM Pro", "Deliver before the end of the month"]

    @Test func textInsideImagesAndDocumentsIsReadStagedShownAndSearchable() async throws {
        try await FakeEmbeddingsAPI.with { embeddings in
            try await FakeGraphAPI.with { graph in
                try await TestDatabase.with { url, client in
                    try await HTTPClientService.withClient(maxConnectionsPerHost: 4) { http in
                        try await Self.run(url: url, client: client, http: http, graph: graph, embeddings: embeddings)
                    }
                }
            }
        }
    }

    static func run(
        url: String,
        client: PostgresClient,
        http: HTTPClient,
        graph: FakeGraphAPI,
        embeddings: FakeEmbeddingsAPI
    ) async throws {
        let mediaDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("wainsight-media-\(UUID())")
        defer { try? FileManager.default.removeItem(at: mediaDirectory) }
        var configuration = WainsightConfiguration(databaseURL: url, masterKey: IngestHarness.testMasterKey)
        configuration.embedding = .init(
            mode: .remote,
            remoteURL: embeddings.baseURL + "/",
            remoteAPIKey: embeddings.apiKey
        )
        configuration.modelsDirectory = SharedData.repositoryRoot.appendingPathComponent("models").path
        configuration.outbound.graphBaseURL = graph.baseURL
        configuration.outbound.mediaDirectory = mediaDirectory.path
        let catalog = Catalog(items: [CatalogItem(id: UUID(), kind: .product, name: "CRM Pro")])
        let configured = try ConfiguredStages.make(
            configuration,
            httpClient: http,
            catalogs: FixedCatalog(catalog),
            logger: TestDatabase.logger
        )
        let harness = try IngestHarness(client: client, stages: configured.stages, threadStages: [BANTScorer()])
        let (organization, apiKey) = try await harness.organization()
        _ = try await AccountRepository(client: client, secretBox: harness.secretBox, logger: harness.logger).add(
            organization: organization,
            phoneNumberID: phone,
            wabaID: Payloads.wabaID,
            accessToken: "media-token"
        )
        graph.register(phoneNumberID: phone, token: "media-token")
        let parts = OutboundParts(
            configuration: configuration,
            client: client,
            httpClient: http,
            secretBox: harness.secretBox,
            logger: harness.logger
        )

        graph.addMedia(id: "m-quote", mimeType: "application/pdf", data: TestDocuments.pdf(pages: [quote]))
        graph.addMedia(
            id: "m-shot",
            mimeType: "image/png",
            data: try TestDocuments.png(TestDocuments.pdf(pages: [screenshot]))
        )
        graph.addMedia(
            id: "m-scan",
            mimeType: "application/pdf",
            data: try TestDocuments.scannedPDF(TestDocuments.pdf(pages: [scan]))
        )
        graph.addMedia(id: "m-broken", mimeType: "application/pdf", data: Data("%PDF-1.4\nnot really a PDF".utf8))
        graph.addMedia(id: "m-voice", mimeType: "audio/ogg", data: Data(repeating: 3, count: 512))
        try await harness.store([
            Payloads.media(
                "document",
                to: phone,
                from: "5511987650001",
                id: "wamid.QUOTE",
                at: start,
                mediaID: "m-quote",
                mimeType: "application/pdf",
                caption: "segue a proposta",
                filename: "proposta.pdf"
            ),
            Payloads.media(
                "image",
                to: phone,
                from: "5215500000001",
                id: "wamid.SHOT",
                at: start + 60,
                mediaID: "m-shot",
                mimeType: "image/png"
            ),
            Payloads.media(
                "document",
                to: phone,
                from: "15550001234",
                id: "wamid.SCAN",
                at: start + 120,
                mediaID: "m-scan",
                mimeType: "application/pdf",
                filename: "po-4411.pdf"
            ),
            Payloads.media(
                "document",
                to: phone,
                from: "15550001234",
                id: "wamid.BROKEN",
                at: start + 180,
                mediaID: "m-broken",
                mimeType: "application/pdf",
                filename: "broken.pdf"
            ),
            Payloads.audio(to: phone, from: "15550001234", id: "wamid.VOICE", at: start + 240, mediaID: "m-voice"),
        ])
        // Ingest and the stages on what the messages say themselves (one caption) ...
        _ = try await harness.drain()
        // ... then the files are fetched and read (five downloads, four reads: audio has no text) ...
        var ran = 0
        while case let count = try await parts.mediaFetcher.drainOnce(), count > 0 { ran += count }
        #expect(ran == 9)
        // ... and the stages run again on the messages that got text.
        _ = try await harness.drain()

        // Every read job ended, the damaged file's too: none waits to be retried.
        let reads = try await harness.rows("SELECT state FROM jobs WHERE kind = 'read_media_text' ORDER BY id")
        #expect(reads == ["done", "done", "done", "done"])

        let quoteThread = try #require(
            try await harness.rows(
                "SELECT thread_id::text FROM whatsapp_messages WHERE provider_msg_id = 'wamid.QUOTE'"
            )
            .first
        )
        let app = try await buildApplication(
            configuration: IngestHarness.apiConfiguration(databaseURL: url, embedding: .init(mode: .none)),
            runWorker: false,
            logger: harness.logger
        )
        try await app.test(.live) { api in
            let headers: HTTPFields = [.authorization: "Bearer \(apiKey)"]
            func get(_ uri: String) async throws -> JSONValue {
                let response = try await api.execute(uri: uri, method: .get, headers: headers)
                #expect(response.status == .ok, "\(uri): \(String(buffer: response.body))")
                return try JSONValue.parse(Data(buffer: response.body))
            }
            var messages: [String: JSONValue] = [:]
            for thread in try await get("/api/whatsapp/threads")["threads"]?.arrayValue ?? [] {
                let id = try #require(thread["id"]?.stringValue)
                for message in try await get("/api/whatsapp/threads/\(id)/messages")["messages"]?.arrayValue ?? [] {
                    messages[message["provider_message_id"]?.stringValue ?? ""] = message
                }
            }
            #expect(messages.count == 5)

            // The PDF's text layer, exactly; found entities point into it.
            let quoteMessage = try #require(messages["wamid.QUOTE"])
            #expect(quoteMessage["text"]?.stringValue == "segue a proposta")
            #expect(quoteMessage["media_text"]?["source"]?.stringValue == "pdf_text")
            let quoteText = try #require(quoteMessage["media_text"]?["text"]?.stringValue)
            #expect(quoteText == quote.joined(separator: "\n"))
            #expect(quoteMessage["insights"]?["language"]?.stringValue == "pt")
            let quoteEntities = quoteMessage["insights"]?["entities"]?.arrayValue ?? []
            for type in ["money", "quantity", "product", "email"] {
                let entity = quoteEntities.first { $0["type"]?.stringValue == type }
                #expect(entity?["source"]?.stringValue == "media_text", "\(type) in \(quoteEntities)")
                let start = try #require(entity?["start"]?.exactIntValue)
                let end = try #require(entity?["end"]?.exactIntValue)
                let span = String(String.UnicodeScalarView(Array(quoteText.unicodeScalars)[start..<end]))
                #expect(span == entity?["text"]?.stringValue)
            }
            #expect(
                quoteEntities.first { $0["type"]?.stringValue == "money" }?["value"]?["unit"]?.stringValue == "BRL"
            )

            // The screenshot, by OCR; with no caption, its language and intent come from it.
            let shotMessage = try #require(messages["wamid.SHOT"])
            #expect(shotMessage["text"] == nil)
            #expect(shotMessage["media_text"]?["source"]?.stringValue == "ocr")
            #expect(shotMessage["media_text"]?["text"]?.stringValue?.contains("25 licencias del CRM Pro") == true)
            #expect(shotMessage["insights"]?["language"]?.stringValue == "es")
            #expect(
                (shotMessage["insights"]?["entities"]?.arrayValue ?? []).contains {
                    $0["type"]?.stringValue == "product" && $0["source"]?.stringValue == "media_text"
                }
            )

            // The scan, page by page through OCR.
            let scanMessage = try #require(messages["wamid.SCAN"])
            #expect(scanMessage["media_text"]?["source"]?.stringValue == "ocr")
            #expect(scanMessage["media_text"]?["text"]?.stringValue?.contains("Purchase order 4411") == true)

            // The damaged file: the reason, no text, and nothing else held up.
            let broken = try #require(messages["wamid.BROKEN"])
            #expect(broken["media_text"]?["text"] == nil)
            #expect(broken["media_text"]?["error"]?.stringValue?.contains("pdftotext exited with") == true)
            #expect(messages["wamid.VOICE"]?["media_text"] == nil)

            // BANT rests on what the document says, its evidence marked as media text.
            let bant = try await get("/api/whatsapp/threads/\(quoteThread)/insights")["bant"]
            #expect(bant?["budget"]?["level"]?.stringValue == "stated")
            let evidence = bant?["budget"]?["evidence"]?.arrayValue ?? []
            #expect(evidence.contains { $0["text"]?.stringValue == "R$ 2.500,00 por mês" }, "\(evidence)")
            #expect(!evidence.isEmpty && evidence.allSatisfy { $0["source"]?.stringValue == "media_text" })

            // Search finds a word that only the screenshot holds, and quotes it.
            let hits = try await get("/api/search?q=licencias%20Lupita")["hits"]?.arrayValue ?? []
            #expect(hits.first?["message_id"] == shotMessage["id"], "\(hits)")
            #expect(hits.first?["snippet"]?.stringValue?.contains("Lupita") == true)
        }

        // A file stored before its text was read (as after an upgrade): backfill queues it once.
        let types = MediaTextReader.readableTypes.sorted()
        #expect(
            try await MediaRepository.queueUnreadMedia(
                mimeTypes: types,
                organization: nil,
                client: client,
                logger: harness.logger
            ) == 0
        )
        try await client.query(
            """
            UPDATE whatsapp_messages SET media_text = NULL, media_text_source = NULL, media_text_read_at = NULL
            WHERE provider_msg_id = 'wamid.SHOT'
            """,
            logger: harness.logger
        )
        #expect(
            try await MediaRepository.queueUnreadMedia(
                mimeTypes: types,
                organization: organization,
                client: client,
                logger: harness.logger
            ) == 1
        )
        #expect(
            try await MediaRepository.queueUnreadMedia(
                mimeTypes: types,
                organization: nil,
                client: client,
                logger: harness.logger
            ) == 0
        )
        #expect(try await parts.mediaFetcher.drainOnce() == 1)
        #expect(
            try await harness.rows(
                "SELECT media_text_source FROM whatsapp_messages WHERE provider_msg_id = 'wamid.SHOT'"
            )
                == ["ocr"]
        )

        // The embedder read the documents with their contact data masked.
        let inputs = embeddings.inputs
        #expect(inputs.contains { $0.contains("Proposta comercial") })
        #expect(!inputs.contains { $0.contains("compras@") || $0.contains("bompao.example") }, "\(inputs)")
        #expect(inputs.contains { $0.contains("[EMAIL]") })
    }
}
