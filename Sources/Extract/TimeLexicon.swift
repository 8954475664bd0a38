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
    case thanksgiving, mothersDay, fathersDay, labourDay

    /// The holiday's rule in a region (ISO 3166 code), as a lexicon meaning.
    func lex(region: String?) -> TimeLex {
        switch (self, region ?? "") {
        case (.thanksgiving, "CA"): .nthWeekday(month: 10, weekday: 1, nth: 2)
        case (.thanksgiving, _): .nthWeekday(month: 11, weekday: 4, nth: 4)
        case (.mothersDay, "GB"): .easter(-21)
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
        }
    }
}

/// Function words the time grammar combines on.
enum TimeWord: Hashable, Sendable {
    case at, on, the, of, inside, from, rangeTo, and, between, before, after, by, within
    case ago, agoPrefix, agoSpan, hence, next, this, last, nextAfter, lastAfter, upcoming
    case am, pm, amShort, pmShort, oclock, approx, ish, half, quarter, past, toHour, minus, plus
    case comma, podPrefix, endOf, beginningOf, early, mid, late, dayWord, weekendWord, oh, forWord
    case dot, slash, dash, colon, apostrophe, article, indefinite, q, afterNext, zone
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
    case nowDay
    case asap
    case partOfDay(Int, Int)
    /// A part of today ("tonight").
    case todayPart(Int, Int)
    case clock(Int)
    case holiday(month: Int, day: Int)
    case nthWeekday(month: Int, weekday: Int, nth: Int)
    case easter(Int)
    case weekend
    case endOfPeriod(TimeGrain)
    /// This week (Monday to Saturday), or what is left of it.
    case restOfWeek(fromToday: Bool)
    /// A season from (month, day) to (month, day), exclusive.
    case season(Int, Int, Int, Int)
    /// A holiday whose date depends on the region.
    case regional(RegionalHoliday)
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
        for (value, name) in [(20, "twenty"), (30, "thirty"), (40, "forty"), (50, "fifty"), (60, "sixty")] {
            add(name, .en, .number(value))
        }
        let esNumbers: [(Int, String)] = [
            (0, "cero"), (1, "uno|una|un"), (2, "dos"), (3, "tres"), (4, "cuatro"), (5, "cinco"), (6, "seis"),
            (7, "siete"), (8, "ocho"), (9, "nueve"), (10, "diez"), (11, "once"), (12, "doce"), (13, "trece"),
            (14, "catorce"), (15, "quince"), (16, "dieciseis"), (17, "diecisiete"), (18, "dieciocho"),
            (19, "diecinueve"), (20, "veinte"), (21, "veintiuno|veintiun"), (22, "veintidos"), (23, "veintitres"),
            (24, "veinticuatro"), (25, "veinticinco"), (26, "veintiseis"), (27, "veintisiete"), (28, "veintiocho"),
            (29, "veintinueve"), (30, "treinta"), (40, "cuarenta"), (50, "cincuenta"), (60, "sesenta"),
        ]
        for (value, names) in esNumbers { add(names, .es, .number(value)) }
        let ptNumbers: [(Int, String)] = [
            (0, "zero"), (1, "um|uma"), (2, "dois|duas"), (3, "tres"), (4, "quatro"), (5, "cinco"), (6, "seis"),
            (7, "sete"), (8, "oito"), (9, "nove"), (10, "dez"), (11, "onze"), (12, "doze"), (13, "treze"),
            (14, "catorze|quatorze"), (15, "quinze"), (16, "dezesseis|dezasseis"), (17, "dezessete|dezassete"),
            (18, "dezoito"), (19, "dezenove|dezanove"), (20, "vinte"), (30, "trinta"), (40, "quarenta"),
            (50, "cinquenta"), (60, "sessenta"),
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
        add("fortnight", .en, .fortnight)
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
        add("ahora|ya|ahorita|cuanto antes|ahora mismo", .es, .now)
        add("lo antes posible|lo mas pronto posible", .es, .asap)
        add("hoy|en este momento", .es, .nowDay)
        add("ayer", .es, .dayOffset(-1))
        add("anteayer|antier|antes de ayer", .es, .dayOffset(-2))
        add("manana", .es, .dayOffset(1))
        add("pasado manana", .es, .dayOffset(2))
        add("agora|ja|nesse instante|neste instante|agora mesmo", .pt, .now)
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
        add("after lunch", .en, .partOfDay(13, 17))
        add("after school", .en, .partOfDay(15, 21))
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
        add("independence day", .en, .holiday(month: 7, day: 4))
        add("boss's day|boss's|boss day|bosses day", .en, .holiday(month: 10, day: 16))
        add("world vegan day", .en, .holiday(month: 11, day: 1))
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
        add("mothering sunday", .en, .easter(-21))
        add("father's day|fathers day|father day", .en, .regional(.fathersDay))
        add("memorial day", .en, .nthWeekday(month: 5, weekday: 1, nth: -1))
        add("labor day|labour day", .en, .regional(.labourDay))
        add("dia de las madres|dia de la madre", .es, .holiday(month: 5, day: 10))
        add("dia das maes", .pt, .nthWeekday(month: 5, weekday: 7, nth: 2))
        add("dia dos pais", .pt, .nthWeekday(month: 8, weekday: 7, nth: 2))
        add("easter|easter sunday", .en, .easter(0))
        add("easter mon|easter monday", .en, .easter(1))
        add("good friday", .en, .easter(-2))
        add("maundy thursday|covenant thu|thu of mysteries|holy thursday", .en, .easter(-3))
        add("palm sunday|branch sunday", .en, .easter(-7))
        add("pentecost|white sunday|whit sunday|whitsunday", .en, .easter(49))
        add("whit monday|monday of the holy spirit", .en, .easter(50))
        add("trinity sunday", .en, .easter(56))
        add("ash wednesday", .en, .easter(-46))
        add("pancake day|mardi gras|shrove tuesday", .en, .easter(-47))
        add("pascua|domingo de pascua|domingo de resurreccion", .es, .easter(0))
        add("viernes santo", .es, .easter(-2))
        add("jueves santo", .es, .easter(-3))
        add("carnaval|martes de carnaval", .es, .easter(-47))
        add("pascoa|domingo de pascoa", .pt, .easter(0))
        add("sexta-feira santa|sexta feira santa|sexta santa", .pt, .easter(-2))
        add("carnaval|terca de carnaval|terca-feira de carnaval", .pt, .easter(-47))
        add("quarta-feira de cinzas|quarta feira de cinzas|quarta de cinzas", .pt, .easter(-46))
        add("corpus christi", .iberian, .easter(60))
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
        add("primavera", .iberian, .season(3, 20, 6, 21))
        add("verano", .es, .season(6, 21, 9, 24))
        add("verao", .pt, .season(6, 21, 9, 24))
        add("otono", .es, .season(9, 23, 12, 21))
        add("outono", .pt, .season(9, 23, 12, 21))
        add("invierno", .es, .season(12, 21, 3, 21))
        add("inverno", .pt, .season(12, 21, 3, 21))
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
        add("in|during|for", .en, .word(.inside))
        add("en|durante|para", .es, .word(.inside))
        add("em|durante|para|no|na|nos|nas", .pt, .word(.inside))
        add("from|starting|starting from|beginning", .en, .word(.from))
        add("desde|de|del|a partir de|a partir del|desde el", .es, .word(.from))
        add("desde|de|do|da|a partir de|a partir do|a partir da", .pt, .word(.from))
        add("to|thru|through|till|til|until|untill|-|~|up to", .en, .word(.rangeTo))
        add("a|al|hasta|hasta el|-|~", .es, .word(.rangeTo))
        add("a|ao|ate|ate ao|ate a|ate o|-|~", .pt, .word(.rangeTo))
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
        add(":", .all, .word(.colon))
        add("'", .all, .word(.apostrophe))
        return table
    }()
}
