import Core
import Foundation
import Outbound
import Store
import Testing
import WhatsAppCloud

/// The pure parts of sending: rate shaping, retry decisions, template parameter checks and
/// the compliance rules, as lists of inputs and expected outcomes.
@Suite struct SendingRulesTests {
    @Test func tokenBucketGrantsAtItsRateAndBurst() {
        var bucket = TokenBucket(rate: 10, capacity: 2)
        #expect(bucket.take(5, now: 0) == 2)
        #expect(bucket.take(1, now: 0) == 0)
        #expect(abs(bucket.wait(now: 0) - 0.1) < 1e-9)
        #expect(bucket.take(1, now: 0.1) == 1)
        #expect(bucket.take(5, now: 10) == 2)  // refills only to capacity
        bucket.drain(now: 10)
        #expect(bucket.available(now: 10) == 0)
        #expect(bucket.available(now: 10.25) == 2)
    }

    @Test func pairRateIsOneMessagePerSixSecondsAfterTheBurst() {
        var pair = TokenBucket(rate: 1.0 / 6, capacity: 3)
        let granted = (0..<5).map { pair.take(1, now: Double($0) * 0.1) }
        #expect(granted == [1, 1, 1, 0, 0])
        #expect(pair.wait(now: 0.5) > 5)
        #expect(pair.take(1, now: 6.2) == 1)
    }

