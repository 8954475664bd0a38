import Core
import Foundation
import Testing

@testable import Extract

/// BANT cues, the BANT scorer and contact locales: pure, on made-up thread facts.
@Suite struct BANTTests {
    static let sentAt = Date(timeIntervalSince1970: 1_773_151_200)

    static func entity(_ type: String, _ text: String, at start: Int, value: JSONValue) -> JSONValue {
        .object([
            "type": .string(type), "text": .string(text), "start": .number(Double(start)),
            "end": .number(Double(start + text.unicodeScalars.count)), "value": value, "confidence": .number(0.9),
        ])
    }

    static func message(_ index: Int, entities: [JSONValue] = [], cues text: String? = nil) -> MessageFacts {
        var extra: [String: JSONValue] = [:]
        if let text { extra["bant_cues"] = .array(BANTCueFinder().cues(in: ScalarText(text)).map(\.json)) }
        return MessageFacts(
            messageID: UUID(uuidString: "00000000-0000-0000-0000-0000000000\(10 + index)")!,
            direction: .inbound,
            sentAt: sentAt.addingTimeInterval(Double(60 * index)),
            insights: MessageInsights(entities: .array(entities), extra: extra)
        )
    }

    static let qualified: [MessageFacts] = [
        message(
            0,
            entities: [
                entity("role", "CEO", at: 7, value: ["value": "ceo", "seniority": "executive", "subject": "self"])
            ]
        ),
        message(
            1,
            entities: [
                entity("product", "CRM Pro", at: 12, value: ["name": "CRM Pro"]),
                entity("quantity", "20 seats", at: 0, value: ["value": 20, "unit": "seat"]),
            ],
            cues: "we need 20 seats of CRM Pro"
        ),
        message(2, entities: [entity("money", "$5k", at: 14, value: ["type": "value", "value": 5000, "unit": "USD"])]),
        message(
            3,
            entities: [
                entity(
                    "time",
                    "next Friday",
                    at: 9,
                    value: ["type": "value", "value": "2026-03-13T00:00:00.000-05:00", "grain": "day"]
                )
            ]
        ),
    ]

