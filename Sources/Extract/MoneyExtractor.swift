import Core

/// Finds amounts of money: "$5k", "R$ 2.500,00", "1,5 milhão de reais", "USD 300 per month",
/// "entre 2 y 3 mil dólares", "up to £500", "about 10 bucks".
///
/// Values follow Duckling: `{"type":"value","value":2500,"unit":"BRL"}`, or
/// `{"type":"interval","from":{"value","unit"},"to":{...}}` with only `to` for an upper bound
/// ("under $5", "menos de 10 mil") and only `from` for a lower one ("more than", "acima de").
/// The unit is an ISO 4217 code when the text and `context.region` settle it, else Duckling's
/// ambiguous names ("$", "cent", "peso", "riyal", "rial", "dinar") or `null` ("bucks" with no
/// region, and latent amounts). Three members are ours, present only when stated:
/// `"approximate": true` for "about", "cerca de", "uns"; `"period"` (month, year, week, day,
/// hour) and `"per"` (an item: user, seat, license, unit, ...) for what the amount is charged
/// per. "$20/user/month" has both, since neither alone says what the customer pays; a time and
/// an item never share one member, so a reader asking "per month?" looks in one place.
public struct MoneyExtractor: Sendable {
    public init() {}

    /// - Parameter includeLatent: also return bare numbers ("about 5", "7.2") with a `null`
    ///   unit, as Duckling does for latent amounts: for a reply to "what is your budget?".
    public func extract(_ text: ScalarText, context: ExtractionContext, includeLatent: Bool = false) -> [Entity] {
        guard includeLatent || CurrencyLexicon.mayName(text) else { return [] }
        let scanner = Scanner(text: text, context: context)
        var entities: [Entity] = []
        var index = 0
        let tokens = text.tokens
        let count = tokens.count
        while index < count {
            guard AmountGrammar.mayStart(tokens[index]),
                let phrase = AmountGrammar.phrase(
                    in: text,
                    at: index,
                    languages: scanner.languages,
                    openStartIsBound: true,
                    amount: scanner.amount(at:),
                    merge: Currency.merge
                )
            else {
                index += 1
                continue
            }
            if let entity = scanner.entity(for: phrase, includeLatent: includeLatent) {
                entities.append(entity)
                index = max(phrase.end, index + 1)
            } else {
                index += 1
            }
        }
        return entities
    }

    private struct Scanner {
        let text: ScalarText
        let region: String?
        let languages: NumberParser.Language
        let parser: NumberParser
        let english: Bool

        init(text: ScalarText, context: ExtractionContext) {
            self.text = text
            self.region = context.region?.uppercased()
            self.languages = NumberParser.Language(code: context.language)
            self.parser = NumberParser(
                language: context.language,
                region: context.region,
                threeDigitGroupsAreThousands: true
            )
            self.english = languages == .en
        }

        /// One amount: `[currency] number [scale] [de|of] [currency] [cents]`, or a coin word
        /// alone ("a dime", "quarter").
        func amount(at index: Int) -> Amount<Currency>? {
            let tokens = text.tokens
            var position = index
            var currency: Currency? = nil
            if let (prefix, end) = CurrencyLexicon.match(in: text, at: index, position: .before, languages: languages) {
                currency = prefix
                position = end
            }
            guard let number = parser.number(in: text, at: position, suffixes: [.thousands, .moneyLetters]) else {
                guard currency == nil else { return nil }
                return coinAlone(at: index)
            }
            if currency != nil && number.isArticle { return nil }
            if Self.isPercent(text, at: number.end) { return nil }
            position = number.end
            if let prefix = currency {
                // "$10 USD": the written code is the more precise.
                if let (suffix, end) = suffix(at: position), let merged = Currency.merge(prefix, suffix) {
                    currency = merged
                    position = end
                }
            } else {
                var next = position
                if number.scale > 1, next < tokens.count, ["de", "of", "do"].contains(tokens[next].folded) {
                    next += 1
                }
                if let (suffix, end) = suffix(at: next) {
                    // "a US$4.7 billion": the article belongs to the amount the symbol starts.
                    if number.isArticle, end < tokens.count, tokens[end].kind == .number { return nil }
                    if case .coin(0.25) = suffix, isTimeQuarter(before: index, after: end) { return nil }
                    currency = suffix
                    position = end
                }
            }
            if number.isArticle && currency == nil { return nil }
            var value = number.value
            if let currency, currency.takesCents, number.scale == 1, value == value.rounded(),
                let (cents, end) = cents(at: position)
            {
                value += cents
                position = end
            }
            return Amount(number: number, value: value, unit: currency, first: index, end: position)
        }

