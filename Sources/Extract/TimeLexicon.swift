import Foundation

/// Languages a lexicon entry belongs to.
struct TimeLanguages: OptionSet, Hashable, Sendable {
    let rawValue: UInt8
    static let en = TimeLanguages(rawValue: 1)
    static let es = TimeLanguages(rawValue: 2)
    static let pt = TimeLanguages(rawValue: 4)
    static let all: TimeLanguages = [.en, .es, .pt]
    static let iberian: TimeLanguages = [.es, .pt]

    init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `nil` or an unknown language tries every language.
    init(code: String?) {
        switch code?.lowercased().prefix(2) {
        case "en": self = .en
        case "es": self = .es
        case "pt": self = .pt
        default: self = .all
        }
    }
}

/// Holidays kept on different days by different countries.
enum RegionalHoliday: Hashable, Sendable {
    case thanksgiving, mothersDay, fathersDay, labourDay, independenceDay, heroesDay, memorialDay, summerBankHoliday

    /// The holiday's rule in a region (ISO 3166 code), as a lexicon meaning.
    func lex(region: String?) -> TimeLex {
        switch (self, region ?? "") {
        case (.thanksgiving, "CA"): .nthWeekday(month: 10, weekday: 1, nth: 2)
        case (.thanksgiving, _): .nthWeekday(month: 11, weekday: 4, nth: 4)
        case (.mothersDay, "GB"): .feast(.easter(-21))
        case (.mothersDay, _): .nthWeekday(month: 5, weekday: 7, nth: 2)
        case (.fathersDay, "AU"), (.fathersDay, "NZ"): .nthWeekday(month: 9, weekday: 7, nth: 1)
        case (.fathersDay, _): .nthWeekday(month: 6, weekday: 7, nth: 3)
        case (.labourDay, "AU"): .nthWeekday(month: 10, weekday: 1, nth: 1)
        case (.labourDay, "NZ"): .nthWeekday(month: 10, weekday: 1, nth: 4)
        case (.labourDay, "IE"), (.labourDay, "GB"): .nthWeekday(month: 5, weekday: 1, nth: 1)
        case (.labourDay, "JM"): .holiday(month: 5, day: 23)
        case (.labourDay, "TT"): .holiday(month: 6, day: 19)
        case (.labourDay, "IN"), (.labourDay, "BZ"), (.labourDay, "ZA"), (.labourDay, "PH"): .holiday(month: 5, day: 1)
        case (.labourDay, _): .nthWeekday(month: 9, weekday: 1, nth: 1)
        case (.independenceDay, "IN"): .holiday(month: 8, day: 15)
        case (.independenceDay, "PH"): .holiday(month: 6, day: 12)
        case (.independenceDay, _): .holiday(month: 7, day: 4)
        case (.heroesDay, "ZA"): .holiday(month: 10, day: 10)
        case (.heroesDay, "PH"): .feast(.weekdayOnOrAfter(month: 8, day: 25, weekday: 1))
        case (.heroesDay, _): .feast(.weekdayOnOrAfter(month: 10, day: 15, weekday: 1))
        case (.memorialDay, "CA"): .holiday(month: 7, day: 1)
        case (.memorialDay, _): .nthWeekday(month: 5, weekday: 1, nth: -1)
        case (.summerBankHoliday, "IE"): .nthWeekday(month: 8, weekday: 1, nth: 1)
        case (.summerBankHoliday, _): .feast(.weekdayOnOrAfter(month: 8, day: 25, weekday: 1))
        }
    }
}

/// Function words the time grammar combines on.
enum TimeWord: Hashable, Sendable {
    case at, on, the, of, inside, from, rangeTo, and, between, before, after, by, within
    case ago, agoPrefix, agoSpan, hence, next, this, last, nextAfter, lastAfter, upcoming
    case am, pm, amShort, pmShort, oclock, approx, ish, half, quarter, past, toHour, minus, plus
    case comma, podPrefix, endOf, beginningOf, early, mid, late, oh, forWord
    case dot, slash, dash, article, indefinite, q, afterNext, andHalf, weekOf
}

/// What a word or phrase means to the time grammar.
enum TimeLex: Hashable, Sendable {
    case word(TimeWord)
    case weekday(Int)
    case month(Int)
    /// A month name that is also a common word ("may"): only a time in context.
    case latentMonth(Int)
    case number(Int)
    /// "a couple", "a few": only for durations.
    case fuzzyNumber(Int)
    case ordinal(Int)
    case grain(TimeGrain)
    case fortnight
    case dayOffset(Int)
    case now
    /// "ya", "já": now, but mostly "already" in chat; only a time when asked for latent ones.
    case nowAlready
    case nowDay
    case asap
    case partOfDay(Int, Int)
    /// A part of today ("tonight").
    case todayPart(Int, Int)
    case clock(Int)
    case holiday(month: Int, day: Int)
    case nthWeekday(month: Int, weekday: Int, nth: Int)
    case feast(MovableFeast)
    case weekend
    case endOfPeriod(TimeGrain)
    /// This week (Monday to Saturday), or what is left of it.
    case restOfWeek(fromToday: Bool)
    /// A season from (month, day) to (month, day), exclusive.
    case season(Int, Int, Int, Int)
    /// A holiday whose date depends on the region.
    case regional(RegionalHoliday)
    /// "season": whichever one a modifier picks.
    case anySeason
    /// A time zone's offset from UTC in minutes.
    case zone(Int)
    case duration(Int, TimeGrain)
    case beginningOfPeriod(TimeGrain)
}

