import Core
import Foundation

/// What the next-best-action rules read about a thread.
public struct ThreadState: Sendable, Equatable {
    /// One message, either way, with what detect found (inbound).
    public struct Message: Sendable, Equatable {
        public var id: UUID
        public var direction: MessageDirection
        public var sentAt: Date
        public var intent: String?
        public var sentimentScore: Double?
        /// Catalog products the message names (extract's `product` entities).
        public var products: [String]

        public init(
            id: UUID,
            direction: MessageDirection,
            sentAt: Date,
            intent: String? = nil,
            sentimentScore: Double? = nil,
            products: [String] = []
        ) {
            self.id = id
            self.direction = direction
            self.sentAt = sentAt
            self.intent = intent
            self.sentimentScore = sentimentScore
            self.products = products
        }
    }

    public var now: Date
    /// Oldest first.
    public var messages: [Message]
    /// When the 24-hour customer-care window closes (or closed); `nil` when it never opened.
    public var careWindowExpiresAt: Date?
    /// `opted_out` stops every action but none.
    public var optInStatus: String
    /// The BANT thread stage's document (`stage`, and `budget`/`authority`/`need`/`timeline`
    /// each with `score` and `level`).
    public var bant: JSONValue?

    public init(
        now: Date,
        messages: [Message],
        careWindowExpiresAt: Date?,
        optInStatus: String = "unknown",
        bant: JSONValue? = nil
    ) {
        self.now = now
        self.messages = messages
        self.careWindowExpiresAt = careWindowExpiresAt
        self.optInStatus = optInStatus
        self.bant = bant
    }
}

/// One suggested action: what, why (in words and in the inputs the rule read), and the
/// messages behind it.
public struct NextAction: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case replyNow = "reply_now"
        case sendPricing = "send_pricing"
        case proposeDemo = "propose_demo"
        case sendTemplate = "send_template"
        case answerObjection = "answer_objection"
        case escalate
        case askQualifyingQuestion = "ask_qualifying_question"
        case createDealRequest = "create_deal_request"
    }

    public var kind: Kind
    /// In [0, 1]: how pressing; the list is ranked by it.
    public var score: Double
    public var reason: String
    /// What the rule read, by name: a rep sees why.
    public var inputs: [String: JSONValue]
    public var evidence: [UUID]

    public var json: JSONValue {
        [
            "kind": .string(kind.rawValue),
            "score": .number((score * 100).rounded() / 100),
            "reason": .string(reason),
            "inputs": .object(inputs),
            "evidence": .array(evidence.map { .string($0.uuidString.lowercased()) }),
        ]
    }
}

/// The deterministic next-best-action rules (every rule's inputs are in its answer). An LLM may
/// later re-rank and phrase them, never add one outside ``NextAction/Kind``.
public struct NextBestAction: Sendable {
    /// How long a customer may wait for a first answer (the SLA): past half of it the reply is
    /// at risk. Default one hour.
    public var responseSLA: Duration
    /// How close to the care window's end the 23-hour nudge starts. Default one hour.
    public var nudgeBefore: Duration

    public init(responseSLA: Duration = .seconds(3_600), nudgeBefore: Duration = .seconds(3_600)) {
        self.responseSLA = responseSLA
        self.nudgeBefore = nudgeBefore
    }

