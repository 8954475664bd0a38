import Core

/// A number with the unit written next to it, if any: one side of an ``AmountPhrase``.
struct Amount<Unit: Sendable & Equatable>: Sendable {
    var number: ParsedNumber
    /// The value in the written unit, cents included ("$20 and 43c" is 20.43).
    var value: Double
    var unit: Unit?
    /// Token range, end exclusive.
    var first: Int
    var end: Int
}

/// Amounts with the words around them: bounds ("up to", "más de"), approximation ("about",
/// "cerca de"), ranges ("between 2 and 3k", "10 a 15 mil reais", "$1,000-$2,000"). Money,
/// quantities and percentages share it; each supplies how to read one amount.
struct AmountPhrase<Unit: Sendable & Equatable>: Sendable {
    enum Kind: Sendable { case value, interval, under, above }

    var kind: Kind
    /// The lower end (the value itself for `.value`, the only end for `.above`).
    var from: Amount<Unit>?
    /// The upper end (the only end for `.under`).
    var to: Amount<Unit>?
    var unit: Unit?
    var approximate: Bool
    /// Token range, end exclusive.
    var first: Int
    var end: Int

    /// The amounts the phrase holds.
    var amounts: [Amount<Unit>] { [from, to].compactMap { $0 } }

    /// The JSON value: Duckling's `{"type":"value","value","unit"}` or `{"type":"interval",
    /// "from","to"}` with only `to` for an upper bound and only `from` for a lower one.
    /// `side` renders one end (`{"value", "unit"}`) from its value times `factor`.
    func json(side: (Double) -> [String: JSONValue], factor: Double = 1) -> JSONValue {
        var object: [String: JSONValue] = [:]
        switch kind {
        case .value:
            object = side((from?.value ?? 0) * factor)
            object["type"] = "value"
        case .interval, .under, .above:
            object["type"] = "interval"
            if let from, kind != .under { object["from"] = .object(side(from.value * factor)) }
            if let to, kind != .above { object["to"] = .object(side(to.value * factor)) }
        }
        if approximate { object["approximate"] = true }
        return .object(object)
    }
}

/// The words around amounts, shared by the money, quantity and percentage extractors.
enum AmountGrammar {
    /// The phrase starting at token `index`: modifiers, one amount, maybe a second one.
    /// - Parameters:
    ///   - amount: reads one amount at a token index.
    ///   - merge: the unit of a range from its two ends' units; `nil` when they disagree.
    ///   - openStartIsBound: whether "from X" with no end is a lower bound: it is for prices
    ///     ("plans from $20"), not for counts ("messages from 5 users").
    static func phrase<Unit>(
        in text: ScalarText,
        at index: Int,
        languages: NumberParser.Language,
        openStartIsBound: Bool = false,
        amount: (Int) -> Amount<Unit>?,
        merge: (Unit, Unit) -> Unit?
    ) -> AmountPhrase<Unit>? {
        var position = index
        var approximate = false
        var bound: AmountPhrase<Unit>.Kind? = nil
        var range: Modifier.Range? = nil
        var afterRange = index
        var afterModifiers = index
        for _ in 0..<3 {
            guard let (modifier, end) = modifier(in: text, at: position, languages: languages) else { break }
            switch modifier {
            case .approximate: approximate = true
            case .exact: break
            case .under: bound = .under
            case .above: bound = .above
            case .range(let kind):
                range = kind
                afterRange = end
            }
            position = end
            afterModifiers = end
        }
        if range != nil { afterModifiers = skipDeterminer(in: text, at: afterModifiers) }
        guard let first = amount(afterModifiers) else { return nil }
        var phrase = AmountPhrase<Unit>(
            kind: .value,
            from: first,
            to: nil,
            unit: first.unit,
            approximate: approximate,
            first: index,
            end: first.end
        )

        if let second = secondAmount(in: text, after: first, range: range, languages: languages, amount: amount) {
            var lower = first
            // "2-3k", "entre 2 y 3 mil": the lower end borrows the upper end's scale.
            if lower.number.scale == 1, second.number.scale > 1, lower.number.value < second.number.mantissa {
                lower.value = lower.number.value * second.number.scale
            }
            let unit: Unit?
            switch (lower.unit, second.unit) {
            case (let a?, let b?): unit = merge(a, b)
            case (let a?, nil): unit = a
            case (nil, let b): unit = b
            }
            let agree = lower.unit == nil || second.unit == nil || unit != nil
            if agree, lower.value < second.value {
                phrase.kind = .interval
                phrase.from = lower
                phrase.to = second
                phrase.unit = unit
                phrase.end = second.end
                return phrase
            }
        }
        switch range {
        case .from? where openStartIsBound:
            // "from $20", "desde 10 mil": a start with no end is a lower bound.
            phrase.kind = .above
        case .from?, .between?:
            // "entre 5", "de uns 10%": no range after all, and the opener is no part of the amount;
            // a bound after it still counts ("orçamento de até 10 mil", "de menos de 5k").
            phrase.first = afterRange
            if let bound { phrase.kind = bound }
        case nil:
            if let bound { phrase.kind = bound }
        }
        if phrase.kind == .value, let (suffix, end) = boundSuffix(in: text, at: phrase.end) {
            phrase.kind = suffix == .under ? .under : .above
            phrase.end = end
        }
        if phrase.kind == .under {
            phrase.to = phrase.from
            phrase.from = nil
        }
        return phrase
    }

