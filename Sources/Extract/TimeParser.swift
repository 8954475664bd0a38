import Foundation

/// What a run of tokens means while the time grammar combines them.
indirect enum TimeNode: Hashable, Sendable {
    case lex(TimeLex)
    /// A cardinal; `digits` is how many digits it was written with (0 for words).
    case number(Int, digits: Int)
    case ordinal(Int)
    case duration(Int, TimeGrain)
    case time(TimeValue, latent: Bool)
    /// "X and Y", a time only after "between".
    case pair(TimeValue, TimeValue)
    /// "the first week", "the 2nd last week" (negative: from the end), waiting for "of <period>".
    case nthWeek(Int)
    /// "the last weekend", waiting for "of <month>".
    case lastWeekend
    /// "the last month" or "quarter", waiting for "of <year>".
    case lastUnit(TimeGrain)
    /// "2.5", for durations ("2.5 hours").
    case decimal(Double)
}

extension TimeNode {
    var isNumber: Bool {
        if case .number = self { return true }
        return false
    }
}

struct TimeItem: Hashable, Sendable {
    var start: Int
    var end: Int
    var node: TimeNode
}

/// A bottom-up chart parser in Duckling's manner: every lexicon match and number is an item,
/// and rules combine adjacent items (two or three at a time) until nothing new appears.
struct TimeParser {
    let text: ScalarText
    let languages: TimeLanguages
    let monthFirst: Bool
    /// ``ExtractionContext/businessHours``.
    let afternoonFirst: Bool
    let region: String?
    let now: Int
    /// The context zone's offset from UTC at the reference time, in seconds.
    let offset: Int
    var items: [TimeItem] = []
    var byStart: [[Int]]
    var byEnd: [[Int]]
    var seen: Set<TimeItem> = []
    /// Tokens inside a run of digits and separators no date or time reads (phone numbers).
    var blocked: [Bool]

    static let itemLimit = 4000

    init(text: ScalarText, context: ExtractionContext) {
        self.text = text
        languages = TimeLanguages(code: context.language)
        let region = context.region?.uppercased()
        self.region = region
        afternoonFirst = context.businessHours
        monthFirst =
            languages.contains(.en) && (region == nil || ["US", "CA", "PH", "FM", "MH", "PW"].contains(region!))
        now = WallClock.local(context.referenceTime, in: context.timeZone)
        offset = context.timeZone.secondsFromGMT(for: context.referenceTime)
        byStart = Array(repeating: [], count: text.tokens.count + 1)
        byEnd = Array(repeating: [], count: text.tokens.count + 1)
        blocked = Array(repeating: false, count: text.tokens.count)
    }

    var tokens: [ScalarText.Token] { text.tokens }

    /// Whether token `index` touches the one before it.
    func touching(_ index: Int) -> Bool { index < tokens.count && !tokens[index].spaceBefore }

    mutating func add(_ start: Int, _ end: Int, _ node: TimeNode) {
        guard items.count < Self.itemLimit else { return }
        let item = TimeItem(start: start, end: end, node: node)
        guard seen.insert(item).inserted else { return }
        byStart[start].append(items.count)
        byEnd[end].append(items.count)
        items.append(item)
    }

    mutating func run() {
        seedNumbers()
        seedLexicon()
        var next = 0
        while next < items.count {
            let item = items[next]
            next += 1
            unary(item)
            for left in byEnd[item.start] { binary(items[left], item) }
            for right in byStart[item.end] { binary(item, items[right]) }
            // Ternary chains with the item first, middle or last.
            for middle in byStart[item.end] {
                let b = items[middle]
                for last in byStart[b.end] { ternary(item, b, items[last]) }
            }
            for first in byEnd[item.start] {
                let a = items[first]
                for last in byStart[item.end] { ternary(a, item, items[last]) }
                for before in byEnd[a.start] { ternary(items[before], a, item) }
            }
        }
    }

    // MARK: Seeds

