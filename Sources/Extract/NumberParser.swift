/// A number read from tokens.
struct ParsedNumber: Sendable {
    var value: Double
    /// Token range, end exclusive.
    var first: Int
    var end: Int
    /// The number before a scale ("3" in "3k", "3 mil"): a range's lower end borrows the upper
    /// end's scale ("2-3k" is 2000 to 3000).
    var mantissa: Double
    var scale: Double
    /// "a", "un", "um" standing for one: "a dollar" is money, "a license" is no quantity.
    var isArticle: Bool
    /// Spelled as digits (no words at all): only these can be a year, a phone or a cents part.
    var isDigits: Bool
}

/// Reads numbers in digits with the locale's separators ("2.500,00" in pt/es/de, "2,500.00" in
/// en, "10 000") and in words in en, es, pt (fr, it, de when the language says so), with scale
/// suffixes ("5k", "2.5M", "10 mil", "1,5 milhão", "half a million", "a dozen").
struct NumberParser: Sendable {
    /// Which suffixes after digits are scales: money reads "5m" as five million, a quantity as
    /// five metres, so "m", "mm" and "b" count only for money.
    struct Suffixes: OptionSet, Sendable {
        let rawValue: Int
        static let thousands = Suffixes(rawValue: 1)
        static let moneyLetters = Suffixes(rawValue: 2)
    }

    enum DecimalMark: Sendable { case point, comma, unknown }

    let decimal: DecimalMark
    let languages: Language
    /// Money reads "€1.200" and "$1,200" as 1200 whatever the locale: few currencies have three
    /// decimals, while quantities ("1.500 kg" in en) follow the locale.
    let threeDigitGroupsAreThousands: Bool

    init(language: String?, region: String?, threeDigitGroupsAreThousands: Bool = false) {
        self.languages = Language(code: language)
        self.decimal = Self.decimalMark(language: language, region: region)
        self.threeDigitGroupsAreThousands = threeDigitGroupsAreThousands
    }

    /// The number starting at token `index`, if one does.
    func number(in text: ScalarText, at index: Int, suffixes: Suffixes) -> ParsedNumber? {
        let tokens = text.tokens
        guard index < tokens.count else { return nil }
        var number: ParsedNumber
        if tokens[index].kind == .number {
            guard let digits = digits(in: text, at: index) else { return nil }
            number = digits
        } else if tokens[index].kind == .word {
            guard let words = words(in: text, at: index) else { return nil }
            number = words
        } else {
            return nil
        }
        if number.isDigits {
            // "1 point 1": a decimal part spelled after digits.
            let end = number.end
            if number.value == number.value.rounded(), end + 1 < tokens.count,
                case .point? = meaning(of: tokens[end].folded),
                let fraction = fractionDigits(in: text, at: end + 1)
            {
                number.value += fraction.value
                number.mantissa = number.value
                number.end = fraction.end
            }
            applyScales(in: text, to: &number, suffixes: suffixes)
        }
        return number
    }

    // MARK: Digits