    /// The upper end of a range after `first`: "-", "to", "a", "até", or the connector a
    /// "between"/"entre" opened ("and", "y", "e").
    private static func secondAmount<Unit>(
        in text: ScalarText,
        after first: Amount<Unit>,
        range: Modifier.Range?,
        languages: NumberParser.Language,
        amount: (Int) -> Amount<Unit>?
    ) -> Amount<Unit>? {
        let tokens = text.tokens
        let position = first.end
        guard position + 1 < tokens.count else { return nil }
        let word = tokens[position].folded
        let joins: Bool
        switch word {
        case "-", "to", "~": joins = true
        case "a": joins = !languages.isDisjoint(with: [.es, .pt, .fr, .it])
        case "ate", "hasta": joins = true
        case "and", "y", "e", "et", "und": joins = range != nil
        // "2 or 3 licenses" is a range; "$5 or $10" two offers.
        case "or": joins = languages.contains(.en) && first.unit == nil
        case "o": joins = languages.contains(.es) && first.unit == nil
        case "ou": joins = languages.contains(.pt) && first.unit == nil
        default: joins = false
        }
        guard joins, let second = amount(skipDeterminer(in: text, at: position + 1)) else { return nil }
        // "555-1234-99", "2024-03-15": more numbers chained by marks are a phone or a date.
        if word == "-", second.end + 1 < tokens.count, !tokens[second.end].spaceBefore,
            tokens[second.end + 1].kind == .number,
            ["-", "/", "."].contains(tokens[second.end].folded)
        {
            return nil
        }
        if word == "-", first.first > 1, !tokens[first.first].spaceBefore, tokens[first.first - 1].folded == "-" {
            return nil
        }
        return second
    }

    /// "entre el 10 y el 20%", "between the 2": an article before a range's number.
    private static func skipDeterminer(in text: ScalarText, at index: Int) -> Int {
        guard index + 1 < text.tokens.count else { return index }
        switch text.tokens[index].folded {
        case "el", "los", "la", "las", "o", "os", "the": return index + 1
        default: return index
        }
    }

    /// Whether a phrase may start at the token: a number, a symbol, or a word that is a
    /// modifier, a number word or a currency name. One look instead of each reader's own.
    static func mayStart(_ token: ScalarText.Token) -> Bool {
        token.kind != .word || starters.contains(token.folded)
    }

    private static let starters: Set<String> = Set(modifiers.keys).union(NumberParser.words)
        .union(CurrencyLexicon.words)

    // MARK: Modifiers

    enum Modifier: Sendable {
        enum Range: Sendable { case between, from }
        case approximate, exact, under, above
        case range(Range)
    }

    private struct Entry: Sendable {
        var words: [String]
        var modifier: Modifier
        var languages: NumberParser.Language
    }

    /// The modifier starting at `index`, longest first ("no más de" before "más de").
    static func modifier(
        in text: ScalarText,
        at index: Int,
        languages: NumberParser.Language
    ) -> (Modifier, Int)? {
        let tokens = text.tokens
        guard index < tokens.count, let entries = modifiers[tokens[index].folded] else { return nil }
        for entry in entries where !languages.isDisjoint(with: entry.languages) {
            if let end = match(entry.words, in: text, at: index) { return (entry.modifier, end) }
        }
        return nil
    }