/// The time lexicon: every word and phrase by its first folded token, built once.
enum TimeLexicon {
    struct Entry: Sendable {
        var tokens: [String]
        var languages: TimeLanguages
        var lex: TimeLex
    }

    static let entries: [String: [Entry]] = {
        var table: [String: [Entry]] = [:]
        func add(_ phrases: String, _ languages: TimeLanguages, _ lex: TimeLex) {
            for phrase in phrases.split(separator: "|") {
                let tokens = ScalarText(String(phrase)).tokens.map(\.folded)
                guard let first = tokens.first else { continue }
                table[first, default: []].append(Entry(tokens: tokens, languages: languages, lex: lex))
            }
        }
        // Weekdays (ISO: 1 is Monday); short forms also with a period.
        let weekdays: [(String, TimeLanguages)] = [
            ("monday|mon|mondays", .en), ("tuesday|tue|tues|tuesdays", .en), ("wednesday|wed|wednesdays", .en),
            ("thursday|thu|thur|thurs|thursdays", .en), ("friday|fri|fridays", .en),
            ("saturday|sat|saturdays", .en), ("sunday|sun|sundays", .en),
        ]
        for (index, (names, languages)) in weekdays.enumerated() { add(names, languages, .weekday(index + 1)) }
        let esWeekdays = [
            "lunes|lun|lu", "martes|mar|ma", "miercoles|mie|mx", "jueves|jue", "viernes|vie", "sabado|sab",
            "domingo|dom",
        ]
        for (index, names) in esWeekdays.enumerated() { add(names, .es, .weekday(index + 1)) }
        let ptWeekdays = [
            "segunda|segunda-feira|segunda feira|seg", "terca|terca-feira|terca feira|ter.",
            "quarta|quarta-feira|quarta feira|qua", "quinta|quinta-feira|quinta feira|qui",
            "sexta|sexta-feira|sexta feira|sex", "sabado|sab", "domingo|dom",
        ]
        for (index, names) in ptWeekdays.enumerated() { add(names, .pt, .weekday(index + 1)) }
        for short in ["mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"] {
            add(
                short + ".",
                .en,
                .weekday(
                    [
                        "mon": 1, "tue": 2, "tues": 2, "wed": 3, "thu": 4, "thur": 4, "thurs": 4, "fri": 5, "sat": 6,
                        "sun": 7,
                    ][short]!
                )
            )
        }
        for (short, day) in [
            ("lun", 1), ("ma", 2), ("mar", 2), ("mie", 3), ("jue", 4), ("vie", 5), ("sab", 6), ("dom", 7),
        ] {
            add(short + ".", .es, .weekday(day))
        }
        for (short, day) in [("seg", 1), ("qua", 3), ("qui", 4), ("sex", 5), ("sab", 6), ("dom", 7)] {
            add(short + ".", .pt, .weekday(day))
        }
        // Months.
        let enMonths = [
            "january|jan", "february|feb", "march", "april|apr", "", "june|jun", "july|jul", "august|aug",
            "september|sep|sept", "october|oct", "november|nov", "december|dec",
        ]
        for (index, names) in enMonths.enumerated() where !names.isEmpty { add(names, .en, .month(index + 1)) }
        add("may|mar", .en, .latentMonth(5))
        add("mar.|mar", .en, .month(3))
        let esMonths = [
            "enero|ene", "febrero|feb", "marzo", "abril|abr", "mayo", "junio|jun", "julio|jul", "agosto|ago",
            "septiembre|setiembre|sep|sept|set", "octubre|oct", "noviembre|nov", "diciembre|dic",
        ]
        for (index, names) in esMonths.enumerated() { add(names, .es, .month(index + 1)) }
        let ptMonths = [
            "janeiro|jan", "fevereiro|fev", "marco", "abril|abr", "maio|mai", "junho|jun", "julho|jul", "agosto|ago",
            "setembro|set", "outubro|out", "novembro|nov", "dezembro|dez",
        ]
        for (index, names) in ptMonths.enumerated() { add(names, .pt, .month(index + 1)) }
        for (short, month) in [
            ("jan", 1), ("feb", 2), ("apr", 4), ("jun", 6), ("jul", 7), ("aug", 8), ("sep", 9), ("sept", 9),
            ("oct", 10), ("nov", 11), ("dec", 12), ("ene", 1), ("abr", 4), ("ago", 8), ("dic", 12), ("fev", 2),
            ("mai", 5), ("set", 9), ("out", 10), ("dez", 12),
        ] {
            add(short + ".", .all, .month(month))
        }
        // Cardinals up to sixty.
        let enUnits = [
            "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
            "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
        ]
        for (value, name) in enUnits.enumerated() { add(name, .en, .number(value)) }
        for (value, name) in [
            (20, "twenty"), (30, "thirty"), (40, "forty"), (50, "fifty"), (60, "sixty"), (70, "seventy"),
            (80, "eighty"),
            (90, "ninety"), (1900, "nineteen hundred"), (2000, "two thousand"),
        ] {
            add(name, .en, .number(value))
        }
        let esNumbers: [(Int, String)] = [
            (0, "cero"), (1, "uno|una|un"), (2, "dos"), (3, "tres"), (4, "cuatro"), (5, "cinco"), (6, "seis"),
            (7, "siete"), (8, "ocho"), (9, "nueve"), (10, "diez"), (11, "once"), (12, "doce"), (13, "trece"),
            (14, "catorce"), (15, "quince"), (16, "dieciseis"), (17, "diecisiete"), (18, "dieciocho"),
            (19, "diecinueve"), (20, "veinte"), (21, "veintiuno|veintiun"), (22, "veintidos"), (23, "veintitres"),
            (24, "veinticuatro"), (25, "veinticinco"), (26, "veintiseis"), (27, "veintisiete"), (28, "veintiocho"),
            (29, "veintinueve"), (30, "treinta"), (40, "cuarenta"), (50, "cincuenta"), (60, "sesenta"),
            (70, "setenta"), (80, "ochenta"), (90, "noventa"), (1900, "mil novecientos"), (2000, "dos mil"),
        ]
        for (value, names) in esNumbers { add(names, .es, .number(value)) }
        let ptNumbers: [(Int, String)] = [
            (0, "zero"), (1, "um|uma"), (2, "dois|duas"), (3, "tres"), (4, "quatro"), (5, "cinco"), (6, "seis"),
            (7, "sete"), (8, "oito"), (9, "nove"), (10, "dez"), (11, "onze"), (12, "doze"), (13, "treze"),
            (14, "catorze|quatorze"), (15, "quinze"), (16, "dezesseis|dezasseis"), (17, "dezessete|dezassete"),
            (18, "dezoito"), (19, "dezenove|dezanove"), (20, "vinte"), (30, "trinta"), (40, "quarenta"),
            (50, "cinquenta"), (60, "sessenta"), (70, "setenta"), (80, "oitenta"), (90, "noventa"),
            (1900, "mil novecentos"), (2000, "dois mil"),
        ]
        for (value, names) in ptNumbers { add(names, .pt, .number(value)) }
        add("couple|a couple|a couple of|couple of|a pair of|pair of", .en, .fuzzyNumber(2))
        add("few|a few|several", .en, .fuzzyNumber(3))
        add("unos|unas|algunos|algunas", .es, .fuzzyNumber(3))
        add("alguns|algumas", .pt, .fuzzyNumber(3))
        // Ordinals.
        let enOrdinals = [
            "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
            "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
            "eighteenth", "nineteenth", "twentieth",
        ]
        for (index, name) in enOrdinals.enumerated() { add(name, .en, .ordinal(index + 1)) }
        add("thirtieth", .en, .ordinal(30))
        let esOrdinals = [
            "primero|primera|primer", "segundo|segunda", "tercero|tercera|tercer", "cuarto|cuarta", "quinto|quinta",
            "sexto|sexta", "septimo|septima", "octavo|octava", "noveno|novena", "decimo|decima",
        ]
        for (index, names) in esOrdinals.enumerated() { add(names, .es, .ordinal(index + 1)) }
        let ptOrdinals = [
            "primeiro|primeira", "segundo|segunda", "terceiro|terceira", "quarto|quarta", "quinto|quinta",
            "sexto|sexta", "setimo|setima", "oitavo|oitava", "nono|nona", "decimo|decima",
        ]
        for (index, names) in ptOrdinals.enumerated() { add(names, .pt, .ordinal(index + 1)) }
        add("decimo primeiro", .pt, .ordinal(11))
        add("decimo segundo", .pt, .ordinal(12))
        // Grains.
        add("second|seconds|sec|secs", .en, .grain(.second))
        add("minute|minutes|min|mins", .all, .grain(.minute))
        add("hour|hours|hr|hrs|h", .en, .grain(.hour))
        add("day|days", .en, .grain(.day))
        add("week|weeks|wk|wks", .en, .grain(.week))
        add("month|months", .en, .grain(.month))
        add("quarter|quarters|qtr|qtrs", .en, .grain(.quarter))
        add("year|years|yr|yrs", .en, .grain(.year))
        add("fortnight|fortnights", .en, .fortnight)
        add("segundo|segundos|seg|segs", .iberian, .grain(.second))
        add("minuto|minutos", .iberian, .grain(.minute))
        add("hora|horas|h|hs|hrs", .iberian, .grain(.hour))
        add("dia|dias", .iberian, .grain(.day))
        add("semana|semanas", .iberian, .grain(.week))
        add("mes|meses", .iberian, .grain(.month))
        add("trimestre|trimestres", .iberian, .grain(.quarter))
        add("ano|anos", .iberian, .grain(.year))
        // Now and relative days.
        add("now|right now|just now|at the moment|atm|this moment|at this moment", .en, .now)
        add("today|at this time|todays", .en, .nowDay)
        add("tomorrow|tomorrows|tmrw|tmr|tomoz|tommorow|tomorow", .en, .dayOffset(1))
        add("yesterday", .en, .dayOffset(-1))
        add("the day after tomorrow|day after tomorrow", .en, .dayOffset(2))
        add("the day before yesterday|day before yesterday", .en, .dayOffset(-2))
        add("asap|as soon as possible|as soon as you can", .en, .asap)
        add("ahora|ahorita|cuanto antes|ahora mismo|ya mismo", .es, .now)
        add("ya", .es, .nowAlready)
        add("lo antes posible|lo mas pronto posible", .es, .asap)
        add("hoy|en este momento", .es, .nowDay)
        add("ayer", .es, .dayOffset(-1))
        add("anteayer|antier|antes de ayer", .es, .dayOffset(-2))
        add("manana", .es, .dayOffset(1))
        add("pasado manana", .es, .dayOffset(2))
        add("agora|nesse instante|neste instante|agora mesmo", .pt, .now)
        add("ja", .pt, .nowAlready)
        add("o mais rapido possivel|o quanto antes|assim que possivel", .pt, .asap)
        add("hoje|nesse momento|neste momento", .pt, .nowDay)
        add("ontem", .pt, .dayOffset(-1))
        add("antes de ontem|anteontem", .pt, .dayOffset(-2))
        add("amanha", .pt, .dayOffset(1))
        add("depois de amanha", .pt, .dayOffset(2))
        // Parts of the day.
        add("morning|mornings", .en, .partOfDay(0, 12))
        add("early morning|early in the morning|in the early hours of the morning", .en, .partOfDay(0, 9))
        add("afternoon|afternoonish|arvo", .en, .partOfDay(12, 19))
        add("evening|night", .en, .partOfDay(18, 24))
        add("lunch|lunchtime", .en, .partOfDay(12, 14))
        add("after lunch", .en, .todayPart(13, 17))
        add("after school", .en, .todayPart(15, 21))
        add("tonight|tonite|toninght", .en, .todayPart(18, 24))
        add("late tonight|late tonite", .en, .todayPart(21, 24))
        add("la manana", .es, .partOfDay(4, 12))
        add("tarde", .iberian, .partOfDay(12, 19))
        add("noche", .es, .partOfDay(18, 24))
        add("manha", .pt, .partOfDay(4, 12))
        add("noite", .pt, .partOfDay(18, 24))
        add("madrugada", .iberian, .partOfDay(0, 6))
        add("noon|midday|mid day|the midday", .en, .clock(12))
        add("midnight", .en, .clock(0))
        add("mediodia|medio dia", .es, .clock(12))
        add("medianoche", .es, .clock(0))
        add("meio dia|meiodia|meio-dia", .pt, .clock(12))
        add("meia noite|meianoite|meia-noite", .pt, .clock(0))
        // Holidays with fixed dates or rules.
        add("christmas|xmas|christmas day|x-mas", .en, .holiday(month: 12, day: 25))
        add("christmas eve", .en, .holiday(month: 12, day: 24))
        add("new year's eve|new years eve|new year eve", .en, .holiday(month: 12, day: 31))
        add("new year's day|new years day|new year day", .en, .holiday(month: 1, day: 1))
        add("valentine's day|valentine day|valentines day|valentine's", .en, .holiday(month: 2, day: 14))
        add("halloween", .en, .holiday(month: 10, day: 31))
        add(
            "st patrick's day|st paddy's day|saint paddy's day|saint patricks day|st patricks day|saint patrick's day",
            .en,
            .holiday(month: 3, day: 17)
        )
        add("boss's day|boss's|boss day|bosses day", .en, .feast(.observed(month: 10, day: 16, saturdayOnly: false)))
        add("king's day|kings day|koningsdag", .en, .feast(.observed(month: 4, day: 27, saturdayOnly: true)))
        add("black friday", .all, .feast(.afterWeekday(month: 11, weekday: 4, nth: 4, offset: 1)))
        add("cyber monday", .all, .feast(.afterWeekday(month: 11, weekday: 4, nth: 4, offset: 4)))
        add("world vegan day", .en, .holiday(month: 11, day: 1))
        add("ides of march", .en, .holiday(month: 3, day: 15))
        add("navidad|la navidad|dia de navidad", .es, .holiday(month: 12, day: 25))
        add("nochebuena", .es, .holiday(month: 12, day: 24))
        add("nochevieja", .es, .holiday(month: 12, day: 31))
        add("ano nuevo", .es, .holiday(month: 1, day: 1))
        add("dia de los inocentes|dia de los santos inocentes", .es, .holiday(month: 12, day: 28))
        add("natal|dia de natal", .pt, .holiday(month: 12, day: 25))
        add("vespera de natal", .pt, .holiday(month: 12, day: 24))
        add("vespera de ano novo", .pt, .holiday(month: 12, day: 31))
        add("ano novo|reveillon|dia de ano novo", .pt, .holiday(month: 1, day: 1))
        add("tiradentes", .pt, .holiday(month: 4, day: 21))
        add("dia do trabalho|dia do trabalhador", .pt, .holiday(month: 5, day: 1))
        add("dia del trabajo|dia del trabajador", .es, .holiday(month: 5, day: 1))
        add("thanksgiving|thanksgiving day", .en, .regional(.thanksgiving))
        add(
            "mlk day|martin luther king day|martin luther king's day|martin luther kings day|mlk jr. day|mlk jr day|civil rights day",
            .en,
            .nthWeekday(month: 1, weekday: 1, nth: 3)
        )
        add("mother's day|mothers day|mother day", .en, .regional(.mothersDay))
        add("mothering sunday", .en, .feast(.easter(-21)))
        add("father's day|fathers day|father day", .en, .regional(.fathersDay))
        add("memorial day|decoration day", .en, .regional(.memorialDay))
        add("independence day", .en, .regional(.independenceDay))
        add("heroes' day|heroes day|national heroes' day|national heroes day", .en, .regional(.heroesDay))
        add("august bank holiday|summer bank holiday|late summer bank holiday", .en, .regional(.summerBankHoliday))
        add("veterans day|veteran day|veterans' day|armistice day|remembrance day", .en, .holiday(month: 11, day: 11))
        add(
            "presidents' day|presidents day|president day|president's day|washington's birthday|george washington day|washington birthday|daisy gatson bates day",
            .en,
            .nthWeekday(month: 2, weekday: 1, nth: 3)
        )
        add(
            "lincoln's birthday|lincolns birthday|lincoln birthday|lincolns' birthday|abraham lincoln's birthday",
            .en,
            .holiday(month: 2, day: 12)
        )
        add("groundhog day|groundhogs day|groundhog's day", .en, .holiday(month: 2, day: 2))
        add("law day|lei day|loyalty day|may day", .en, .holiday(month: 5, day: 1))
        add("siblings day|national sibling day|national siblings day|sibling day", .en, .holiday(month: 4, day: 10))
        add(
            "grandparents day|national grandparents day|grandparents' day",
            .en,
            .feast(.weekdayOnOrAfter(month: 9, day: 7, weekday: 7))
        )
        add(
            "daylight saving start|daylight savings start|daylight saving start day|daylight savings start day",
            .en,
            .feast(.weekdayOnOrAfter(month: 3, day: 8, weekday: 7))
        )
        add(
            "daylight saving end|daylight savings end|daylight saving end day|daylight savings end day",
            .en,
            .feast(.weekdayOnOrAfter(month: 11, day: 1, weekday: 7))
        )
        add("canada day|dominion day", .en, .holiday(month: 7, day: 1))
        add(
            "victoria day|sovereign's birthday|national patriots' day|national patriots day|patriots' day",
            .en,
            .feast(.weekdayOnOrAfter(month: 5, day: 18, weekday: 1))
        )
        add(
            "civic holiday|british columbia day|natal day|new brunswick day|saskatchewan day|terry fox day|heritage day",
            .en,
            .nthWeekday(month: 8, weekday: 1, nth: 1)
        )
        add(
            "family day|islander day|louis riel day|nova scotia heritage day",
            .en,
            .nthWeekday(month: 2, weekday: 1, nth: 3)
        )
        add("vimy ridge day", .en, .holiday(month: 4, day: 9))
        add("discovery day", .en, .feast(.weekdayOnOrAfter(month: 6, day: 21, weekday: 1)))
        add("orangemen's day|orangemens day|the glorious twelfth|glorious twelfth", .en, .holiday(month: 7, day: 12))
        add("anzac day", .en, .holiday(month: 4, day: 25))
        add("reconciliation day", .en, .feast(.weekdayOnOrAfter(month: 5, day: 27, weekday: 1)))
        add("tax day", .en, .feast(.taxDay))
        add("emancipation day", .en, .feast(.observed(month: 4, day: 16, saturdayOnly: false)))
        add(
            "administrative professionals' day|administrative professionals day|administrative professional day|administrative professional's day|secretaries' day|secretaries day|secretary's day|admins day",
            .en,
            .feast(.weekdayOnOrAfter(month: 4, day: 21, weekday: 3))
        )
        add("guy fawkes day|guy fawkes night|bonfire night", .en, .holiday(month: 11, day: 5))
        add("rizal day", .en, .holiday(month: 12, day: 30))
        add("day of the vow|day of reconciliation|day of the covenant", .en, .holiday(month: 12, day: 16))
        add("kruger day", .en, .holiday(month: 10, day: 10))
        add("indian arrival day", .en, .holiday(month: 5, day: 30))
        add("garifuna settlement day", .en, .holiday(month: 11, day: 19))
        add("labor day|labour day", .en, .regional(.labourDay))
        add("dia de las madres|dia de la madre", .es, .holiday(month: 5, day: 10))
        add("dia das maes", .pt, .nthWeekday(month: 5, weekday: 7, nth: 2))
        add("dia dos pais", .pt, .nthWeekday(month: 8, weekday: 7, nth: 2))
        add("easter|easter sunday", .en, .feast(.easter(0)))
        add("easter mon|easter monday", .en, .feast(.easter(1)))
        add("good friday", .en, .feast(.easter(-2)))
        add("maundy thursday|covenant thu|thu of mysteries|holy thursday", .en, .feast(.easter(-3)))
        add("palm sunday|branch sunday", .en, .feast(.easter(-7)))
        add("pentecost|white sunday|whit sunday|whitsunday", .en, .feast(.easter(49)))
        add("whit monday|monday of the holy spirit", .en, .feast(.easter(50)))
        add("trinity sunday", .en, .feast(.easter(56)))
        add("ash wednesday", .en, .feast(.easter(-46)))
        add("lent", .en, .feast(.easter(-46, days: 46)))
        add("orthodox easter|orthodox easter sunday|pascha", .en, .feast(.easter(0, orthodox: true)))
        add("orthodox good friday|orthodox great friday", .en, .feast(.easter(-2, orthodox: true)))
        add("clean monday|orthodox shrove monday|pure monday", .en, .feast(.easter(-48, orthodox: true)))
        add("lazarus saturday", .en, .feast(.easter(-8, orthodox: true)))
        add("great fast|great lent", .en, .feast(.easter(-48, orthodox: true, days: 40)))
        add("rabindra jayanti|rabindranath jayanti|rabindranath tagore jayanti", .en, .holiday(month: 5, day: 9))
        add("pancake day|mardi gras|shrove tuesday", .en, .feast(.easter(-47)))
        add("pascua|domingo de pascua|domingo de resurreccion", .es, .feast(.easter(0)))
        add("viernes santo", .es, .feast(.easter(-2)))
        add("jueves santo", .es, .feast(.easter(-3)))
        add("carnaval|martes de carnaval", .es, .feast(.easter(-47)))
        add("pascoa|domingo de pascoa", .pt, .feast(.easter(0)))
        add("sexta-feira santa|sexta feira santa|sexta santa", .pt, .feast(.easter(-2)))
        add("carnaval|terca de carnaval|terca-feira de carnaval", .pt, .feast(.easter(-47)))
        add("quarta-feira de cinzas|quarta feira de cinzas|quarta de cinzas", .pt, .feast(.easter(-46)))
        add("corpus christi", .iberian, .feast(.easter(60)))
        add("half an hour|half hour|half-hour|1/2 hour|1/2h|1/2 h|1/2 hr", .en, .duration(30, .minute))
        add("quarter of an hour|a quarter of an hour|quarter hour|1/4 hour|1/4h|1/4 h", .en, .duration(15, .minute))
        add("three-quarters of an hour|three quarters of an hour|3/4 hour|3/4h|3/4 h", .en, .duration(45, .minute))
        add("media hora", .es, .duration(30, .minute))
        add("un cuarto de hora|cuarto de hora", .es, .duration(15, .minute))
        add("meia hora", .pt, .duration(30, .minute))
        add("um quarto de hora|quarto de hora", .pt, .duration(15, .minute))
        add(
            "all week|the whole week|whole week|toda la semana|toda a semana|a semana toda",
            .all,
            .restOfWeek(fromToday: false)
        )
        add(
            "rest of the week|the rest of the week|rest of this week|resto de la semana|resto da semana",
            .all,
            .restOfWeek(fromToday: true)
        )
        add("spring|springtime", .en, .season(3, 20, 6, 21))
        add("summer|summertime", .en, .season(6, 21, 9, 24))
        add("fall|autumn", .en, .season(9, 23, 12, 21))
        add("winter", .en, .season(12, 21, 3, 21))
        add("season|seasons", .en, .anySeason)
        add("temporada|estacion", .es, .anySeason)
        add("estacao", .pt, .anySeason)
        add("primavera", .iberian, .season(3, 20, 6, 21))
        add("verano", .es, .season(6, 21, 9, 24))
        add("verao", .pt, .season(6, 21, 9, 24))
        add("otono", .es, .season(9, 23, 12, 21))
        add("outono", .pt, .season(9, 23, 12, 21))
        add("invierno", .es, .season(12, 21, 3, 21))
        add("inverno", .pt, .season(12, 21, 3, 21))
        // Hebrew holidays.
        add(
            "rosh hashanah|rosh hashana|rosh hashanna|jewish new year",
            .all,
            .feast(.hebrew(month: 7, day: 1, days: 3))
        )
        add("yom kippur|day of atonement", .all, .feast(.hebrew(month: 7, day: 10, days: 1)))
        add(
            "sukkot|succos|sukkos|feast of the ingathering|feast of booths|feast of tabernacles",
            .all,
            .feast(.hebrew(month: 7, day: 15, days: 9))
        )
        add("shemini atzeret", .all, .feast(.hebrew(month: 7, day: 22, days: 1)))
        add("simchat torah|simchas torah", .all, .feast(.hebrew(month: 7, day: 23, days: 1)))
        add(
            "chanukah|hanukkah|hanukah|hannukkah|chanukkah|hanuka|festival of lights",
            .all,
            .feast(.hebrew(month: 9, day: 25, days: 8))
        )
        add("tu bishvat|tu b'shvat|tu bishevat", .all, .feast(.hebrew(month: 11, day: 15, days: 1)))
        add("purim", .all, .feast(.hebrew(month: 12, day: 14, days: 1)))
        add("shushan purim", .all, .feast(.hebrew(month: 12, day: 15, days: 1)))
        add("passover|pesach|pessah", .all, .feast(.hebrew(month: 1, day: 15, days: 9)))
        add("yom hashoah|holocaust day|holocaust remembrance day", .all, .feast(.hebrew(month: 1, day: 27, days: 1)))
        add("yom haatzmaut|yom ha'atzmaut|israel independence day", .all, .feast(.hebrew(month: 2, day: 5, days: 1)))
        add("lag b'omer|lag baomer|lag ba'omer|lag bomer", .all, .feast(.hebrew(month: 2, day: 18, days: 1)))
        add("shavuot|shavuos|shavuoth", .all, .feast(.hebrew(month: 3, day: 6, days: 3)))
        add("tisha b'av|tisha bav|tisha b av", .all, .feast(.hebrew(month: 5, day: 9, days: 1)))
        // Islamic holidays.
        add("ramadan|ramazan|ramzan|ramzaan|ramadhan", .all, .feast(.islamic(month: 9, day: 1, days: 30)))
        add(
            "eid al-fitr|eid al fitr|eid ul-fitr|eid ul fitr|id al-fitr|eid-ul-fitr|eid",
            .all,
            .feast(.islamic(month: 10, day: 1, days: 1))
        )
        add(
            "eid al-adha|eid al adha|eid ul-adha|id ul-adha|id al-adha|bakr id|bakrid|sacrifice feast|feast of the sacrifice",
            .all,
            .feast(.islamic(month: 12, day: 10, days: 1))
        )
        add("islamic new year|hijri new year|amun jadid|muharram", .all, .feast(.islamic(month: 1, day: 1, days: 1)))
        add("ashura|day of ashura", .all, .feast(.islamic(month: 1, day: 10, days: 1)))
        add(
            "mawlid|mawlid al-nabawi|mawlid an-nabi|milad un nabi|prophet's birthday",
            .all,
            .feast(.islamic(month: 3, day: 12, days: 1))
        )
        add(
            "isra and mi'raj|isra and miraj|the prophet's ascension|the night journey|ascension to heaven|lailat al miraj",
            .all,
            .feast(.islamic(month: 7, day: 27, days: 1))
        )
        add(
            "laylat al-qadr|laylat al qadr|laylat al kadr|laylat al-kadr|night of power|night of measures|night of decree",
            .all,
            .feast(.islamic(month: 9, day: 27, days: 1))
        )
        add("weekend|week-end|week end|wkend", .en, .weekend)
        add("fin de semana|finde|weekend", .es, .weekend)
        add("fim de semana|final de semana|fds", .pt, .weekend)
        add("eom", .en, .endOfPeriod(.month))
        add("eoy", .en, .endOfPeriod(.year))
        add("eod|end of day|end of the day|close of business|cob", .en, .endOfPeriod(.day))
        add("bom", .en, .beginningOfPeriod(.month))
        add("boy", .en, .beginningOfPeriod(.year))
        // Time zones Duckling knows best, by offset in minutes.
        for (names, minutes) in [
            ("utc|gmt|wet|z", 0), ("bst|cet|wat|ist irish", 60), ("cest|eet|cat|sast", 120), ("eest|msk|eat", 180),
            ("ist", 330), ("sgt|hkt|awst|pht", 480), ("jst|kst", 540), ("aest", 600), ("aedt", 660), ("nzst", 720),
            ("nzdt", 780), ("ast|edt", -240), ("est|cdt", -300), ("cst|mdt", -360), ("mst|pdt", -420),
            ("pst|akdt", -480),
            ("akst", -540), ("hst", -600), ("brt|art", -180), ("brst", -120),
        ] {
            add(names, .all, .zone(minutes))
        }
        // Function words.
        add("at|@|at about|at around", .en, .word(.at))
        add("a las|a la|al las|para las|las|la|a eso de las", .es, .word(.at))
        add("as|a|ao|pelas|por volta das|la pelas", .pt, .word(.at))
        add("on", .en, .word(.on))
        add("the", .en, .word(.the))
        add("el|dia|el dia", .es, .word(.article))
        add("o|no|dia|no dia|o dia|nesse dia|neste dia|esse dia|este dia|essa dia", .pt, .word(.article))
        add("la|los", .es, .word(.the))
        add("a|an|one", .en, .word(.indefinite))
        add("of|in", .en, .word(.of))
        add("de|del|de la", .es, .word(.of))
        add("de|do|da|dos|das", .pt, .word(.of))
        add("in|during|for|in about|in around|in approximately|in roughly", .en, .word(.inside))
        add("en|durante|para|de aqui a", .es, .word(.inside))
        add("em|durante|para|no|na|nos|nas|daqui a|daqui", .pt, .word(.inside))
        add("from|starting|starting from|beginning", .en, .word(.from))
        add("desde|de|del|a partir de|a partir del|desde el", .es, .word(.from))
        add("desde|de|do|da|das|dos|a partir de|a partir do|a partir da|a partir das", .pt, .word(.from))
        add("to|thru|through|till|til|until|untill|-|~|up to", .en, .word(.rangeTo))
        add("a|al|hasta|hasta el|-|~", .es, .word(.rangeTo))
        add("a|ao|as|ate|ate ao|ate a|ate o|ate as|-|~", .pt, .word(.rangeTo))
        add("and", .en, .word(.and))
        add("y", .es, .word(.and))
        add("e", .pt, .word(.and))
        add("between|in between", .en, .word(.between))
        add("entre|entre el|entre la|entre las", .es, .word(.between))
        add("entre|entre o|entre a|entre as", .pt, .word(.between))
        add("before|sometimes before|no later than|not later than|prior to", .en, .word(.before))
        add("until|till|til|untill|through|up until|up to", .en, .word(.before))
        add("antes de|antes del|antes de las|hasta|hasta el|hasta las|no mas tarde de", .es, .word(.before))
        add(
            "antes de|antes do|antes da|antes das|ate|ate a|ate as|ate o|nao mais que|nao mais tarde que",
            .pt,
            .word(.before)
        )
        add("after|since|anytime after|later than|from", .en, .word(.after))
        add("despues de|despues del|despues de las|desde|a partir de|a partir de las", .es, .word(.after))
        add(
            "depois de|depois do|depois da|depois das|apos|apos as|apos ao|apos o|desde|a partir de|a partir das",
            .pt,
            .word(.after)
        )
        add("by|by the", .en, .word(.by))
        add("within", .en, .word(.within))
        add("dentro de|en menos de", .es, .word(.within))
        add("dentro de|em menos de", .pt, .word(.within))
        add("ago|back|before now", .en, .word(.ago))
        add("hace", .es, .word(.agoPrefix))
        add("faz|fazem|ha", .pt, .word(.agoPrefix))
        add("atras", .iberian, .word(.agoSpan))
        add("from now|hence|later|from today|from right now|after now", .en, .word(.hence))
        add("next|coming|the coming|the next|the following|following|this coming", .en, .word(.next))
        add("upcoming|the upcoming", .en, .word(.upcoming))
        add(
            "proximo|proxima|proximos|proximas|siguiente|siguientes|el proximo|la proxima|el siguiente|la siguiente|los proximos|las proximas",
            .es,
            .word(.next)
        )
        add("proximo|proxima|proximos|proximas|seguinte|o proximo|a proxima|os proximos|as proximas", .pt, .word(.next))
        add("que viene|que vienen|siguiente|proximo|proxima", .es, .word(.nextAfter))
        add("que vem|seguinte|proximo|proxima", .pt, .word(.nextAfter))
        add("this|current|the current|this current", .en, .word(.this))
        add("este|esta|estos|estas|actual|el actual|presente", .es, .word(.this))
        add("este|esta|esse|essa|neste|nesta|nesse|nessa|atual|actual|desta|dessa|deste|desse", .pt, .word(.this))
        add("last|past|previous|the last|the past|the previous|this past|latest", .en, .word(.last))
        add(
            "pasado|pasada|pasados|pasadas|ultimo|ultima|ultimos|ultimas|el pasado|la pasada|el ultimo|la ultima|los ultimos|las ultimas|anterior|anteriores",
            .es,
            .word(.last)
        )
        add(
            "passado|passada|passados|passadas|ultimo|ultima|ultimos|ultimas|anterior|anteriores|o ultimo|a ultima|os ultimos|as ultimas",
            .pt,
            .word(.last)
        )
        add("pasado|pasada|pasados|pasadas|anterior|anteriores", .es, .word(.lastAfter))
        add("passado|passada|passados|passadas|anterior|anteriores|atras", .pt, .word(.lastAfter))
        add("am|a.m.|a.m|a m|in the am|in the a.m.", .en, .word(.am))
        add("pm|p.m.|p.m|p m|in the pm|in the p.m.", .en, .word(.pm))
        add("am|a.m.|a m", .iberian, .word(.am))
        add("pm|p.m.|p m", .iberian, .word(.pm))
        add("a", .en, .word(.amShort))
        add("p|p.", .en, .word(.pmShort))
        add("o'clock|oclock|o clock|sharp|on the dot", .en, .word(.oclock))
        add("horas|hs|hrs|en punto|em ponto", .iberian, .word(.oclock))
        add("around|about|approximately|approx|approx.|roughly|circa|sometime around", .en, .word(.approx))
        add("sobre|cerca de|alrededor de|aproximadamente|hacia|a eso de", .es, .word(.approx))
        add("perto de|cerca de|aproximadamente|por volta de|lá pelas", .pt, .word(.approx))
        add("ish|approximately|or so|-ish", .en, .word(.ish))
        add("half|a half", .en, .word(.half))
        add("and a half|and an half|and half", .en, .word(.andHalf))
        add("y media", .es, .word(.andHalf))
        add("e meia", .pt, .word(.andHalf))
        add("media", .es, .word(.half))
        add("meia", .pt, .word(.half))
        add("quarter|a quarter", .en, .word(.quarter))
        add("cuarto", .es, .word(.quarter))
        add("quarto", .pt, .word(.quarter))
        add("past|after", .en, .word(.past))
        add("to|till|til|before|of", .en, .word(.toHour))
        add("para|para as|para o|para a", .pt, .word(.toHour))
        add("menos", .es, .word(.minus))
        add("y", .es, .word(.plus))
        add("e", .pt, .word(.plus))
        add(",", .all, .word(.comma))
        add("in the|this|early|late|in the early", .en, .word(.podPrefix))
        add("por la|de la|en la|a la|por|esta|en|de", .es, .word(.podPrefix))
        add("pela|de|da|a|na|nesta|esta|essa|pelo|no|durante a", .pt, .word(.podPrefix))
        add("end of|the end of|at the end of|end of the|the end of the|at the end of the|the end", .en, .word(.endOf))
        add(
            "fin de|fin del|a fin de|a fines de|fines de|finales de|a finales de|final de|final del|al final de|al final del|fin de la",
            .es,
            .word(.endOf)
        )
        add(
            "fim de|fim do|fim da|final do|final da|no final do|no final de|no fim do|no fim de|ao final do",
            .pt,
            .word(.endOf)
        )
        add(
            "beginning of|the beginning of|at the beginning of|start of|the start of|at the start of|beginning of the|the beginning of the|at the beginning of the",
            .en,
            .word(.beginningOf)
        )
        add(
            "principio de|principios de|a principios de|inicio de|inicios de|comienzo de|comienzos de|a comienzos de|inicio del|principio del",
            .es,
            .word(.beginningOf)
        )
        add(
            "inicio de|inicio do|inicio da|comeco de|comeco do|comeco da|no inicio do|no comeco do",
            .pt,
            .word(.beginningOf)
        )
        add("after next", .en, .word(.afterNext))
        add("the week of|week of", .en, .word(.weekOf))
        add("la semana del", .es, .word(.weekOf))
        add("a semana do|semana do", .pt, .word(.weekOf))
        add("early", .en, .word(.early))
        add("mid|middle of|the middle of|mid-", .en, .word(.mid))
        add("late", .en, .word(.late))
        add("oh|o|ou|zero", .en, .word(.oh))
        add("cero|zero", .es, .word(.oh))
        add("for", .en, .word(.forWord))
        add("q", .en, .word(.q))
        add(".", .all, .word(.dot))
        add("/", .all, .word(.slash))
        add("-", .all, .word(.dash))
        return table
    }()
}
