import Core
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

/// Knowledge snippets over HTTP: validation, filters, scoping, deletion, and search by words
/// (no embedder) and by meaning (an OpenAI-compatible embedder on loopback).
@Suite struct KnowledgeTests {
    static func call(
        _ api: any TestClientProtocol,
        _ method: HTTPRequest.Method,
        _ uri: String,
        _ body: JSONValue? = nil,
        key: String
    ) async throws -> (HTTPResponse.Status, JSONValue) {
        let response = try await api.execute(
            uri: uri,
            method: method,
            headers: [.authorization: "Bearer \(key)", .contentType: "application/json"],
            body: body.map { ByteBuffer(bytes: $0.canonicalData()) }
        )
        return (response.status, (try? JSONValue.parse(Data(buffer: response.body))) ?? .null)
    }

    static let pricing: JSONValue = [
        "kind": "pricing", "language": "en", "title": "Pro plan price",
        "body": "The Pro plan costs USD 99 per user per month, billed yearly.", "tags": ["pro"],
    ]
    static let objection: JSONValue = [
        "kind": "objection", "language": "es", "title": "Es muy caro",
        "body": "Ofrecemos 15% de descuento en el pago anual y una prueba gratis de 14 días.",
    ]

    @Test func snippetsAreCheckedScopedListedFoundByWordsAndDeleted() async throws {
        try await TestDatabase.with { url, client in
            let harness = try IngestHarness(client: client)
            let (_, key) = try await harness.organization()
            let (_, otherKey) = try await harness.organization("Other org")
            let app = try await buildApplication(
                configuration: IngestHarness.apiConfiguration(databaseURL: url, embedding: .init(mode: .none)),
                runWorker: false,
                logger: harness.logger
            )
            try await app.test(.live) { api in
                var (status, answer) = try await Self.call(api, .post, "/api/knowledge", Self.pricing, key: key)
                #expect(status == .created)
                let pricingID = try #require(answer["id"]?.stringValue)
                (status, _) = try await Self.call(api, .post, "/api/knowledge", Self.objection, key: key)
                #expect(status == .created)
                for bad: JSONValue in [
                    ["kind": "gossip", "language": "en", "title": "x", "body": "y"],
                    ["kind": "faq", "language": "english", "title": "x", "body": "y"],
                    ["kind": "faq", "language": "en", "title": "", "body": "y"],
                    ["kind": "faq", "language": "en", "title": "x", "body": "y", "tags": [1]],
                ] {
                    (status, answer) = try await Self.call(api, .post, "/api/knowledge", bad, key: key)
                    #expect(status == .badRequest)
                    #expect(answer["error"]?["code"]?.stringValue == "invalid_snippet")
                }

                (status, answer) = try await Self.call(api, .get, "/api/knowledge", key: key)
                #expect(answer["snippets"]?.arrayValue?.count == 2)
                (status, answer) = try await Self.call(api, .get, "/api/knowledge?kind=objection&language=es", key: key)
                #expect(answer["snippets"]?[0]?["title"]?.stringValue == "Es muy caro")
                #expect(answer["snippets"]?.arrayValue?.count == 1)
                (status, answer) = try await Self.call(api, .get, "/api/knowledge?kind=rumour", key: key)
                #expect(answer["error"]?["code"]?.stringValue == "invalid_kind")
                (status, answer) = try await Self.call(api, .get, "/api/knowledge", key: otherKey)
                #expect(answer["snippets"]?.arrayValue?.isEmpty == true)

                // By words: no embedder here.
                (status, answer) = try await Self.call(
                    api,
                    .get,
                    "/api/knowledge/search?q=how%20much%20is%20the%20pro%20plan",
                    key: key
                )
                #expect(status == .ok)
                #expect(answer["matches"]?[0]?["id"]?.stringValue == pricingID)
                #expect(answer["matches"]?[0]?["method"]?.stringValue == "lexical")
                #expect(answer["matches"]?.arrayValue?.count == 1)
                (status, answer) = try await Self.call(
                    api,
                    .get,
                    "/api/knowledge/search?q=descuento&language=es",
                    key: key
                )
                #expect(answer["matches"]?[0]?["title"]?.stringValue == "Es muy caro")
                (status, answer) = try await Self.call(api, .get, "/api/knowledge/search?q=descuento", key: otherKey)
                #expect(answer["matches"]?.arrayValue?.isEmpty == true)
                (status, _) = try await Self.call(api, .get, "/api/knowledge/search", key: key)
                #expect(status == .badRequest)

                (status, _) = try await Self.call(api, .delete, "/api/knowledge/\(pricingID)", key: otherKey)
                #expect(status == .notFound)
                (status, _) = try await Self.call(api, .delete, "/api/knowledge/\(pricingID)", key: key)
                #expect(status == .noContent)
                (status, answer) = try await Self.call(api, .get, "/api/knowledge", key: key)
                #expect(answer["snippets"]?.arrayValue?.count == 1)
            }
        }
    }

    @Test func withAnEmbedderSnippetsAreFoundByMeaning() async throws {
        try await FakeEmbeddingsAPI.with { fake in
            try await TestDatabase.with { url, client in
                let harness = try IngestHarness(client: client)
                let (_, key) = try await harness.organization()
                let configuration = IngestHarness.apiConfiguration(
                    databaseURL: url,
                    embedding: .init(mode: .remote, remoteURL: fake.baseURL + "/", remoteAPIKey: fake.apiKey)
                )
                let app = try await buildApplication(
                    configuration: configuration,
                    runWorker: false,
                    logger: harness.logger
                )
                try await app.test(.live) { api in
                    _ = try await Self.call(api, .post, "/api/knowledge", Self.pricing, key: key)
                    _ = try await Self.call(api, .post, "/api/knowledge", Self.objection, key: key)
                    // The fake's vectors are hashes of the text: the same text is the nearest.
                    let text =
                        "Es muy caro\nOfrecemos 15% de descuento en el pago anual y una prueba gratis de 14 días."
                    let query = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                    let (status, answer) = try await Self.call(api, .get, "/api/knowledge/search?q=\(query)", key: key)
                    #expect(status == .ok)
                    #expect(answer["matches"]?[0]?["title"]?.stringValue == "Es muy caro")
                    #expect(answer["matches"]?[0]?["method"]?.stringValue == "semantic")
                    #expect((answer["matches"]?[0]?["score"]?.doubleValue ?? 0) > 0.999)
                    #expect(answer["matches"]?.arrayValue?.count == 2)
                }
                #expect(
                    fake.inputs.contains("Pro plan price\nThe Pro plan costs USD 99 per user per month, billed yearly.")
                )
            }
        }
    }
}
