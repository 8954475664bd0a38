import Core
import Foundation

/// Finds contact data: email addresses, phone numbers and URLs. It runs on the text as sent,
/// before redaction, because the redacted text that later stages read has placeholders where
/// these were.
public struct ContactExtractor: EntityFinder {
    public init() {}

    /// Every email, phone and URL in `text`, in text order. Phones resolve to E.164 when the
    /// country code is written or `context.region` tells it.
    public func find(in text: ScalarText, context: ExtractionContext) -> [Entity] {
        var entities: [Entity] = []
        var covered: [Range<Int>] = []
        for range in Self.emailRanges(in: text.original) {
            let address = text.text(range.lowerBound, range.upperBound)
            entities.append(
                Entity(
                    type: .email,
                    text: address,
                    start: range.lowerBound,
                    end: range.upperBound,
                    value: ["value": .string(address.lowercased())],
                    confidence: 0.98
                )
            )
            covered.append(range)
        }
        scanURLs(text, covered: &covered, into: &entities)
        scanPhones(text, region: context.region?.uppercased(), covered: covered, into: &entities)
        entities.sort { $0.start < $1.start }
        return entities
    }

    // MARK: Emails

    /// The scalar ranges of email addresses: a local part, `@`, and a dotted domain whose last
    /// label is letters.
    static func emailRanges(in scalars: [Unicode.Scalar]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var index = 0
        while index < scalars.count {
            defer { index += 1 }
            guard scalars[index] == "@" else { continue }
            var start = index
            while start > 0 && isLocalChar(scalars[start - 1]) { start -= 1 }
            while start < index && scalars[start] == "." { start += 1 }
            guard start < index else { continue }
            var end = index + 1
            while end < scalars.count && isHostChar(scalars[end]) { end += 1 }
            while end > index + 1 && (scalars[end - 1] == "." || scalars[end - 1] == "-") { end -= 1 }
            guard let host = hostLabels(scalars[(index + 1)..<end]), host.count >= 2,
                host.last!.unicodeScalars.allSatisfy(ScalarText.isLetter), host.last!.count >= 2
            else { continue }
            ranges.append(start..<end)
            index = end - 1
        }
        return ranges
    }

    private static func isLocalChar(_ scalar: Unicode.Scalar) -> Bool {
        isASCIIAlphanumeric(scalar) || "._%+-'".unicodeScalars.contains(scalar)
    }

    static func isHostChar(_ scalar: Unicode.Scalar) -> Bool {
        isASCIIAlphanumeric(scalar) || scalar == "." || scalar == "-"
    }

