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

/// What holds for every route: documented in /openapi.json, JSON errors, request ids, lowercase
/// ids, a stable key order; and the cursor pagination of a thread's messages.
@Suite struct APIConventionsTests {
    static let phone = "444"

    @Test func routesShareTheirConventions() async throws {
        try await TestDatabase.with { url, client in
            let harness = try IngestHarness(client: client)
            let (organization, key) = try await harness.organization()
            try await harness.connect(organization, phoneNumberID: Self.phone, wabaID: "waba-conventions")
            let now = Int(Date().timeIntervalSince1970)
            // Five messages of one thread, three of them in the same second (the cursor must
            // break the tie).
            try await harness.store(
                [now - 30, now - 20, now - 20, now - 20, now - 10].enumerated().map { index, at in
                    Payloads.text(to: Self.phone, from: "15550009999", id: "wamid.P\(index)", at: at, body: "m\(index)")
                }
            )
            _ = try await harness.drain()
            let app = try await buildApplication(
                configuration: IngestHarness.apiConfiguration(databaseURL: url, embedding: .init(mode: .none)),
                logger: harness.logger
            )
            try await app.test(.router) { client in
                let auth: HTTPFields = [.authorization: "Bearer \(key)"]

                // The document is served, as JSON.
                let document = try await client.execute(uri: "/openapi.json", method: .get)
                #expect(document.status == .ok)
                #expect(try JSONValue.parse(Data(buffer: document.body))["paths"]?["/api/search"] != nil)

                // An unknown route under /api: 404 with the JSON error body, with or without a key.
                for headers in [auth, [:]] {
                    let missing = try await client.execute(uri: "/api/no/such/route", method: .get, headers: headers)
                    #expect(missing.status == .notFound)
                    let error = try JSONValue.parse(Data(buffer: missing.body))["error"]
                    #expect(error?["code"]?.stringValue == "not_found")
                    #expect(error?["message"]?.stringValue?.contains("/openapi.json") == true)
                }

                // X-Request-ID: the caller's is returned, else one is made; errors carry it too.
                let requestID = HTTPField.Name("X-Request-ID")!
                var withID = auth
                withID[requestID] = "crm-7f3a"
                #expect(
                    try await client.execute(uri: "/api/whatsapp/threads", method: .get, headers: withID)
                        .headers[requestID] == "crm-7f3a"
                )
                let made = try await client.execute(uri: "/api/whatsapp/threads", method: .get, headers: auth)
                #expect(made.headers[requestID].flatMap(UUID.init(uuidString:)) != nil)
                var refused: HTTPFields = [:]
                refused[requestID] = "crm-err-1"
                #expect(
                    try await client.execute(uri: "/api/whatsapp/threads", method: .get, headers: refused)
                        .headers[requestID] == "crm-err-1"
                )

                // Ids are lowercase, and keys come in one (sorted) order, the same every time.
                let threads = try await client.execute(uri: "/api/whatsapp/threads", method: .get, headers: auth)
                let body = String(buffer: threads.body)
                #expect(body == String(buffer: made.body))
                let thread = try #require(try JSONValue.parse(Data(buffer: threads.body))["threads"]?[0])
                let threadID = try #require(thread["id"]?.stringValue)
                #expect(threadID == threadID.lowercased())
                let contactID = try #require(thread["contact_id"]?.stringValue)
                #expect(contactID == contactID.lowercased())
                let object = try #require(body.firstMatch(of: /"threads":\[\{([^{}]*)\}/)?.output.1)
                let keys = object.matches(of: /"([a-z_]+)":/).map { String($0.output.1) }
                #expect(keys.count > 3 && keys == keys.sorted(), "\(keys)")

                // Cursor pagination: pages of two, newest first, each message once.
                var seen: [String] = []
                var cursor: String?
                var pages = 0
                repeat {
                    let query = cursor.map {
                        "&cursor=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0)"
                    }
                    let page = try await client.execute(
                        uri: "/api/whatsapp/threads/\(threadID)/messages?limit=2" + (query ?? ""),
                        method: .get,
                        headers: auth
                    )
                    #expect(page.status == .ok)
                    let json = try JSONValue.parse(Data(buffer: page.body))
                    let messages = json["messages"]?.arrayValue ?? []
                    #expect(messages.count <= 2)
                    seen += messages.compactMap { $0["provider_message_id"]?.stringValue }
                    #expect(messages.allSatisfy { $0["id"]?.stringValue == $0["id"]?.stringValue?.lowercased() })
                    cursor = json["next_cursor"]?.stringValue
                    pages += 1
                } while cursor != nil && pages < 10
                #expect(pages == 3)
                #expect(seen.count == 5 && Set(seen).count == 5)
                #expect(seen.first == "wamid.P4" && seen.last == "wamid.P0")
                let bad = try await client.execute(
                    uri: "/api/whatsapp/threads/\(threadID)/messages?cursor=nonsense",
                    method: .get,
                    headers: auth
                )
                #expect(bad.status == .badRequest)
            }
        }
    }
}
