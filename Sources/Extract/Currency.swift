/// A currency as written: an ISO 4217 code, or a name whose code depends on where the writer is
/// ("$" is USD in the US and MXN in Mexico).
enum Currency: Sendable, Hashable {
    case code(String)
    /// "dollars", "dólares".
    case dollar
    /// "$": a dollar, or a peso in Latin America.
    case dollarSign
    /// "bucks": the local dollar; Duckling leaves it unnamed when nothing says which.
    case bucks
    /// "£", "pounds", "libras": GBP unless the region has its own pound.
    case pound
    case peso, rupee, riyal, rial, dinar
    /// "¥": CNY in China, JPY elsewhere.
    case yenSign
    /// A hundredth of the main unit: "cents", "centavos", "pence", "sen", "kopiykas".
    case cent
    /// A US-style coin: nickel, dime, quarter, as a fraction of a dollar.
    case coin(Double)
    /// "a grand": a thousand of the local dollar or pound.
    case grand
    /// "lucas": a thousand pesos (Chile, Argentina, Colombia).
    case luca

    /// The unit to report and the factor to multiply amounts by: an ISO code when the name and
    /// region settle it, otherwise Duckling's ambiguous names ("$", "cent") or `nil` (unnamed).
    func resolved(region: String?) -> (unit: String?, factor: Double) {
        let local = region.flatMap { Currency.localCurrency[$0.uppercased()] }
        switch self {
        case .code(let code): return (code, 1)
        case .dollar: return (Self.dollar(local: local, sign: false), 1)
        case .dollarSign: return (Self.dollar(local: local, sign: true), 1)
        case .bucks:
            let unit = Self.dollar(local: local, sign: false)
            return (unit == "$" ? nil : unit, 1)
        case .pound:
            if let local, Self.pounds.contains(local) { return (local, 1) }
            return ("GBP", 1)
        case .peso:
            if let local, Self.pesos.contains(local) { return (local, 1) }
            return ("peso", 1)
        case .rupee:
            if let local, Self.rupees.contains(local) { return (local, 1) }
            return ("INR", 1)
        case .riyal:
            if let local, Self.riyals.contains(local) { return (local, 1) }
            return ("riyal", 1)
        case .rial:
            if let local, Self.rials.contains(local) { return (local, 1) }
            return ("rial", 1)
        case .dinar:
            if let local, Self.dinars.contains(local) { return (local, 1) }
            return ("dinar", 1)
        case .yenSign: return (local == "CNY" ? "CNY" : "JPY", 1)
        case .cent:
            if let local { return (local, 0.01) }
            return ("cent", 1)
        case .coin(let fraction): return (Self.dollar(local: local, sign: false), fraction)
        case .grand:
            if let local, Self.dollars.contains(local) || local == "GBP" { return (local, 1000) }
            return ("$", 1000)
        case .luca:
            if let local, Self.pesos.contains(local) { return (local, 1000) }
            return ("peso", 1000)
        }
    }

    /// Whether the amount is main units that cents can follow ("$20 43", "3 GBP 1 pence").
    var takesCents: Bool {
        switch self {
        case .cent, .coin, .grand, .luca: return false
        default: return true
        }
    }

    /// A dollar in a dollar country is the local one; "dólares" in a peso country (and "$" in
    /// a country that uses the US dollar) is USD; "$" in a peso country is the peso; anywhere
    /// else it stays Duckling's ambiguous "$" (Brazil included: "$" there is shorthand for
    /// reais as often as for dollars).
    private static func dollar(local: String?, sign: Bool) -> String {
        guard let local else { return "$" }
        if dollars.contains(local) { return local }
        if pesos.contains(local) { return sign && local != "PHP" ? local : "USD" }
        return "$"
    }

    /// Two written units that may name one currency ("$10 - 20 dólares"): the more precise.
    static func merge(_ a: Currency, _ b: Currency) -> Currency? {
        if a == b { return a }
        let dollarish: Set<Currency> = [.dollar, .dollarSign, .bucks]
        if dollarish.contains(a), dollarish.contains(b) { return .dollarSign }
        if dollarish.contains(a), case .code(let code) = b, dollars.contains(code) { return b }
        if dollarish.contains(b), case .code(let code) = a, dollars.contains(code) { return a }
        // "$50.000 pesos": the peso sign.
        if a == .dollarSign && b == .peso || a == .peso && b == .dollarSign { return .peso }
        if a == .pound, case .code(let code) = b, pounds.contains(code) { return b }
        if b == .pound, case .code(let code) = a, pounds.contains(code) { return a }
        return nil
    }

