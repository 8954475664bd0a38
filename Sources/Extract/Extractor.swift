import Core
import Foundation

/// One family of entities (times, money, contact data, ...).
public protocol EntityFinder: Sendable {
    func find(in text: ScalarText, context: ExtractionContext) -> [Entity]
}

/// Every family together: the entities of a text, without two of one kind of span claiming the
/// same characters. Number-like spans (times, durations, money, quantities, percentages, phone
/// numbers, e-mail addresses, URLs) compete with each other, and so do names (companies, roles,
/// products, competitors), and roles with roles; a name may sit inside contact data (a
/// company from an e-mail domain). Within a group, the stronger family wins an overlap, then the longer span. A time,
/// amount or quantity inside a name ("Padaria Bom Pão", "TX-200") is part of the name.
public struct Extractor: Sendable {
    public var finders: [any EntityFinder]

    /// All the families: contact data, money, percentages, quantities, times and durations,
    /// catalog products and competitors, companies and roles.
    public init() {
        self.finders = [
            ContactExtractor(), MoneyExtractor(), PercentageExtractor(), QuantityExtractor(), TimeExtractor(),
            CatalogFinder(), CompanyExtractor(), RoleExtractor(),
        ]
    }

    public init(finders: [any EntityFinder]) {
        self.finders = finders
    }

    /// The entities of `text`, in order of their start.
    public func extract(_ text: String, context: ExtractionContext) -> [Entity] {
        extract(ScalarText(text), context: context)
    }

    public func extract(_ text: ScalarText, context: ExtractionContext) -> [Entity] {
        guard !text.tokens.isEmpty else { return [] }
        var found: [Entity] = []
        for finder in finders { found += finder.find(in: text, context: context) }
        found += Self.budgetAmounts(in: text, context: context)
        found += Self.productCounts(in: text, before: found)
        return Self.resolveOverlaps(found)
    }

    /// "40 TN-40 cartridges", "quiero 3 CRM Pro": a whole number of at most 5 digits right before
    /// a catalog product is how many of it, `{"value": 40, "unit": "unit", "product": name}`.
    static func productCounts(in text: ScalarText, before found: [Entity]) -> [Entity] {
        let products = found.filter { $0.type == .product }
        guard !products.isEmpty else { return [] }
        var counts: [Entity] = []
        for product in products {
            guard let next = text.tokens.firstIndex(where: { $0.start == product.start }), next > 0 else { continue }
            let number = text.tokens[next - 1]
            guard number.kind == .number, number.end - number.start <= 5, let value = Double(number.folded),
                value > 0, next < 2 || text.tokens[next - 2].kind != .symbol || text.tokens[next - 1].spaceBefore
            else { continue }
            counts.append(
                Entity(
                    type: .quantity,
                    text: text.text(number.start, number.end),
                    start: number.start,
                    end: number.end,
                    value: .object([
                        "type": "value", "value": .number(value), "unit": "unit",
                        "product": product.value["name"] ?? .null,
                    ]),
                    confidence: 0.8
                )
            )
        }
        return counts
    }

    /// Words after which a bare amount is money without a currency ("our budget is between 2
    /// and 3k", "orçamento de até 10 mil"): the unit stays `null`, as Duckling's latent money.
    static let budgetWords: Set<String> = [
        "budget", "budgeted", "spend", "afford", "presupuesto", "gastar", "invertir", "orcamento", "verba", "investir",
        "budgetaire", "haushalt", "anggaran",
    ]

    /// Money without a currency in the few words after a budget word.
    static func budgetAmounts(in text: ScalarText, context: ExtractionContext) -> [Entity] {
        let cues = text.tokens.indices.filter {
            text.tokens[$0].kind == .word && budgetWords.contains(text.tokens[$0].folded)
        }
        guard !cues.isEmpty else { return [] }
        let windows = cues.map { cue in
            (text.tokens[cue].end, text.tokens[min(cue + 8, text.tokens.count - 1)].end)
        }
        func unitless(_ side: JSONValue?) -> Bool { (side?["unit"] ?? .null) == .null }
        let bare = MoneyExtractor().extract(text, context: context, includeLatent: true).filter { entity in
            let value = entity.value
            let bare = value["type"] == "interval" ? unitless(value["from"]) && unitless(value["to"]) : unitless(value)
            return bare && windows.contains { entity.start >= $0.0 && entity.start <= $0.1 }
        }
        return joinRanges(bare, in: text).map { entity in
            var entity = entity
            entity.confidence = min(entity.confidence, 0.6)
            return entity
        }
    }