    @Test func retriesOnlyWhatCanSucceed() {
        let policy = RetryPolicy(base: .seconds(1), cap: .seconds(60), maxAttempts: 5)
        #expect(policy.decide(.permanent, attempt: 1, random: 0.5) == .fail)
        #expect(policy.decide(.needsTemplate, attempt: 1, random: 0.5) == .fail)
        #expect(policy.decide(.retryable, attempt: 5, random: 0.5) == .dead)
        #expect(policy.decide(.rateLimited(after: .seconds(6)), attempt: 5, random: 0.5) == .dead)
        // Exponential with equal jitter: attempt n waits between step/2 and step, step = base·2^(n-1), capped.
        for attempt in 1...4 {
            let step = min(60.0, pow(2, Double(attempt - 1)))
            for random in [0.0, 0.5, 0.999] {
                guard case .retry(let delay) = policy.decide(.retryable, attempt: attempt, random: random) else {
                    Issue.record("attempt \(attempt) should retry")
                    continue
                }
                let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) * 1e-18
                #expect(seconds >= step / 2 - 1e-9 && seconds <= step + 1e-9)
            }
        }
        // A rate limit's own wait is the floor.
        #expect(policy.decide(.rateLimited(after: .seconds(6)), attempt: 1, random: 0) == .retry(after: .seconds(6)))
    }

    @Test func providerErrorsAreClassified() {
        func disposition(_ code: Int, _ status: Int) -> GraphAPIError.Disposition {
            OutboundError(.provider, "x", graphError: GraphAPIError(httpStatus: status, code: code, message: "x"))
                .disposition
        }
        #expect(disposition(131047, 400) == .needsTemplate)
        #expect(disposition(131026, 400) == .permanent)
        #expect(disposition(132001, 404) == .permanent)
        #expect(disposition(130429, 429) == .rateLimited(after: .seconds(1)))
        #expect(disposition(131056, 429) == .rateLimited(after: .seconds(6)))
        #expect(disposition(131000, 500) == .retryable)
        #expect(OutboundError(.timeout, "x").disposition == .retryable)
        #expect(OutboundError(.transport, "x").disposition == .retryable)
        #expect(OutboundError(.unexpectedStatus, "x", httpStatus: 502).disposition == .retryable)
        #expect(OutboundError(.unexpectedStatus, "x", httpStatus: 429).disposition == .rateLimited(after: .seconds(1)))
        #expect(OutboundError(.unexpectedStatus, "x", httpStatus: 403).disposition == .permanent)
        // A 2xx without a wamid may have gone out: never retried.
        #expect(OutboundError(.unreadableResponse, "x").disposition == .permanent)
    }

    static let orderUpdate = MessageTemplate.testing(
        name: "order_update",
        category: "UTILITY",
        components: [
            ["type": "HEADER", "format": "IMAGE"],
            ["type": "BODY", "text": "Hi {{1}}, order {{2}} ships on {{3}}. Thanks {{1}}!"],
            ["type": "FOOTER", "text": "Reply STOP to opt out"],
            [
                "type": "BUTTONS",
                "buttons": [
                    ["type": "QUICK_REPLY", "text": "OK"],
                    ["type": "URL", "text": "Track", "url": "https://shop.example/track/{{1}}"],
                ],
            ],
        ]
    )

    @Test func templateVariablesAreReadFromTheDefinition() {
        let spec = TemplateSpec(components: Self.orderUpdate.components, parameterFormat: nil)
        #expect(spec.header == .media("image"))
        #expect(spec.bodyVariables == ["1", "2", "3"])
        #expect(spec.buttons.map(\.subType) == ["quick_reply", "url"])
        #expect(spec.buttons.map(\.required) == [false, true])
        let named = TemplateSpec(
            components: [["type": "BODY", "text": "Hello {{first_name}}, your code is {{ code }}"]],
            parameterFormat: "NAMED"
        )
        #expect(named.bodyVariables == ["first_name", "code"])
        #expect(named.named)
    }

    @Test func templateParametersMustMatchCountAndType() throws {
        let spec = TemplateSpec(components: Self.orderUpdate.components, parameterFormat: nil)
        let header: JSONValue = [
            "type": "header", "parameters": [["type": "image", "image": ["link": "https://x/y.png"]]],
        ]
        let body: JSONValue = [
            "type": "body",
            "parameters": [
                ["type": "text", "text": "Ana"], ["type": "text", "text": "A-17"],
                ["type": "date_time", "date_time": ["fallback_value": "May 3"]],
            ],
        ]
        let button: JSONValue = [
            "type": "button", "sub_type": "url", "index": "1", "parameters": [["type": "text", "text": "A-17"]],
        ]
        try spec.validate([header, body, button])

        func refusal(_ components: [JSONValue]) -> String? {
            do {
                try spec.validate(components)
                return nil
            } catch let error as OutboundError {
                #expect(error.code == .templateParameters)
                return error.message
            } catch {
                return "\(error)"
            }
        }
        #expect(refusal([header, button])?.contains("body expects 3") == true)
        let shortBody: JSONValue = ["type": "body", "parameters": [["type": "text", "text": "Ana"]]]
        #expect(
            refusal([header, shortBody, button])?.contains("body expects 3 parameter(s) ({{1}}, {{2}}, {{3}}), got 1")
                == true
        )
        let textHeader: JSONValue = ["type": "header", "parameters": [["type": "text", "text": "hi"]]]
        #expect(refusal([textHeader, body, button])?.contains("expects a image parameter, got text") == true)
        #expect(refusal([body, button])?.contains("header needs") == true)
        #expect(refusal([header, body])?.contains("button 1 (url) needs its parameter") == true)
        let wrongButton: JSONValue = ["type": "button", "sub_type": "quick_reply", "index": "1", "parameters": []]
        #expect(refusal([header, body, wrongButton])?.contains("button 1 is a url button") == true)
        let imageBody: JSONValue = [
            "type": "body",
            "parameters": [
                ["type": "image", "image": ["link": "x"]], ["type": "text", "text": "b"],
                ["type": "text", "text": "c"],
            ],
        ]
        #expect(refusal([header, imageBody, button])?.contains("must be text, currency or date_time") == true)
    }

    @Test func complianceRefusalsSayWhatToDoInstead() throws {
        func code(_ body: () throws -> Void) -> OutboundError.Code? {
            do {
                try body()
                return nil
            } catch let error as OutboundError {
                return error.code
            } catch {
                return nil
            }
        }
        #expect(
            code { try ComplianceGuard.checkRecipient(ContactConsent(optedOut: true), templateCategory: nil) }
                == .optedOut
        )
        #expect(
            code { try ComplianceGuard.checkRecipient(ContactConsent(doNotContact: true), templateCategory: "UTILITY") }
                == .doNotContact
        )
        #expect(
            code {
                try ComplianceGuard.checkRecipient(ContactConsent(suppression: "legal hold"), templateCategory: nil)
            } == .suppressed
        )
        #expect(
            code {
                try ComplianceGuard.checkRecipient(
                    ContactConsent(marketingOptedOut: true),
                    templateCategory: "MARKETING"
                )
            } == .marketingOptedOut
        )
        #expect(
            code {
                try ComplianceGuard.checkRecipient(ContactConsent(marketingOptedOut: true), templateCategory: "UTILITY")
            } == nil
        )
        #expect(
            code { try ComplianceGuard.checkRecipient(ContactConsent(marketingOptedOut: true), templateCategory: nil) }
                == nil
        )

        let now = Date()
        #expect(code { try ComplianceGuard.checkWindow(expiresAt: now.addingTimeInterval(60), now: now) } == nil)
        let pending = MessageTemplate.testing(name: "promo", category: "MARKETING", status: "PENDING", components: [])
        do {
            try ComplianceGuard.checkWindow(
                expiresAt: now.addingTimeInterval(-1),
                now: now,
                templates: [Self.orderUpdate, pending]
            )
            Issue.record("a closed window must refuse")
        } catch let error as OutboundError {
            #expect(error.code == .windowClosed)
            #expect(error.templates.map(\.name) == ["order_update"])  // only APPROVED ones are offered
        }
        #expect(code { try ComplianceGuard.checkWindow(expiresAt: nil, now: now) } == .windowClosed)

        #expect(
            code {
                _ = try ComplianceGuard.checkTemplate(
                    name: "promo",
                    language: "en_US",
                    components: [],
                    templates: [pending]
                )
            } == .templateNotApproved
        )
        #expect(
            code {
                _ = try ComplianceGuard.checkTemplate(
                    name: "nope",
                    language: "en_US",
                    components: [],
                    templates: [pending]
                )
            } == .templateNotFound
        )
        do {
            _ = try ComplianceGuard.checkTemplate(
                name: "order_update",
                language: "pt_BR",
                components: [],
                templates: [Self.orderUpdate]
            )
        } catch let error as OutboundError {
            #expect(error.code == .templateNotFound)
            #expect(error.message.contains("approved languages: en_US"))
        }
    }

    @Test func outboundSettingsComeFromTheEnvironment() throws {
        let configuration = try WainsightConfiguration(environment: [
            "WAINSIGHT_GRAPH_BASE_URL": "http://127.0.0.1:9", "WAINSIGHT_GRAPH_API_VERSION": "v24.0",
            "WAINSIGHT_MESSAGES_PER_SECOND": "20", "WAINSIGHT_PAIR_BURST": "5", "WAINSIGHT_SEND_MAX_ATTEMPTS": "3",
            "WAINSIGHT_MEDIA_DIR": "/tmp/media",
        ])
        #expect(configuration.outbound.graphBaseURL == "http://127.0.0.1:9")
        #expect(configuration.outbound.graphAPIVersion == "v24.0")
        #expect(configuration.outbound.messagesPerSecond == 20)
        #expect(configuration.outbound.pairBurst == 5)
        #expect(configuration.outbound.maxAttempts == 3)
        #expect(configuration.outbound.mediaDirectory == "/tmp/media")
        #expect(throws: ConfigurationError.self) {
            try WainsightConfiguration(environment: ["WAINSIGHT_GRAPH_API_VERSION": "23"])
        }
        #expect(throws: ConfigurationError.self) {
            try WainsightConfiguration(environment: ["WAINSIGHT_PAIR_BURST": "46"])
        }
    }
}

extension MessageTemplate {
    static func testing(
        name: String,
        language: String = "en_US",
        category: String,
        status: String = "APPROVED",
        components: [JSONValue]
    ) -> MessageTemplate {
        MessageTemplate(
            wabaID: "waba-test",
            name: name,
            language: language,
            status: status,
            category: category,
            components: components
        )
    }
}