    static let dollars: Set<String> = [
        "USD", "CAD", "AUD", "NZD", "JMD", "TTD", "BZD", "SGD", "HKD", "BSD", "BBD", "BMD", "KYD", "XCD", "FJD",
        "GYD", "LRD", "NAD", "SBD", "SRD", "TWD", "BND",
    ]
    static let pesos: Set<String> = ["MXN", "ARS", "COP", "CLP", "UYU", "DOP", "CUP", "PHP"]
    static let pounds: Set<String> = ["GBP", "EGP", "LBP", "SYP", "SDG", "SSP", "GIP", "FKP", "SHP"]
    static let rupees: Set<String> = ["INR", "PKR", "LKR", "NPR", "MUR", "SCR"]
    static let riyals: Set<String> = ["SAR", "QAR", "YER"]
    static let rials: Set<String> = ["IRR", "OMR"]
    static let dinars: Set<String> = ["KWD", "BHD", "JOD", "IQD", "DZD", "TND", "LYD", "RSD", "MKD"]

    /// Each region's own currency, for names that depend on it.
    static let localCurrency: [String: String] = {
        var table: [String: String] = [:]
        let pairs = """
            US USD EC USD SV USD PA USD PR USD CA CAD AU AUD NZ NZD JM JMD TT TTD BZ BZD SG SGD HK HKD BS BSD BB BBD \
            GY GYD FJ FJD TW TWD LR LRD NA NAD GB GBP IE EUR ES EUR PT EUR FR EUR DE EUR IT EUR NL EUR BE EUR AT EUR \
            FI EUR GR EUR BR BRL MX MXN AR ARS CO COP CL CLP PE PEN UY UYU PY PYG BO BOB VE VES DO DOP GT GTQ HN HNL \
            NI NIO CR CRC CU CUP IN INR PK PKR LK LKR NP NPR ZA ZAR PH PHP MY MYR ID IDR NG NGN KE KES EG EGP LB LBP \
            AE AED SA SAR QA QAR YE YER OM OMR IR IRR KW KWD BH BHD JO JOD IQ IQD DZ DZD TN TND LY LYD IL ILS JP JPY \
            CN CNY KR KRW CH CHF SE SEK NO NOK DK DKK PL PLN TR TRY RU RUB UA UAH BG BGN MN MNT TH THB VN VND
            """.split(separator: " ")
        for index in stride(from: 0, to: pairs.count - 1, by: 2) {
            table[String(pairs[index])] = String(pairs[index + 1])
        }
        return table
    }()
}

/// The words and symbols that name currencies, matched on folded tokens.
enum CurrencyLexicon {
    /// Where a name may stand relative to its number.
    struct Position: OptionSet, Sendable {
        let rawValue: Int
        static let before = Position(rawValue: 1)
        static let after = Position(rawValue: 2)
    }

    struct Entry: Sendable {
        var words: [String]
        var currency: Currency
        var position: Position
        /// Symbol combinations ("R$", "US$", "L.E") are written without spaces.
        var touching: Bool
        /// ISO codes that are also words ("RM") count only in capitals.
        var capitals: Bool
        /// Names that are also common words or letters ("c", "le", "real", "grand") count only
        /// where the amount ends: "2 c" but not "2 c programs", "a grand" but not "a grand total".
        var endsAmount: Bool
        var languages: NumberParser.Language
    }

    /// The currency name at token `index` that may stand at `position`, longest first.
    static func match(
        in text: ScalarText,
        at index: Int,
        position: Position,
        languages: NumberParser.Language
    ) -> (Currency, Int)? {
        let tokens = text.tokens
        guard index < tokens.count, let entries = table[tokens[index].folded] else { return nil }
        for entry in entries where entry.position.contains(position) && !languages.isDisjoint(with: entry.languages) {
            guard let end = AmountGrammar.match(entry.words, in: text, at: index) else { continue }
            if entry.touching, (index + 1..<end).contains(where: { tokens[$0].spaceBefore }) { continue }
            if entry.endsAmount, end < tokens.count, tokens[end].kind == .word,
                !connectors.contains(tokens[end].folded)
            {
                continue
            }
            if entry.capitals {
                let token = tokens[index]
                if text.original[token.start..<token.end].contains(where: { $0.value >= 0x61 && $0.value <= 0x7A }) {
                    continue
                }
            }
            return (entry.currency, end)
        }
        return nil
    }