    private mutating func seedLexicon() {
        for index in tokens.indices where !blocked[index] {
            guard let entries = TimeLexicon.entries[tokens[index].folded] else { continue }
            let afterArticle = index > 0 && ["la", "esta", "pela", "na", "da"].contains(tokens[index - 1].folded)
            for entry in entries where !entry.languages.isDisjoint(with: languages) {
                // "por la mañana" is the morning, "mañana" alone tomorrow.
                if afterArticle, case .dayOffset = entry.lex { continue }
                // With the language unknown, a short form from another language ("out", "set",
                // "sex") is too likely a common word.
                if languages == .all && entry.languages != .all && entry.tokens.count == 1
                    && entry.tokens[0].count <= 3 && !entry.languages.contains(.en)
                {
                    switch entry.lex {
                    case .weekday, .month: continue
                    default: break
                    }
                }
                let count = entry.tokens.count
                guard index + count <= tokens.count else { continue }
                var matches = true
                for offset in 1..<max(count, 1) where tokens[index + offset].folded != entry.tokens[offset] {
                    matches = false
                    break
                }
                // A phrase written as one word ("o'clock", "a.m.") must not be split by spaces
                // where the entry has none; accept either, but a period must touch its word.
                if matches && count > 1 {
                    for offset in 1..<count where entry.tokens[offset] == "." && !touching(index + offset) {
                        matches = false
                    }
                }
                guard matches else { continue }
                if case .regional(let holiday) = entry.lex {
                    add(index, index + count, .lex(holiday.lex(region: region)))
                } else {
                    add(index, index + count, .lex(entry.lex))
                }
            }
        }
    }

    /// Numbers, and digit runs joined by separators without spaces: times (15:30), dates
    /// (2/15, 2015-03-03, 31.10.1974), hours (15h30), ordinals (3rd), quarters (2018Q4).
    private mutating func seedNumbers() {
        var index = 0
        while index < tokens.count {
            guard tokens[index].kind == .number else {
                index += 1
                continue
            }
            // Collect a chain number (sep number)*, all touching.
            var parts = [index]
            var seps: [String] = []
            var cursor = index + 1
            // One kind of separator per chain: "3:30-6:00" is two clocks, "650-650-6500" one chain.
            while cursor + 1 < tokens.count, tokens[cursor].kind == .symbol, touching(cursor),
                [":", "/", "-", "."].contains(tokens[cursor].folded), tokens[cursor + 1].kind == .number,
                touching(cursor + 1), seps.isEmpty || (seps[0] == ":") == (tokens[cursor].folded == ":")
            {
                seps.append(tokens[cursor].folded)
                parts.append(cursor + 1)
                cursor += 2
            }
            let end = parts.last! + 1
            let before = index > 0 && touching(index) ? tokens[index - 1].folded : ""
            if ["$", "€", "£", "%", "#", "+"].contains(before)
                || (end < tokens.count && touching(end) && ["%", "$", "€"].contains(tokens[end].folded))
            {
                for i in index..<end { blocked[i] = true }
                index = end
                continue
            }
            if parts.count == 1 {
                seedSingle(index)
            } else if !seedChain(parts, seps) && parts.count > 2 {
                for i in index..<end { blocked[i] = true }
            } else if parts.count == 2 {
                for part in parts { seedSingle(part) }
            }
            index = end
        }
    }

    private func value(_ index: Int) -> Int? {
        let folded = tokens[index].folded
        return folded.count <= 9 ? Int(folded) : nil
    }

    private mutating func seedSingle(_ index: Int) {
        guard let n = value(index) else { return }
        let digits = tokens[index].folded.count
        add(index, index + 1, .number(n, digits: digits))
        let next = index + 1
        // 1030, 815: a clock without a colon, unless it reads as a year ("in 2014").
        let clockLike =
            digits == 3 || (digits == 4 && !(1900...2100).contains(n))
            || (digits == 4 && index > 0
                && ["at", "@", "around", "approximately", "about"].contains(tokens[index - 1].folded))
        guard next < tokens.count, touching(next) else {
            if clockLike { addClock(index, index + 1, n / 100, n % 100, latent: true) }
            return
        }
        let suffix = tokens[next].folded
        switch suffix {
        case "st", "nd", "rd", "th":
            if n >= 1 && n <= 31 { add(index, next + 1, .ordinal(n)) }
        case "o", "a", "º", "ª", "er", "ero", "era":
            if n >= 1 && n <= 31 && languages != .en { add(index, next + 1, .ordinal(n)) }
        case "h", "hs":
            // 15h, 15h30, 3h18
            if n <= 24 {
                if next + 1 < tokens.count, touching(next + 1), tokens[next + 1].kind == .number,
                    let m = value(next + 1), m < 60, tokens[next + 1].folded.count == 2
                {
                    var p = TimePattern()
                    p.hour = n
                    p.minute = m
                    add(index, next + 2, .time(.pattern(p), latent: false))
                } else {
                    var p = TimePattern()
                    p.hour = n
                    if suffix == "h" { p.minute = 0 }
                    add(index, next + 1, .time(.pattern(p), latent: false))
                }
            }
        case "q":
            // 18q4, 2018Q4
            if next + 1 < tokens.count, touching(next + 1), let q = value(next + 1), (1...4).contains(q) {
                var p = TimePattern()
                p.quarter = q
                p.year = digits == 2 ? 2000 + n : n
                add(index, next + 2, .time(.pattern(p), latent: false))
            }
        default: break
        }
        if clockLike { addClock(index, index + 1, n / 100, n % 100, latent: true) }
    }