    /// Digits with separators: groups joined by touching "." or ",", or by spaces when every
    /// later group has three digits ("10 000"). A date, time or version ("15/03", "10:30",
    /// "1.2.3") is no number.
    private func digits(in text: ScalarText, at index: Int) -> ParsedNumber? {
        let tokens = text.tokens
        // The middle of a date, a time or a longer number ("1.2.3") starts nothing.
        if index >= 2, !tokens[index].spaceBefore, tokens[index - 2].kind == .number, !tokens[index - 1].spaceBefore,
            Self.isDateOrTimeMark(tokens[index - 1].folded) || tokens[index - 1].folded == "."
                || tokens[index - 1].folded == ","
        {
            return nil
        }
        var groups = [tokens[index].end - tokens[index].start]
        var marks: [Unicode.Scalar] = []
        var end = index + 1
        while end + 1 < tokens.count, !tokens[end].spaceBefore, !tokens[end + 1].spaceBefore,
            tokens[end + 1].kind == .number
        {
            let mark = text.folded[tokens[end].start]
            if mark == "." || mark == "," {
                marks.append(mark)
                groups.append(tokens[end + 1].end - tokens[end + 1].start)
                end += 2
            } else if Self.isDateOrTimeMark(tokens[end].folded) {
                return nil
            } else {
                break
            }
        }
        guard groups.reduce(0, +) <= 15 else { return nil }
        var integerGroups = groups.count
        var fraction = false
        if let last = marks.last {
            let distinct = Set(marks)
            if distinct.count == 2 {
                guard marks.firstIndex(of: last) == marks.count - 1 else { return nil }
                integerGroups = groups.count - 1
                fraction = true
            } else if marks.count == 1 {
                fraction = isDecimal(mark: last, integer: groups[0], fraction: groups[1], text: text, at: index)
                integerGroups = fraction ? 1 : 2
            }
            if integerGroups > 1 {
                guard groups[0] <= 3, Self.validGroups(Array(groups[1..<integerGroups])) else { return nil }
            }
        }
        // Space-separated thousands: "10 000", "1 250 000,50".
        if marks.isEmpty, groups[0] <= 3 {
            var next = end
            var spaced: [Int] = []
            var decimals: Int? = nil
            // A group touching a unit starts a new number: "3 500ml" is three 500 ml bottles.
            while next < tokens.count, tokens[next].kind == .number, tokens[next].spaceBefore,
                tokens[next].end - tokens[next].start == 3,
                next + 1 == tokens.count || tokens[next + 1].spaceBefore || tokens[next + 1].kind != .word
            {
                spaced.append(3)
                next += 1
                if next + 1 < tokens.count, !tokens[next].spaceBefore, !tokens[next + 1].spaceBefore,
                    tokens[next + 1].kind == .number, tokens[next].folded == "," || tokens[next].folded == "."
                {
                    decimals = tokens[next + 1].end - tokens[next + 1].start
                    next += 2
                    break
                }
            }
            if !spaced.isEmpty {
                groups += spaced
                integerGroups = groups.count
                if let decimals {
                    groups.append(decimals)
                    fraction = true
                }
                end = next
            }
        }
        // Read the value from the scalars: digits of the integer groups, then the fraction.
        var value = 0.0
        var fractionValue = 0.0
        var fractionScale = 1.0
        var group = 0
        for token in tokens[index..<end] where token.kind == .number {
            for offset in token.start..<token.end {
                let digit = Double(text.folded[offset].value - 0x30)
                if group < integerGroups {
                    value = value * 10 + digit
                } else {
                    fractionScale /= 10
                    fractionValue += digit * fractionScale
                }
            }
            group += 1
        }
        if fraction { value += fractionValue }
        return ParsedNumber(
            value: value,
            first: index,
            end: end,
            mantissa: value,
            scale: 1,
            isArticle: false,
            isDigits: true
        )
    }

    /// Whether a single separator is a decimal mark: "1,5" and "1.5" are, so is "7.200" in
    /// English but not in Spanish, where it is seven thousand two hundred.
    private func isDecimal(mark: Unicode.Scalar, integer: Int, fraction: Int, text: ScalarText, at index: Int) -> Bool {
        if fraction != 3 || integer > 3 { return true }
        if integer == 1 && text.folded[text.tokens[index].start] == "0" { return true }
        if threeDigitGroupsAreThousands { return false }
        switch decimal {
        case .point: return mark == "."
        case .comma: return mark == ","
        case .unknown: return false
        }
    }

    /// Thousands groups: three digits each, or the Indian lakh style (twos, then a final three).
    private static func validGroups(_ groups: [Int]) -> Bool {
        guard let last = groups.last, last == 3 else { return false }
        let body = groups.dropLast()
        return body.allSatisfy { $0 == 3 } || body.allSatisfy { $0 == 2 }
    }

    private static func isDateOrTimeMark(_ folded: String) -> Bool { folded == "/" || folded == ":" }

    // MARK: Scales