    /// Whether the text may name a currency: one look per token, so that the many messages
    /// with no money skip the scan. Each name is known by its least common token ("$" for
    /// "US$", "rs" for "Rs."), since "a" or "." alone would let almost every text through.
    static func mayName(_ text: ScalarText) -> Bool {
        text.tokens.contains { $0.kind != .number && markers.contains($0.folded) }
    }

    private static let markers: Set<String> = {
        let common: Set<String> = ["a", "s", "r", ".", "us", "u", "ca", "au", "e", "can", "aud", "mex", "col", "clp"]
        var markers: Set<String> = []
        for entries in table.values {
            for entry in entries { markers.insert(entry.words.first { !common.contains($0) } ?? entry.words[0]) }
        }
        return markers
    }()

    /// Words that may follow an amount that ends with a name marked `endsAmount`.
    private static let connectors: Set<String> = [
        "per", "a", "an", "each", "for", "or", "and", "to", "in", "on", "at", "by", "every", "max", "por", "al",
        "ao", "cada", "y", "e", "o", "ou", "pra", "para",
    ]

    /// Every word that may start a currency name.
    static var words: Set<String> { Set(table.keys) }

    private static let table: [String: [Entry]] = {
        var table: [String: [Entry]] = [:]
        let all = NumberParser.Language.all
        func add(
            _ phrases: String,
            _ currency: Currency,
            _ position: Position = .after,
            touching: Bool = false,
            capitals: Bool = false,
            endsAmount: Bool = false,
            languages: NumberParser.Language = all
        ) {
            for phrase in phrases.split(separator: "|") {
                let words = phrase.split(separator: " ").map(String.init)
                table[words[0], default: []].append(
                    Entry(
                        words: words,
                        currency: currency,
                        position: position,
                        touching: touching,
                        capitals: capitals,
                        endsAmount: endsAmount,
                        languages: languages
                    )
                )
            }
        }
        let both: Position = [.before, .after]
        // Symbols, alone or fused with a country prefix.
        add("$", .dollarSign, both)
        add("us $|u $ s|u s $", .code("USD"), both, touching: true)
        add("c $|ca $|can $", .code("CAD"), both, touching: true)
        add("a $|au $|aud $", .code("AUD"), both, touching: true)
        add("nz $", .code("NZD"), both, touching: true)
        add("hk $", .code("HKD"), both, touching: true)
        add("s $|sg $", .code("SGD"), both, touching: true)
        add("mx $|mex $", .code("MXN"), both, touching: true)
        add("col $", .code("COP"), both, touching: true)
        add("clp $", .code("CLP"), both, touching: true)
        add("r $", .code("BRL"), both, touching: true)
        add("€ ur|€", .code("EUR"), both, touching: true)
        add("£", .pound, both)
        add("¥", .yenSign, both)
        add("₹", .code("INR"), both)
        add("rs .|rs", .rupee, both, touching: true)
        add("₩", .code("KRW"), both)
        add("₽", .code("RUB"), both)
        add("₺", .code("TRY"), both)
        add("₴", .code("UAH"), both)
        add("₦", .code("NGN"), both)
        add("₱", .code("PHP"), both)
        add("฿", .code("THB"), both)
        add("₫", .code("VND"), both)
        add("₪", .code("ILS"), both)
        add("₮", .code("MNT"), both)
        add("¢", .cent, touching: true)
        add("rm", .code("MYR"), both, capitals: true)
        // ISO codes: in any case when no common word is spelled the same, else in capitals.
        for code in """
        USD EUR GBP BRL MXN ARS CLP CAD AUD NZD JPY CNY INR CHF MYR SGD HKD ZAR UYU PYG VES CRC GTQ HNL NIO DOP \
        KWD QAR SAR AED EGP LBP ILS BGN UAH MNT JMD TTD BZD KRW RUB PLN SEK NOK DKK THB VND IDR NGN KES OMR BHD \
        JOD IRR CZK HUF PKR LKR
        """.split(separator: " ") {
            add(code.lowercased(), .code(String(code)), both)
        }
        for code in "COP PEN BOB TRY PHP RON CUP".split(separator: " ") {
            add(code.lowercased(), .code(String(code)), both, capitals: true)
        }
        // Words.
        add("dollar|dollars|dolar|dolares|dolla|dollares", .dollar)
        add(
            "us dollars|us dollar|american dollars|dolares americanos|dolar americano|dolares estadounidenses",
            .code("USD")
        )
        add("canadian dollars|canadian dollar", .code("CAD"))
        add("australian dollars|australian dollar", .code("AUD"))
        add("bucks|buck", .bucks, languages: .en)
        add("euro|euros|eur", .code("EUR"))
        add("pound|pounds|libra|libras|pound sterling|pounds sterling|libras esterlinas|libra esterlina", .pound)
        add("sterling|quid", .code("GBP"), languages: .en)
        add("egyptianpound|egyptian pound|egyptian pounds|geneh|genih|genihat masriya|genihat", .code("EGP"))
        add("l . e .|l . e", .code("EGP"), touching: true)
        add("le", .code("EGP"), endsAmount: true, languages: .en)
        add("lebanese pound|lebanese pounds|lebanesepound", .code("LBP"))
        add("reais", .code("BRL"), languages: .pt)
        add("real", .code("BRL"), endsAmount: true, languages: .pt)
        add("reais", .code("BRL"), languages: [.en, .es])
        add("peso|pesos", .peso)
        add("mexican pesos|pesos mexicanos", .code("MXN"))
        add("luca|lucas", .luca, languages: .es)
        add("yen", .code("JPY"))
        add("yuan|rmb|renminbi", .code("CNY"))
        add("rupee|rupees|rupia|rupias", .rupee)
        add("rupiah", .code("IDR"))
        add(
            "ringgit|ringgits|malaysia ringgit|malaysia ringgits|malaysian ringgit|malaysian ringgits",
            .code("MYR"),
            both
        )
        add("riyal|riyals", .riyal)
        add("qatari riyal|qatari riyals|qataririyal", .code("QAR"))
        add("saudi riyal|saudi riyals|saudiriyal", .code("SAR"))
        add("rial|rials", .rial)
        add("dinar|dinars", .dinar)
        add("kuwaiti dinar|kuwaiti dinars|kuwaitidinar", .code("KWD"))
        add("shekel|shekels|sheqel|sheqels|shekalim", .code("ILS"))
        add("tugrik|tugriks|tugrug|tögrög", .code("MNT"))
        add("hryvnia|hryvnias|hryvnya", .code("UAH"))
        add("rouble|roubles|ruble|rubles|rublo|rublos", .code("RUB"))
        add("naira", .code("NGN"))
        add("baht", .code("THB"))
        add("rand", .code("ZAR"), endsAmount: true)
        add("zloty|zlotys", .code("PLN"))
        add("dirham|dirhams", .code("AED"))
        add("lev|leva", .code("BGN"), endsAmount: true)
        add("sol|soles", .code("PEN"), endsAmount: true, languages: .es)
        add("quetzal|quetzales", .code("GTQ"))
        add("colon|colones", .code("CRC"), endsAmount: true, languages: .es)
        add("bolivar|bolivares", .code("VES"))
        add("guarani|guaranies", .code("PYG"), languages: .es)
        add("lempira|lempiras", .code("HNL"))
        add("franc suisse|francs suisses|swiss francs|swiss franc", .code("CHF"))
        add("peseta|pesetas|pta|ptas", .code("ESP"))
        // Subunits and coins.
        add("cent|cents|centavo|centavos|centimo|centimos|penny|pennies|pence|paisa|paise", .cent)
        add("c|sen|sens", .cent, endsAmount: true)
        add("kopiyka|kopiykas|kopiyok|kopeck|kopecks|kopek|kopeks", .cent)
        add("nickel|nickels", .coin(0.05), languages: .en)
        add("dime|dimes", .coin(0.10), languages: .en)
        add("quarter|quarters", .coin(0.25), languages: .en)
        add("grand", .grand, endsAmount: true, languages: .en)
        for key in table.keys { table[key]!.sort { $0.words.count > $1.words.count } }
        return table
    }()
}
