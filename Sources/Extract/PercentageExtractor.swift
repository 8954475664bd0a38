import Core

/// Finds percentages: "15%", "15 %", "15 percent", "quince por ciento", "vinte por cento",
/// "10-15%", "up to 30%", "10% off", "descuento del 10%".
///
/// The value is `{"type":"value","value":15}` (ranges and bounds as for money, without a
/// unit), plus `"discount": true` when a discount word stands next to it ("10% off", "10% de
/// descuento", "desconto de 10%"): the sales pipeline tracks discounts asked for and offered.
public struct PercentageExtractor: Sendable {
    public init() {}

    public func extract(_ text: ScalarText, context: ExtractionContext) -> [Entity] {
        // Most messages have no percent sign or word and skip the scan.
        guard text.tokens.contains(where: { Self.markers.contains($0.folded) }) else { return [] }
        let languages = NumberParser.Language(code: context.language)
        let parser = NumberParser(language: context.language, region: context.region)
        let tokens = text.tokens
        var entities: [Entity] = []

        func amount(at index: Int) -> Amount<Bool>? {
            guard let number = parser.number(in: text, at: index, suffixes: []), !number.isArticle else { return nil }
            let sign = Self.sign(in: text, at: number.end)
            return Amount(
                number: number,
                value: number.value,
                unit: sign == nil ? nil : true,
                first: index,
                end: sign ?? number.end
            )
        }

        var index = 0
        while index < tokens.count {
            guard AmountGrammar.mayStart(tokens[index]),
                let phrase = AmountGrammar.phrase(
                    in: text,
                    at: index,
                    languages: languages,
                    amount: amount(at:),
                    merge: { a, _ in a }
                ),
                phrase.unit != nil
            else {
                index += 1
                continue
            }
            var end = phrase.end
            var discount = Self.discountBefore(in: text, at: phrase.first)
            if let after = Self.discountAfter(in: text, at: end) {
                discount = true
                if tokens[end].folded == "off" { end = after }
            }
            let start = tokens[phrase.first].start
            let stop = tokens[end - 1].end
            var value = phrase.json(side: { ["value": .number($0)] })
            if discount, case .object(var members) = value {
                members["discount"] = true
                value = .object(members)
            }
            entities.append(
                Entity(
                    type: .percentage,
                    text: text.text(start, stop),
                    start: start,
                    end: stop,
                    value: value,
                    confidence: 0.95
                )
            )
            index = max(end, index + 1)
        }
        return entities
    }

    /// The end of a percent sign or word at `index`: "%", "percent", "per cent", "por ciento",
    /// "por cento", "pour cent", "per cento", "prozent".
    static func sign(in text: ScalarText, at index: Int) -> Int? {
        let tokens = text.tokens
        guard index < tokens.count else { return nil }
        switch tokens[index].folded {
        case "%", "percent", "pct", "porciento", "pourcent", "prozent", "percento": return index + 1
        case "per", "por", "pour":
            guard index + 1 < tokens.count else { return nil }
            switch tokens[index + 1].folded {
            case "cent", "ciento", "cento": return index + 2
            default: return nil
            }
        default: return nil
        }
    }

    private static let markers: Set<String> = [
        "%", "percent", "pct", "porciento", "pourcent", "prozent", "percento", "cent", "ciento", "cento",
    ]

    private static let discountWords: Set<String> = [
        "discount", "discounts", "descuento", "descuentos", "desconto", "descontos", "dto", "desc", "rebaja",
        "rebate", "remise", "sconto", "rabatt", "off",
    ]

    /// "descuento del 10%", "desconto de 10%", "a discount of 10%", "10% off".
    private static func discountBefore(in text: ScalarText, at index: Int) -> Bool {
        let tokens = text.tokens
        var position = index - 1
        while position >= 0, position >= index - 3 {
            let word = tokens[position].folded
            if discountWords.contains(word) && word != "off" { return true }
            guard ["de", "del", "do", "da", "of", "a", "um", "un", "una", "uma", "."].contains(word) else {
                return false
            }
            position -= 1
        }
        return false
    }

    private static func discountAfter(in text: ScalarText, at index: Int) -> Int? {
        let tokens = text.tokens
        var position = index
        while position < tokens.count, position <= index + 2 {
            let word = tokens[position].folded
            if discountWords.contains(word) { return position + 1 }
            guard ["de", "of", "in", "en", "em", "."].contains(word) else { return nil }
            position += 1
        }
        return nil
    }
}