    /// Whether `words` are the folded tokens from `index`; the end when they are.
    static func match(_ words: [String], in text: ScalarText, at index: Int) -> Int? {
        let tokens = text.tokens
        guard index + words.count <= tokens.count else { return nil }
        for (offset, word) in words.enumerated() where tokens[index + offset].folded != word { return nil }
        return index + words.count
    }

    private static let modifiers: [String: [Entry]] = {
        var table: [String: [Entry]] = [:]
        func add(_ languages: NumberParser.Language, _ modifier: Modifier, _ phrases: [String]) {
            for phrase in phrases {
                let words = phrase.split(separator: " ").map(String.init)
                table[words[0], default: []].append(Entry(words: words, modifier: modifier, languages: languages))
            }
        }
        add(
            .en,
            .under,
            [
                "under", "less than", "lower than", "no more than", "not more than", "at most", "up to", "below",
                "max", "maximum", "a maximum of", "maximum of", "max of", "not over", "no higher than",
            ]
        )
        add(
            .en,
            .above,
            [
                "over", "above", "more than", "greater than", "higher than", "at least", "no less than",
                "not less than", "min", "minimum", "a minimum of", "minimum of", "starting at", "starting from",
                "upwards of", "in excess of",
            ]
        )
        add(
            .en,
            .approximate,
            ["about", "around", "approximately", "approx", "approx .", "roughly", "circa", "~", "some", "nearly"]
        )
        add(.en, .exact, ["exactly", "just", "only"])
        add(.en, .range(.between), ["between"])
        add(.en, .range(.from), ["from"])

        add(
            .es,
            .under,
            [
                "menos de", "menos que", "no mas de", "no mas que", "hasta", "maximo", "como maximo", "a lo sumo",
                "por debajo de", "inferior a", "maximo de", "un maximo de", "no superior a",
            ]
        )
        add(
            .es,
            .above,
            [
                "mas de", "mas que", "no menos de", "al menos", "por lo menos", "minimo", "como minimo",
                "a partir de", "por encima de", "superior a", "minimo de", "un minimo de", "arriba de",
            ]
        )
        add(
            .es,
            .approximate,
            [
                "cerca de", "alrededor de", "aproximadamente", "aprox", "aprox .", "unos", "unas", "mas o menos",
                "como", "casi", "~",
            ]
        )
        add(.es, .exact, ["exactamente", "solo", "solamente", "justo"])
        add(.es, .range(.between), ["entre", "de"])
        add(.es, .range(.from), ["desde"])

        add(
            .pt,
            .under,
            [
                "menos de", "menos que", "nao mais de", "nao mais que", "ate", "no maximo", "maximo", "maximo de",
                "abaixo de", "inferior a", "um maximo de",
            ]
        )
        add(
            .pt,
            .above,
            [
                "mais de", "mais que", "nao menos de", "pelo menos", "no minimo", "minimo", "minimo de",
                "a partir de", "acima de", "superior a", "um minimo de",
            ]
        )
        add(
            .pt,
            .approximate,
            [
                "cerca de", "uns", "umas", "aproximadamente", "aprox", "aprox .", "mais ou menos", "por volta de",
                "em torno de", "quase", "~",
            ]
        )
        add(.pt, .exact, ["exatamente", "so", "somente", "apenas"])
        add(.pt, .range(.between), ["entre", "de"])
        add(.pt, .range(.from), ["desde"])

        add(.fr, .under, ["moins de", "jusqu ' a", "au plus", "au maximum", "maximum"])
        add(.fr, .above, ["plus de", "au moins", "minimum", "a partir de"])
        add(.fr, .approximate, ["environ", "vers", "autour de", "~"])
        add(.fr, .range(.between), ["entre"])
        add(.it, .under, ["meno di", "fino a", "al massimo"])
        add(.it, .above, ["piu di", "almeno", "a partire da"])
        add(.it, .approximate, ["circa", "intorno a", "~"])
        add(.it, .range(.between), ["tra", "fra"])
        add(.de, .under, ["unter", "weniger als", "bis zu", "hochstens", "maximal"])
        add(.de, .above, ["uber", "mehr als", "mindestens", "ab"])
        add(.de, .approximate, ["etwa", "ungefahr", "circa", "ca", "ca .", "rund", "~"])
        add(.de, .range(.between), ["zwischen"])
        for key in table.keys { table[key]!.sort { $0.words.count > $1.words.count } }
        return table
    }()