    private mutating func addClock(
        _ start: Int,
        _ end: Int,
        _ hour: Int,
        _ minute: Int,
        _ second: Int? = nil,
        latent: Bool
    ) {
        guard hour <= 23, minute <= 59, (second ?? 0) <= 59 else { return }
        var p = TimePattern()
        p.hour = hour
        p.minute = minute
        p.second = second
        p.ambiguousHour = hour >= 1 && hour <= 12
        p.afternoonFirst = afternoonFirst
        add(start, end, .time(.pattern(p), latent: latent))
    }

    private mutating func seedChain(_ parts: [Int], _ seps: [String]) -> Bool {
        let values = parts.compactMap(value)
        guard values.count == parts.count else { return false }
        let lengths = parts.map { tokens[$0].folded.count }
        // "24/7" is round the clock, not a date.
        if values == [24, 7] && seps == ["/"] { return false }
        let start = parts[0]
        let end = parts.last! + 1
        let separators = seps.count
        var found = false
        if seps.allSatisfy({ $0 == ":" }) && separators <= 2 && lengths.dropFirst().allSatisfy({ $0 == 2 })
            && lengths[0] <= 2
        {
            let count = items.count
            addClock(start, end, values[0], values[1], separators == 2 ? values[2] : nil, latent: false)
            return items.count > count
        }
        guard Set(seps).count == 1, separators <= 2, seps[0] != ":" else { return false }
        let sep = seps[0]
        if separators == 1 && sep == "." && lengths[1] <= 2,
            let decimal = Double("\(values[0]).\(tokens[parts[1]].folded)")
        {
            add(start, end, .decimal(decimal))
        }
        if separators == 1 && sep == "." && languages == .en { return found }
        if separators == 1 {
            if lengths[0] == 4 {
                found = addDate(start, end, year: values[0], month: values[1], day: nil)
            } else if lengths[1] == 4 && sep != "." {
                found = addDate(start, end, year: values[1], month: values[0], day: nil)
            } else if lengths[0] <= 2 && lengths[1] <= 2 {
                found = addDayMonth(start, end, values[0], values[1], year: nil)
                if sep == "." && !languages.contains(.en)
                    || sep == "." && lengths[1] == 2 && values[0] <= 23 && values[1] <= 59
                        && languages != .en
                {
                    let count = items.count
                    addClock(start, end, values[0], values[1], latent: false)
                    found = found || items.count > count
                }
            }
        } else {
            if lengths[0] == 4 {
                found = addDate(start, end, year: values[0], month: values[1], day: values[2])
            } else if lengths[2] == 4 || lengths[2] == 2 {
                let year = lengths[2] == 4 ? values[2] : (values[2] < 50 ? 2000 + values[2] : 1900 + values[2])
                found = addDayMonth(start, end, values[0], values[1], year: year)
            }
        }
        return found
    }

    @discardableResult
    mutating func addDate(_ start: Int, _ end: Int, year: Int?, month: Int, day: Int?) -> Bool {
        guard (1...12).contains(month) else { return false }
        if let day, day < 1 || day > 31 { return false }
        var p = TimePattern()
        p.year = year
        p.month = month
        p.day = day
        add(start, end, .time(.pattern(p), latent: false))
        return true
    }

    /// `a/b` in the region's order, or the other order when that one is impossible.
    @discardableResult
    mutating func addDayMonth(_ start: Int, _ end: Int, _ a: Int, _ b: Int, year: Int?) -> Bool {
        let (month, day) = monthFirst ? (a, b) : (b, a)
        if (1...12).contains(month) && (1...31).contains(day) {
            return addDate(start, end, year: year, month: month, day: day)
        }
        if (1...12).contains(day) && (1...31).contains(month) {
            return addDate(start, end, year: year, month: day, day: month)
        }
        return false
    }
}
