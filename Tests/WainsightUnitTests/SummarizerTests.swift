import Testing

@testable import Assist

/// The local extractive summarizer: which turns it keeps, the English third person, the cut.
@Suite struct SummarizerTests {
    static func turn(_ speaker: String, _ text: String, language: String = "en", bonus: Double = 0) -> SummaryTurn {
        SummaryTurn(
            speaker: speaker,
            listener: speaker == "#Person1#" ? "#Person2#" : "#Person1#",
            text: text,
            language: language,
            bonus: bonus
        )
    }

    @Test func greetingsGiveWayToTurnsThatSaySomething() {
        let conversation = [
            Self.turn("#Person1#", "Hello, how are you?"),
            Self.turn("#Person2#", "I ' ve been having trouble breathing lately."),
            Self.turn("#Person1#", "Have you had any type of cold lately?"),
            Self.turn("#Person2#", "No."),
        ]
        let summarizer = ExtractiveSummarizer()
        #expect(summarizer.select(conversation) == [1, 2])
        #expect(
            summarizer.summary(conversation)
                == "#Person2# has been having trouble breathing lately. #Person1# Have #Person2# had any type of cold lately?"
        )
    }

    @Test func englishTurnsAreSaidOfTheirSpeaker() {
        let rewrite = { ExtractiveSummarizer.thirdPerson($0, speaker: "#Person2#", listener: "#Person1#") }
        #expect(rewrite("I am late, my car broke.") == "is late, #Person2#'s car broke.")
        #expect(rewrite("I'll call you tomorrow") == "will call #Person1# tomorrow")
        #expect(rewrite("Can you send me your price list?") == "Can #Person1# send #Person2# #Person1#'s price list?")
        #expect(rewrite("I want two") == "want two")
    }

    @Test func otherLanguagesAreQuotedAndFactsWeigh() {
        let conversation = [
            Self.turn("Cliente", "Oi, tudo bem?", language: "pt"),
            Self.turn("Vendedor", "Tudo ótimo, em que posso ajudar hoje?", language: "pt"),
            Self.turn("Cliente", "Preciso de 20 licenças do CRM Pro até março", language: "pt", bonus: 3),
        ]
        let summary = ExtractiveSummarizer(turns: 1).summary(conversation)
        #expect(summary == "Cliente: Preciso de 20 licenças do CRM Pro até março")
    }

    @Test func theSummaryIsCutAtItsWordBudget() {
        let long = Array(repeating: "pricing proposal details", count: 30).joined(separator: " ")
        let summary = ExtractiveSummarizer(maxWords: 12).summary([Self.turn("#Person1#", long, language: "es")])
        #expect(summary.split(separator: " ").count == 12)
    }
}
