import Assist
import Core
import Foundation
import Testing

/// The next-best-action rules: each fires on its inputs, says why, and the list is ranked.
@Suite struct NextBestActionTests {
    static let now = Date(timeIntervalSince1970: 1_773_151_200)

    static func id(_ n: Int) -> UUID { UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))! }

    static func inbound(
        _ n: Int,
        minutesAgo: Double,
        intent: String? = nil,
        sentiment: Double? = nil,
        products: [String] = []
    )
        -> ThreadState.Message
    {
        ThreadState.Message(
            id: id(n),
            direction: .inbound,
            sentAt: now.addingTimeInterval(-minutesAgo * 60),
            intent: intent,
            sentimentScore: sentiment,
            products: products
        )
    }

    static func outbound(_ n: Int, minutesAgo: Double) -> ThreadState.Message {
        ThreadState.Message(id: id(n), direction: .outbound, sentAt: now.addingTimeInterval(-minutesAgo * 60))
    }

    static func bant(
        _ stage: String,
        budget: Double = 0.9,
        authority: Double = 0.9,
        need: Double = 0.6,
        timeline: Double = 0
    )
        -> JSONValue
    {
        [
            "stage": .string(stage), "overall": .number(0.6),
            "budget": ["score": .number(budget), "level": "stated"],
            "authority": ["score": .number(authority), "level": "decision_maker"],
            "need": ["score": .number(need), "level": "clear"],
            "timeline": ["score": .number(timeline), "level": timeline > 0 ? "defined" : "none"],
        ]
    }

    @Test func aWaitingPricingQuestionIsAnsweredFirstWithItsInputs() {
        let state = ThreadState(
            now: Self.now,
            messages: [
                Self.inbound(1, minutesAgo: 50, intent: "greeting"),
                Self.outbound(2, minutesAgo: 48),
                Self.inbound(3, minutesAgo: 40, intent: "pricing", products: ["CRM Pro"]),
            ],
            careWindowExpiresAt: Self.now.addingTimeInterval(23 * 3600),
            bant: Self.bant("engaged")
        )
        let actions = NextBestAction().actions(state)
        // The specific answer first; the reply itself still listed, with its wait.
        #expect(actions.map(\.kind) == [.sendPricing, .replyNow, .askQualifyingQuestion])
        #expect(actions[0].inputs["products"] == ["CRM Pro"])
        let reply = actions[1]
        #expect(reply.reason.contains("at risk"), "\(reply.reason)")  // 40 of 60 minutes
        #expect(reply.inputs["minutes_waiting"] == 40)
        #expect(reply.evidence == [Self.id(3)])
        #expect(actions[2].inputs["dimension"] == "timeline")

        // With nothing specific to answer, the reply comes first.
        var plain = state
        plain.messages[2].intent = "support"
        plain.messages[2].products = []
        #expect(NextBestAction().actions(plain).first?.kind == .replyNow)
    }

    @Test func theWindowDecidesBetweenAReplyAndATemplate() {
        let closed = ThreadState(
            now: Self.now,
            messages: [Self.inbound(1, minutesAgo: 26 * 60, intent: "demo_request")],
            careWindowExpiresAt: Self.now.addingTimeInterval(-2 * 3600)
        )
        let actions = NextBestAction().actions(closed)
        #expect(actions.first?.kind == .sendTemplate)
        #expect(!actions.contains { $0.kind == .replyNow })  // free text cannot go
        #expect(actions.contains { $0.kind == .proposeDemo })

        let closing = ThreadState(
            now: Self.now,
            messages: [Self.inbound(1, minutesAgo: 23 * 60), Self.outbound(2, minutesAgo: 22 * 60)],
            careWindowExpiresAt: Self.now.addingTimeInterval(40 * 60)
        )
        let nudge = NextBestAction().actions(closing)
        #expect(nudge.map(\.kind) == [.sendTemplate])
        #expect(nudge[0].inputs["minutes_left"] == 40)
    }

    @Test func negativeTurnsEscalateQualifiedThreadsBecomeDealsOptOutsGetNothing() {
        let messages = [
            Self.inbound(1, minutesAgo: 30, intent: "objection", sentiment: -0.6),
            Self.inbound(2, minutesAgo: 20, sentiment: -0.5),
        ]
        let window = Self.now.addingTimeInterval(20 * 3600)
        let angry = NextBestAction().actions(
            ThreadState(now: Self.now, messages: messages, careWindowExpiresAt: window, bant: Self.bant("qualified"))
        )
        #expect(angry.first?.kind == .escalate)
        #expect(angry.contains { $0.kind == .answerObjection && $0.evidence == [Self.id(1)] })
        #expect(angry.contains { $0.kind == .createDealRequest })
        #expect(!angry.contains { $0.kind == .askQualifyingQuestion })
        // Unqualified threads are not escalated.
        let early = NextBestAction().actions(
            ThreadState(now: Self.now, messages: messages, careWindowExpiresAt: window, bant: Self.bant("unqualified"))
        )
        #expect(!early.contains { $0.kind == .escalate })
        let stopped = ThreadState(
            now: Self.now,
            messages: messages,
            careWindowExpiresAt: window,
            optInStatus: "opted_out",
            bant: Self.bant("qualified")
        )
        #expect(NextBestAction().actions(stopped).isEmpty)
    }
}
