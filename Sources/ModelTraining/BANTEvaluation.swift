import Core
import Extract
import Foundation

/// `wainsight eval bant`: the extract stage and the BANT scorer on the labelled threads of
/// data/bant (train and test written apart): span precision, recall and F1 per entity type
/// (a span counts when type, start and end are exact; inbound messages only), and BANT
/// per-dimension and stage accuracy against the gold levels.
public enum BANTEvaluation {
    /// How a message's intent is found: the detect models when they are installed.
    public typealias IntentReader = @Sendable (String) -> (intent: String, confidence: Double)?

    public struct SplitReport: Sendable {
        public var split: String
        public var threads: Int
        /// Per entity type: true positives, predicted, gold.
        public var spans: [String: (tp: Int, predicted: Int, gold: Int)]
        /// Per dimension (and `stage`): correct, total.
        public var levels: [String: (correct: Int, total: Int)]
        public var confusions: [String: [String: Int]]
        /// Each wrong level: thread id, dimension, gold → predicted, and what the scorer saw.
        public var mistakes: [String]
        /// Each thread's gold stage and overall score, to fit the stage thresholds.
        public var overall: [(stage: String, score: Double)]

        /// The engaged and qualified thresholds (steps of 0.025) that make the most stages right
        /// on this split, and how many that is.
        public var bestThresholds: (engaged: Double, qualified: Double, correct: Int) {
            var best = (engaged: 0.0, qualified: 0.0, correct: -1)
            for e in stride(from: 0.05, through: 0.9, by: 0.025) {
                for q in stride(from: e, through: 0.95, by: 0.025) {
                    let correct = overall.filter { thread in
                        let stage = thread.score >= q ? "qualified" : thread.score >= e ? "engaged" : "unqualified"
                        return stage == thread.stage
                    }.count
                    if correct > best.correct { best = (e, q, correct) }
                }
            }
            return best
        }
    }

    public static let dimensions = ["budget", "authority", "need", "timeline", "stage"]