    /// Scale suffixes after a number: "k", "5M" for money, words ("mil", "million", "lakh"),
    /// chained while they grow ("mil millones").
    private func applyScales(in text: ScalarText, to number: inout ParsedNumber, suffixes: Suffixes) {
        let tokens = text.tokens
        var end = number.end
        var scale = 1.0
        if end < tokens.count, tokens[end].kind == .word {
            let token = tokens[end]
            let original = text.original[token.start]
            var letter: Double? = nil
            if number.isDigits {
                let attachedMoney = suffixes.contains(.moneyLetters) && !token.spaceBefore
                switch token.folded {
                case "k"
                where suffixes.contains(.thousands) && (!token.spaceBefore || suffixes.contains(.moneyLetters)):
                    letter = 1e3
                case "m" where attachedMoney: letter = 1e6
                case "mm" where attachedMoney && original == "M": letter = 1e6  // Spanish "5MM"
                case "b" where attachedMoney, "bn" where attachedMoney: letter = 1e9
                default: break
                }
            }
            if let letter {
                scale = letter
                end += 1
            }
        }
        while end < tokens.count, tokens[end].kind == .word, case .scale(let next)? = meaning(of: tokens[end].folded),
            next > scale
        {
            scale = scale == 1 ? next : scale * next
            end += 1
        }
        if end < tokens.count, case .dozen? = meaning(of: tokens[end].folded), scale == 1 {
            scale = 12
            end += 1
        }
        guard scale > 1 else { return }
        number.value = number.mantissa * scale
        number.scale = scale
        number.end = end
    }

    // MARK: Words

    /// Numbers in words: "two thousand", "dos mil", "cento e vinte e cinco", "forty-two",
    /// "one point five million", "half a million", "a dozen".
    private func words(in text: ScalarText, at index: Int) -> ParsedNumber? {
        let tokens = text.tokens
        guard let firstMeaning = meaning(of: tokens[index].folded) else { return nil }
        var total = 0.0
        var current = 0.0
        var lastScale = Double.infinity
        var state = WordState.start
        var isArticle = false
        var end = index

        // "half a million", "medio millón", "meia dúzia".
        if case .half = firstMeaning {
            var next = index + 1
            if next < tokens.count, case .article? = meaning(of: tokens[next].folded) { next += 1 }
            guard next < tokens.count else { return nil }
            switch meaning(of: tokens[next].folded) {
            case .scale(let value)?:
                return ParsedNumber(
                    value: value / 2,
                    first: index,
                    end: next + 1,
                    mantissa: 0.5,
                    scale: value,
                    isArticle: false,
                    isDigits: false
                )
            case .dozen?:
                return ParsedNumber(
                    value: 6,
                    first: index,
                    end: next + 1,
                    mantissa: 6,
                    scale: 1,
                    isArticle: false,
                    isDigits: false
                )
            default:
                return nil
            }
        }

        var position = index
        while position < tokens.count {
            let token = tokens[position]
            // A touching hyphen between two number words: "forty-two", "soixante-dix".
            if token.folded == "-", !token.spaceBefore, position > index, position + 1 < tokens.count,
                !tokens[position + 1].spaceBefore, meaning(of: tokens[position + 1].folded) != nil
            {
                position += 1
                continue
            }
            guard token.kind == .word, let word = meaning(of: token.folded) else {
                if let connector = Self.connector(token.folded), position > index, position + 1 < tokens.count,
                    let next = meaning(of: tokens[position + 1].folded),
                    connectorJoins(connector, state: state, current: current, next: next)
                {
                    position += 1
                    continue
                }
                break
            }
            switch word {
            case .article:
                guard position == index else { return finish() }
                isArticle = true
                current = 1
                state = .article
                position += 1
                end = position
                continue
            case .unit(let value):
                switch state {
                case .start, .afterScale, .hundred: break
                case .tens where value >= 1 && value <= 9: break
                default: return finish()
                }
                current += Double(value)
                state = value < 10 ? .unit : (value < 20 ? .teen : .unit)
            case .tens(let value):
                guard state == .start || state == .afterScale || state == .hundred else { return finish() }
                current += Double(value)
                state = .tens
            case .hundreds(let value):
                guard state == .start || state == .afterScale else { return finish() }
                current += Double(value)
                state = .hundred
            case .hundred:
                guard state == .start || state == .article || state == .unit || state == .teen else { return finish() }
                current = (current == 0 ? 1 : current) * 100
                state = .hundred
            case .scale(let value):
                // Only "mil"/"mille" stand alone for a thousand; "thousands of" is no number.
                if state == .start && token.folded != "mil" && token.folded != "mille" { return finish() }
                if current == 0 && total > 0 && value > lastScale {
                    total *= value
                } else if current == 0 && total == 0 && state != .start && state != .article {
                    return finish()
                } else {
                    total += (current == 0 ? 1 : current) * value
                }
                current = 0
                lastScale = value
                state = .afterScale
            case .dozen:
                guard state != .start else { return finish() }
                current = (current == 0 ? 1 : current) * 12
                isArticle = false
                position += 1
                end = position
                return finish()
            case .half, .point:
                return finish()
            }
            isArticle = state == .article
            position += 1
            end = position
        }
        return finish()

        func finish() -> ParsedNumber? {
            guard end > index else { return nil }
            var value = total + current
            var stop = end
            // "one point five", "uno coma cinco": a decimal part in digits or digit words.
            if !isArticle, state != .afterScale, stop + 1 < tokens.count,
                case .point? = meaning(of: tokens[stop].folded)
            {
                if let fraction = fractionDigits(in: text, at: stop + 1) {
                    value += fraction.value
                    stop = fraction.end
                }
            }
            if !isArticle, state != .afterScale {
                var scaled = ParsedNumber(
                    value: value,
                    first: index,
                    end: stop,
                    mantissa: value,
                    scale: 1,
                    isArticle: false,
                    isDigits: false
                )
                applyScales(in: text, to: &scaled, suffixes: [])
                return scaled
            }
            // "two million five hundred thousand": 2500 thousands, for a range's lower end.
            let scale = state == .afterScale ? lastScale : 1
            return ParsedNumber(
                value: value,
                first: index,
                end: stop,
                mantissa: value / scale,
                scale: scale,
                isArticle: isArticle,
                isDigits: false
            )
        }
    }