    /// Two bare amounts joined by "and", "to", "-", "y", "a", "até" ... make one range ("between 2
    /// and 3k": 2,000 to 3,000, the lower end taking the upper's thousands when it is far below).
    static func joinRanges(_ amounts: [Entity], in text: ScalarText) -> [Entity] {
        let connectors: Set<String> = ["and", "to", "-", "y", "e", "a", "ate", "hasta", "et", "und"]
        let openers: Set<String> = ["between", "entre", "from", "de", "desde", "zwischen"]
        var result: [Entity] = []
        var index = 0
        let sorted = amounts.sorted { $0.start < $1.start }
        while index < sorted.count {
            let lower = sorted[index]
            if index + 1 < sorted.count, lower.value["type"] == "value", sorted[index + 1].value["type"] == "value",
                let low = lower.value["value"]?.doubleValue, let high = sorted[index + 1].value["value"]?.doubleValue
            {
                let upper = sorted[index + 1]
                let between = text.tokens.filter { $0.start >= lower.end && $0.end <= upper.start }
                if between.count == 1, connectors.contains(between[0].folded) {
                    let from = low < 1_000 && high >= 1_000 && low * 1_000 <= high * 10 ? low * 1_000 : low
                    if from < high {
                        var start = lower.start
                        if let opener = text.tokens.last(where: { $0.end <= lower.start }),
                            openers.contains(opener.folded)
                        {
                            start = opener.start
                        }
                        result.append(
                            Entity(
                                type: .money,
                                text: text.text(start, upper.end),
                                start: start,
                                end: upper.end,
                                value: .object([
                                    "type": "interval",
                                    "from": .object(["value": .number(from), "unit": .null]),
                                    "to": .object(["value": .number(high), "unit": .null]),
                                ]),
                                confidence: min(lower.confidence, upper.confidence)
                            )
                        )
                        index += 2
                        continue
                    }
                }
            }
            result.append(lower)
            index += 1
        }
        return result
    }

    /// Keeps, per group, the strongest and then longest of overlapping spans.
    static func resolveOverlaps(_ entities: [Entity]) -> [Entity] {
        let ranked = entities.sorted { a, b in
            let (ra, rb) = (rank(a.type), rank(b.type))
            if ra != rb { return ra < rb }
            if a.end - a.start != b.end - b.start { return a.end - a.start > b.end - b.start }
            return a.start < b.start
        }
        var kept: [Entity] = []
        for entity in ranked {
            let clash = kept.contains { other in
                group(other.type) == group(entity.type) && other.start < entity.end && entity.start < other.end
            }
            if !clash { kept.append(entity) }
        }
        let names = kept.filter { group($0.type) != 0 }
        kept.removeAll { entity in
            group(entity.type) == 0 && !entity.type.isContactData
                && names.contains { $0.start <= entity.start && entity.end <= $0.end }
        }
        return kept.sorted { ($0.start, $0.end, $0.type.rawValue) < ($1.start, $1.end, $1.type.rawValue) }
    }

    /// Roles stand apart: "directora de RH de Grupo Textil" is a role and a company at once.
    private static func group(_ type: EntityType) -> Int {
        switch type {
        case .company, .product, .competitor: return 1
        case .role: return 2
        default: return 0
        }
    }

    /// Contact data is the most certain (its syntax is strict), then money (a currency marks
    /// it), percentages, times, quantities; among names the catalog's own beat guesses.
    private static func rank(_ type: EntityType) -> Int {
        switch type {
        case .email: return 0
        case .url: return 1
        case .phone: return 2
        case .money: return 3
        case .percentage: return 4
        case .time: return 5
        case .duration: return 6
        case .quantity: return 7
        case .product: return 10
        case .competitor: return 11
        case .company: return 12
        case .role: return 13
        }
    }
}
