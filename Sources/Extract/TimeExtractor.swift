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
        let tokens = text.tokens
        func length(_ item: TimeItem) -> Int { tokens[item.end - 1].end - tokens[item.start].start }
        var candidates: [(item: TimeItem, latent: Bool, time: Bool)] = []
        for item in parser.items {
            switch item.node {
            case .time(_, let latent) where includeLatent || !latent: candidates.append((item, latent, true))
            case .duration: candidates.append((item, false, false))
            default: continue
            }
        }
        // Longest first, then explicit before latent, times before durations, earliest first;
        // only the ones that fit are resolved.
        candidates.sort { a, b in
            let la = length(a.item)
            let lb = length(b.item)
            if la != lb { return la > lb }
            if a.latent != b.latent { return !a.latent }
            if a.time != b.time { return a.time }
            return a.item.start < b.item.start
        }
        var taken = Array(repeating: false, count: tokens.count)
        var entities: [Entity] = []
        for candidate in candidates {
            let range = candidate.item.start..<candidate.item.end
            guard !range.contains(where: { taken[$0] }) else { continue }
            let value: JSONValue
            switch candidate.item.node {
            case .time(let time, _):
                guard let resolved = time.resolve(now: parser.now, ourOffset: parser.offset) else { continue }
                value = resolved.json(in: context.timeZone)
            case .duration(let amount, let grain):
                value = [
                    "value": .number(Double(amount)), "unit": .string(grain.name),
                    "normalized": ["value": .number(Double(amount * grain.seconds)), "unit": "second"],
                ]
            default:
                continue
            }
            for index in range { taken[index] = true }
            let start = tokens[range.lowerBound].start
            let end = tokens[range.upperBound - 1].end
            entities.append(
                Entity(
                    type: candidate.time ? .time : .duration,
                    text: text.text(start, end),
                    start: start,
                    end: end,
                    value: value,
                    confidence: candidate.latent ? 0.5 : 0.9
                )
            )
        }
        return entities.sorted { $0.start < $1.start }
    }
}