    /// The digits after "point": a digit token or digit words one by one ("point one four").
    private func fractionDigits(in text: ScalarText, at index: Int) -> (value: Double, end: Int)? {
        let tokens = text.tokens
        if tokens[index].kind == .number {
            var value = 0.0
            var scale = 1.0
            for offset in tokens[index].start..<tokens[index].end {
                scale /= 10
                value += Double(text.folded[offset].value - 0x30) * scale
            }
            return (value, index + 1)
        }
        var value = 0.0
        var scale = 1.0
        var end = index
        while end < tokens.count, case .unit(let digit)? = meaning(of: tokens[end].folded), digit < 10 {
            scale /= 10
            value += Double(digit) * scale
            end += 1
        }
        return end > index ? (value, end) : nil
    }

    private enum WordState { case start, article, unit, teen, tens, hundred, afterScale }

    private enum Connector { case and, y, e, et }

    private static func connector(_ folded: String) -> Connector? {
        switch folded {
        case "and": return .and
        case "y": return .y
        case "e": return .e
        case "et": return .et
        default: return nil
        }
    }

    /// Whether "and"/"y"/"e" continues the number rather than joining two numbers ("between
    /// ten and twenty"): only a smaller part may follow ("one hundred and five", "treinta y
    /// cinco", "dois mil e quinhentos", "vingt et un").
    private func connectorJoins(_ connector: Connector, state: WordState, current: Double, next: Meaning) -> Bool {
        let nextValue: Int
        switch next {
        case .unit(let value), .tens(let value), .hundreds(let value): nextValue = value
        default: return false
        }
        switch connector {
        case .and:
            guard languages.contains(.en) else { return false }
            return (state == .hundred || state == .afterScale) && nextValue < 100
        case .y:
            guard languages.contains(.es) else { return false }
            return state == .tens && nextValue < 10
        case .e:
            guard languages.contains(.pt) else { return false }
            switch state {
            case .tens: return nextValue < 10
            case .hundred: return nextValue < 100
            case .afterScale: return nextValue < 1000
            default: return false
            }
        case .et:
            guard languages.contains(.fr) else { return false }
            return state == .tens && (nextValue == 1 || nextValue == 11)
        }
    }

    // MARK: Tables

    /// What a number word means in the active languages.
    enum Meaning: Sendable, Equatable {
        case unit(Int)  // 0...19 and compounds below 100 ("veintidós")
        case tens(Int)  // 20, 30 ... 90
        case hundreds(Int)  // a whole hundreds word: "doscientos", "cem", "ciento"
        case hundred  // the multiplier "hundred", "hundert", "cent"
        case scale(Double)  // thousand, million, lakh ...
        case article, dozen, half, point
    }

    func meaning(of folded: String) -> Meaning? {
        guard let entries = Self.table[folded] else { return nil }
        for entry in entries where !languages.isDisjoint(with: entry.languages) { return entry.meaning }
        return nil
    }

    struct Language: OptionSet, Sendable {
        let rawValue: Int
        static let en = Language(rawValue: 1)
        static let es = Language(rawValue: 2)
        static let pt = Language(rawValue: 4)
        static let fr = Language(rawValue: 8)
        static let it = Language(rawValue: 16)
        static let de = Language(rawValue: 32)
        static let all: Language = [.en, .es, .pt, .fr, .it, .de]

