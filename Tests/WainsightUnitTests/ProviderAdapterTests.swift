import Core
import Foundation
import Outbound
import Testing
import WainsightTesting
import WhatsAppCloud

/// Both adapters against the fake Graph API: the requests they make (the fake refuses any
/// that break the documented protocol) and how they read each of Meta's error answers.
@Suite struct ProviderAdapterTests {
    static func adapters(_ fake: FakeGraphAPI, _ http: HTTPClientService) -> [any MessagingProvider] {
        [
            MetaCloudProvider(
                client: http.client,
                baseURL: fake.baseURL,
                apiVersion: fake.version,
                phoneNumberID: "111",
                wabaID: "waba-test",
                accessToken: "meta-token",
                timeout: .milliseconds(300)
            ),
            Dialog360Provider(
                client: http.client,
                baseURL: fake.baseURL,
                apiKey: "d360-key",
                timeout: .milliseconds(300)
            ),
        ]
    }

    static func with(_ body: (FakeGraphAPI, [any MessagingProvider]) async throws -> Void) async throws {
        try await FakeGraphAPI.with { fake in
            fake.register(phoneNumberID: "111", token: "meta-token", dialogKey: "d360-key")
            let http = HTTPClientService(maxConnectionsPerHost: 4)
            do {
                try await body(fake, adapters(fake, http))
                try await http.shutdown()
            } catch {
                try? await http.shutdown()
                throw error
            }
            #expect(fake.invalidRequests == [])
        }
    }

    @Test func sendsReadsAndMovesMediaTheDocumentedWay() async throws {
        try await Self.with { fake, adapters in
            fake.setTemplates(
                waba: "waba-test",
                (1...5).map {
                    [
                        "name": .string("t\($0)"), "language": "en_US", "status": "APPROVED", "category": "UTILITY",
                        "components": [],
                    ]
                }
            )
            for provider in adapters {
                let receipt = try await provider.sendText(
                    to: "15550001111",
                    body: "hi",
                    replyTo: "wamid.X",
                    callbackData: "cb-1"
                )
                #expect(receipt.messageID.hasPrefix("wamid.FAKE"))
                #expect(receipt.waID == "15550001111")
                let template = try await provider.sendTemplate(
                    to: "15550001111",
                    name: "order_update",
                    language: "en_US",
                    components: [["type": "body", "parameters": [["type": "text", "text": "Ana"]]]]
                )
                #expect(template.messageID != receipt.messageID)
                try await provider.markRead(messageID: "wamid.IN", typingIndicator: true)

                let file = Data("%PDF-1.4 quote for Ana".utf8)
                let id = try await provider.uploadMedia(file, mimeType: "application/pdf", filename: "quote.pdf")
                #expect(fake.mediaData(id: id) == file)
                let info = try await provider.mediaInfo(id: id)
                #expect(info.mimeType == "application/pdf")
                #expect(try await provider.download(info, maxBytes: 1 << 20) == file)
                #expect(
                    try await provider.allTemplates().map { $0["name"]?.stringValue ?? "" } == [
                        "t1", "t2", "t3", "t4", "t5",
                    ]
                )
            }
            let sent = fake.accepted
            #expect(sent.count == 4)
            #expect(sent.first?.body["context"]?["message_id"]?.stringValue == "wamid.X")
            #expect(sent.first?.body["text"]?["preview_url"]?.boolValue == false)
            #expect(sent[1].body["template"]?["language"]?["policy"]?.stringValue == "deterministic")
            #expect(fake.reads == ["wamid.IN", "wamid.IN"])
        }
    }

    @Test func metasErrorAnswersAreClassified() async throws {
        try await Self.with { fake, adapters in
            let cases: [(FakeGraphAPI.Failure, OutboundError.Code, Int?, GraphAPIError.Disposition)] = [
                (.reEngagement, .provider, 131047, .needsTemplate),
                (.undeliverable, .provider, 131026, .permanent),
                (.throughput, .provider, 130429, .rateLimited(after: .seconds(1))),
                (.pairRate, .provider, 131056, .rateLimited(after: .seconds(6))),
                (.templateMissing, .provider, 132001, .permanent),
                (.internalError, .provider, 131000, .retryable),
                (.serviceUnavailable, .provider, 131016, .retryable),
                (.bare(status: 502), .unexpectedStatus, nil, .retryable),
                (.stall(.seconds(1)), .timeout, nil, .retryable),
            ]
            for provider in adapters {
                for (failure, code, graphCode, disposition) in cases {
                    fake.script("15550002222", [failure])
                    do {
                        _ = try await provider.sendText(to: "15550002222", body: "hi")
                        Issue.record("\(provider.kind) accepted despite \(failure)")
                    } catch let error as OutboundError {
                        #expect(error.code == code, "\(provider.kind) \(failure)")
                        #expect(error.graphError?.code == graphCode, "\(provider.kind) \(failure)")
                        #expect(error.disposition == disposition, "\(provider.kind) \(failure)")
                    }
                }
            }
            #expect(fake.accepted.isEmpty)
        }
    }

    @Test func aWrongCredentialIsAPermanentAuthError() async throws {
        try await FakeGraphAPI.with { fake in
            fake.register(phoneNumberID: "111", token: "right")
            let http = HTTPClientService(maxConnectionsPerHost: 1)
            let provider = MetaCloudProvider(
                client: http.client,
                baseURL: fake.baseURL,
                apiVersion: fake.version,
                phoneNumberID: "111",
                wabaID: "w",
                accessToken: "wrong",
                timeout: .seconds(2)
            )
            await #expect {
                _ = try await provider.sendText(to: "15550003333", body: "hi")
            } throws: { error in
                (error as? OutboundError)?.graphError?.code == 190
                    && (error as? OutboundError)?.disposition == .permanent
            }
            try await http.shutdown()
        }
    }
}
