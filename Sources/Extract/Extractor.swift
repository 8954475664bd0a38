import Core
import Foundation

/// One family of entities (times, money, contact data, ...).
public protocol EntityFinder: Sendable {
    func find(in text: ScalarText, context: ExtractionContext) -> [Entity]
}

/// Every family together: the entities of a text, without two of one kind of span claiming the
/// same characters. Number-like spans (times, durations, money, quantities, percentages, phone
/// numbers, e-mail addresses, URLs) compete with each other, and so do names (companies, roles,
/// products, competitors); a name may sit inside contact data (a company from an e-mail
/// domain). Within a group, the stronger family wins an overlap, then the longer span. A time,
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
        return Self.resolveOverlaps(found)
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
        let names = kept.filter { group($0.type) == 1 }
        kept.removeAll { entity in
            group(entity.type) == 0 && !entity.type.isContactData
                && names.contains { $0.start <= entity.start && entity.end <= $0.end }
        }
        return kept.sorted { ($0.start, $0.end, $0.type.rawValue) < ($1.start, $1.end, $1.type.rawValue) }
    }

    private static func group(_ type: EntityType) -> Int {
        switch type {
        case .company, .role, .product, .competitor: return 1
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
