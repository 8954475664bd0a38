import Core
import Extract
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Pipeline
import Server
import Store
import Testing
import WainsightTesting

/// Reply drafts over HTTP on the real database: inside the window from the organization's
/// snippet and catalog price, outside it only an approved template with its parameters.
@Suite struct DraftPipelineTests {
    static let phone = "444"

    @Test func draftsFollowTheWindowAndPassTheirGuardrails() async throws {
        try await TestDatabase.with { url, client in
            let logger = TestDatabase.logger
            let catalogs = StoredCatalogs(store: CatalogRepository(client: client, logger: logger))
            let harness = try IngestHarness(client: client, stages: [ExtractStage(catalogs: catalogs)])
            let (organization, apiKey) = try await harness.organization()
            _ = try await harness.connect(organization, phoneNumberID: Self.phone, wabaID: Payloads.wabaID)
            _ = try await CatalogRepository(client: client, logger: logger).add(
                CatalogItem(id: UUID(), kind: .product, name: "CRM Pro", listPrice: 99, currency: "USD"),
                organization: organization
            )
            try await KnowledgeRepository(client: client, logger: logger).add(
                KnowledgeSnippet(
                    id: UUID(),
                    kind: .pricing,
                    language: "en",
                    title: "CRM Pro pricing",
                    body: "CRM Pro costs USD 99 per user per month, with a 14-day free trial."
                ),
                embedding: nil,
                model: nil,
                organization: organization
            )
            try await TemplateRepository(client: client, logger: logger).replaceAll(
                organization: organization,
                wabaID: Payloads.wabaID,
                with: [
                    [
                        "id": "1", "name": "follow_up", "language": "en_US", "status": "APPROVED",
                        "category": "MARKETING",
                        "components": [["type": "BODY", "text": "Hi {{1}}, are you still interested in {{2}}?"]],
                    ]
                ]
            )
            let now = Int(Date().timeIntervalSince1970)
            try await harness.store([
                Payloads.text(
                    to: Self.phone,
                    from: "15550007001",
                    id: "wamid.D1",
                    at: now - 60,
                    body: "How much is CRM Pro per user?"
                ),
                Payloads.text(
                    to: Self.phone,
                    from: "15550007002",
                    id: "wamid.D2",
                    at: now - 3 * 86_400,
                    body: "Tell me about CRM Pro"
                ),
            ])
            _ = try await harness.drain()

            let app = try await buildApplication(
                configuration: IngestHarness.apiConfiguration(databaseURL: url, embedding: .init(mode: .none)),
                runWorker: false,
                logger: logger
            )
            try await app.test(.live) { api in
                func post(_ uri: String) async throws -> (HTTPResponse.Status, JSONValue) {
                    let response = try await api.execute(
                        uri: uri,
                        method: .post,
                        headers: [.authorization: "Bearer \(apiKey)"]
                    )
                    return (response.status, (try? JSONValue.parse(Data(buffer: response.body))) ?? .null)
                }
                let threads = try await harness.rows(
                    """
                    SELECT c.wa_id || ' ' || t.id FROM whatsapp_threads t JOIN whatsapp_contacts c ON c.id = t.contact_id
                    ORDER BY c.wa_id
                    """
                ).map { $0.split(separator: " ").map(String.init) }
                let (openStatus, open) = try await post("/api/whatsapp/threads/\(threads[0][1])/drafts")
                #expect(openStatus == .ok)
                let drafts = open["drafts"]?.arrayValue ?? []
                #expect(drafts.count == 3, "\(open)")
                #expect(
                    drafts.first?["text"]?.stringValue
                        == "Hi Ana! CRM Pro costs USD 99 per user per month, with a 14-day free trial."
                )
                #expect(drafts.first?["sources"]?[0]?["kind"]?.stringValue == "snippet")
                #expect(
                    drafts.contains {
                        $0["text"]?.stringValue == "Hi Ana! CRM Pro is USD 99. Would you like me to send a quote?"
                    }
                )
                #expect(drafts.allSatisfy { $0["mode"]?.stringValue == "session" })
                #expect(
                    drafts.allSatisfy {
                        ($0["guardrails"]?.arrayValue ?? []).allSatisfy { $0["passed"]?.boolValue == true }
                    }
                )

                let (_, closed) = try await post("/api/whatsapp/threads/\(threads[1][1])/drafts")
                let templated = closed["drafts"]?.arrayValue ?? []
                #expect(templated.count == 1, "\(closed)")
                #expect(templated.first?["mode"]?.stringValue == "template")
                #expect(templated.first?["template"]?["name"]?.stringValue == "follow_up")
                #expect(templated.first?["template"]?["parameters"] == ["Ana", "CRM Pro"])

                let (missing, _) = try await post("/api/whatsapp/threads/\(UUID())/drafts")
                #expect(missing == .notFound)
                // Nothing was sent by drafting.
                #expect(try await harness.count("SELECT count(*)::int FROM outbox_messages") == 0)

                // A send that names its draft records whether it went as it was or edited.
                func send(_ body: JSONValue) async throws -> (HTTPResponse.Status, JSONValue) {
                    let response = try await api.execute(
                        uri: "/api/whatsapp/messages",
                        method: .post,
                        headers: [.authorization: "Bearer \(apiKey)", .contentType: "application/json"],
                        body: ByteBuffer(bytes: body.canonicalData())
                    )
                    return (response.status, (try? JSONValue.parse(Data(buffer: response.body))) ?? .null)
                }
                let thread = JSONValue.string(threads[0][1])
                let first = try #require(drafts.first)
                var (status, answer) = try await send(
                    ["thread_id": thread, "text": first["text"] ?? .null, "draft_id": first["id"] ?? .null]
                )
                #expect(status == .accepted, "\(answer)")
                (status, answer) = try await send(
                    [
                        "thread_id": thread, "text": "Hi Ana, it is USD 99 per user.",
                        "draft_id": drafts[1]["id"] ?? .null,
                    ]
                )
                #expect(status == .accepted, "\(answer)")
                (status, answer) = try await send(
                    ["thread_id": thread, "text": "Hello", "draft_id": .string(UUID().uuidString)]
                )
                #expect(status == .badRequest)
                #expect(answer["error"]?["code"]?.stringValue == "unknown_draft")
                // A draft of another thread is refused too, before anything is queued.
                let templateDraft = try #require(templated.first?["id"])
                (status, answer) = try await send(["thread_id": thread, "text": "Hello", "draft_id": templateDraft])
                #expect(answer["error"]?["code"]?.stringValue == "unknown_draft")
                #expect(try await harness.count("SELECT count(*)::int FROM outbox_messages") == 2)
                #expect(
                    try await harness.rows(
                        "SELECT coalesce(outcome, '-') FROM reply_drafts ORDER BY created_at, outcome"
                    )
                    .sorted() == ["-", "-", "as_is", "edited"]
                )
            }
        }
    }
}
