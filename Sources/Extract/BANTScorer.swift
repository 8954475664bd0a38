import Core
import Foundation

/// Budget, Authority, Need and Timeline of a thread, from what its inbound messages say
/// (entities, BANT cues, intents): each a score in [0, 1] with a level and the evidence that
/// gave it, an overall score, and a qualification stage by the organization's thresholds.
///
/// Levels and their score bands (docs/extract.md): budget `stated` (an amount: 0.9), `implied`
/// (talks of budget, asks a price, or a pricing intent: 0.5), `none` (0); authority
/// `decision_maker` (owner, executive or director, or "I decide": 0.9), `influencer` (a manager
/// or staff, or one who must consult someone: 0.3 to 0.6), `unknown` (0); need `clear` (0.6 and
/// up: a catalog product asked about, or a pain or use case with context — quantities,
/// competitors in use, buying intents add up), `vague` (0.3 and up: interest only), `none`;
/// timeline `defined` (a date from tomorrow to 120 days out, or urgency: 0.9), `vague` (a later
/// date, or "no rush" whatever else: 0.4), `none` (times later the same day are the
/// conversation's, not the purchase's). The weights and the default stage thresholds were
/// fit on data/bant's train split (`wainsight eval bant`).
///
/// Pure and order-free: the messages are sorted by sent time and id first, so a thread replayed
/// in any order concludes the same.
public struct BANTScorer: ThreadStage {
    public var name: String { "bant" }

    public init() {}

    /// One piece of evidence: where in which message, and in which of its texts (`source`
    /// `media_text` for the text inside its image or document; absent for its own).
    struct Evidence: Hashable {
        var messageID: UUID
        var start: Int
        var end: Int
        var text: String
        var kind: String
        var source: String?

        var json: JSONValue {
            var object: [String: JSONValue] = [
                "message_id": .string(messageID.uuidString.lowercased()), "start": .number(Double(start)),
                "end": .number(Double(end)), "text": .string(text), "kind": .string(kind),
            ]
            if let source { object["source"] = .string(source) }
            return .object(object)
        }
    }

    struct Dimension {
        var score: Double = 0
        var level: String
        var evidence: [Evidence] = []
        var detail: [String: JSONValue] = [:]

        var json: JSONValue {
            var object = detail
            object["score"] = .number((score * 100).rounded() / 100)
            object["level"] = .string(level)
            // The latest evidence first, at most five pieces.
            object["evidence"] = .array(evidence.suffix(5).reversed().map(\.json))
            return .object(object)
        }
    }

