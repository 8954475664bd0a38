import Assist
import Core
import Foundation
import Testing

/// The guardrails and the local draft composer.
@Suite struct DraftTests {
    static let open = Guardrails.Context(
        allowedAmounts: [(99, "USD")],
        customerContacts: ["ana@example.com", "5511987650001"],
        windowOpen: true
    )

    static func failed(_ text: String, mode: String = "session", context: Guardrails.Context = open) -> [String] {
        Guardrails().check(text, mode: mode, context: context).filter { !$0.passed }.map(\.name)
    }

    @Test func guardrailsStopWhatADraftMustNotSay() {
        #expect(Self.failed("Hi Ana! CRM Pro is USD 99 a month.") == [])
        #expect(Self.failed("That is a stupid question") == ["profanity"])
        #expect(Self.failed("Pode mandar, porra") == ["profanity"])
        #expect(Self.failed("I wrote to ana@example.com") == [])  // the customer's own
        #expect(Self.failed("Write to joao@competitor.example") == ["pii"])
        #expect(Self.failed("Call me on +1 415 555 0100") == ["pii"])
        #expect(Self.failed("We can do USD 79 instead") == ["prices"])
        #expect(
            Self.failed(
                "Hi again!",
                context: Guardrails.Context(allowedAmounts: [], customerContacts: [], windowOpen: false)
            ) == ["template_boundary"]
        )
        #expect(
            Self.failed(
                "Olá Ana",
                mode: "template",
                context: Guardrails.Context(allowedAmounts: [], customerContacts: [], windowOpen: false)
            ) == []
        )
    }

    static let product = CatalogItem(id: UUID(), kind: .product, name: "CRM Pro", listPrice: 99, currency: "USD")
    static let snippet = DraftInput.Snippet(
        id: UUID(),
        kind: .pricing,
        language: "en",
        body: "CRM Pro is USD 99 per user per month, billed yearly.",
        score: 0.82,
        semantic: true
    )

    static func input(windowOpen: Bool, snippets: [DraftInput.Snippet] = [snippet], templates: [MessageTemplate] = [])
        -> DraftInput
    {
        DraftInput(
            language: "en",
            customerName: "Ana",
            windowOpen: windowOpen,
            intent: "pricing",
            products: [product],
            times: [],
            pastReplies: [
                DraftInput.PastReply(messageID: UUID(), text: "Sure! I'll send the price list now.", similarity: 0.91),
                DraftInput.PastReply(messageID: UUID(), text: "We are closed on Sundays.", similarity: 0.4),
            ],
            snippets: snippets,
            templates: templates
        )
    }

    @Test func insideTheWindowDraftsComeFromSnippetsFactsAndPastReplies() {
        let (drafts, withheld) = DraftComposer().drafts(Self.input(windowOpen: true), context: Self.open)
        #expect(
            drafts.map(\.text) == [
                "Hi Ana! CRM Pro is USD 99 per user per month, billed yearly.",
                "Hi Ana! CRM Pro is USD 99. Would you like me to send a quote?",
                "Sure! I'll send the price list now.",
            ]
        )
        #expect(drafts.allSatisfy { $0.mode == "session" && $0.language == "en" })
        #expect(drafts[0].sources == [["kind": "snippet", "id": .string(Self.snippet.id.uuidString.lowercased())]])
        #expect(drafts.allSatisfy { $0.guardrails.allSatisfy(\.passed) })
        #expect(withheld.isEmpty)
    }

    @Test func aDraftQuotingAnUnknownPriceIsWithheld() {
        var cheap = Self.snippet
        cheap.body = "We can do USD 49 for you."
        let (drafts, withheld) = DraftComposer().drafts(
            Self.input(windowOpen: true, snippets: [cheap]),
            context: Self.open
        )
        #expect(!drafts.contains { $0.text.contains("49") })
        #expect(withheld.count == 1)
        #expect(withheld.first?.guardrails.first { !$0.passed }?.name == "prices")
    }

    @Test func outsideTheWindowOnlyApprovedTemplatesWithTheirParameters() {
        func template(_ name: String, _ language: String, _ status: String, _ body: String) -> MessageTemplate {
            MessageTemplate(
                wabaID: "w",
                name: name,
                language: language,
                status: status,
                category: "MARKETING",
                components: [["type": "BODY", "text": .string(body)]],
                updatedAt: Date()
            )
        }
        let templates = [
            template("seguimiento", "es", "APPROVED", "Hola {{1}}, ¿sigues interesada?"),
            template("follow_up", "en_US", "APPROVED", "Hi {{1}}, are you still interested in {{2}}?"),
            template("promo", "en_US", "PENDING", "Sale!"),
            template("three", "en", "APPROVED", "{{1}} {{2}} {{3}}"),
        ]
        let closed = Guardrails.Context(allowedAmounts: [], customerContacts: [], windowOpen: false)
        let (drafts, _) = DraftComposer().drafts(Self.input(windowOpen: false, templates: templates), context: closed)
        #expect(drafts.map(\.templateName) == ["follow_up", "seguimiento"])
        #expect(drafts[0].text == "Hi Ana, are you still interested in CRM Pro?")
        #expect(drafts[0].parameters == ["Ana", "CRM Pro"])
        #expect(drafts.allSatisfy { $0.mode == "template" })
    }
}
