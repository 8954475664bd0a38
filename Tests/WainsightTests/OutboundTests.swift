import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOFoundationCompat
import Outbound
import PostgresNIO
import Server
import Store
import Testing
import WainsightTesting
import WhatsAppCloud

/// Sending end to end: the HTTP API, the real Postgres, the outbox senders and the adapters,
/// against the fake Graph API on loopback.
@Suite struct OutboundTests {
    static let phone = "111"
    static let waba = Payloads.wabaID

    static let templates: [JSONValue] = [
        [
            "id": "9001", "name": "order_update", "language": "en_US", "status": "APPROVED", "category": "UTILITY",
            "components": [["type": "BODY", "text": "Hi {{1}}, your order {{2}} has shipped."]],
        ],
        [
            "id": "9002", "name": "order_update", "language": "es", "status": "APPROVED", "category": "UTILITY",
            "components": [["type": "BODY", "text": "Hola {{1}}, tu pedido {{2}} fue enviado."]],
        ],
        [
            "id": "9003", "name": "spring_sale", "language": "en_US", "status": "APPROVED", "category": "MARKETING",
            "components": [["type": "BODY", "text": "Spring sale: 20% off everything this week."]],
        ],
        [
            "id": "9004", "name": "new_terms", "language": "en_US", "status": "PENDING", "category": "UTILITY",
            "components": [["type": "BODY", "text": "Our terms changed."]],
        ],
        [
            "id": "9005", "name": "follow_up", "language": "en_US", "status": "REJECTED", "category": "MARKETING",
            "rejected_reason": "INVALID_FORMAT", "components": [["type": "BODY", "text": "Still interested?"]],
        ],
    ]

    /// Everything one test needs: a database, the fake, the app (no background workers: the
    /// test drives ingest and sending), and an organization with a connected Meta number.
    struct Fixture: Sendable {
        let fake: FakeGraphAPI
        let harness: IngestHarness
        let parts: OutboundParts
        let organization: OrganizationID
        let apiKey: String
        let account: UUID

        /// Stores and ingests an inbound text (which opens the 24-hour window).
        func inbound(from waID: String, id: String, text: String = "Hi, is this in stock?", at: Int? = nil) async throws
        {
            let timestamp = at ?? Int(Date().timeIntervalSince1970)
            try await harness.store([
                Payloads.text(to: OutboundTests.phone, from: waID, id: id, at: timestamp, body: text)
            ])
            _ = try await harness.drain()
        }

        func ingest(_ body: Data) async throws {
            try await harness.store([body])
            _ = try await harness.drain()
        }

        func thread(of waID: String) async throws -> UUID {
            let rows = try await harness.client.query(
                """
                SELECT t.id FROM whatsapp_threads t JOIN whatsapp_contacts c ON c.id = t.contact_id
                WHERE c.wa_id = \(waID) AND t.organization_id = \(organization.rawValue)
                """,
                logger: harness.logger
            )
            for try await id in rows.decode(UUID.self) { return id }
            throw OutboundError(.notFound, "no thread for \(waID)")
        }

        func send() async throws {
            #expect(try await parts.sender.drain(timeout: .seconds(20)))
        }

        func api(
            _ client: any TestClientProtocol,
            _ method: HTTPRequest.Method,
            _ path: String,
            _ body: JSONValue? = nil,
            key: String? = nil
        ) async throws -> (status: HTTPResponse.Status, json: JSONValue, headers: HTTPFields) {
            var headers: HTTPFields = [.authorization: "Bearer \(apiKey)", .contentType: "application/json"]
            if let key { headers[HTTPField.Name("Idempotency-Key")!] = key }
            let response = try await client.execute(
                uri: path,
                method: method,
                headers: headers,
                body: body.map { ByteBuffer(bytes: $0.canonicalData()) }
            )
            let json = (try? JSONValue.parse(Data(buffer: response.body))) ?? .null
            return (response.status, json, response.headers)
        }
    }