        /// A currency name after a number; "c" is no cent in "c/u" (cada uno).
        private func suffix(at index: Int) -> (Currency, Int)? {
            guard
                let (currency, end) = CurrencyLexicon.match(in: text, at: index, position: .after, languages: languages)
            else { return nil }
            let tokens = text.tokens
            if tokens[index].folded == "c", end < tokens.count, tokens[end].folded == "/" { return nil }
            if case .coin = currency, !english { return nil }
            // "5 pounds of coffee", "3 libras de queso": a weight.
            if currency == .pound, end + 1 < tokens.count, ["of", "de"].contains(tokens[end].folded),
                tokens[end + 1].kind == .word
            {
                return nil
            }
            return (currency, end)
        }

        /// A coin named with no number: "dime", "quarter" (English only; "dime" is Spanish for
        /// "tell me").
        private func coinAlone(at index: Int) -> Amount<Currency>? {
            guard english, let (currency, end) = suffix(at: index), case .coin = currency else { return nil }
            if case .coin(0.25) = currency, isTimeQuarter(before: index, after: end) { return nil }
            let one = ParsedNumber(
                value: 1,
                first: index,
                end: index,
                mantissa: 1,
                scale: 1,
                isArticle: true,
                isDigits: false
            )
            return Amount(number: one, value: 1, unit: currency, first: index, end: end)
        }

        /// "next quarter", "two quarters ago", "a quarter of the budget": the quarter of a year
        /// or a fraction, not 25 cents.
        private func isTimeQuarter(before index: Int, after end: Int) -> Bool {
            let tokens = text.tokens
            let previous = index - 1
            if previous >= 0, Self.quarterTimeBefore.contains(tokens[previous].folded) { return true }
            if end < tokens.count, Self.quarterTimeAfter.contains(tokens[end].folded) { return true }
            return false
        }

        private static let quarterTimeBefore: Set<String> = [
            "the", "this", "next", "last", "past", "previous", "current", "per", "each", "every", "of", "in", "for",
            "within", "over", "during", "by", "first", "second", "third", "fourth", "fiscal", "q", "that", "these",
            "those", "few", "several", "coming", "following",
        ]
        private static let quarterTimeAfter: Set<String> = [
            "of", "ago", "end", "ends", "earnings", "results", "review", "report", "close", "revenue", "target",
            "sales", "later", "from", "before", "after", "hour", "mile", "century", "past", "to", "til",
        ]

        /// Cents after main units: "$20 and 43c", "3 GBP 1 pence", "US$3 and fourteen",
        /// "$20 43" (a bare cents number only at the end of the phrase).
        private func cents(at index: Int) -> (Double, Int)? {
            let tokens = text.tokens
            var position = index
            guard position < tokens.count else { return nil }
            if ["and", "y", "e", "con", "com"].contains(tokens[position].folded) { position += 1 }
            guard let number = parser.number(in: text, at: position, suffixes: []), !number.isArticle,
                number.scale == 1, number.value >= 1, number.value < 100, number.value == number.value.rounded()
            else { return nil }
            if number.isDigits, tokens[number.first].end - tokens[number.first].start > 2 { return nil }
            if let (subunit, end) = suffix(at: number.end), subunit == .cent { return (number.value / 100, end) }
            let end = number.end
            if end == tokens.count || [".", ",", "!", "?", ";", ")"].contains(tokens[end].folded) {
                return (number.value / 100, end)
            }
            return nil
        }