    @Test func cuesAreFoundInEnglishSpanishAndPortuguese() {
        let finder = BANTCueFinder()
        func kinds(_ text: String) -> [String] { finder.cues(in: ScalarText(text)).map(\.kind.rawValue) }
        #expect(kinds("I need to check with my boss first") == ["need", "needs_approval"])
        #expect(kinds("Tengo que consultarlo con mi jefe, ¿cuánto cuesta?") == ["needs_approval", "price_question"])
        #expect(kinds("PRECISO VER COM meu sócio, sem pressa") == ["needs_approval", "no_rush"])
        #expect(kinds("not interested, thanks") == ["not_interested"])
        #expect(
            kinds("Nuestro presupuesto es limitado, lo necesitamos urgente") == ["budget_mention", "need", "urgency"]
        )
        #expect(kinds("hello there") == [])
        let cue = finder.cues(in: ScalarText("Olá 👋 quanto custa?"))[0]
        #expect(cue.text == "quanto custa" && cue.start == 6 && cue.end == 18)
    }

    @Test func aQualifiedThreadScoresEveryDimensionWithEvidence() throws {
        let conclusion = BANTScorer().conclude(Self.qualified, settings: InsightSettings())
        let document = conclusion.document
        #expect(conclusion.stage == "qualified")
        #expect(document["budget"]?["level"] == "stated")
        #expect(document["authority"]?["level"] == "decision_maker")
        #expect(document["need"]?["level"] == "clear")
        #expect(document["timeline"]?["level"] == "defined")
        let evidence = try #require(document["budget"]?["evidence"]?[0])
        #expect(evidence["message_id"] == "00000000-0000-0000-0000-000000000012" && evidence["text"] == "$5k")
        #expect((document["overall"]?.doubleValue ?? 0) > 0.8)
    }

    @Test func theOrderOfTheMessagesDoesNotMatter() {
        let scorer = BANTScorer()
        let expected = scorer.conclude(Self.qualified, settings: InsightSettings())
        var generator = SplitMix64(seed: 7)
        for _ in 0..<10 {
            #expect(
                scorer.conclude(Self.qualified.shuffled(using: &generator), settings: InsightSettings()) == expected
            )
        }
    }

    @Test func needingApprovalMakesAnInfluencerAndThresholdsDecideTheStage() {
        let scorer = BANTScorer()
        let facts = Self.qualified + [Self.message(4, cues: "I need to check with my boss")]
        let document = scorer.conclude(facts, settings: InsightSettings()).document
        #expect(document["authority"]?["level"] == "influencer")
        #expect(document["authority"]?["needs_approval"] == true)
        let strict = scorer.conclude(facts, settings: InsightSettings(engagedThreshold: 0.9, qualifiedThreshold: 0.95))
        #expect(strict.stage == "unqualified")
        #expect(strict.document["thresholds"]?["qualified"]?.doubleValue == 0.95)
    }

    @Test func outboundTextPastDatesAndSmallTalkQualifyNothing() {
        var outbound = Self.qualified[2]
        outbound.direction = .outbound
        let past = Self.message(
            1,
            entities: [
                Self.entity(
                    "time",
                    "last May",
                    at: 0,
                    value: ["type": "value", "value": "2025-05-01T00:00:00.000-05:00", "grain": "month"]
                )
            ]
        )
        let conclusion = BANTScorer().conclude(
            [outbound, past, Self.message(2, cues: "hello, how are you?")],
            settings: InsightSettings()
        )
        #expect(conclusion.stage == "unqualified")
        for dimension in ["budget", "authority", "need", "timeline"] {
            #expect(conclusion.document[dimension]?["score"]?.doubleValue == 0, "\(dimension)")
        }
    }

    @Test func contactLocalesComeFromTheCallingCodeUnlessTheOrganizationSetsAZone() {
        #expect(
            ContactLocale.of(phone: "+55 11 98765-4321") == ContactLocale(region: "BR", timeZone: "America/Sao_Paulo")
        )
        #expect(ContactLocale.of(phone: "5215512345678")?.region == "MX")
        #expect(ContactLocale.of(phone: "351912345678")?.region == "PT")
        #expect(ContactLocale.of(phone: "14155550123")?.region == "US")
        #expect(ContactLocale.of(phone: "123") == nil)
        let (zone, region) = ContactLocale.resolve(organizationTimeZone: "Europe/Madrid", phone: "5511987654321")
        #expect(zone.identifier == "Europe/Madrid" && region == "BR")
        #expect(ContactLocale.resolve(organizationTimeZone: nil, phone: nil).0.secondsFromGMT() == 0)
        #expect(
            ContactLocale.resolve(organizationTimeZone: "Not/AZone", phone: "34600123456").0.identifier
                == "Europe/Madrid"
        )
    }

    @Test func scalarTextKeepsOffsetsThroughAccentsAndEmoji() {
        let text = ScalarText("Próxima REUNIÃO 👍🏽 amanhã")
        #expect(text.tokens.map(\.folded) == ["proxima", "reuniao", "👍", "🏽", "amanha"])
        let last = text.tokens[4]
        #expect(text.text(last.start, last.end) == "amanhã")
        #expect(text.original.count == text.folded.count)
    }

    @Test func overlappingSpansKeepTheStrongerThenTheLonger() {
        func entity(_ type: EntityType, _ start: Int, _ end: Int) -> Entity {
            Entity(type: type, text: "", start: start, end: end, value: .null, confidence: 1)
        }
        let kept = Extractor.resolveOverlaps([
            entity(.quantity, 0, 8), entity(.money, 0, 5), entity(.time, 10, 20), entity(.time, 12, 15),
            entity(.company, 10, 20), entity(.phone, 30, 45), entity(.product, 50, 60), entity(.quantity, 56, 60),
        ])
        #expect(kept.map(\.type) == [.money, .company, .phone, .product])
    }
}