    static func with(
        _ tweak: @Sendable (inout WainsightConfiguration.OutboundOptions) -> Void = { _ in },
        _ body: @Sendable (Fixture, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await TestDatabase.with { url, client in
            try await FakeGraphAPI.with { fake in
                let media = FileManager.default.temporaryDirectory.appendingPathComponent("wainsight-media-\(UUID())")
                defer { try? FileManager.default.removeItem(at: media) }
                var outbound = WainsightConfiguration.OutboundOptions(
                    graphBaseURL: fake.baseURL,
                    dialog360BaseURL: fake.baseURL,
                    requestTimeout: .milliseconds(400),
                    pairInterval: .seconds(1),
                    pairBurst: 3,
                    concurrency: 8,
                    maxAttempts: 4,
                    retryBase: .milliseconds(10),
                    retryCap: .milliseconds(40),
                    lease: .seconds(5),
                    pollInterval: .milliseconds(10),
                    mediaDirectory: media.path
                )
                tweak(&outbound)
                let configuration = WainsightConfiguration(
                    databaseURL: url,
                    databaseConnections: 4,
                    appSecrets: ["s"],
                    masterKey: IngestHarness.testMasterKey,
                    host: "127.0.0.1",
                    port: 0,
                    outbound: outbound,
                    embedding: .init(mode: .none)
                )
                let harness = try IngestHarness(client: client)
                let (organization, apiKey) = try await harness.organization()
                let accounts = AccountRepository(client: client, secretBox: harness.secretBox, logger: harness.logger)
                let account = try await accounts.add(
                    organization: organization,
                    phoneNumberID: phone,
                    wabaID: waba,
                    accessToken: "meta-token-111"
                ).account
                fake.register(phoneNumberID: phone, token: "meta-token-111")
                fake.setTemplates(waba: waba, templates)

                let http = HTTPClientService(maxConnectionsPerHost: 8)
                let parts = OutboundParts(
                    configuration: configuration,
                    client: client,
                    httpClient: http.client,
                    secretBox: harness.secretBox,
                    logger: harness.logger
                )
                let fixture = Fixture(
                    fake: fake,
                    harness: harness,
                    parts: parts,
                    organization: organization,
                    apiKey: apiKey,
                    account: account.id
                )
                let app = try await buildApplication(
                    configuration: configuration,
                    runWorker: false,
                    logger: harness.logger
                )
                do {
                    try await app.test(.live) { client in try await body(fixture, client) }
                    try await http.shutdown()
                } catch {
                    try? await http.shutdown()
                    throw error
                }
                #expect(fake.invalidRequests == [], "every request must follow the provider's documented protocol")
            }
        }
    }

    @Test func aTextInsideTheWindowIsSentOncePerIdempotencyKey() async throws {
        try await Self.with { fixture, client in
            try await fixture.inbound(from: "5511988887777", id: "wamid.IN1")
            let thread = try await fixture.thread(of: "5511988887777")
            let request: JSONValue = [
                "thread_id": .string(thread.uuidString), "text": "Yes! Size M is in stock.", "reply_to": "wamid.IN1",
            ]

            let first = try await fixture.api(client, .post, "/api/whatsapp/messages", request, key: "k-1")
            #expect(first.status == .accepted)
            #expect(first.json["message"]?["status"]?.stringValue == "queued")
            let id = try #require(first.json["message"]?["id"]?.stringValue)

            let again = try await fixture.api(client, .post, "/api/whatsapp/messages", request, key: "k-1")
            #expect(again.status == .ok)
            #expect(again.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(again.json["message"]?["id"]?.stringValue == id)

            var other = request
            if case .object(var members) = other {
                members["text"] = "Something else"
                other = .object(members)
            }
            let conflict = try await fixture.api(client, .post, "/api/whatsapp/messages", other, key: "k-1")
            #expect(conflict.status == .conflict)
            #expect(conflict.json["error"]?["code"]?.stringValue == "idempotency_conflict")

            try await fixture.send()
            let accepted = fixture.fake.accepted
            #expect(accepted.count == 1)
            #expect(accepted.first?.to == "5511988887777")
            #expect(accepted.first?.body["context"]?["message_id"]?.stringValue == "wamid.IN1")
            #expect(accepted.first?.callbackData == id.lowercased())
            #expect(accepted.first?.body["text"]?["body"]?.stringValue == "Yes! Size M is in stock.")

            // A replay after the send returns the sent message; still one request reached the provider.
            let late = try await fixture.api(client, .post, "/api/whatsapp/messages", request, key: "k-1")
            #expect(late.json["message"]?["status"]?.stringValue == "sent")
            let wamid = try #require(accepted.first?.wamid)
            #expect(late.json["message"]?["provider_message_id"]?.stringValue == wamid)
            #expect(fixture.fake.accepted.count == 1)

            // The message is in the thread, and status webhooks move it forward (read beats a late delivered).
            let now = Int(Date().timeIntervalSince1970)
            try await fixture.ingest(
                Payloads.status(of: wamid, "read", phoneNumberID: Self.phone, recipient: "5511988887777", at: now + 5)
            )
            try await fixture.ingest(
                Payloads.status(
                    of: wamid,
                    "delivered",
                    phoneNumberID: Self.phone,
                    recipient: "5511988887777",
                    at: now + 2
                )
            )
            let read = try await fixture.api(client, .get, "/api/whatsapp/messages/\(id)")
            #expect(read.json["message"]?["status"]?.stringValue == "read")
            let detail = try await fixture.api(client, .get, "/api/whatsapp/threads/\(thread)")
            #expect(detail.json["care_window_open"]?.boolValue == true)
            #expect(detail.json["phone_number_id"]?.stringValue == Self.phone)
            #expect(detail.json["message_count"]?.intValue == 2)
            #expect(try await fixture.api(client, .get, "/api/whatsapp/threads/\(UUID())").status == .notFound)
            let page = try await fixture.api(client, .get, "/api/whatsapp/threads/\(thread)/messages")
            #expect(page.json["messages"]?[0]?["provider_message_id"]?.stringValue == wamid)
            #expect(page.json["messages"]?[0]?["direction"]?.stringValue == "outbound")
            #expect(page.json["messages"]?[0]?["status"]?.stringValue == "read")
        }
    }

    @Test func theRulesRefuseBeforeAnythingIsQueued() async throws {
        try await Self.with { fixture, client in
            _ = try await fixture.api(client, .post, "/api/whatsapp/templates/sync")
            func template(_ name: String, _ language: String = "en_US", to: String, _ parameters: [String] = [])
                -> JSONValue
            {
                var template: [String: JSONValue] = ["name": .string(name), "language": .string(language)]
                if !parameters.isEmpty {
                    template["components"] = [
                        [
                            "type": "body",
                            "parameters": .array(parameters.map { ["type": "text", "text": .string($0)] }),
                        ]
                    ]
                }
                return ["phone_number_id": .string(Self.phone), "to": .string(to), "template": .object(template)]
            }
            func refusal(_ path: String, _ body: JSONValue) async throws -> JSONValue? {
                let answer = try await fixture.api(client, .post, path, body)
                #expect(answer.status == .unprocessableContent, "\(body) → \(answer.json)")
                return answer.json["error"]
            }

            // Never wrote to us: no window, so no session text; the approved templates are offered.
            let closed = try await refusal(
                "/api/whatsapp/messages",
                ["phone_number_id": .string(Self.phone), "to": "15550001111", "text": "hello"]
            )
            #expect(closed?["code"]?.stringValue == "window_closed")
            let offered = Set(closed?["templates"]?.arrayValue?.compactMap { $0["name"]?.stringValue.map { $0 } } ?? [])
            #expect(offered == ["order_update", "spring_sale"])
            // The message names them too (it once said none was synced while listing them).
            #expect(
                closed?["message"]?.stringValue
                    == "the 24-hour customer-care window is never opened: send an approved template instead; "
                    + "approved: order_update (en_US), order_update (es), spring_sale (en_US)"
            )
            // A thread whose customer writes Spanish gets the Spanish template first.
            try await fixture.inbound(from: "15550007777", id: "wamid.ES", text: "Hola, ¿tienen stock?")
            let spanish = try await fixture.thread(of: "15550007777")
            try await fixture.harness.client.query(
                "UPDATE whatsapp_messages SET ai_language = 'es' WHERE thread_id = \(spanish)",
                logger: fixture.harness.logger
            )
            try await fixture.harness.client.query(
                "UPDATE whatsapp_threads SET care_window_expires_at = now() - interval '1 hour' WHERE id = \(spanish)",
                logger: fixture.harness.logger
            )
            let closedES = try await refusal(
                "/api/whatsapp/messages",
                ["thread_id": .string(spanish.uuidString), "text": "hola"]
            )
            #expect(closedES?["templates"]?[0]?["language"]?.stringValue == "es")
            #expect(
                closedES?["message"]?.stringValue?.hasSuffix(
                    "approved: order_update (es), order_update (en_US), spring_sale (en_US)"
                ) == true,
                "\(closedES?["message"] ?? .null)"
            )

            // Template rules: approval, language, parameters.
            #expect(
                try await refusal("/api/whatsapp/messages/template", template("new_terms", to: "15550001111"))?["code"]?
                    .stringValue == "template_not_approved"
            )
            #expect(
                try await refusal("/api/whatsapp/messages/template", template("follow_up", to: "15550001111"))?[
                    "message"
                ]?.stringValue?.contains("INVALID_FORMAT") == true
            )
            let language = try await refusal(
                "/api/whatsapp/messages/template",
                template("order_update", "pt_BR", to: "15550001111", ["Ana", "A-1"])
            )
            #expect(language?["code"]?.stringValue == "template_not_found")
            #expect(language?["message"]?.stringValue?.contains("en_US, es") == true)
            #expect(
                try await refusal(
                    "/api/whatsapp/messages/template",
                    template("order_update", to: "15550001111", ["Ana"])
                )?["code"]?.stringValue == "template_parameters"
            )

            // Consent: a typed STOP opts out of everything, even inside the window.
            try await fixture.inbound(from: "15550002222", id: "wamid.STOP", text: "STOP")
            let stopped = try await fixture.thread(of: "15550002222")
            #expect(
                try await refusal(
                    "/api/whatsapp/messages",
                    ["thread_id": .string(stopped.uuidString), "text": "sorry to see you go"]
                )?["code"]?.stringValue == "opted_out"
            )
            #expect(
                try await refusal(
                    "/api/whatsapp/messages/template",
                    template("order_update", to: "15550002222", ["Ana", "A-1"])
                )?["code"]?.stringValue == "opted_out"
            )

            // Do-not-contact and suppression come from the CRM and the organization's list.
            try await fixture.inbound(from: "15550003333", id: "wamid.DNC")
            try await fixture.harness.client.query(
                "UPDATE whatsapp_contacts SET do_not_contact = true WHERE wa_id = '15550003333'",
                logger: fixture.harness.logger
            )
            #expect(
                try await refusal(
                    "/api/whatsapp/messages/template",
                    template("order_update", to: "15550003333", ["Ana", "A-1"])
                )?["code"]?.stringValue == "do_not_contact"
            )
            try await fixture.harness.client.query(
                "INSERT INTO whatsapp_suppressions (organization_id, recipient, reason) VALUES (\(fixture.organization.rawValue), '15550004444', 'legal hold')",
                logger: fixture.harness.logger
            )
            #expect(
                try await refusal(
                    "/api/whatsapp/messages/template",
                    template("order_update", to: "15550004444", ["Ana", "A-1"])
                )?["code"]?.stringValue == "suppressed"
            )

            // "Stop promotions" blocks marketing templates only. (The first send creates the contact.)
            let first = try await fixture.api(
                client,
                .post,
                "/api/whatsapp/messages/template",
                template("order_update", to: "15550005555", ["Ana", "A-1"])
            )
            #expect(first.status == .accepted)
            try await fixture.harness.client.query(
                "UPDATE whatsapp_contacts SET marketing_opted_out = true WHERE wa_id = '15550005555'",
                logger: fixture.harness.logger
            )
            #expect(
                try await refusal("/api/whatsapp/messages/template", template("spring_sale", to: "15550005555"))?[
                    "code"
                ]?.stringValue == "marketing_opted_out"
            )

            // With the marketing opt-out set, a utility template still goes.
            let utility = try await fixture.api(
                client,
                .post,
                "/api/whatsapp/messages/template",
                template("order_update", to: "15550005555", ["Ana", "A-2"])
            )
            #expect(utility.status == .accepted)

            // Only the allowed messages were queued, and only they reached the provider.
            #expect(try await fixture.harness.count("SELECT count(*) FROM outbox_messages") == 2)
            try await fixture.send()
            #expect(fixture.fake.accepted.map(\.to) == ["15550005555", "15550005555"])
            #expect(fixture.fake.accepted.first?.body["template"]?["language"]?["code"]?.stringValue == "en_US")
        }
    }

    @Test func rulesAreCheckedAgainWhenTheMessageGoesOut() async throws {
        try await Self.with { fixture, client in
            try await fixture.inbound(from: "15550006666", id: "wamid.LATE")
            let thread = try await fixture.thread(of: "15550006666")
            let queued = try await fixture.api(
                client,
                .post,
                "/api/whatsapp/messages",
                ["thread_id": .string(thread.uuidString), "text": "on it"]
            )
            #expect(queued.status == .accepted)
            // The window closes before a sender gets to it: the text must not go out.
            try await fixture.harness.client.query(
                "UPDATE whatsapp_threads SET care_window_expires_at = now() - interval '1 second' WHERE id = \(thread)",
                logger: fixture.harness.logger
            )
            try await fixture.send()
            #expect(fixture.fake.accepted.isEmpty)
            let id = try #require(queued.json["message"]?["id"]?.stringValue)
            let message = try await fixture.api(client, .get, "/api/whatsapp/messages/\(id)")
            #expect(message.json["message"]?["status"]?.stringValue == "failed")
            #expect(message.json["message"]?["error_message"]?.stringValue?.hasPrefix("window_closed") == true)
            // No template is synced in this test, and the refusal says so.
            #expect(
                message.json["message"]?["error_message"]?.stringValue?.hasSuffix(
                    "no approved template is synced for this number (run a template sync)"
                ) == true
            )
            _ = try await fixture.api(client, .post, "/api/whatsapp/templates/sync")
            let again = try await fixture.api(
                client,
                .post,
                "/api/whatsapp/messages",
                ["thread_id": .string(thread.uuidString), "text": "still there?"]
            )
            #expect(again.json["error"]?["message"]?.stringValue?.contains("approved: order_update (en_US)") == true)
        }
    }

    @Test func transientErrorsAreRetriedPermanentOnesFailAndTheRestDeadLetter() async throws {
        try await Self.with { fixture, client in
            _ = try await fixture.api(client, .post, "/api/whatsapp/templates/sync")
            fixture.fake.script("15550000001", [.serviceUnavailable, .bare(status: 502), .stall(.seconds(1))])
            fixture.fake.script("15550000002", [.undeliverable])
            fixture.fake.script("15550000003", Array(repeating: .internalError, count: 4))
            fixture.fake.script("15550000004", [.reEngagement])
            var ids: [String: String] = [:]
            for to in ["15550000001", "15550000002", "15550000003", "15550000004"] {
                let answer = try await fixture.api(
                    client,
                    .post,
                    "/api/whatsapp/messages/template",
                    [
                        "phone_number_id": .string(Self.phone), "to": .string(to),
                        "template": [
                            "name": "order_update", "language": "en_US",
                            "components": [
                                [
                                    "type": "body",
                                    "parameters": [["type": "text", "text": "Ana"], ["type": "text", "text": "A-9"]],
                                ]
                            ],
                        ],
                    ]
                )
                #expect(answer.status == .accepted)
                ids[to] = answer.json["message"]?["id"]?.stringValue
            }
            try await fixture.send()
            func message(_ to: String) async throws -> JSONValue? {
                try await fixture.api(client, .get, "/api/whatsapp/messages/\(ids[to] ?? "")").json["message"]
            }
            let retried = try await message("15550000001")
            #expect(retried?["status"]?.stringValue == "sent")
            #expect(retried?["attempts"]?.intValue == 4)
            let permanent = try await message("15550000002")
            #expect(permanent?["status"]?.stringValue == "failed")
            #expect(permanent?["attempts"]?.intValue == 1)
            #expect(permanent?["error_code"]?.intValue == 131026)
            #expect(permanent?["error_message"]?.stringValue?.contains("Message undeliverable") == true)
            let template = try await message("15550000004")
            #expect(template?["status"]?.stringValue == "failed")
            #expect(template?["error_code"]?.intValue == 131047)
            let dead = try await message("15550000003")
            #expect(dead?["status"]?.stringValue == "dead")
            #expect(dead?["attempts"]?.intValue == 4)

            let letters = try await fixture.parts.service.outbox.deadLetters(organization: fixture.organization)
            #expect(letters.map { $0.id.uuidString.lowercased() } == [ids["15550000003"]?.lowercased()])
            try await fixture.parts.service.outbox.requeueDead(id: try #require(letters.first?.id))
            await #expect(throws: StoreError.self) {
                try await fixture.parts.service.outbox.requeueDead(id: try #require(letters.first?.id))
            }
            try await fixture.send()
            #expect(try await message("15550000003")?["status"]?.stringValue == "sent")
            // Exactly once each for what went out; nothing for the permanent failures.
            #expect(fixture.fake.accepted.map(\.to).sorted() == ["15550000001", "15550000003"])
            #expect(fixture.fake.rejected[131026] == 1 && fixture.fake.rejected[131000] == 4)
        }
    }

    @Test func templatesSyncEveryPageAndFollowTemplateWebhooks() async throws {
        try await Self.with { fixture, client in
            let synced = try await fixture.api(client, .post, "/api/whatsapp/templates/sync")
            #expect(synced.status == .ok)
            #expect(synced.json["templates"]?[Self.waba]?.intValue == 5)  // three pages of two
            let listed = try await fixture.api(client, .get, "/api/whatsapp/templates")
            let names = listed.json["templates"]?.arrayValue?.map {
                "\($0["name"]?.stringValue ?? "")/\($0["language"]?.stringValue ?? "")/\($0["status"]?.stringValue ?? "")"
            }
            #expect(
                names == [
                    "follow_up/en_US/REJECTED", "new_terms/en_US/PENDING", "order_update/en_US/APPROVED",
                    "order_update/es/APPROVED", "spring_sale/en_US/APPROVED",
                ]
            )
            #expect(
                listed.json["templates"]?[2]?["components"]?[0]?["text"]?.stringValue
                    == "Hi {{1}}, your order {{2}} has shipped."
            )
            let approved = try await fixture.api(client, .get, "/api/whatsapp/templates?status=approved")
            #expect(approved.json["templates"]?.arrayValue?.count == 3)

            func webhook(_ field: String, at time: Int, _ value: String) -> Data {
                Data(
                    #"{"object":"whatsapp_business_account","entry":[{"id":"\#(Self.waba)","time":\#(time),"changes":[{"field":"\#(field)","value":\#(value)}]}]}"#
                        .utf8
                )
            }
            let now = Int(Date().timeIntervalSince1970) + 60
            try await fixture.ingest(
                webhook(
                    "message_template_status_update",
                    at: now,
                    #"{"event":"PAUSED","message_template_id":9003,"message_template_name":"spring_sale","message_template_language":"en_US","reason":null}"#
                )
            )
            // An older event arriving late changes nothing.
            try await fixture.ingest(
                webhook(
                    "message_template_status_update",
                    at: now - 30,
                    #"{"event":"APPROVED","message_template_id":9003,"message_template_name":"spring_sale","message_template_language":"en_US","reason":null}"#
                )
            )
            try await fixture.ingest(
                webhook(
                    "message_template_quality_update",
                    at: now + 1,
                    #"{"previous_quality_score":"GREEN","new_quality_score":"YELLOW","message_template_id":9001,"message_template_name":"order_update","message_template_language":"en_US"}"#
                )
            )
            let after = try await fixture.harness.rows(
                "SELECT name || '/' || language || '/' || status || '/' || coalesce(quality_score, '-') FROM whatsapp_templates ORDER BY 1"
            )
            #expect(after.contains("spring_sale/en_US/PAUSED/-"))
            #expect(after.contains("order_update/en_US/APPROVED/YELLOW"))
            let paused = try await fixture.api(
                client,
                .post,
                "/api/whatsapp/messages/template",
                [
                    "phone_number_id": .string(Self.phone), "to": "15550007777",
                    "template": ["name": "spring_sale", "language": "en_US"],
                ]
            )
            #expect(paused.json["error"]?["code"]?.stringValue == "template_not_approved")

            // A template removed at the provider is marked DELETED on the next sync.
            fixture.fake.setTemplates(waba: Self.waba, Array(Self.templates.prefix(4)))
            _ = try await fixture.api(client, .post, "/api/whatsapp/templates/sync")
            #expect(
                try await fixture.harness.rows("SELECT status FROM whatsapp_templates WHERE name = 'follow_up'") == [
                    "DELETED"
                ]
            )
        }
    }

    @Test func theProviderIsASettingPerAccount() async throws {
        try await Self.with { fixture, client in
            let accounts = AccountRepository(
                client: fixture.harness.client,
                secretBox: fixture.harness.secretBox,
                logger: fixture.harness.logger
            )
            _ = try await accounts.add(
                organization: fixture.organization,
                phoneNumberID: "222",
                wabaID: Self.waba,
                accessToken: "d360-key-222",
                provider: "360dialog"
            )
            fixture.fake.register(phoneNumberID: "222", token: "unused", dialogKey: "d360-key-222")
            try await fixture.inbound(from: "15550008888", id: "wamid.META")
            try await fixture.harness.store([
                Payloads.text(
                    to: "222",
                    from: "15550009999",
                    id: "wamid.D360",
                    at: Int(Date().timeIntervalSince1970),
                    body: "hola"
                )
            ])
            _ = try await fixture.harness.drain()
            for to in ["15550008888", "15550009999"] {
                let thread = try await fixture.thread(of: to)
                let answer = try await fixture.api(
                    client,
                    .post,
                    "/api/whatsapp/messages",
                    ["thread_id": .string(thread.uuidString), "text": "hello"]
                )
                #expect(answer.status == .accepted)
                let read = try await fixture.api(
                    client,
                    .post,
                    "/api/whatsapp/threads/\(thread)/read",
                    ["typing_indicator": true]
                )
                #expect(read.status == .ok)
            }
            try await fixture.send()
            #expect(
                Set(fixture.fake.accepted.map { "\($0.phoneNumberID)→\($0.to)" }) == [
                    "111→15550008888", "222→15550009999",
                ]
            )
            #expect(Set(fixture.fake.reads) == ["wamid.META", "wamid.D360"])

            // 360dialog's template listing pages by offset.
            let connection = try await fixture.parts.directory.connection(
                account: try #require(
                    try await accounts.list(organization: fixture.organization).first { $0.phoneNumberID == "222" }?.id
                )
            )
            #expect(connection.provider.kind == .dialog360)
            #expect(try await connection.provider.allTemplates().count == 5)
        }
    }

    @Test func mediaIsStoredAndServedBySignedExpiringLinks() async throws {
        try await Self.with { fixture, client in
            let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + (0..<500).map { UInt8($0 % 251) })
            let uploaded = try await client.execute(
                uri: "/api/whatsapp/media?filename=catalog.png&account_id=\(fixture.account)",
                method: .post,
                headers: [.authorization: "Bearer \(fixture.apiKey)", .contentType: "image/png"],
                body: ByteBuffer(bytes: png)
            )
            #expect(uploaded.status == .created)
            let media = try JSONValue.parse(Data(buffer: uploaded.body))["media"]
            let providerID = try #require(media?["provider_media_id"]?.stringValue)
            #expect(fixture.fake.mediaData(id: providerID) == png)
            let url = try #require(media?["url"]?.stringValue)
            let served = try await client.execute(uri: url, method: .get)
            #expect(served.status == .ok)
            #expect(Data(buffer: served.body) == png)
            #expect(served.headers[.contentType] == "image/png")
            let forged = try await client.execute(
                uri: url.replacingOccurrences(of: "signature=", with: "signature=00"),
                method: .get
            )
            #expect(forged.status == .notFound)
            let unsupported = try await client.execute(
                uri: "/api/whatsapp/media",
                method: .post,
                headers: [.authorization: "Bearer \(fixture.apiKey)", .contentType: "application/x-msdownload"],
                body: ByteBuffer(bytes: png)
            )
            #expect(unsupported.status == .badRequest)

            // Inbound media: fetched from the provider with the account's token, checked, served the same way.
            let voice = Data((0..<2048).map { UInt8($0 % 7) })
            fixture.fake.addMedia(id: "media-in-1", mimeType: "audio/ogg", data: voice)
            let body = Data(
                #"{"object":"whatsapp_business_account","entry":[{"id":"\#(Self.waba)","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550000000","phone_number_id":"\#(Self.phone)"},"contacts":[{"profile":{"name":"Ana"},"wa_id":"15550001234"}],"messages":[{"from":"15550001234","id":"wamid.VOICE","timestamp":"\#(Int(Date().timeIntervalSince1970))","type":"audio","audio":{"mime_type":"audio/ogg; codecs=opus","sha256":"not-a-real-hash","id":"media-in-1","voice":true}}]}}]}]}"#
                    .utf8
            )
            try await fixture.ingest(body)
            #expect(try await fixture.parts.mediaFetcher.drainOnce() == 1)
            let blob = try await fixture.harness.rows(
                "SELECT id || '|' || coalesce(storage_path, '-') FROM media_blobs WHERE provider_media_id = 'media-in-1'"
            )
            let blobID = try #require(blob.first?.split(separator: "|").first.map(String.init))
            #expect(blob.first?.hasSuffix("|-") == false)
            let link = try await fixture.api(client, .get, "/api/whatsapp/media/\(blobID)")
            let inboundURL = try #require(link.json["media"]?["url"]?.stringValue)
            let fetched = try await client.execute(uri: inboundURL, method: .get)
            #expect(Data(buffer: fetched.body) == voice)
        }
    }

    @Test func throughputAndPairRatesAreShaped() async throws {
        try await Self.with({ $0.messagesPerSecond = 20 }) { fixture, client in
            _ = try await fixture.api(client, .post, "/api/whatsapp/templates/sync")
            let request = { (to: String) -> JSONValue in
                [
                    "phone_number_id": .string(Self.phone), "to": .string(to),
                    "template": [
                        "name": "order_update", "language": "en_US",
                        "components": [
                            [
                                "type": "body",
                                "parameters": [["type": "text", "text": "Ana"], ["type": "text", "text": "A-9"]],
                            ]
                        ],
                    ],
                ]
            }
            for index in 0..<40 {
                _ = try await fixture.api(
                    client,
                    .post,
                    "/api/whatsapp/messages/template",
                    request("1555100\(String(format: "%04d", index))")
                )
            }
            for _ in 0..<5 {
                _ = try await fixture.api(client, .post, "/api/whatsapp/messages/template", request("15552000000"))
            }
            try await fixture.send()
            let accepted = fixture.fake.accepted
            #expect(accepted.count == 45)
            // No one-second window holds more than the cap
            let times = accepted.map(\.at).sorted()
            let busiest =
                times.indices.map { start in times[start...].prefix { $0 < times[start] + 1 }.count }.max() ?? 0
            // (one more for arrival jitter on loopback).
            #expect(busiest <= 21, "busiest second carried \(busiest) messages at a cap of 20/s")
            // One recipient: a burst of three, then one per second (the pair interval here).
            let pair = accepted.filter { $0.to == "15552000000" }.map(\.at).sorted()
            #expect(pair.count == 5)
            #expect(pair[3] - pair[0] >= 0.9 && pair[4] - pair[0] >= 1.9, "pair sends at \(pair)")
        }
    }
}