    public func conclude(_ messages: [MessageFacts], settings: InsightSettings) -> ThreadConclusion {
        let inbound = messages.filter { $0.direction == .inbound }.sorted {
            ($0.sentAt, $0.messageID.uuidString) < ($1.sentAt, $1.messageID.uuidString)
        }
        var budget = Dimension(level: "none")
        var authority = Dimension(level: "unknown")
        var need = Dimension(level: "none")
        var timeline = Dimension(level: "none")
        var approval: Evidence?
        var decides = false
        var notInterested = false
        var noRush = false
        var urgent = false
        var needSignals: Set<String> = []

        for message in inbound {
            let entities = message.insights.entities?.arrayValue ?? []
            for entity in entities {
                guard let type = entity["type"]?.stringValue, let start = entity["start"]?.exactIntValue,
                    let end = entity["end"]?.exactIntValue
                else { continue }
                let evidence = Evidence(
                    messageID: message.messageID,
                    start: start,
                    end: end,
                    text: entity["text"]?.stringValue ?? "",
                    kind: type,
                    source: entity["source"]?.stringValue
                )
                let value = entity["value"] ?? .null
                switch type {
                case "money":
                    budget.score = 0.9
                    budget.level = "stated"
                    budget.evidence.append(evidence)
                    budget.detail["amount"] = value
                case "role":
                    guard value["subject"]?.stringValue != "other" else { continue }
                    let score: Double
                    switch value["seniority"]?.stringValue {
                    case "owner", "executive", "director": score = 0.9
                    case "manager": score = 0.6
                    default: score = 0.4
                    }
                    if score >= authority.score {
                        authority.score = score
                        authority.detail["role"] = value
                    }
                    authority.evidence.append(evidence)
                case "product", "competitor", "quantity":
                    needSignals.insert(type)
                    need.evidence.append(evidence)
                    if type == "product" {
                        need.detail["products"] = Self.appending(value, to: need.detail["products"])
                    }
                    if type == "competitor" {
                        need.detail["competitors"] = Self.appending(value, to: need.detail["competitors"])
                    }
                case "time":
                    guard let days = Self.daysAhead(value, from: message.sentAt) else { continue }
                    let score = days <= 120 ? 0.9 : 0.4
                    if score >= timeline.score {
                        timeline.score = score
                        timeline.level = score >= 0.9 ? "defined" : "vague"
                        timeline.detail["target"] = value
                    }
                    timeline.evidence.append(evidence)
                default:
                    continue
                }
            }
            for json in message.insights.extra["bant_cues"]?.arrayValue ?? [] {
                guard let cue = BANTCue(json: json) else { continue }
                let evidence = Evidence(
                    messageID: message.messageID,
                    start: cue.start,
                    end: cue.end,
                    text: cue.text,
                    kind: cue.kind.rawValue,
                    source: json["source"]?.stringValue
                )
                switch cue.kind {
                case .budgetMention, .priceQuestion:
                    if budget.score < 0.5 {
                        budget.score = 0.5
                        budget.level = "implied"
                    }
                    budget.evidence.append(evidence)
                case .decides:
                    decides = true
                    authority.evidence.append(evidence)
                case .needsApproval:
                    approval = evidence
                case .need:
                    needSignals.insert("need")
                    need.evidence.append(evidence)
                case .interest:
                    needSignals.insert("interest")
                    need.evidence.append(evidence)
                case .notInterested:
                    notInterested = true
                    need.evidence.append(evidence)
                case .urgency:
                    urgent = true
                    timeline.score = 0.9
                    timeline.level = "defined"
                    timeline.evidence.append(evidence)
                case .noRush:
                    noRush = true
                    if timeline.score < 0.4 {
                        timeline.score = 0.4
                        timeline.level = "vague"
                    }
                    timeline.evidence.append(evidence)
                }
            }
            if let intent = message.insights.intent, (message.insights.intentConfidence ?? 0) >= 0.5 {
                switch intent {
                case "purchase", "demo_request": needSignals.insert("buying_intent")
                case "pricing":
                    // Asking about prices for a purchase implies a budget, as a price question does.
                    needSignals.insert("pricing_intent")
                    if budget.score < 0.5 {
                        budget.score = 0.5
                        budget.level = "implied"
                    }
                default: break
                }
            }
        }

        // Authority: "I decide" makes a decision maker; having to consult someone caps it at
        // an influencer whatever the title ("soy el gerente pero tengo que consultarlo").
        if decides { authority.score = max(authority.score, 0.9) }
        if let approval {
            authority.score = authority.score == 0 ? 0.5 : min(authority.score, 0.5)
            authority.evidence.append(approval)
            authority.detail["needs_approval"] = .bool(true)
        }
        authority.level = authority.score >= 0.7 ? "decision_maker" : authority.score >= 0.3 ? "influencer" : "unknown"

        // Need: a stated pain or use case, or a catalog product asked about, with context.
        var needScore = 0.0
        if needSignals.contains("product") { needScore += 0.6 }
        if needSignals.contains("need") { needScore += 0.45 }
        if needSignals.contains("quantity") { needScore += 0.3 }
        if needSignals.contains("competitor") { needScore += 0.3 }
        if needSignals.contains("buying_intent") { needScore += 0.35 }
        if needSignals.contains("pricing_intent") { needScore += 0.3 }
        if needScore < 0.4, needSignals.contains("interest") { needScore = 0.4 }
        if notInterested { needScore = min(needScore, 0.1) }
        need.score = min(needScore, 1)
        need.level = need.score >= 0.6 ? "clear" : need.score >= 0.3 ? "vague" : "none"

        // Timeline: "no rush" makes it vague whatever date was named, unless something is urgent.
        if noRush && !urgent {
            timeline.score = min(max(timeline.score, 0.4), 0.4)
            timeline.level = "vague"
        }

        let overall = 0.25 * (budget.score + authority.score + need.score + timeline.score)
        let stage =
            overall >= settings.qualifiedThreshold
            ? "qualified" : overall >= settings.engagedThreshold ? "engaged" : "unqualified"
        let document: JSONValue = .object([
            "budget": budget.json, "authority": authority.json, "need": need.json, "timeline": timeline.json,
            "overall": .number((overall * 100).rounded() / 100), "stage": .string(stage),
            "inbound_messages": .number(Double(inbound.count)),
            "thresholds": .object([
                "engaged": .number(settings.engagedThreshold), "qualified": .number(settings.qualifiedThreshold),
            ]),
        ])
        return ThreadConclusion(document: document, stage: stage)
    }

    static func appending(_ value: JSONValue, to list: JSONValue?) -> JSONValue {
        var items = list?.arrayValue ?? []
        if !items.contains(value) { items.append(value) }
        return .array(items)
    }

    /// Where a time value starts (an interval by its start, an open one by its bound).
    static func startText(_ value: JSONValue) -> String? {
        value["value"]?.stringValue ?? value["from"]?["value"]?.stringValue ?? value["to"]?["value"]?.stringValue
    }

    /// How many days after `sentAt` a time value starts; `nil` for one in the past (a date the
    /// customer mentions that already went by) or on the day `sentAt` falls on, in the value's own
    /// offset (the contact's zone): "now" and "today at 5" are the conversation's, not a purchase's.
    static func daysAhead(_ value: JSONValue, from sentAt: Date) -> Double? {
        guard let text = startText(value), let date = Instant.parse(text) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: Instant.offsetSeconds(text) ?? 0) ?? .gmt
        guard !calendar.isDate(date, inSameDayAs: sentAt) else { return nil }
        let days = date.timeIntervalSince(sentAt) / 86_400
        return days >= -1 ? max(days, 0) : nil
    }
}