    public static func run(
        directory: URL,
        split: String,
        settings: InsightSettings = InsightSettings(),
        intents: IntentReader?
    ) throws -> SplitReport {
        let catalogs = try loadCatalogs(directory.appendingPathComponent("catalog.json"))
        let text = try String(contentsOf: directory.appendingPathComponent("\(split).jsonl"), encoding: .utf8)
        let extractor = Extractor()
        let cueFinder = BANTCueFinder()
        let scorer = BANTScorer()
        var report = SplitReport(
            split: split,
            threads: 0,
            spans: [:],
            levels: [:],
            confusions: [:],
            mistakes: [],
            overall: []
        )
        for line in text.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let thread = try JSONValue.parse(Data(line.utf8))
            report.threads += 1
            let zone = TimeZone(identifier: thread["timezone"]?.stringValue ?? "UTC") ?? .gmt
            let catalog = catalogs[thread["org"]?.stringValue ?? ""] ?? Catalog()
            var facts: [MessageFacts] = []
            for (index, message) in (thread["messages"]?.arrayValue ?? []).enumerated() {
                let direction: MessageDirection = message["direction"]?.stringValue == "outbound" ? .outbound : .inbound
                let body = message["text"]?.stringValue ?? ""
                let sentAt = message["sent_at"]?.stringValue.flatMap(Instant.parse) ?? Date()
                var fact = MessageFacts(
                    messageID: UUID(
                        uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, UInt8(index / 256), UInt8(index % 256))
                    ),
                    direction: direction,
                    sentAt: sentAt
                )
                guard direction == .inbound else {
                    facts.append(fact)
                    continue
                }
                let context = ExtractionContext(
                    referenceTime: sentAt,
                    timeZone: zone,
                    language: thread["language"]?.stringValue,
                    region: thread["region"]?.stringValue,
                    catalog: catalog
                )
                let scalars = ScalarText(body)
                let entities = extractor.extract(scalars, context: context)
                fact.insights.entities = JSONValue.array(entities.map(\.json))
                fact.insights.extra["bant_cues"] = JSONValue.array(cueFinder.cues(in: scalars).map(\.json))
                if let (intent, confidence) = intents?(body) {
                    fact.insights.intent = intent
                    fact.insights.intentConfidence = confidence
                }
                facts.append(fact)
                let gold = Set(
                    (message["entities"]?.arrayValue ?? []).compactMap { entity -> String? in
                        guard let type = entity["type"]?.stringValue, let start = entity["start"]?.exactIntValue,
                            let end = entity["end"]?.exactIntValue
                        else { return nil }
                        return "\(type) \(start) \(end)"
                    }
                )
                let predicted = Set(entities.map { "\($0.type.rawValue) \($0.start) \($0.end)" })
                for key in gold.union(predicted) {
                    let type = String(key.split(separator: " ")[0])
                    var counts = report.spans[type] ?? (0, 0, 0)
                    if gold.contains(key) { counts.gold += 1 }
                    if predicted.contains(key) { counts.predicted += 1 }
                    if gold.contains(key) && predicted.contains(key) { counts.tp += 1 }
                    report.spans[type] = counts
                }
            }
            let document = scorer.conclude(facts, settings: settings).document
            report.overall.append((thread["bant"]?["stage"]?.stringValue ?? "", document["overall"]?.doubleValue ?? 0))
            for dimension in dimensions {
                let predicted =
                    dimension == "stage"
                    ? document["stage"]?.stringValue ?? "" : document[dimension]?["level"]?.stringValue ?? ""
                let gold = thread["bant"]?[dimension]?.stringValue ?? ""
                var counts = report.levels[dimension] ?? (0, 0)
                counts.total += 1
                if predicted == gold {
                    counts.correct += 1
                } else {
                    let seen = (document[dimension]?["evidence"]?.arrayValue ?? []).map { piece -> String in
                        let kind = piece["kind"]?.stringValue ?? "?"
                        return kind + ":" + (piece["text"]?.stringValue ?? "")
                    }
                    let score = document[dimension]?["score"]?.doubleValue ?? document["overall"]?.doubleValue ?? 0
                    report.mistakes.append(
                        "\(thread["id"]?.stringValue ?? "?") \(dimension): \(gold) → \(predicted) "
                            + "(score \(score)) \(seen.joined(separator: " | "))"
                    )
                }
                report.levels[dimension] = counts
                report.confusions[dimension, default: [:]]["\(gold) → \(predicted)", default: 0] += 1
            }
        }
        return report
    }

    /// Each organization's catalog from catalog.json (`{"orgs": {key: {"products", "competitors"}}}`).
    public static func loadCatalogs(_ url: URL) throws -> [String: Catalog] {
        let document = try JSONValue.parse(try Data(contentsOf: url))
        var catalogs: [String: Catalog] = [:]
        for (key, org) in document["orgs"]?.objectValue ?? [:] {
            var items: [CatalogItem] = []
            for kind in CatalogItem.Kind.allCases {
                for entry in org["\(kind.rawValue)s"]?.arrayValue ?? [] {
                    guard let name = entry["name"]?.stringValue else { continue }
                    items.append(
                        CatalogItem(
                            id: UUID(),
                            kind: kind,
                            name: name,
                            aliases: entry["aliases"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                            sku: entry["sku"]?.stringValue,
                            listPrice: entry["list_price"]?.doubleValue,
                            currency: entry["currency"]?.stringValue
                        )
                    )
                }
            }
            catalogs[key] = Catalog(items: items)
        }
        return catalogs
    }

    public static func format(_ reports: [SplitReport], mistakes: Bool = false) -> String {
        var lines: [String] = []
        for report in reports {
            lines.append("\(report.split): \(report.threads) threads")
            lines.append("  entity spans (exact type, start, end; inbound messages)")
            lines.append("    type          precision  recall  F1     (tp/predicted/gold)")
            var total = (tp: 0, predicted: 0, gold: 0)
            for type in EntityType.allCases.map(\.rawValue) {
                guard let counts = report.spans[type] else { continue }
                total = (total.tp + counts.tp, total.predicted + counts.predicted, total.gold + counts.gold)
                lines.append("    " + row(type, counts))
            }
            lines.append("    " + row("all", total))
            lines.append("  BANT levels (accuracy against gold)")
            for dimension in dimensions {
                guard let counts = report.levels[dimension] else { continue }
                let accuracy = 100 * Double(counts.correct) / Double(max(counts.total, 1))
                let confusion = (report.confusions[dimension] ?? [:]).filter { !isDiagonal($0.key) }
                    .sorted { $0.value > $1.value }.prefix(4).map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
                lines.append(
                    "    \(ExtractEvaluation.pad(dimension, 10)) \(String(format: "%5.1f", accuracy))%  "
                        + "(\(counts.correct)/\(counts.total))  most confused: \(confusion)"
                )
            }
            let best = report.bestThresholds
            lines.append(
                "    stage thresholds that fit this split best: engaged "
                    + String(format: "%.3f, qualified %.3f ", best.engaged, best.qualified)
                    + "(\(best.correct)/\(report.threads) right; the defaults are fit on train)"
            )
            if mistakes {
                lines.append("  mistakes")
                lines += report.mistakes.map { "    " + $0 }
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    static func isDiagonal(_ key: String) -> Bool {
        let parts = key.components(separatedBy: " → ")
        return parts.count == 2 && parts[0] == parts[1]
    }

    static func row(_ type: String, _ counts: (tp: Int, predicted: Int, gold: Int)) -> String {
        let precision = Double(counts.tp) / Double(max(counts.predicted, 1))
        let recall = Double(counts.tp) / Double(max(counts.gold, 1))
        let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
        return ExtractEvaluation.pad(type, 14)
            + String(format: "%.3f      %.3f   %.3f", precision, recall, f1)
            + "  (\(counts.tp)/\(counts.predicted)/\(counts.gold))"
    }
}