    /// "$500 or less", "10 mil o más", "500+", "100 max".
    private static func boundSuffix(in text: ScalarText, at index: Int) -> (Bound, Int)? {
        let tokens = text.tokens
        guard index < tokens.count else { return nil }
        if tokens[index].folded == "+", !tokens[index].spaceBefore { return (.above, index + 1) }
        for (words, kind) in boundSuffixes[tokens[index].folded] ?? [] {
            if let end = match(words, in: text, at: index) { return (kind, end) }
        }
        return nil
    }

    private enum Bound { case under, above }

    private static let boundSuffixes: [String: [([String], Bound)]] = Dictionary(
        grouping: [
            ("or less", Bound.under), ("or under", .under), ("or below", .under), ("max", .under), ("maximum", .under),
            ("tops", .under), ("at most", .under), ("o menos", .under), ("como maximo", .under), ("maximo", .under),
            ("ou menos", .under), ("no maximo", .under), ("or more", .above), ("or above", .above),
            ("and up", .above), ("at least", .above), ("minimum", .above), ("min", .above), ("o mas", .above),
            ("como minimo", .above), ("minimo", .above), ("ou mais", .above), ("no minimo", .above),
            ("pelo menos", .above), ("para arriba", .above), ("pra cima", .above),
        ].map { ($0.0.split(separator: " ").map(String.init), $0.1) }
    ) { $0.0[0] }

    // MARK: Periods

    /// What an amount is per: a time (`"month"`) and an item (`"user"`), as in "$20/user/month",
    /// "USD 300 per month", "R$ 50 por usuário ao mês", "$300 a month", "mensuales".
    static func basis(
        in text: ScalarText,
        at index: Int,
        languages: NumberParser.Language
    ) -> (period: String?, per: String?, end: Int) {
        let tokens = text.tokens
        var period: String? = nil
        var per: String? = nil
        var position = index
        for _ in 0..<2 {
            guard position < tokens.count else { break }
            let word = tokens[position].folded
            if let adjective = periodAdjectives[word], period == nil {
                period = adjective
                position += 1
                continue
            }
            // "each", "ea", "cada" at the end, "c/u" (cada uno, cada unidade): per unit.
            let last = position + 1 == tokens.count || tokens[position + 1].kind == .symbol
            if word == "each" || word == "ea" || (word == "cada" || word == "cu") && last {
                if per == nil { per = "unit" }
                position += 1
                continue
            }
            if word == "c", position + 2 < tokens.count, tokens[position + 1].folded == "/",
                tokens[position + 2].folded == "u"
            {
                if per == nil { per = "unit" }
                position += 3
                continue
            }
            var next = position + 1
            switch word {
            case "/", "per", "por", "pro", "par", "cada", "every": break
            case "a", "an": guard languages.contains(.en) else { return (period, per, position) }
            case "al", "ao": break
            default: return (period, per, position)
            }
            guard next < tokens.count else { break }
            if ["la", "el", "o", "a"].contains(tokens[next].folded), word != "a", next + 1 < tokens.count {
                next += 1
            }
            let noun = tokens[next].folded
            if let time = periodNouns[noun], period == nil {
                period = time
            } else if let item = QuantityUnits.canonical(noun), per == nil, word != "a", word != "an" {
                per = item
            } else {
                break
            }
            position = next + 1
        }
        return (period, per, position)
    }

    private static let periodNouns: [String: String] = {
        var table: [String: String] = [:]
        for (canonical, words) in [
            ("month", "month months mo mth mes meses mois monat mese"),
            ("year", "year years yr yrs ano anos annum an annee jahr anno"),
            ("week", "week weeks wk semana semanas semaine woche settimana"),
            ("day", "day days dia dias jour tag giorno"),
            ("hour", "hour hours hr hrs h hora horas heure stunde"),
        ] {
            for word in words.split(separator: " ") { table[String(word)] = canonical }
        }
        return table
    }()

    private static let periodAdjectives: [String: String] = {
        var table: [String: String] = [:]
        for (canonical, words) in [
            ("month", "monthly mensual mensuales mensal mensais mensalmente mensualmente mensuel mensile"),
            ("year", "yearly annually annual anual anuales anuais anualmente"),
            ("week", "weekly semanal semanales semanais"),
            ("day", "daily diario diarios diaria diarias diariamente"),
            ("hour", "hourly"),
        ] {
            for word in words.split(separator: " ") { table[String(word)] = canonical }
        }
        return table
    }()
}
