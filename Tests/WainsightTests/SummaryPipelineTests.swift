import Assist
import Core
import Extract
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Server
import Store
import Testing
import WainsightTesting

/// The rolling thread summary on the real database over HTTP: refreshed once per burst, versioned,
/// "since last update" by version and by time, in the reader's language, and in the thread insights.
@Suite struct SummaryPipelineTests {
    static let phone = "999"
    static let customer = "5511987650009"
    static let start = 1_773_151_200

    @Test func summariesAreVersionedAndSayWhatIsNew() async throws {
        try await TestDatabase.with { url, client in
            let harness = try IngestHarness(
                client: client,
                stages: [
                    ExtractStage(
                        catalogs: FixedCatalog(
                            Catalog(items: [CatalogItem(id: UUID(), kind: .product, name: "CRM Pro")])
                        )
                    )
                ],
                threadStages: [BANTScorer()],
                summaries: ThreadSummarizer()
            )
            let (organization, apiKey) = try await harness.organization()
            _ = try await harness.connect(organization, phoneNumberID: Self.phone, wabaID: Payloads.wabaID)
            func text(_ minute: Int, _ body: String) -> Data {
                Payloads.text(
                    to: Self.phone,
                    from: Self.customer,
                    id: "wamid.S\(minute)",
                    at: Self.start + 60 * minute,
                    body: body
                )
            }
            // A burst: three customer messages and the rep's promise.
            try await harness.store([
                text(0, "Oi! Precisamos de 20 licenças do CRM Pro"),
                text(1, "Nosso orçamento é de R$ 2.500,00 por mês"),
                Payloads.echo(
                    from: Self.phone,
                    to: Self.customer,
                    id: "wamid.S2",
                    at: Self.start + 120,
                    body: "Perfeito, vou enviar a proposta hoje"
                ),
            ])
            _ = try await harness.drain()
            // One refresh for the burst.
            #expect(try await harness.count("SELECT count(*)::int FROM jobs WHERE kind = 'refresh_summary'") == 1)

            try await harness.store([text(10, "Recebi, obrigado. Vocês fazem desconto para pagamento anual?")])
            _ = try await harness.drain()
            let versionTwoAt = Date()

            let app = try await buildApplication(
                configuration: IngestHarness.apiConfiguration(databaseURL: url, embedding: .init(mode: .none)),
                runWorker: false,
                logger: harness.logger
            )
            try await app.test(.live) { api in
                func get(_ uri: String, status: HTTPResponse.Status = .ok) async throws -> JSONValue {
                    let response = try await api.execute(
                        uri: uri,
                        method: .get,
                        headers: [.authorization: "Bearer \(apiKey)"]
                    )
                    #expect(response.status == status, "\(uri): \(String(buffer: response.body))")
                    return try JSONValue.parse(Data(buffer: response.body))
                }
                let thread = try #require(try await get("/api/whatsapp/threads")["threads"]?[0]?["id"]?.stringValue)
                let current = try await get("/api/whatsapp/threads/\(thread)/summary")
                #expect(current["version"]?.intValue == 2)
                #expect(current["covers"]?["messages"]?.intValue == 4)
                let summary = try #require(current["summary"])
                // No detect stage here, so no message has a language: the summary reads in English.
                #expect(summary["language"]?.stringValue == "en")
                #expect(summary["facts"]?["products"] == ["CRM Pro"])
                #expect(summary["facts"]?["amounts"] == ["R$ 2.500,00 por mês"])
                #expect(summary["facts"]?["budget"]?.stringValue == "stated")
                #expect(summary["commitments"]?[0]?["text"]?.stringValue == "Perfeito, vou enviar a proposta hoje")
                #expect(
                    summary["open_questions"]?[0]?["text"]?.stringValue
                        == "Recebi, obrigado. Vocês fazem desconto para pagamento anual?"
                )

                // Since version 1: only the question that came after it.
                let delta = try #require(try await get("/api/whatsapp/threads/\(thread)/summary?since=1")["since"])
                #expect(delta["version"]?.intValue == 1)
                #expect(delta["new_messages"]?.intValue == 1)
                #expect(delta["summary"]?["open_questions"]?.arrayValue?.count == 1)
                #expect(delta["summary"]?["commitments"]?.arrayValue?.isEmpty == true)
                // Since a time after everything: nothing new.
                let later = ISO8601DateFormatter().string(from: versionTwoAt.addingTimeInterval(86_400 * 400))
                let none = try await get("/api/whatsapp/threads/\(thread)/summary?since=\(later)")["since"]
                #expect(none?["new_messages"]?.intValue == 0)
                #expect(none?["summary"] == .null)

                // The reader's language, made from the same messages.
                let english = try await get("/api/whatsapp/threads/\(thread)/summary?language=en")
                #expect(english["summary"]?["language"]?.stringValue == "en")
                #expect(english["summary"]?["text"]?.stringValue?.contains("Customer:") == true)

                _ = try await get("/api/whatsapp/threads/\(thread)/summary?since=7", status: .notFound)
                _ = try await get("/api/whatsapp/threads/\(thread)/summary?since=soon", status: .badRequest)
                _ = try await get("/api/whatsapp/threads/\(thread)/summary?language=fr", status: .badRequest)
                _ = try await get("/api/whatsapp/threads/\(UUID())/summary", status: .notFound)

                // The insights carry the latest version, and the next actions: the window closed
                // months ago with the customer's question unanswered, so a template comes first.
                let insights = try await get("/api/whatsapp/threads/\(thread)/insights")
                #expect(insights["summary"]?["version"]?.intValue == 2)
                let actions = insights["next_actions"]?.arrayValue ?? []
                #expect(actions.first?["kind"]?.stringValue == "send_template", "\(actions)")
                #expect(actions.first?["evidence"]?.arrayValue?.count == 1)
                #expect(!actions.contains { $0["kind"]?.stringValue == "reply_now" })
            }
        }
    }
}