        static func isPercent(_ text: ScalarText, at index: Int) -> Bool {
            PercentageExtractor.sign(in: text, at: index) != nil
        }

        func entity(for phrase: AmountPhrase<Currency>, includeLatent: Bool) -> Entity? {
            let tokens = text.tokens
            var phrase = phrase
            var confidence = 0.95
            var unit: String? = nil
            var factor = 1.0
            if let currency = phrase.unit {
                (unit, factor) = currency.resolved(region: region)
                switch currency {
                case .code: confidence = 0.95
                case .coin, .grand, .luca: confidence = 0.6
                default: confidence = unit == nil || unit == "$" || unit == "cent" ? 0.8 : 0.9
                }
                if phrase.amounts.allSatisfy({ $0.number.isArticle && $0.number.end == $0.number.first }) {
                    confidence = 0.5
                }
            } else {
                guard includeLatent, isLatentAmount(phrase) else { return nil }
                confidence = 0.3
            }
            let basis = AmountGrammar.basis(in: text, at: phrase.end, languages: languages)
            phrase.end = basis.end
            let start = tokens[phrase.first].start
            let end = tokens[phrase.end - 1].end
            var value = phrase.json(
                side: { amount in ["value": .number(Self.rounded(amount)), "unit": unit.map { .string($0) } ?? .null] },
                factor: factor
            )
            if case .object(var members) = value {
                if let period = basis.period { members["period"] = .string(period) }
                if let per = basis.per { members["per"] = .string(per) }
                value = .object(members)
            }
            return Entity(
                type: .money,
                text: text.text(start, end),
                start: start,
                end: end,
                value: value,
                confidence: confidence
            )
        }

        /// A latent amount is a bare number that is none of a year, a phone number, an ordinal,
        /// a count of something or a duration.
        private func isLatentAmount(_ phrase: AmountPhrase<Currency>) -> Bool {
            let tokens = text.tokens
            for amount in phrase.amounts {
                let number = amount.number
                if number.isArticle { return false }
                if number.isDigits, number.scale == 1 {
                    let value = number.value
                    if value == value.rounded(), value >= 1900, value <= 2100, number.end - number.first == 1 {
                        return false
                    }
                    let digits = tokens[number.first..<number.end].reduce(0) {
                        $0 + ($1.kind == .number ? $1.end - $1.start : 0)
                    }
                    if digits >= 8 { return false }
                    if number.first > 0, ["+", "#", "("].contains(tokens[number.first - 1].folded) { return false }
                }
            }
            // "+55 11 98765-4321", "1 2 3": numbers in a row are a phone number or a list.
            if phrase.first > 0, tokens[phrase.first - 1].kind == .number { return false }
            if phrase.first > 1, ["-", "/", "."].contains(tokens[phrase.first - 1].folded),
                tokens[phrase.first - 2].kind == .number
            {
                return false
            }
            let end = phrase.end
            if end < tokens.count,
                tokens[end].kind == .number
                    || tokens[end].folded == "-" && end + 1 < tokens.count && tokens[end + 1].kind == .number
            {
                return false
            }
            if end < tokens.count {
                let next = tokens[end].folded
                if QuantityUnits.canonical(next) != nil || Self.latentStoppers.contains(next) { return false }
                if tokens[end].kind == .word, !tokens[end].spaceBefore { return false }
            }
            return true
        }

        private static let latentStoppers: Set<String> = [
            "st", "nd", "rd", "th", "º", "ª", "°", "am", "pm", "h", "hs", "hr", "hrs", "min", "mins", "minute",
            "minutes", "minuto", "minutos", "hour", "hours", "hora", "horas", "day", "days", "dia", "dias", "week",
            "weeks", "semana", "semanas", "month", "months", "mes", "meses", "year", "years", "ano", "anos", "x",
        ]

        /// Cents arithmetic leaves 20.430000000000003; reports carry at most 6 decimals.
        static func rounded(_ value: Double) -> Double {
            guard abs(value) < 1e12 else { return value }
            return (value * 1e6).rounded() / 1e6
        }
    }
}
