import Assist
import Core
import Detect
import Extract
import Foundation

/// The local Assist path on data/assist: each thread through the same steps as a live one
/// (detect's intent and sentiment, extract's entities and cues, the BANT scorer, the
/// next-best-action rules, snippet retrieval, the draft composer and its guardrails), scored
/// against the gold next action, the gold snippet and the customer's language.
public enum AssistEvaluation {
    public struct Organization: Sendable {
        public var language: String
        public var catalog: Catalog
        public var snippets: [KnowledgeSnippet]
        /// Each snippet's name in the data (`org-en-1-s3`), by its id.
        public var snippetNames: [UUID: String]
    }

    public struct Thread: Sendable {
        public var id: String
        public var organization: String
        public var language: String
        public var now: Date
        public var contactName: String?
        public var optInStatus: String
        public var messages: [(direction: MessageDirection, at: Date, text: String)]
        public var action: String
        public var acceptable: Set<String>
        public var snippet: String?
    }

    /// Embeds texts for retrieval by meaning (MiniLM in the command); `nil`: by words.
    public typealias Embed = @Sendable ([String]) throws -> [[Float]]

    public static func loadOrganizations(_ url: URL) throws -> [String: Organization] {
        let document = try JSONValue.parse(try Data(contentsOf: url))
        var organizations: [String: Organization] = [:]
        for (key, org) in document.objectValue ?? [:] {
            let items = (org["catalog"]?.arrayValue ?? []).compactMap { entry -> CatalogItem? in
                guard let name = entry["name"]?.stringValue else { return nil }
                return CatalogItem(
                    id: UUID(),
                    kind: .product,
                    name: name,
                    aliases: entry["aliases"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                    sku: entry["sku"]?.stringValue,
                    listPrice: entry["list_price"]?.doubleValue,
                    currency: entry["currency"]?.stringValue
                )
            }
            var names: [UUID: String] = [:]
            let snippets = (org["snippets"]?.arrayValue ?? []).compactMap { entry -> KnowledgeSnippet? in
                guard let id = entry["id"]?.stringValue, let body = entry["body"]?.stringValue else { return nil }
                let snippetID = UUID()
                names[snippetID] = id
                return KnowledgeSnippet(
                    id: snippetID,
                    kind: entry["kind"]?.stringValue.flatMap(KnowledgeSnippet.Kind.init(rawValue:)) ?? .other,
                    language: entry["language"]?.stringValue ?? "en",
                    title: entry["title"]?.stringValue ?? "",
                    body: body
                )
            }
            organizations[key] = Organization(
                language: org["language"]?.stringValue ?? "en",
                catalog: Catalog(items: items),
                snippets: snippets,
                snippetNames: names
            )
        }
        return organizations
    }

    public static func loadThreads(_ url: URL) throws -> [Thread] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").compactMap { line in
            let row = try JSONValue.parse(Data(line.utf8))
            guard let id = row["id"]?.stringValue, let now = row["now"]?.stringValue.flatMap(Instant.parse) else {
                return nil
            }
            return Thread(
                id: id,
                organization: row["organization"]?.stringValue ?? "",
                language: row["language"]?.stringValue ?? "en",
                now: now,
                contactName: row["contact_name"]?.stringValue,
                optInStatus: row["opt_in_status"]?.stringValue ?? "unknown",
                messages: (row["messages"]?.arrayValue ?? []).compactMap { message in
                    guard let at = message["at"]?.stringValue.flatMap(Instant.parse),
                        let text = message["text"]?.stringValue
                    else { return nil }
                    return (message["direction"]?.stringValue == "outbound" ? .outbound : .inbound, at, text)
                },
                action: row["gold"]?["action"]?.stringValue ?? "",
                acceptable: Set(row["gold"]?["acceptable"]?.arrayValue?.compactMap(\.stringValue) ?? []),
                snippet: row["gold"]?["snippet"]?.stringValue
            )
        }
    }

    /// One thread's outcome.
    public struct Outcome: Sendable {
        public var thread: Thread
        /// The rules' ranked kinds (`none` when no rule fired).
        public var actions: [String]
        /// Snippet names, best first.
        public var retrieved: [String]
        public var drafts: [Draft]
        public var withheld: Int
        /// Returned drafts that fail a guardrail when checked again (must be 0).
        public var violations: Int
    }

    public static func run(
        _ threads: [Thread],
        organizations: [String: Organization],
        detector: Detector?,
        embed: Embed?
    ) throws -> [Outcome] {
        let extractor = Extractor()
        let cues = BANTCueFinder()
        let composer = DraftComposer()
        var snippetVectors: [UUID: [Float]] = [:]
        if let embed {
            let all = organizations.values.flatMap(\.snippets)
            for (snippet, vector) in zip(all, try embed(all.map { $0.title + "\n" + $0.body })) {
                snippetVectors[snippet.id] = vector
            }
        }
        var outcomes: [Outcome] = []
        for thread in threads {
            guard let organization = organizations[thread.organization] else { continue }
            var facts: [MessageFacts] = []
            var state: [ThreadState.Message] = []
            var entities: [JSONValue] = []
            for (index, message) in thread.messages.enumerated() {
                let id = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, UInt8(index)))
                var insights = MessageInsights()
                var products: [String] = []
                if message.direction == .inbound {
                    if let detector {
                        let detection = detector.detect(message.text)
                        insights.language = detection.language
                        insights.intent = detection.intent
                        insights.intentConfidence = detection.intentConfidence
                        insights.sentiment = detection.sentiment
                        insights.sentimentScore = detection.sentimentScore
                    }
                    let text = ScalarText(message.text)
                    let found = extractor.extract(
                        text,
                        context: ExtractionContext(
                            referenceTime: message.at,
                            timeZone: TimeZone(identifier: "UTC")!,
                            language: thread.language,
                            catalog: organization.catalog
                        )
                    ).map(\.json)
                    insights.entities = .array(found)
                    insights.extra["bant_cues"] = .array(cues.cues(in: text).map(\.json))
                    entities += found
                    products = found.compactMap {
                        $0["type"]?.stringValue == "product" ? $0["value"]?["name"]?.stringValue : nil
                    }
                }
                facts.append(
                    MessageFacts(messageID: id, direction: message.direction, sentAt: message.at, insights: insights)
                )
                state.append(
                    ThreadState.Message(
                        id: id,
                        direction: message.direction,
                        sentAt: message.at,
                        intent: insights.intent,
                        sentimentScore: insights.sentimentScore,
                        products: products
                    )
                )
            }
            let bant = BANTScorer().conclude(facts, settings: InsightSettings()).document
            let lastInbound = thread.messages.last { $0.direction == .inbound }
            let expires = lastInbound.map { $0.at.addingTimeInterval(86_400) }
            let actions = NextBestAction().actions(
                ThreadState(
                    now: thread.now,
                    messages: state,
                    careWindowExpiresAt: expires,
                    optInStatus: thread.optInStatus,
                    bant: bant
                )
            ).map(\.kind.rawValue)

            // Retrieval: the customer's words since the business last wrote.
            let lastOutbound = thread.messages.last { $0.direction == .outbound }?.at ?? .distantPast
            let query = thread.messages.filter { $0.direction == .inbound && $0.at > lastOutbound }.map(\.text)
                .joined(separator: "\n")
            let queryText = query.isEmpty ? (lastInbound?.text ?? "") : query
            var ranked: [(KnowledgeSnippet, Double, Bool)]
            if let embed, let vector = try embed([queryText]).first {
                ranked = organization.snippets.map { snippet in
                    (
                        snippet, zip(vector, snippetVectors[snippet.id] ?? []).reduce(0) { $0 + Double($1.0 * $1.1) },
                        true
                    )
                }
            } else {
                let words = Set(ScalarText(queryText).tokens.map(\.folded).filter { $0.count > 2 })
                ranked = organization.snippets.map { snippet in
                    let own = Set(ScalarText(snippet.title + " " + snippet.body).tokens.map(\.folded))
                    return (snippet, Double(words.intersection(own).count), false)
                }
            }
            ranked.sort { $0.1 > $1.1 }
            let snippets = ranked.prefix(5).map {
                DraftInput.Snippet(
                    id: $0.0.id,
                    kind: $0.0.kind,
                    language: $0.0.language,
                    body: $0.0.body,
                    score: $0.1,
                    semantic: $0.2
                )
            }
            let productNames = Set(
                entities.compactMap { $0["type"]?.stringValue == "product" ? $0["value"]?["name"]?.stringValue : nil }
            )
            let input = DraftInput(
                language: thread.language,
                customerName: thread.contactName,
                windowOpen: expires.map { $0 > thread.now } ?? false,
                intent: state.last { $0.direction == .inbound }?.intent,
                products: organization.catalog.items.filter { productNames.contains($0.name) },
                times: entities.compactMap { $0["type"]?.stringValue == "time" ? $0["text"]?.stringValue : nil }.suffix(
                    1
                ),
                pastReplies: [],
                snippets: snippets,
                templates: []
            )
            let context = Guardrails.context(
                catalog: organization.catalog,
                snippetBodies: snippets.map(\.body),
                customerEntities: entities,
                contactPhone: nil,
                windowOpen: input.windowOpen
            )
            let (drafts, withheld) =
                thread.optInStatus == "opted_out" ? ([], []) : composer.drafts(input, context: context)
            let violations = drafts.filter { draft in
                !Guardrails().check(draft.text, mode: draft.mode, context: context).allSatisfy(\.passed)
            }.count
            outcomes.append(
                Outcome(
                    thread: thread,
                    actions: actions.isEmpty ? ["none"] : actions,
                    retrieved: ranked.prefix(3).compactMap { organization.snippetNames[$0.0.id] },
                    drafts: drafts,
                    withheld: withheld.count,
                    violations: violations
                )
            )
        }
        return outcomes
    }

    /// The report: next-action accuracy, retrieval recall, draft language and guardrails, per set.
    public static func report(_ sets: [(name: String, outcomes: [Outcome])], retrieval: String, mistakes: Bool)
        -> String
    {
        var lines: [String] = []
        func percent(_ part: Int, _ whole: Int) -> String {
            whole == 0 ? "-" : String(format: "%.1f%% (%d/%d)", 100 * Double(part) / Double(whole), part, whole)
        }
        for (name, outcomes) in sets {
            let top1 = outcomes.filter { $0.thread.acceptable.contains($0.actions[0]) }.count
            let strict = outcomes.filter { $0.actions[0] == $0.thread.action }.count
            let top3 = outcomes.filter { $0.actions.prefix(3).contains($0.thread.action) }.count
            let withSnippet = outcomes.filter { $0.thread.snippet != nil }
            let recall1 = withSnippet.filter { $0.retrieved.first == $0.thread.snippet }.count
            let recall3 = withSnippet.filter { $0.retrieved.contains($0.thread.snippet ?? "") }.count
            let drafted = outcomes.filter { !$0.drafts.isEmpty }
            let languageMatch = drafted.filter { outcome in
                outcome.drafts.allSatisfy { $0.language == outcome.thread.language }
            }
            lines.append("== \(name) (\(outcomes.count) threads)")
            lines.append("  next action top-1 (acceptable)    \(percent(top1, outcomes.count))   target ≥ 70%")
            lines.append("  next action top-1 (the gold one)  \(percent(strict, outcomes.count))")
            lines.append("  next action top-3                 \(percent(top3, outcomes.count))   target ≥ 90%")
            lines.append("  snippet recall@1 (\(retrieval))    \(percent(recall1, withSnippet.count))")
            lines.append("  snippet recall@3 (\(retrieval))    \(percent(recall3, withSnippet.count))")
            lines.append("  drafts in the customer's language \(percent(languageMatch.count, drafted.count))")
            lines.append(
                "  guardrail violations in drafts    \(outcomes.map(\.violations).reduce(0, +)) (must be 0); withheld \(outcomes.map(\.withheld).reduce(0, +))"
            )
            var byKind: [String: (Int, Int)] = [:]
            for outcome in outcomes {
                let hit = outcome.thread.acceptable.contains(outcome.actions[0]) ? 1 : 0
                let (hits, total) = byKind[outcome.thread.action] ?? (0, 0)
                byKind[outcome.thread.action] = (hits + hit, total + 1)
            }
            for (kind, (hit, total)) in byKind.sorted(by: { $0.key < $1.key }) {
                lines.append(
                    "    \(kind.padding(toLength: 26, withPad: " ", startingAt: 0)) top-1 \(percent(hit, total))"
                )
            }
            if mistakes {
                for outcome in outcomes where !outcome.thread.acceptable.contains(outcome.actions[0]) {
                    lines.append(
                        "    \(outcome.thread.id): gold \(outcome.thread.action) (acceptable \(outcome.thread.acceptable.sorted().joined(separator: ","))), got \(outcome.actions.prefix(3).joined(separator: ", "))"
                    )
                }
            }
        }
        return lines.joined(separator: "\n")
    }
}
