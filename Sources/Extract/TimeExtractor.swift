import Core
import Foundation

/// Times, dates, intervals and durations in chat messages (English, Spanish, Portuguese),
/// resolved as Duckling does: against the message's sent time in the contact's zone, with a
/// bias to the future ("Monday" is next Monday), values as Duckling's JSON.
public struct TimeExtractor: Sendable {
    public init() {}

    /// Times, dates, intervals and durations in `text`; latent ones (a bare "7", "1974",
    /// "morning" alone) only when asked.
    public func extract(_ text: ScalarText, context: ExtractionContext, includeLatent: Bool = false) -> [Entity] {
        guard text.tokens.contains(where: { $0.kind == .number || TimeLexicon.entries[$0.folded] != nil }) else {
            return []
        }
        var parser = TimeParser(text: text, context: context)
        parser.run()
        var candidates: [(item: TimeItem, value: JSONValue, type: EntityType, latent: Bool)] = []
        for item in parser.items {
            switch item.node {
            case .time(let value, let latent):
                guard includeLatent || !latent, let resolved = value.resolve(now: parser.now, ourOffset: parser.offset)
                else { continue }
                candidates.append((item, resolved.json(in: context.timeZone), .time, latent))
            case .duration(let amount, let grain):
                let value: JSONValue = [
                    "value": .number(Double(amount)), "unit": .string(grain.name),
                    "normalized": ["value": .number(Double(amount * grain.seconds)), "unit": "second"],
                ]
                candidates.append((item, value, .duration, false))
            default:
                continue
            }
        }
        let tokens = text.tokens
        // Longest first, then explicit before latent, times before durations, earliest first.
        candidates.sort { a, b in
            let la = tokens[a.item.end - 1].end - tokens[a.item.start].start
            let lb = tokens[b.item.end - 1].end - tokens[b.item.start].start
            if la != lb { return la > lb }
            if a.latent != b.latent { return !a.latent }
            if a.type != b.type { return a.type == .time }
            return a.item.start < b.item.start
        }
        var taken = Array(repeating: false, count: tokens.count)
        var entities: [Entity] = []
        for candidate in candidates {
            let range = candidate.item.start..<candidate.item.end
            guard !range.contains(where: { taken[$0] }) else { continue }
            for index in range { taken[index] = true }
            let start = tokens[range.lowerBound].start
            let end = tokens[range.upperBound - 1].end
            entities.append(
                Entity(
                    type: candidate.type,
                    text: text.text(start, end),
                    start: start,
                    end: end,
                    value: candidate.value,
                    confidence: candidate.latent ? 0.5 : 0.9
                )
            )
        }
        return entities.sorted { $0.start < $1.start }
    }
}