        /// A known language reads its own words; an unknown one tries English, Spanish and
        /// Portuguese, the languages the product serves.
        init(code: String?) {
            switch code.map({ String($0.prefix(2)).lowercased() }) {
            case "en": self = .en
            case "es": self = .es
            case "pt": self = .pt
            case "fr": self = .fr
            case "it": self = .it
            case "de": self = .de
            default: self = [.en, .es, .pt]
            }
        }

        init(rawValue: Int) { self.rawValue = rawValue }
    }

    private struct Entry: Sendable {
        var languages: Language
        var meaning: Meaning
    }

    /// Every word that may be part of a number, in any language.
    static var words: Set<String> { Set(table.keys) }

    private static let table: [String: [Entry]] = {
        var table: [String: [Entry]] = [:]
        func add(_ language: Language, _ words: String, _ meaning: Meaning) {
            for word in words.split(separator: " ") {
                table[String(word), default: []].append(Entry(languages: language, meaning: meaning))
            }
        }
        func units(_ language: Language, _ words: [String]) {
            for (value, list) in words.enumerated() where !list.isEmpty { add(language, list, .unit(value)) }
        }
        func tens(_ language: Language, _ words: [String]) {
            for (offset, list) in words.enumerated() where !list.isEmpty {
                add(language, list, .tens(20 + offset * 10))
            }
        }
        units(
            .en,
            [
                "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
            ]
        )
        tens(.en, ["twenty", "thirty", "forty fourty", "fifty", "sixty", "seventy", "eighty", "ninety"])
        add(.en, "hundred hundreds", .hundred)
        add(.en, "thousand thousands", .scale(1e3))
        add(.en, "million millions", .scale(1e6))
        add(.en, "billion billions", .scale(1e9))
        add(.en, "trillion trillions", .scale(1e12))
        add(.en, "lakh lakhs lac lacs", .scale(1e5))
        add(.en, "crore crores", .scale(1e7))
        add(.en, "a an", .article)
        add(.en, "dozen dozens", .dozen)
        add(.en, "half", .half)
        add(.en, "point", .point)

        units(
            .es,
            [
                "cero", "uno un una", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez",
                "once", "doce", "trece", "catorce", "quince", "dieciseis", "diecisiete", "dieciocho", "diecinueve",
            ]
        )
        tens(.es, ["veinte", "treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta", "noventa"])
        let veinti = ["uno un una", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"]
        for (offset, list) in veinti.enumerated() {
            add(.es, list.split(separator: " ").map { "veinti" + $0 }.joined(separator: " "), .unit(21 + offset))
        }
        add(.es, "cien ciento", .hundreds(100))
        for (value, stem) in [
            (2, "dos"), (3, "tres"), (4, "cuatro"), (6, "seis"), (7, "sete"), (8, "ocho"), (9, "nove"),
        ] {
            add(.es, "\(stem)cientos \(stem)cientas", .hundreds(value * 100))
        }
        add(.es, "quinientos quinientas", .hundreds(500))
        add(.es, "mil miles", .scale(1e3))
        add(.es, "millon millones", .scale(1e6))
        add(.es, "billon billones", .scale(1e12))
        add(.es, "docena docenas", .dozen)
        add(.es, "medio media", .half)
        add(.es, "coma punto", .point)
        add(.es, "un una", .article)

        units(
            .pt,
            [
                "zero", "um uma", "dois duas", "tres", "quatro", "cinco", "seis", "sete", "oito", "nove", "dez",
                "onze", "doze", "treze", "catorze quatorze", "quinze", "dezesseis dezasseis", "dezessete dezassete",
                "dezoito", "dezenove dezanove",
            ]
        )
        tens(.pt, ["vinte", "trinta", "quarenta", "cinquenta", "sessenta", "setenta", "oitenta", "noventa"])
        add(.pt, "cem cento", .hundreds(100))
        add(.pt, "duzentos duzentas", .hundreds(200))
        add(.pt, "trezentos trezentas", .hundreds(300))
        add(.pt, "quatrocentos quatrocentas", .hundreds(400))
        add(.pt, "quinhentos quinhentas", .hundreds(500))
        add(.pt, "seiscentos seiscentas", .hundreds(600))
        add(.pt, "setecentos setecentas", .hundreds(700))
        add(.pt, "oitocentos oitocentas", .hundreds(800))
        add(.pt, "novecentos novecentas", .hundreds(900))
        add(.pt, "mil", .scale(1e3))
        add(.pt, "milhao milhoes", .scale(1e6))
        add(.pt, "bilhao bilhoes", .scale(1e9))
        add(.pt, "duzia duzias", .dozen)
        add(.pt, "meio meia", .half)
        add(.pt, "virgula ponto", .point)
        add(.pt, "um uma", .article)

        units(
            .fr,
            [
                "zero", "un une", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze",
                "douze", "treize", "quatorze", "quinze", "seize",
            ]
        )
        tens(.fr, ["vingt vingts", "trente", "quarante", "cinquante", "soixante"])
        add(.fr, "cent cents", .hundred)
        add(.fr, "mille", .scale(1e3))
        add(.fr, "million millions", .scale(1e6))
        add(.fr, "milliard milliards", .scale(1e9))
        add(.fr, "douzaine douzaines", .dozen)
        add(.fr, "virgule", .point)

        units(
            .it,
            [
                "zero", "uno una", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove", "dieci",
                "undici", "dodici", "tredici", "quattordici", "quindici", "sedici", "diciassette", "diciotto",
                "diciannove",
            ]
        )
        tens(.it, ["venti", "trenta", "quaranta", "cinquanta", "sessanta", "settanta", "ottanta", "novanta"])
        add(.it, "cento", .hundreds(100))
        add(.it, "mille mila", .scale(1e3))
        add(.it, "milione milioni", .scale(1e6))
        add(.it, "miliardo miliardi", .scale(1e9))
        add(.it, "dozzina dozzine", .dozen)
        add(.it, "virgola", .point)
        add(.it, "un", .article)

        units(
            .de,
            [
                "null", "eins ein eine", "zwei", "drei", "vier", "funf", "sechs", "sieben", "acht", "neun", "zehn",
                "elf", "zwolf", "dreizehn", "vierzehn", "funfzehn", "sechzehn", "siebzehn", "achtzehn", "neunzehn",
            ]
        )
        tens(.de, ["zwanzig", "dreißig dreissig", "vierzig", "funfzig", "sechzig", "siebzig", "achtzig", "neunzig"])
        add(.de, "hundert", .hundred)
        add(.de, "tausend", .scale(1e3))
        add(.de, "million millionen mio", .scale(1e6))
        add(.de, "milliarde milliarden mrd", .scale(1e9))
        add(.de, "dutzend", .dozen)
        add(.de, "komma", .point)
        // Abbreviations after digits: Portuguese "R$ 1,5 mi", "2 bi"; English "$1.5 mil" (a
        // million). Added last, so a text of unknown language reads "mil" as es/pt's thousand.
        add(.pt, "mi", .scale(1e6))
        add(.pt, "bi", .scale(1e9))
        add(.en, "mil", .scale(1e6))
        return table
    }()

    // MARK: Locale

    /// The decimal mark: English always writes a point; otherwise the region decides (Mexico
    /// and Peru write points, Brazil and Spain commas), then the language.
    private static func decimalMark(language: String?, region: String?) -> DecimalMark {
        let language = language.map { String($0.prefix(2)).lowercased() }
        if language == "en" { return .point }
        if let region = region?.uppercased() {
            if pointRegions.contains(region) { return .point }
            if commaRegions.contains(region) { return .comma }
        }
        switch language {
        case "es", "pt", "fr", "it", "de", "nl", "id": return .comma
        default: return .unknown
        }
    }

    private static let pointRegions: Set<String> = [
        "US", "GB", "AU", "NZ", "CA", "IE", "IN", "PH", "MX", "PR", "DO", "GT", "HN", "NI", "SV", "PA", "PE", "JM",
        "TT", "BZ", "SG", "HK", "MY", "NG", "KE", "CN", "JP", "KR", "TH", "IL", "PK", "AE", "SA", "EG",
    ]
    private static let commaRegions: Set<String> = [
        "BR", "PT", "ES", "AR", "CL", "CO", "UY", "PY", "BO", "VE", "EC", "CR", "DE", "FR", "IT", "NL", "BE", "AT",
        "ID", "TR", "RU", "UA", "PL", "AO", "MZ",
    ]
}