    private static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value | 0x20
        return (value >= 0x61 && value <= 0x7A) || ScalarText.isDigit(scalar)
    }

    /// A host's labels, lowercased; `nil` when a label is empty.
    static func hostLabels(_ host: ArraySlice<Unicode.Scalar>) -> [String]? {
        var labels: [String] = []
        var label = String.UnicodeScalarView()
        for scalar in host {
            if scalar == "." {
                if label.isEmpty { return nil }
                labels.append(String(label).lowercased())
                label = String.UnicodeScalarView()
            } else {
                label.append(scalar)
            }
        }
        if label.isEmpty { return nil }
        labels.append(String(label).lowercased())
        return labels
    }

    // MARK: URLs

    /// Scans whitespace-separated runs: `http(s)://…`, `www.…`, and bare domains whose top-level
    /// domain is a known one (so `file.pdf` and `S.A.` are not URLs). WhatsApp click-to-chat
    /// links are phone numbers.
    private func scanURLs(_ text: ScalarText, covered: inout [Range<Int>], into entities: inout [Entity]) {
        let scalars = text.original
        let folded = text.folded
        let tokens = text.tokens
        var first = 0
        while first < tokens.count {
            // A run of tokens without whitespace between them, worth a look only with a dot.
            var last = first + 1
            var dotted = tokens[first].folded == "."
            while last < tokens.count && !tokens[last].spaceBefore {
                if tokens[last].folded == "." { dotted = true }
                last += 1
            }
            defer { first = last }
            guard dotted else { continue }
            let runEnd = tokens[last - 1].end
            var start = tokens[first].start
            while start < runEnd && Self.leadingPunctuation.contains(scalars[start]) { start += 1 }
            guard start < runEnd, !covered.contains(where: { $0.overlaps(start..<runEnd) }) else { continue }
            var hostStart = start
            let explicit: Bool
            if Self.hasPrefix(folded, "https://", at: start, end: runEnd) {
                hostStart = start + 8
                explicit = true
            } else if Self.hasPrefix(folded, "http://", at: start, end: runEnd) {
                hostStart = start + 7
                explicit = true
            } else {
                explicit = Self.hasPrefix(folded, "www.", at: start, end: runEnd)
            }
            var hostEnd = hostStart
            while hostEnd < runEnd && Self.isHostChar(scalars[hostEnd]) { hostEnd += 1 }
            while hostEnd > hostStart && (scalars[hostEnd - 1] == "." || scalars[hostEnd - 1] == "-") { hostEnd -= 1 }
            guard let labels = Self.hostLabels(scalars[hostStart..<hostEnd]), labels.count >= 2 else { continue }
            if !explicit {
                guard labels[0].unicodeScalars.contains(where: ScalarText.isLetter) else { continue }
                guard Self.topLevelDomains.contains(labels.last!) else { continue }
                // "fine.Do you", "ok.Me": a missing space before a word that is also a top-level
                // domain; such domains count only when written all in lowercase.
                if Self.wordLikeTopLevelDomains.contains(labels.last!)
                    && scalars[hostStart..<hostEnd].contains(where: { $0.properties.isUppercase })
                {
                    continue
                }
                // A bare domain ends at the host or continues with a path or port.
                if hostEnd < runEnd && !"/:".unicodeScalars.contains(scalars[hostEnd])
                    && !Self.trailingPunctuation.contains(scalars[hostEnd])
                {
                    continue
                }
            }
            var end = runEnd
            if hostEnd == end || !"/:?#".unicodeScalars.contains(scalars[hostEnd]) { end = hostEnd }
            end = Self.trimTrailing(scalars, start: start, end: end)
            guard end > hostStart else { continue }
            covered.append(start..<end)
            let written = text.text(start, end)
            if let phone = Self.clickToChatNumber(labels: labels, scalars: scalars, pathStart: hostEnd, end: end) {
                entities.append(
                    Entity(
                        type: .phone,
                        text: written,
                        start: start,
                        end: end,
                        value: ["value": .string(phone)],
                        confidence: 0.95
                    )
                )
                continue
            }
            let value = explicit && hostStart > start ? written : "https://" + written
            entities.append(
                Entity(
                    type: .url,
                    text: written,
                    start: start,
                    end: end,
                    value: ["value": .string(value)],
                    confidence: explicit ? 0.98 : 0.9
                )
            )
        }
    }

    private static func hasPrefix(_ folded: [Unicode.Scalar], _ prefix: String, at start: Int, end: Int) -> Bool {
        var index = start
        for scalar in prefix.unicodeScalars {
            guard index < end, folded[index] == scalar else { return false }
            index += 1
        }
        return true
    }

    /// Drops sentence punctuation after a URL, keeping a `)` that closes one opened inside it.
    private static func trimTrailing(_ scalars: [Unicode.Scalar], start: Int, end: Int) -> Int {
        var end = end
        while end > start && trailingPunctuation.contains(scalars[end - 1]) {
            if scalars[end - 1] == ")" {
                let opened = scalars[start..<end].filter { $0 == "(" }.count
                let closed = scalars[start..<end].filter { $0 == ")" }.count
                if opened >= closed { break }
            }
            end -= 1
        }
        return end
    }

    /// The E.164 number of a `wa.me/5511…` or `api.whatsapp.com/send?phone=5511…` link.
    private static func clickToChatNumber(
        labels: [String],
        scalars: [Unicode.Scalar],
        pathStart: Int,
        end: Int
    ) -> String? {
        let host = labels.joined(separator: ".")
        guard host == "wa.me" || host.hasSuffix("whatsapp.com") else { return nil }
        var index = pathStart
        while index < end && !ScalarText.isDigit(scalars[index]) { index += 1 }
        var digits = ""
        while index < end && ScalarText.isDigit(scalars[index]) {
            digits.unicodeScalars.append(scalars[index])
            index += 1
        }
        return digits.count >= 8 && digits.count <= 15 ? "+" + digits : nil
    }

    private static let leadingPunctuation = Set("([{<\"'¿¡*_-•·~".unicodeScalars)
    private static let trailingPunctuation = Set(".,;:!?)]}>\"'*_…".unicodeScalars)

    /// Top-level domains a bare `name.tld` must end with to count as a URL: generic ones common
    /// in business text and the country codes of the markets served.
    static let topLevelDomains: Set<String> = [
        "com", "net", "org", "io", "co", "ai", "app", "dev", "info", "biz", "store", "shop", "online", "site",
        "tech", "me", "ly", "gl", "gg", "tv", "xyz", "cloud", "digital", "agency", "solutions", "edu", "gov",
        "br", "mx", "es", "pt", "ar", "cl", "pe", "uy", "py", "bo", "ec", "ve", "cr", "gt", "pa", "do", "us",
        "ca", "uk", "de", "fr", "it", "nl", "be", "ch", "at", "eu", "id", "in", "au", "nz", "ie", "pl", "se",
    ]

    /// Top-level domains that are also words in the languages served.
    private static let wordLikeTopLevelDomains: Set<String> = [
        "me", "co", "do", "it", "in", "at", "be", "id", "us", "es", "pt", "ca", "de", "ly", "to", "tv", "ai", "app",
        "shop", "store", "site", "online",
    ]

    // MARK: Phones

    /// Scans digit groups joined by spaces, `-`, `.` and parentheses, optionally after `+`, and
    /// keeps runs of 8–15 digits that are not times, dates, prices, amounts or identifiers.
    private func scanPhones(
        _ text: ScalarText,
        region: String?,
        covered: [Range<Int>],
        into entities: inout [Entity]
    ) {
        let tokens = text.tokens
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            let startsRun =
                token.kind == .number
                || (token.folded == "+" && index + 1 < tokens.count && tokens[index + 1].kind == .number)
                || Self.isParenGroup(tokens, index)
            guard startsRun, !covered.contains(where: { $0.contains(token.start) }) else {
                index += 1
                continue
            }
            guard let run = Self.phoneRun(tokens, from: index) else {
                index += 1
                continue
            }
            defer { index = max(run.end, index + 1) }
            let hasCue = Self.hasPhoneCue(tokens, before: index)
            guard Self.isPhoneContext(tokens, start: index, run: run, hasCue: hasCue),
                let value = Self.normalize(run, region: region, hasCue: hasCue)
            else { continue }
            let start = tokens[index].start
            let end = tokens[run.end - 1].end
            entities.append(
                Entity(
                    type: .phone,
                    text: text.text(start, end),
                    start: start,
                    end: end,
                    value: value,
                    confidence: run.plus || run.groups > 1 ? 0.92 : 0.8
                )
            )
        }
    }

    struct PhoneRun {
        var end: Int
        var digits: String
        var groups: Int
        var groupLengths: [Int]
        var plus: Bool
        var parens: Bool
        var separators: Set<String>
        var overflow = false

        /// Groups joined only by spaces: "2023 2024 2025" has this shape too.
        var isLoose: Bool { !plus && !parens && separators == [" "] }
    }

    private static func isParenGroup(_ tokens: [ScalarText.Token], _ index: Int) -> Bool {
        index + 2 < tokens.count && tokens[index].folded == "(" && tokens[index + 1].kind == .number
            && tokens[index + 2].folded == ")" && !tokens[index + 1].spaceBefore && !tokens[index + 2].spaceBefore
    }

    /// The longest phone-shaped token run from `start`. Once a `-` or `.` joined two groups, a
    /// space ends the number: "98765-4321 2" is a phone and a count.
    private static func phoneRun(_ tokens: [ScalarText.Token], from start: Int) -> PhoneRun? {
        var run = PhoneRun(
            end: start,
            digits: "",
            groups: 0,
            groupLengths: [],
            plus: false,
            parens: false,
            separators: []
        )
        var index = start
        if tokens[index].folded == "+" {
            run.plus = true
            index += 1
        }
        var punctuated = false
        while index < tokens.count && run.groups < 7 {
            let group: String
            if isParenGroup(tokens, index) {
                group = tokens[index + 1].folded
                run.parens = true
                index += 3
            } else if tokens[index].kind == .number {
                group = tokens[index].folded
                index += 1
            } else {
                break
            }
            if run.digits.count + group.count > 15 {
                // Longer than any phone: a card number or a list of figures.
                run.overflow = true
                break
            }
            run.digits += group
            run.groups += 1
            run.groupLengths.append(group.count)
            run.end = index
            guard index < tokens.count else { break }
            let next = tokens[index]
            if (next.folded == "-" || next.folded == ".") && !next.spaceBefore && index + 1 < tokens.count
                && tokens[index + 1].kind == .number && !tokens[index + 1].spaceBefore
            {
                run.separators.insert(next.folded)
                punctuated = true
                index += 1
            } else if next.spaceBefore && !punctuated && (next.kind == .number || isParenGroup(tokens, index)) {
                run.separators.insert(" ")
            } else if !next.spaceBefore && next.kind == .number && tokens[index - 1].folded == ")" {
                continue
            } else {
                break
            }
        }
        return run.groups > 0 ? run : nil
    }

    /// Rejects runs glued to letters (order codes), inside times, dates and decimals, and next
    /// to currencies, units or identifier words.
    private static func isPhoneContext(_ tokens: [ScalarText.Token], start: Int, run: PhoneRun, hasCue: Bool) -> Bool {
        guard run.digits.count >= 8, !run.overflow else { return false }
        // No country code starts with 0: "+0000 2015" is a time-zone offset and a year.
        if run.plus && run.digits.hasPrefix("0") { return false }
        if start > 0 {
            let previous = tokens[start - 1]
            if !tokens[start].spaceBefore {
                switch previous.kind {
                case .word, .number: return false
                case .symbol:
                    let labelled = previous.folded == ":" && (start < 2 || tokens[start - 2].kind == .word)
                    if !labelled && !"([\"'".contains(previous.folded) { return false }
                }
            }
            if currencySymbols.contains(previous.folded) || amountWords.contains(previous.folded) { return false }
            if !hasCue {
                var position = start - 1
                var words = 0
                while position >= 0 && words < 2 {
                    let token = tokens[position]
                    if token.kind == .word {
                        if identifierCues.contains(token.folded) { return false }
                        words += 1
                    } else if token.kind == .number {
                        break
                    }
                    position -= 1
                }
            }
        }
        if run.end < tokens.count {
            let next = tokens[run.end]
            if !next.spaceBefore {
                if next.kind != .symbol { return false }
                if "/:%$€".contains(next.folded) { return false }
                if (next.folded == "," || next.folded == ".") && run.end + 1 < tokens.count
                    && tokens[run.end + 1].kind == .number && !tokens[run.end + 1].spaceBefore
                {
                    return false
                }
            }
            if next.kind == .word && amountWords.contains(next.folded) { return false }
        }
        if !run.plus && !run.parens {
            let lengths = run.groupLengths
            // 15.03.2024, 2024-03-15, 15 03 2024
            if run.groups == 3
                && ((lengths[0] <= 2 && lengths[1] <= 2 && (lengths[2] == 4 || lengths[2] == 2))
                    || (lengths[0] == 4 && lengths[1] <= 2 && lengths[2] <= 2))
            {
                return false
            }
            // 1967-1993: a span of years
            if lengths == [4, 4] && run.separators != [" "] {
                let first = Int(run.digits.prefix(4)) ?? 0
                let second = Int(run.digits.suffix(4)) ?? 0
                if (1900...2099).contains(first) && (1900...2099).contains(second) { return false }
            }
            // 10.00-12.00: a span of times
            if run.separators.contains(".") && lengths.allSatisfy({ $0 <= 2 }) { return false }
            // 123.456.789-09: a Brazilian CPF
            if lengths == [3, 3, 3, 2] && run.separators == [".", "-"] { return false }
            // 12.345.678 or 12 345 678: thousands groups ("612 345 678" is a Spanish mobile)
            if run.groups > 1 && run.separators.count == 1 && !run.separators.contains("-")
                && lengths.dropFirst().allSatisfy({ $0 == 3 })
                && lengths[0] <= (run.separators.contains(".") ? 3 : 2)
            {
                return false
            }
        }
        return true
    }

    private static let currencySymbols: Set<String> = ["$", "€", "£", "¥", "₹"]

    /// Currency and unit words that make a number an amount, not a phone.
    private static let amountWords: Set<String> = [
        "usd", "brl", "eur", "mxn", "ars", "cop", "clp", "pen", "gbp", "reais", "real", "dolares", "dollars",
        "dolar", "dollar", "pesos", "euros", "us", "mil", "million", "millones", "milhoes", "units", "unidades",
        "unid", "pcs", "pieces", "piezas", "pecas", "kg", "km", "toneladas", "tons", "litros", "liters",
    ]

    /// Words before a number that make it an identifier: orders, invoices, tax ids, tickets.
    private static let identifierCues: Set<String> = [
        "order", "pedido", "orden", "invoice", "factura", "fatura", "nota", "nf", "nfe", "cpf", "cnpj", "rfc",
        "rut", "cuit", "cuil", "nit", "dni", "nif", "id", "code", "codigo", "protocolo", "protocol", "ticket",
        "tracking", "rastreio", "rastreamento", "guia", "sku", "ref", "referencia", "reference", "account",
        "conta", "cuenta", "cep", "zip", "boleto", "serie", "serial", "lote", "batch", "cupom", "cupon", "coupon",
        "po", "chamado", "caso", "case", "agencia", "iban", "pix", "clabe", "cbu",
    ]

    private static func hasPhoneCue(_ tokens: [ScalarText.Token], before index: Int) -> Bool {
        var position = index - 1
        var words = 0
        while position >= 0 && words < 4 {
            if tokens[position].kind == .word {
                if phoneCues.contains(tokens[position].folded) { return true }
                words += 1
            }
            position -= 1
        }
        return false
    }

    static let phoneCues: Set<String> = [
        "tel", "tels", "telefone", "telefono", "telephone", "phone", "cel", "celular", "cell", "mobile", "movil",
        "whatsapp", "whats", "wpp", "zap", "fone", "fono", "call", "ligar", "liga", "ligue", "llamar", "llama",
        "llame", "contato", "contacto", "contact", "number", "numero", "nro", "wa", "sms", "text", "fax",
    ]

    /// E.164 when the country code is written (`+`, `00`) or known from the region; otherwise
    /// the digits as written, marked national.
    static func normalize(_ run: PhoneRun, region: String?, hasCue: Bool) -> JSONValue? {
        var digits = run.digits
        if run.plus { return ["value": .string("+" + digits)] }
        if digits.hasPrefix("00") && !digits.hasPrefix("000") {
            digits.removeFirst(2)
            return ["value": .string("+" + digits)]
        }
        let national: JSONValue = ["value": .string(run.digits), "national": true]
        // A bare digit string is an order number or a tax id as often as a phone.
        if run.groups == 1 && !hasCue {
            guard let plan = region.flatMap({ numberingPlans[$0] }), digits.count >= 10,
                digits.hasPrefix(plan.countryCode) && plan.lengths.contains(digits.count - plan.countryCode.count)
            else { return .none }
        }
        if tollFreePrefixes.contains(where: { digits.hasPrefix($0) }) { return national }
        // Figures joined by spaces are a phone when the region's numbering plan says so or a
        // word says so.
        let unplanned: JSONValue? = run.isLoose && !hasCue ? .none : national
        guard let region, let plan = numberingPlans[region] else { return unplanned }
        if let trunk = plan.trunk, digits.hasPrefix(trunk), plan.lengths.contains(digits.count - trunk.count) {
            return ["value": .string("+" + plan.countryCode + digits.dropFirst(trunk.count))]
        }
        if plan.lengths.contains(digits.count) && !digits.hasPrefix("0") {
            return ["value": .string("+" + plan.countryCode + digits)]
        }
        if digits.hasPrefix(plan.countryCode) && plan.lengths.contains(digits.count - plan.countryCode.count) {
            return ["value": .string("+" + digits)]
        }
        return unplanned
    }

    /// National toll-free and premium prefixes, never dialled with a country code.
    private static let tollFreePrefixes = ["0800", "0300", "0500", "0900", "4004", "4003"]

    struct NumberingPlan {
        var countryCode: String
        /// Lengths of national significant numbers.
        var lengths: ClosedRange<Int>
        /// The national trunk prefix dropped before the country code.
        var trunk: String?
    }

    static let numberingPlans: [String: NumberingPlan] = [
        "US": NumberingPlan(countryCode: "1", lengths: 10...10, trunk: "1"),
        "CA": NumberingPlan(countryCode: "1", lengths: 10...10, trunk: "1"),
        "BR": NumberingPlan(countryCode: "55", lengths: 10...11, trunk: "0"),
        "MX": NumberingPlan(countryCode: "52", lengths: 10...10, trunk: nil),
        "ES": NumberingPlan(countryCode: "34", lengths: 9...9, trunk: nil),
        "PT": NumberingPlan(countryCode: "351", lengths: 9...9, trunk: nil),
        "AR": NumberingPlan(countryCode: "54", lengths: 10...11, trunk: "0"),
        "CO": NumberingPlan(countryCode: "57", lengths: 10...10, trunk: nil),
        "CL": NumberingPlan(countryCode: "56", lengths: 9...9, trunk: nil),
        "PE": NumberingPlan(countryCode: "51", lengths: 8...9, trunk: "0"),
        "UY": NumberingPlan(countryCode: "598", lengths: 8...8, trunk: "0"),
        "PY": NumberingPlan(countryCode: "595", lengths: 9...9, trunk: "0"),
        "EC": NumberingPlan(countryCode: "593", lengths: 8...9, trunk: "0"),
        "VE": NumberingPlan(countryCode: "58", lengths: 10...10, trunk: "0"),
        "GB": NumberingPlan(countryCode: "44", lengths: 9...10, trunk: "0"),
        "IE": NumberingPlan(countryCode: "353", lengths: 7...9, trunk: "0"),
        "FR": NumberingPlan(countryCode: "33", lengths: 9...9, trunk: "0"),
        "DE": NumberingPlan(countryCode: "49", lengths: 6...11, trunk: "0"),
        "IT": NumberingPlan(countryCode: "39", lengths: 6...11, trunk: nil),
        "ID": NumberingPlan(countryCode: "62", lengths: 9...12, trunk: "0"),
        "IN": NumberingPlan(countryCode: "91", lengths: 10...10, trunk: "0"),
    ]
}