    /// Every action whose rule fires, most pressing first.
    public func actions(_ state: ThreadState) -> [NextAction] {
        guard state.optInStatus != "opted_out" else { return [] }
        let messages = state.messages.sorted { ($0.sentAt, $0.id.uuidString) < ($1.sentAt, $1.id.uuidString) }
        let lastOutbound = messages.last { $0.direction == .outbound }?.sentAt ?? .distantPast
        // What the customer said since the business last wrote: what is waiting for an answer.
        let waiting = messages.filter { $0.direction == .inbound && $0.sentAt > lastOutbound }
        let windowOpen = state.careWindowExpiresAt.map { $0 > state.now } ?? false
        let windowLeft = state.careWindowExpiresAt.map { $0.timeIntervalSince(state.now) }
        let stage = state.bant?["stage"]?.stringValue ?? "unqualified"
        var actions: [NextAction] = []
        func iso(_ date: Date) -> JSONValue { .string(date.formatted(.iso8601)) }

        // The window: closed, or about to close with the customer unanswered.
        if let expires = state.careWindowExpiresAt, !messages.isEmpty {
            if !windowOpen {
                actions.append(
                    NextAction(
                        kind: .sendTemplate,
                        score: waiting.isEmpty ? 0.5 : 0.8,
                        reason: "the 24-hour window closed; only an approved template can reach the customer",
                        inputs: ["care_window_expires_at": iso(expires), "window_open": false],
                        evidence: waiting.map(\.id)
                    )
                )
            } else if let left = windowLeft, left <= nudgeBefore.seconds {
                actions.append(
                    NextAction(
                        kind: .sendTemplate,
                        // Above any specific answer: in minutes only a template can carry one.
                        score: 0.78,
                        reason:
                            "the 24-hour window closes in \(Int(left / 60)) minutes; after that only a template goes",
                        inputs: [
                            "care_window_expires_at": iso(expires), "minutes_left": .number((left / 60).rounded()),
                        ],
                        evidence: []
                    )
                )
            }
        }
        // The customer is waiting.
        if let first = waiting.first, windowOpen {
            let waited = state.now.timeIntervalSince(first.sentAt)
            let sla = responseSLA.seconds
            actions.append(
                NextAction(
                    kind: .replyNow,
                    // Below every specific answer (a price, a demo, an objection): those are replies
                    // too, and better ones (data/assist train: 66.7% top-1 with the wait first).
                    score: waited >= sla ? 0.65 : 0.55,
                    reason: waited >= sla / 2
                        ? "the customer has waited \(Int(waited / 60)) minutes; the \(Int(sla / 60))-minute reply time is at risk"
                        : "the customer wrote and has no answer yet",
                    inputs: [
                        "waiting_since": iso(first.sentAt), "minutes_waiting": .number((waited / 60).rounded()),
                        "sla_minutes": .number((sla / 60).rounded()),
                    ],
                    evidence: waiting.map(\.id)
                )
            )
        }
        let recent = waiting.isEmpty ? Array(messages.filter { $0.direction == .inbound }.suffix(3)) : waiting
        // Pricing asked, or a product named.
        let pricing = recent.filter { $0.intent == "pricing" || $0.intent == "purchase" || !$0.products.isEmpty }
        if !pricing.isEmpty {
            let products = Array(Set(pricing.flatMap(\.products))).sorted()
            actions.append(
                NextAction(
                    kind: .sendPricing,
                    score: waiting.isEmpty ? 0.45 : 0.75,
                    reason: products.isEmpty
                        ? "the customer asked about prices"
                        : "the customer asked about \(products.joined(separator: ", "))",
                    inputs: [
                        "intents": .array(pricing.compactMap(\.intent).map(JSONValue.string)),
                        "products": .array(products.map(JSONValue.string)),
                    ],
                    evidence: pricing.map(\.id)
                )
            )
        }
        // A demo asked for, or a clear need with a timeline.
        let demo = recent.filter { $0.intent == "demo_request" }
        let timeline = state.bant?["timeline"]?["level"]?.stringValue
        let need = state.bant?["need"]?["level"]?.stringValue
        if !demo.isEmpty || (need == "clear" && timeline == "defined") {
            actions.append(
                NextAction(
                    kind: .proposeDemo,
                    score: demo.isEmpty ? 0.5 : 0.7,
                    reason: demo.isEmpty
                        ? "a clear need with a defined timeline: offer a demo slot" : "the customer asked for a demo",
                    inputs: [
                        "demo_requested": .bool(!demo.isEmpty), "need": need.map(JSONValue.string) ?? .null,
                        "timeline": timeline.map(JSONValue.string) ?? .null,
                    ],
                    evidence: demo.map(\.id)
                )
            )
        }
        // An objection waiting for an answer.
        if let objection = recent.last(where: { $0.intent == "objection" }) {
            actions.append(
                NextAction(
                    kind: .answerObjection,
                    score: 0.7,
                    reason: "the customer raised an objection",
                    inputs: ["intent": "objection"],
                    evidence: [objection.id]
                )
            )
        }
        // Sentiment turning on a thread worth keeping.
        let scored = messages.filter { $0.direction == .inbound }.compactMap { message in
            message.sentimentScore.map { (message.id, $0) }
        }.suffix(2)
        let average = scored.isEmpty ? 0 : scored.map(\.1).reduce(0, +) / Double(scored.count)
        // Worth keeping: engaged or qualified, or the customer showed buying interest before.
        let interested =
            stage != "unqualified"
            || messages.contains { message in
                message.direction == .inbound
                    && (["pricing", "purchase", "demo_request"].contains(message.intent ?? "")
                        || !message.products.isEmpty)
            }
        if scored.count >= 2, average <= -0.3, interested {
            actions.append(
                NextAction(
                    kind: .escalate,
                    score: 0.85,
                    reason: "the customer's last messages are negative on a thread worth keeping: bring in a manager",
                    inputs: ["stage": .string(stage), "sentiment_average": .number((average * 100).rounded() / 100)],
                    evidence: scored.map(\.0)
                )
            )
        }
        // Qualified: the CRM should hold a deal.
        if stage == "qualified" {
            actions.append(
                NextAction(
                    kind: .createDealRequest,
                    score: 0.8,
                    reason: "the thread is qualified (budget, authority, need and timeline)",
                    inputs: ["stage": "qualified", "overall": state.bant?["overall"] ?? .null],
                    evidence: []
                )
            )
        } else if let bant = state.bant, !messages.isEmpty {
            // The weakest BANT dimension is the next question to ask.
            let dimensions = ["budget", "authority", "need", "timeline"].map { name in
                (name, bant[name]?["score"]?.doubleValue ?? 0)
            }
            if let weakest = dimensions.min(by: { $0.1 < $1.1 }), weakest.1 < 0.5 {
                actions.append(
                    NextAction(
                        kind: .askQualifyingQuestion,
                        score: 0.4 + 0.2 * (0.5 - weakest.1),
                        reason: "\(weakest.0) is the least known (\(weakest.1)): ask about it",
                        inputs: ["dimension": .string(weakest.0), "score": .number(weakest.1)],
                        evidence: []
                    )
                )
            }
        }
        return actions.sorted { ($0.score, $1.kind.rawValue) > ($1.score, $0.kind.rawValue) }
    }
}
