import Core
import Foundation
import Testing

@testable import Assist

/// The local thread summary: what the customer wants, the facts, objections, commitments and
/// open questions, in the reader's language.
@Suite struct ThreadSummaryTests {
    static let start = Date(timeIntervalSince1970: 1_773_151_200)

    static func message(
        _ minute: Int,
        _ direction: MessageDirection,
        _ text: String,
        intent: String? = nil,
        entities: [JSONValue] = [],
        cues: [JSONValue] = []
    ) -> SummaryMessage {
        SummaryMessage(
            id: UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", minute))!,
            direction: direction,
            sentAt: start.addingTimeInterval(Double(minute) * 60),
            text: text,
            language: "pt",
            intent: intent,
            entities: entities,
            cues: cues
        )
    }

    static let thread = [
        message(0, .inbound, "Oi, tudo bem?", intent: "greeting"),
        message(
            1,
            .inbound,
            "Precisamos de 20 licenças do CRM Pro, quanto custa?",
            intent: "pricing",
            entities: [
                ["type": "quantity", "text": "20 licenças", "value": ["value": 20, "unit": "license"]],
                ["type": "product", "text": "CRM Pro", "value": ["name": "CRM Pro"]],
            ]
        ),
        message(2, .outbound, "Claro! Vou enviar a proposta hoje à tarde."),
        message(
            3,
            .inbound,
            "Achei caro, o concorrente cobra R$ 2.000 por mês",
            intent: "objection",
            entities: [["type": "money", "text": "R$ 2.000 por mês", "value": ["value": 2000, "unit": "BRL"]]]
        ),
        message(4, .inbound, "Vocês fazem demonstração na sexta?", intent: "demo_request"),
    ]

    @Test func theLocalSummaryHoldsWantsFactsObjectionsCommitmentsAndQuestions() {
        let bant: JSONValue = ["stage": "engaged", "budget": ["level": "stated"], "need": ["level": "clear"]]
        let summary = ThreadSummarizer().summarize(Self.thread.reversed(), bant: bant, language: nil)
        #expect(summary["language"]?.stringValue == "pt")
        #expect(summary["method"]?.stringValue == "local")
        #expect(summary["wants"] == ["preços", "tem objeções", "uma demo"])
        #expect(summary["facts"]?["products"] == ["CRM Pro"])
        #expect(summary["facts"]?["quantities"] == ["20 licenças"])
        #expect(summary["facts"]?["amounts"] == ["R$ 2.000 por mês"])
        #expect(summary["facts"]?["stage"]?.stringValue == "engaged")
        #expect(summary["facts"]?["budget"]?.stringValue == "stated")
        #expect(summary["objections"]?[0]?["text"]?.stringValue == "Achei caro, o concorrente cobra R$ 2.000 por mês")
        #expect(summary["commitments"]?[0]?["text"]?.stringValue == "Claro! Vou enviar a proposta hoje à tarde.")
        // The price question was answered; the demo question, asked after the last reply, was not.
        #expect(summary["open_questions"]?.arrayValue?.count == 1)
        #expect(summary["open_questions"]?[0]?["text"]?.stringValue == "Vocês fazem demonstração na sexta?")
        let text = summary["text"]?.stringValue ?? ""
        #expect(text.hasPrefix("Cliente: Precisamos de 20 licenças do CRM Pro"), "\(text)")
        #expect(text.split(separator: " ").count <= 60)
    }

    @Test func theReaderChoosesTheLanguageAndTheSameMessagesGiveTheSameSummary() {
        let english = ThreadSummarizer().summarize(Self.thread, bant: nil, language: "en")
        #expect(english["language"]?.stringValue == "en")
        #expect(english["wants"] == ["pricing", "has objections", "a demo"])
        #expect(english["text"]?.stringValue?.hasPrefix("Customer: Precisamos") == true)
        #expect(ThreadSummarizer().summarize(Self.thread.shuffled(), bant: nil, language: "en") == english)
        // A language with no words of its own reads in English.
        #expect(ThreadSummarizer().summarize(Self.thread, bant: nil, language: "de")["language"] == "en")
    }

    @Test func commitmentsAndQuestionsInEachLanguage() {
        #expect(ThreadSummarizer.commits("I'll send the quote tomorrow"))
        #expect(ThreadSummarizer.commits("Mañana te envío la cotización"))
        #expect(ThreadSummarizer.commits("Vou enviar o contrato"))
        #expect(!ThreadSummarizer.commits("Thanks for the quote"))
        #expect(ThreadSummarizer.asks("¿Cuánto cuesta"))
        #expect(ThreadSummarizer.asks("quanto custa o plano"))
        #expect(!ThreadSummarizer.asks("Perfeito, obrigado"))
    }
}
