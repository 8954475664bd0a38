import Foundation

/// The grammar's rules: what one, two or three adjacent items mean together.
extension TimeParser {
    // MARK: Helpers

    func time(_ value: TimeValue, latent: Bool = false) -> TimeNode { .time(value, latent: latent) }

    /// One unit of `grain` around now, shifted by `offset` units ("next week", "last month").
    func current(_ grain: TimeGrain, _ offset: Int) -> TimeValue {
        .moment(WallClock.add(WallClock.floor(now, grain), offset, grain), grain)
    }

    /// A bare number read as an hour ("9") only joins a day given relative to now ("9
    /// tomorrow") or a part of the day ("tonight 8"), never a date ("Feb 18" is no hour).
    static func combinable(_ a: TimeNode, _ b: TimeNode) -> Bool {
        func clock(_ value: TimeValue) -> Bool {
            guard case .pattern(let p) = value else { return false }
            return p.hour != nil && !p.hasDayFields && p.within == nil && p.month == nil && p.partOfDay == nil
        }
        func bare(_ node: TimeNode) -> Bool {
            guard case .time(let value, true) = node else { return false }
            if case .range(let x, let y) = value { return clock(x) && clock(y) }
            return clock(value)
        }
        func dated(_ node: TimeNode) -> Bool {
            guard case .time(let value, _) = node else { return false }
            switch value {
            case .pattern(let p): return p.hasDayFields || p.month != nil || p.year != nil || p.quarter != nil
            case .moment(_, let g): return g != .day
            default: return false
            }
        }
        return !(bare(a) && dated(b)) && !(bare(b) && dated(a))
    }

    static func lastUnit(_ grain: TimeGrain, of year: TimePattern) -> TimePattern {
        var p = year
        if grain == .month { p.month = 12 } else { p.quarter = 4 }
        return p
    }

    /// A fractional amount of a unit in the next finer one (2.5 hours is 150 minutes).
    static func fraction(_ value: Double, _ grain: TimeGrain) -> (Int, TimeGrain)? {
        let finer: TimeGrain
        switch grain {
        case .minute: finer = .second
        case .hour: finer = .minute
        case .day: finer = .hour
        case .week: finer = .day
        case .year: finer = .month
        default: return nil
        }
        let ratio = grain == .year ? 12.0 : Double(grain.seconds) / Double(finer.seconds)
        let amount = value * ratio
        guard amount > 0, amount < 1_000_000, amount == amount.rounded() else { return nil }
        return (Int(amount), finer)
    }

    /// A latent hour or year read from a bare number.
    static func bareNumber(_ node: TimeNode) -> Bool {
        guard case .time(.pattern(let p), true) = node else { return false }
        let onlyYear = p.year != nil && p.month == nil && !p.hasDayFields && p.hour == nil && p.quarter == nil
        return hourPattern(node) != nil || onlyYear
    }

    static func hourPattern(_ node: TimeNode) -> (TimePattern, Bool)? {
        guard case .time(.pattern(let p), let latent) = node, p.hour != nil, !p.hasDayFields, p.within == nil,
            p.month == nil, p.year == nil
        else { return nil }
        return (p, latent)
    }

    static func monthOnly(_ node: TimeNode) -> TimePattern? {
        guard case .time(.pattern(let p), _) = node, p.month != nil, !p.hasDayFields, p.hour == nil,
            p.partOfDay == nil, p.within == nil
        else { return nil }
        return p
    }

    /// A date that names its day and month ("July 13", "13/7").
    static func dayAndMonth(_ node: TimeNode) -> TimePattern? {
        guard case .time(.pattern(let p), _) = node, p.month != nil, p.day != nil, p.hour == nil else { return nil }
        return p
    }

    static func dayNumber(_ node: TimeNode) -> Int? {
        switch node {
        case .number(let n, let digits) where digits <= 2 && (1...31).contains(n): n
        case .ordinal(let n) where (1...31).contains(n): n
        default: nil
        }
    }

    static func minuteNumber(_ node: TimeNode) -> Int? {
        switch node {
        case .number(let n, let digits) where (digits == 2 || digits == 0) && n < 60: n
        default: nil
        }
    }

    static func isLatent(_ node: TimeNode) -> Bool {
        if case .time(_, true) = node { return true }
        return false
    }

    static func word(_ node: TimeNode) -> TimeWord? {
        if case .lex(.word(let w)) = node { return w }
        return nil
    }

    static func grain(_ node: TimeNode) -> TimeGrain? {
        if case .lex(.grain(let g)) = node { return g }
        return nil
    }

    static func amount(_ node: TimeNode) -> Int? {
        switch node {
        case .number(let n, _): n
        case .lex(.fuzzyNumber(let n)): n
        default: nil
        }
    }

    /// Sets an hour's half of the day.
    static func meridiem(_ p: TimePattern, pm: Bool) -> TimePattern? {
        guard let hour = p.hour, hour <= 12 || !pm else { return nil }
        guard hour <= 12 else { return p }
        var out = p
        out.hour = pm ? hour % 12 + 12 : hour % 12
        out.ambiguousHour = false
        return out
    }

    static func withMinute(_ p: TimePattern, _ minute: Int) -> TimePattern? {
        guard p.minute == nil || p.minute == 0 && p.second == nil, minute < 60 else { return nil }
        var out = p
        out.minute = minute
        return out
    }

    /// `minutes` before the hour of `p` ("a quarter to noon").
    static func minutesBefore(_ p: TimePattern, _ minutes: Int) -> TimePattern? {
        guard let hour = p.hour, p.minute == nil || p.minute == 0, minutes > 0, minutes < 60 else { return nil }
        var out = p
        out.hour = (hour + 23) % 24
        if p.ambiguousHour && hour == 1 { out.hour = 12 }
        if !p.ambiguousHour && hour == 12 { out.hour = 11 }
        out.minute = 60 - minutes
        return out
    }

    /// A duration added to now, reported one grain finer than its unit.
    func shifted(_ amount: Int, _ grain: TimeGrain, sign: Int) -> TimeValue {
        let target = WallClock.add(now, sign * amount, grain)
        let finer = grain.finer
        return .moment(WallClock.floor(target, finer), finer)
    }

    /// The last or next `count` units, not counting the current one.
    func periods(_ count: Int, _ grain: TimeGrain, next: Bool) -> TimeValue? {
        guard count > 0 else { return nil }
        let base = WallClock.floor(now, grain)
        if next {
            let from = WallClock.add(base, 1, grain)
            return .span(TimeSpan(from: from, to: WallClock.add(from, count, grain), grain: grain))
        }
        return .span(TimeSpan(from: WallClock.add(base, -count, grain), to: base, grain: grain))
    }

    /// A season of the year; the current one when it is under way, else the next.
    func season(_ m1: Int, _ d1: Int, _ m2: Int, _ d2: Int, offset: Int) -> TimeValue {
        let year = WallClock.components(now).year
        for start in [year - 1, year, year + 1] {
            let from = WallClock.make(start, m1, d1)
            let to = WallClock.make(m2 < m1 ? start + 1 : start, m2, d2)
            if to > now {
                let shift = offset
                return .span(
                    TimeSpan(from: WallClock.add(from, shift, .year), to: WallClock.add(to, shift, .year), grain: .day)
                )
            }
        }
        return .span(TimeSpan(from: now, to: now, grain: .day))
    }

    /// The season `offset` seasons from the current one, as Duckling reports it: from its first
    /// day to the day before the next season's first.
    func anySeason(_ offset: Int) -> TimeValue {
        let year = WallClock.components(now).year
        var starts: [Int] = []
        for y in year - 2...year + 2 {
            for (m, d) in [(3, 20), (6, 21), (9, 23), (12, 21)] { starts.append(WallClock.days(y, m, d)) }
        }
        let today = WallClock.dayNumber(now)
        let current = (starts.lastIndex { $0 <= today } ?? 0) + offset
        let from = starts[current]
        let to = starts[current + 1] - 1
        return .span(TimeSpan(from: from * 86400, to: to * 86400, grain: .day))
    }

    /// Friday 18:00 to Monday 00:00 of the week `offset` weeks from now.
    func weekend(_ offset: Int) -> TimeValue {
        let monday = WallClock.add(WallClock.floor(now, .week), offset, .week)
        return .span(TimeSpan(from: monday + 4 * 86400 + 18 * 3600, to: monday + 7 * 86400, grain: .hour))
    }

    /// The first or last part of a period: Duckling's "beginning of" and "end of".
    func part(of value: TimeValue, end: Bool) -> TimeValue? {
        guard let resolved = value.resolve(now: now) else { return nil }
        let start = resolved.start
        switch resolved.grain {
        case .day:
            return end ? .span(TimeSpan(from: start + 17 * 3600, to: start + 86400, grain: .hour)) : nil
        case .week:
            return end
                ? .span(TimeSpan(from: start + 4 * 86400, to: start + 7 * 86400, grain: .day))
                : .span(TimeSpan(from: start, to: start + 3 * 86400, grain: .day))
        case .month:
            let next = WallClock.add(start, 1, .month)
            return end
                ? .span(TimeSpan(from: start + 20 * 86400, to: next, grain: .day))
                : .span(TimeSpan(from: start, to: start + 10 * 86400, grain: .day))
        case .quarter:
            let next = WallClock.add(start, 1, .quarter)
            return end
                ? .span(TimeSpan(from: WallClock.add(start, 2, .month), to: next, grain: .month))
                : .span(TimeSpan(from: start, to: WallClock.add(start, 1, .month), grain: .month))
        case .year:
            let next = WallClock.add(start, 1, .year)
            return end
                ? .span(TimeSpan(from: WallClock.add(start, 8, .month), to: next, grain: .month))
                : .span(TimeSpan(from: start, to: WallClock.add(start, 3, .month), grain: .month))
        default:
            return nil
        }
    }

    // MARK: One item

    mutating func unary(_ item: TimeItem) {
        let (s, e) = (item.start, item.end)
        switch item.node {
        case .lex(let lex):
            switch lex {
            case .weekday(let day):
                var p = TimePattern()
                p.weekday = day
                p.notImmediate = true
                add(s, e, time(.pattern(p)))
            case .month(let month), .latentMonth(let month):
                var p = TimePattern()
                p.month = month
                if case .latentMonth = lex {
                    add(s, e, time(.pattern(p), latent: true))
                } else {
                    add(s, e, time(.pattern(p)))
                }
            case .number(let n):
                add(s, e, .number(n, digits: 0))
            case .ordinal(let n):
                add(s, e, .ordinal(n))
            case .dayOffset(let offset):
                add(s, e, time(current(.day, offset)))
            case .now:
                add(s, e, time(.moment(now, .second)))
            case .nowAlready:
                add(s, e, time(.moment(now, .second), latent: true))
            case .nowDay:
                add(s, e, time(current(.day, 0)))
            case .asap:
                add(s, e, time(.after(.moment(now, .second))))
            case .partOfDay(let from, let to):
                var p = TimePattern()
                p.partOfDay = PartOfDay(from: from, to: to)
                add(s, e, time(.pattern(p), latent: true))
            case .todayPart(let from, let to):
                var p = TimePattern()
                p.partOfDay = PartOfDay(from: from, to: to)
                let day = WallClock.floor(now, .day)
                p.within = TimeSpan(from: day, to: day + 86400, grain: .day)
                add(s, e, time(.pattern(p)))
            case .clock(let hour):
                var p = TimePattern()
                p.hour = hour
                add(s, e, time(.pattern(p)))
            case .holiday(let month, let day):
                var p = TimePattern()
                p.month = month
                p.day = day
                add(s, e, time(.pattern(p)))
            case .nthWeekday(let month, let weekday, let nth):
                var p = TimePattern()
                p.month = month
                p.weekday = weekday
                p.weekOfMonth = nth
                add(s, e, time(.pattern(p)))
            case .feast(let feast):
                var p = TimePattern()
                p.feast = feast
                add(s, e, time(.pattern(p)))
            case .weekend:
                add(s, e, time(weekend(0)))
            case .restOfWeek(let fromToday):
                let monday = WallClock.floor(now, .week)
                let from = fromToday ? WallClock.floor(now, .day) : monday
                add(s, e, time(.span(TimeSpan(from: from, to: monday + 6 * 86400, grain: .day))))
            case .season(let m1, let d1, let m2, let d2):
                add(s, e, time(season(m1, d1, m2, d2, offset: 0)))
            case .endOfPeriod(let grain):
                if let value = part(of: current(grain, 0), end: true) { add(s, e, time(value)) }
            case .beginningOfPeriod(let grain):
                if let value = part(of: current(grain, 0), end: false) { add(s, e, time(value)) }
            case .duration(let n, let grain):
                add(s, e, .duration(n, grain))
            case .fortnight:
                add(s, e, .duration(14, .day))
            default:
                break
            }
        case .ordinal(let n):
            if (1...31).contains(n) {
                var p = TimePattern()
                p.day = n
                add(s, e, time(.pattern(p), latent: true))
            }
        case .number(let n, let digits):
            if (digits <= 2 && n <= 23) || (digits == 0 && n <= 12) {
                var p = TimePattern()
                p.hour = n
                p.ambiguousHour = n >= 1 && n <= 12
                p.afternoonFirst = afternoonFirst
                add(s, e, time(.pattern(p), latent: true))
            }
            if digits == 4 && n >= 1000 && n <= 2200 {
                var p = TimePattern()
                p.year = n
                add(s, e, time(.pattern(p), latent: true))
            }
        default:
            break
        }
    }

    // MARK: Two items

    mutating func binary(_ a: TimeItem, _ b: TimeItem) {
        let (s, e) = (a.start, b.end)
        let wa = Self.word(a.node)
        let wb = Self.word(b.node)
        // Prefixes that make a time explicit.
        if let wa, case .time(let value, let latent) = b.node {
            switch wa {
            case .at:
                if value.pattern?.hour != nil || !latent { add(s, e, time(value)) }
            case .approx:
                add(s, e, time(value))
            case .on, .the, .article, .comma:
                // "on the first" is explicit; "on 24th" stays latent as in Duckling.
                let explicit = wa == .on && tokens[b.start].folded == "the"
                if wa != .comma { add(s, e, time(value, latent: latent && !explicit)) }
            case .inside, .forWord:
                if Self.hourPattern(b.node) != nil && wa == .inside { break }
                // "in 2014", "in March", "in the morning" are explicit; "in the second" is not.
                let p = value.pattern
                let coarse = p.map { $0.year != nil || $0.month != nil || $0.partOfDay != nil } ?? false
                add(s, e, time(value, latent: latent && !coarse))
            case .before:
                add(s, e, time(.before(value)))
            case .after:
                switch value {
                case .range, .span: break
                default: add(s, e, time(.after(value)))
                }
            case .from:
                // "from 2pm" opens an interval; Spanish and Portuguese "de" only starts a range.
                if case .range = value {
                    add(s, e, time(value, latent: latent))
                } else if case .span = value {
                    add(s, e, time(value, latent: latent))
                } else if !["de", "do", "da", "del", "dos", "das"].contains(tokens[a.start].folded) {
                    add(s, e, time(.after(value)))
                }
            case .by:
                add(s, e, time(.by(value)))
            case .this, .next, .last, .upcoming:
                if !(latent && Self.hourPattern(b.node) != nil) { modified(s, e, wa, value) }
            case .podPrefix:
                if let p = value.pattern, p.partOfDay != nil, p.hour == nil { add(s, e, time(value)) }
            case .endOf, .beginningOf:
                if let span = part(of: value, end: wa == .endOf) { add(s, e, time(span)) }
            case .early, .late:
                // "early next week": its first or last part.
                if Self.monthOnly(b.node) == nil, let span = part(of: value, end: wa == .late) {
                    add(s, e, time(span))
                }
                fallthrough
            case .mid:
                if Self.monthOnly(b.node) != nil, let resolved = value.resolve(now: now) {
                    let start = resolved.start
                    let (from, to) =
                        wa == .early
                        ? (start, start + 10 * 86400)
                        : wa == .mid
                            ? (start + 10 * 86400, start + 20 * 86400)
                            : (start + 20 * 86400, WallClock.add(start, 1, .month))
                    add(s, e, time(.span(TimeSpan(from: from, to: to, grain: .day))))
                }
            case .weekOf:
                // "the week of October 7th": the week it starts (a Sunday belongs to the next).
                if value.pattern?.day != nil, let resolved = value.resolve(now: now) {
                    add(s, e, time(.moment(WallClock.floor(resolved.start + 86400, .week), .week)))
                }
            case .half:
                if let (p, _) = Self.hourPattern(b.node), p.minute == nil, let out = Self.withMinute(p, 30) {
                    add(s, e, time(.pattern(out)))
                }
            default:
                break
            }
        }
        // Suffixes.
        if let wb, case .time(let value, let latent) = a.node {
            switch wb {
            case .am, .pm, .amShort, .pmShort:
                let pm = wb == .pm || wb == .pmShort
                let short = wb == .amShort || wb == .pmShort
                if let (p, _) = Self.hourPattern(a.node), let out = Self.meridiem(p, pm: pm) {
                    add(s, e, time(.pattern(out), latent: short && latent))
                } else if case .range(.pattern(let x), .pattern(let y)) = value, let x2 = Self.meridiem(x, pm: pm),
                    let y2 = Self.meridiem(y, pm: pm)
                {
                    add(s, e, time(.range(.pattern(x.ambiguousHour ? x2 : x), .pattern(y2)), latent: latent))
                }
            case .oclock:
                // "a las 15 horas"; a bare "dos horas" stays a duration.
                let plural = ["horas", "hs", "hrs"].contains(tokens[b.start].folded)
                if Self.hourPattern(a.node) != nil { add(s, e, time(value, latent: plural && latent)) }
            case .ish:
                add(s, e, time(value, latent: latent))
            case .nextAfter, .lastAfter:
                modified(s, e, wb == .nextAfter ? .next : .last, value)
            case .afterNext:
                // The second occurrence: "friday after next", "March after next".
                if case .pattern(var p) = value, let first = value.resolve(now: now) {
                    p.within = TimeSpan(from: first.end, to: first.end + 366 * 2 * 86400, grain: p.grain)
                    p.notImmediate = false
                    add(s, e, time(.pattern(p)))
                }
            default:
                break
            }
        }
        switch (a.node, b.node) {
        case (.time(let x, let lx), .time(let y, let ly)):
            if Self.combinable(a.node, b.node), let both = x.intersect(y) {
                add(s, e, time(both, latent: lx && ly && (Self.bareNumber(a.node) || Self.bareNumber(b.node))))
            }
        case (.lex(.word(.last)), .lex(.grain(let g))) where g == .month || g == .quarter:
            add(s, e, .lastUnit(g))
            add(s, e, time(current(g, -1)))
        case (.lastUnit(let g), .time(.pattern(let year), _)) where year.year != nil && year.month == nil:
            add(s, e, time(.pattern(Self.lastUnit(g, of: year))))
        case (.lex(.word(.last)), .lex(.grain(.week))):
            add(s, e, .nthWeek(-1))
            add(s, e, time(current(.week, -1)))
        case (.lex(.word(.last)), .lex(.grain(.day))):
            var p = TimePattern()
            p.dayFromEnd = 1
            add(s, e, time(.pattern(p), latent: true))
            add(s, e, time(current(.day, -1)))
        case (.ordinal(let n), .lex(.grain(.week))) where n <= 5:
            add(s, e, .nthWeek(n))
        case (.lex(.word(.the)), .nthWeek(let n)):
            add(s, e, .nthWeek(n))
        case (.lex(.word(.last)), .lex(.weekend)):
            add(s, e, .lastWeekend)
            add(s, e, time(weekend(-1)))
        case (.lex(.word(let w)), .lex(.anySeason)) where w == .this || w == .next || w == .last:
            add(s, e, time(anySeason(w == .next ? 1 : w == .last ? -1 : 0)))
        case (.lex(.word(.the)), .lex(.grain(.week))):
            // "the week": what is left of it.
            let monday = WallClock.floor(now, .week)
            add(
                s,
                e,
                time(
                    .span(TimeSpan(from: WallClock.floor(now, .day), to: monday + 6 * 86400, grain: .day)),
                    latent: true
                )
            )
        case (.lex(.word(let w)), .lex(.grain(let g)))
        where [.this, .next, .last, .upcoming, .the, .article].contains(w):
            let offset = w == .next || w == .upcoming ? 1 : w == .last ? -1 : 0
            add(s, e, time(current(g, offset), latent: w == .the || w == .article))
        case (.lex(.grain(let g)), .lex(.word(let w))) where w == .nextAfter || w == .lastAfter || w == .this:
            add(s, e, time(current(g, w == .nextAfter ? 1 : w == .this ? 0 : -1)))
        case (.ordinal(let n), .lex(.grain(.month))) where (1...12).contains(n):
            var p = TimePattern()
            p.month = n
            add(s, e, time(.pattern(p)))
        case (.time(let value, let latent), .lex(.zone(let minutes))):
            if case .pattern(let p) = value, p.hour == nil { break }
            add(s, e, time(.zoned(value, minutes * 60), latent: latent))
        case (.lex(.word(.inside)), .number(let n, let digits))
        where digits > 0 && n > 0 && n < 60 && ["in", "en", "em"].contains(tokens[a.start].folded)
            && a.end - a.start == 1:
            // "in 15": minutes.
            add(s, e, time(shifted(n, .minute, sign: 1)))
        case (.lex(.word(.the)), .ordinal(let n)), (.lex(.word(.article)), .number(let n, _)),
            (.lex(.word(.article)), .ordinal(let n)):
            if (1...31).contains(n) {
                var p = TimePattern()
                p.day = n
                // "the 2nd" is a date; "the second (option)" only in context.
                let spelled = tokens[b.start].kind == .word && !b.node.isNumber
                add(s, e, time(.pattern(p), latent: spelled))
            }
        case (.lex(.word(.the)), .number(let n, _)), (.lex(.word(.on)), .ordinal(let n)),
            (.lex(.word(.on)), .number(let n, _)):
            if (1...31).contains(n) {
                var p = TimePattern()
                p.day = n
                add(s, e, time(.pattern(p), latent: true))
            }
        case (.ordinal(let n), .lex(.grain(.quarter))):
            if (1...4).contains(n) {
                var p = TimePattern()
                p.quarter = n
                add(s, e, time(.pattern(p)))
            }
        case (.lex(.word(.q)), .number(let n, _)) where touching(b.start):
            if (1...4).contains(n) {
                var p = TimePattern()
                p.quarter = n
                add(s, e, time(.pattern(p)))
            }
        case (.lex(.weekday(let day)), .number(let n, 1...2)) where (1...31).contains(n):
            // "jueves 14": the day of the month.
            var p = TimePattern()
            p.weekday = day
            p.day = n
            add(s, e, time(.pattern(p), latent: !languages.isDisjoint(with: .en)))
        case (.ordinal(let n), .lex(.weekday(let day))):
            if (1...5).contains(n) {
                var p = TimePattern()
                p.weekday = day
                p.weekOfMonth = n
                add(s, e, time(.pattern(p), latent: true))
            }
        case (.ordinal(let n), .lex(.grain(.day))):
            var p = TimePattern()
            p.day = n
            add(s, e, time(.pattern(p), latent: true))
        case (.lex(.word(.last)), .lex(.weekday(let day))):
            var p = TimePattern()
            p.weekday = day
            p.weekOfMonth = -1
            add(s, e, time(.pattern(p), latent: true))
        case (.number(let n, let digits), .number(let m, 0))
        where digits == 0 && n >= 20 && n < 100 && n % 10 == 0 && (1...9).contains(m):
            add(s, e, .number(n + m, digits: 0))
        case (.number(let century, 0), .number(let n, 0)) where (century == 1900 || century == 2000) && n < 100:
            // "two thousand ten", "mil novecientos noventa": a year.
            add(s, e, .number(century + n, digits: 4))
        case (.number(let n, _), .lex(.grain(let g))):
            add(s, e, .duration(n, g))
        case (.lex(.fuzzyNumber(let n)), .lex(.grain(let g))),
            (.ordinal(let n), .lex(.grain(let g))) where n == 1:
            add(s, e, .duration(n, g))
        case (.duration(let n, let g), .lex(.word(.andHalf))):
            if let (amount, unit) = Self.fraction(Double(n) + 0.5, g) { add(s, e, .duration(amount, unit)) }
        case (.decimal(let value), .lex(.grain(let g))):
            if let (amount, unit) = Self.fraction(value, g) { add(s, e, .duration(amount, unit)) }
        case (.lex(.word(.indefinite)), .lex(.grain(let g))):
            add(s, e, .duration(1, g))
        case (.lex(.word(.indefinite)), .lex(.fortnight)):
            add(s, e, .duration(14, .day))
        case (.lex(.word(.inside)), .duration(let n, let g))
        where ["in", "en", "em", "daqui", "de"].contains(tokens[a.start].folded):
            // "in 2 weeks"; "for 2 weeks" stays a duration.
            add(s, e, time(shifted(n, g, sign: 1)))
        case (.duration(let n, let g), .lex(.word(.ago))):
            add(s, e, time(shifted(n, g, sign: -1)))
        case (.lex(.word(.agoPrefix)), .duration(let n, let g)):
            add(s, e, time(shifted(n, g, sign: -1)))
        case (.duration(let n, let g), .lex(.word(.hence))):
            if tokens[b.end - 1].folded == "today" {
                // "3 years from today": counted in days.
                add(s, e, time(.moment(WallClock.add(WallClock.floor(now, .day), n, g), .day)))
            } else {
                add(s, e, time(shifted(n, g, sign: 1)))
            }
        case (.duration(let n, let g), .lex(.word(.agoSpan))):
            if let span = periods(n, g, next: false) { add(s, e, time(span)) }
        case (.lex(.word(.within)), .duration(let n, let g)):
            let end = WallClock.floor(WallClock.add(now, n, g), g.finer)
            add(s, e, time(.span(TimeSpan(from: now, to: end, grain: .second))))
        case (.lex(.word(.after)), .duration(let n, let g)):
            add(s, e, time(.after(shifted(n, g, sign: 1))))
        case (.lex(.word(let w)), .number(let n, 1...2))
        where (w == .before || w == .after || w == .by) && (1...31).contains(n)
            && ["del", "el", "o", "the"].contains(tokens[a.end - 1].folded):
            // "antes del 15": the day of the month.
            var p = TimePattern()
            p.day = n
            add(s, e, time(w == .before ? .before(.pattern(p)) : w == .after ? .after(.pattern(p)) : .by(.pattern(p))))
        case (.lex(.word(.between)), .pair(let x, let y)):
            add(s, e, time(.range(x, y)))
        case (.lex(.word(.endOf)), .lex(.grain(let g))), (.lex(.word(.beginningOf)), .lex(.grain(let g))):
            // "fim de semana", "fin de semana" are the weekend, not the end of the week.
            if g == .week && tokens[a.end - 1].folded == "de" { break }
            if let span = part(of: current(g, 0), end: Self.word(a.node) == .endOf) { add(s, e, time(span)) }
        default:
            break
        }
        // Day and month: "15 february", "march 3", "3rd march".
        if let day = Self.dayNumber(a.node), let month = Self.monthOnly(b.node) {
            var p = month
            p.day = day
            add(s, e, time(.pattern(p)))
        }
        if let month = Self.monthOnly(a.node), let day = Self.dayNumber(b.node) {
            var p = month
            p.day = day
            add(s, e, time(.pattern(p)))
        }
        // Two-digit year after a full date: "14th April 15".
        if let date = Self.dayAndMonth(a.node), date.year == nil, case .number(let n, 2) = b.node {
            var p = date
            p.year = 2000 + n
            add(s, e, time(.pattern(p)))
        }
        // Hour and minutes: "at 3 15", "ten thirty", "seis dos".
        if let (p, latent) = Self.hourPattern(a.node), p.minute == nil, let minute = Self.minuteNumber(b.node),
            !(latent && p.hour! > 12 && minute == 0)
        {
            if let out = Self.withMinute(p, minute) { add(s, e, time(.pattern(out), latent: latent)) }
        }
    }

    /// "this", "next", "last" and "upcoming" before (or, in Spanish and Portuguese, after) a time.
    mutating func modified(_ s: Int, _ e: Int, _ word: TimeWord, _ value: TimeValue) {
        guard case .pattern(var p) = value else {
            if word == .this { add(s, e, time(value)) }
            if case .span(let span) = value, span.grain == .hour, span.to - span.from == 54 * 3600 {
                // A weekend.
                add(s, e, time(weekend(word == .next ? 1 : word == .last ? -1 : 0)))
            }
            return
        }
        let isWeekday = p.weekday != nil && p.day == nil && p.month == nil && p.weekOfMonth == nil && p.within == nil
        switch word {
        case .this:
            if p.partOfDay != nil && p.hour == nil && !p.hasDayFields {
                let day = WallClock.floor(now, .day)
                p.within = TimeSpan(from: day, to: day + 86400, grain: .day)
            }
            add(s, e, time(.pattern(p)))
        case .next, .upcoming:
            if isWeekday {
                p.within = TimeSpan(
                    from: WallClock.add(WallClock.floor(now, .week), 1, .week),
                    to: WallClock.add(WallClock.floor(now, .week), 2, .week),
                    grain: .week
                )
                p.notImmediate = false
            } else {
                p.notImmediate = true
            }
            add(s, e, time(.pattern(p)))
        case .last:
            if p.partOfDay != nil && p.hour == nil && !p.hasDayFields {
                let day = WallClock.floor(now, .day) - 86400
                p.within = TimeSpan(from: day, to: day + 86400, grain: .day)
                add(s, e, time(.pattern(p)))
            } else {
                add(s, e, time(.previous(p)))
            }
        default:
            break
        }
    }

    // MARK: Three items

    mutating func ternary(_ a: TimeItem, _ b: TimeItem, _ c: TimeItem) {
        let (s, e) = (a.start, c.end)
        let wb = Self.word(b.node)
        switch (a.node, b.node, c.node) {
        case (.time(let x, let lx), .lex(.word(let w)), .time(let y, let ly)):
            if [.comma, .of, .on, .at, .inside, .article, .forWord].contains(w), Self.combinable(a.node, c.node),
                !(w != .at && w != .comma && Self.hourPattern(c.node)?.1 == true),
                let both = x.intersect(y)
            {
                add(s, e, time(both, latent: lx && ly && (Self.bareNumber(a.node) || Self.bareNumber(c.node))))
            }
            // Spanish "a las 3" is "at 3", not a range's end.
            let at = tokens[b.start].folded == "a" && ["la", "las"].contains(tokens[c.start].folded)
            if (w == .rangeTo || w == .dash) && !at {
                addRange(s, e, a.node, c.node, x, y, latent: lx && ly)
            }
            if w == .and { add(s, e, .pair(x, y)) }
            if w == .after, let pattern = x.pattern, pattern.weekday != nil, case .pattern = y,
                let resolved = y.resolve(now: now)
            {
                // "third tuesday after christmas": the nth such weekday after the day.
                var p = pattern
                let nth = max(pattern.weekOfMonth ?? 1, 1)
                p.weekOfMonth = nil
                p.within = TimeSpan(
                    from: resolved.end + (nth - 1) * 7 * 86400,
                    to: resolved.end + nth * 7 * 86400,
                    grain: .day
                )
                add(s, e, time(.pattern(p)))
            }
        default:
            break
        }
        // "3 fridays from now", "2 thursdays ago": the nth such weekday.
        if case .lex(.weekday(let day)) = b.node, let n = Self.amount(a.node), n > 0, n < 60,
            let w = Self.word(c.node), w == .hence || w == .ago
        {
            let today = WallClock.dayNumber(now)
            let weekday = WallClock.weekday(day: today)
            let ahead = (day - weekday + 7) % 7
            let first =
                w == .hence
                ? today + (ahead == 0 ? 7 : ahead)
                : today - ((weekday - day + 7) % 7 == 0 ? 7 : (weekday - day + 7) % 7)
            let target = first + (w == .hence ? 7 : -7) * (n - 1)
            add(s, e, time(.moment(target * 86400, .day)))
        }
        // "15 minutes from 1pm", "three days after Easter".
        if case .duration(let n, let g) = a.node, let w = Self.word(b.node), w == .after || w == .from,
            case .time(let value, false) = c.node, let start = value.resolve(now: now),
            case .value(let t, let tg) = start
        {
            let grain = min(tg, g)
            add(s, e, time(.moment(WallClock.add(t, n, g), grain)))
        }
        // "ten-thirty".
        if let (p, latent) = Self.hourPattern(a.node), p.minute == nil, wb == .dash, case .number(let m, 0) = c.node,
            m >= 10, m < 60, let out = Self.withMinute(p, m)
        {
            add(s, e, time(.pattern(out), latent: latent))
        }
        // "2 and a half hours", "dos horas y media".
        if case .number(let n, _) = a.node, wb == .andHalf, let g = Self.grain(c.node),
            let (amount, unit) = Self.fraction(Double(n) + 0.5, g)
        {
            add(s, e, .duration(amount, unit))
        }
        if case .duration(let n, let g) = a.node, wb == .and || wb == .plus, c.node == .lex(.word(.half)),
            let (amount, unit) = Self.fraction(Double(n) + 0.5, g)
        {
            add(s, e, .duration(amount, unit))
        }
        // "último mês de 2013": the year's last month or quarter.
        if case .lastUnit(let g) = a.node, wb == .of, case .time(.pattern(let year), _) = c.node, year.year != nil,
            year.month == nil
        {
            add(s, e, time(.pattern(Self.lastUnit(g, of: year))))
        }
        // "2nd last week", "fifth last day".
        if case .ordinal(let n) = a.node, wb == .last, let g = Self.grain(c.node), n <= 5 {
            if g == .week { add(s, e, .nthWeek(-n)) }
            if g == .day {
                var p = TimePattern()
                p.dayFromEnd = n
                add(s, e, time(.pattern(p), latent: true))
            }
        }
        // "the first week of october 2014", "last weekend of July".
        if wb == .of || wb == .inside, case .time(let value, _) = c.node, let period = value.resolve(now: now),
            period.grain >= .month
        {
            let from = period.start
            let to = period.end
            switch a.node {
            case .nthWeek(let n):
                // Weeks (Monday to Sunday) wholly inside the period.
                var mondays: [Int] = []
                var day = WallClock.dayNumber(from)
                day += (8 - WallClock.weekday(day: day)) % 7
                while (day + 7) * 86400 <= to {
                    mondays.append(day)
                    day += 7
                }
                let index = n > 0 ? n - 1 : mondays.count + n
                if mondays.indices.contains(index) { add(s, e, time(.moment(mondays[index] * 86400, .week))) }
            case .lastWeekend:
                var day = WallClock.dayNumber(to) - 1
                while WallClock.weekday(day: day) != 5 { day -= 1 }
                let start = day * 86400 + 18 * 3600
                add(s, e, time(.span(TimeSpan(from: start, to: (day + 3) * 86400, grain: .hour))))
            default:
                break
            }
        }
        // "31/Oct/1974", "31-Oct-74".
        if wb == .slash || wb == .dash, touching(b.start), touching(c.start) {
            if let day = Self.dayNumber(a.node), let month = Self.monthOnly(c.node), month.year == nil {
                var p = month
                p.day = day
                add(s, e, time(.pattern(p)))
            }
            if let date = Self.dayAndMonth(a.node), date.year == nil, case .number(let n, let digits) = c.node,
                digits == 2 || digits == 4
            {
                var p = date
                p.year = digits == 4 ? n : (n < 50 ? 2000 + n : 1900 + n)
                add(s, e, time(.pattern(p)))
            }
        }
        // Dates with spaces: "31 10 1974".
        if case .number(let x, let dx) = a.node, case .number(let y, let dy) = b.node, case .number(let z, 4) = c.node,
            (1...2).contains(dx), (1...2).contains(dy), !touching(b.start), !touching(c.start)
        {
            addDayMonth(s, e, x, y, year: z)
        }
        // Spaced digit dates: "2 / 15", "2 - 15".
        if case .number(let x, let dx) = a.node, case .number(let y, let dy) = c.node, (1...2).contains(dx),
            (1...2).contains(dy),
            wb == .slash || (wb == .dash && (x > 12 || y > 12))
        {
            addDayMonth(s, e, x, y, year: nil)
        }
        // "13 to 15 July" and "July 13 - 15".
        if wb == .rangeTo || wb == .dash {
            if let day = Self.dayNumber(a.node), let date = Self.dayAndMonth(c.node) {
                var first = date
                first.day = day
                add(s, e, time(.range(.pattern(first), .pattern(date))))
            }
            if let date = Self.dayAndMonth(a.node), let day = Self.dayNumber(c.node) {
                var last = date
                last.day = day
                add(s, e, time(.range(.pattern(date), .pattern(last))))
            }
        }
        // "3rd of march", "20 of next month".
        if wb == .of, let day = Self.dayNumber(a.node), case .time(let value, _) = c.node {
            var p = TimePattern()
            p.day = day
            if let month = Self.monthOnly(c.node) {
                var q = month
                q.day = day
                add(s, e, time(.pattern(q)))
            } else if case .moment(_, .month) = value, let both = TimeValue.pattern(p).intersect(value) {
                add(s, e, time(both))
            }
        }
        // Numbers: "twenty-three", "cuarenta y cinco", "vinte e quatro".
        if case .number(let tens, 0) = a.node, case .number(let unit, 0) = c.node, tens >= 20, tens < 100,
            tens % 10 == 0,
            (1...9).contains(unit), wb == .dash || wb == .and || wb == .plus
        {
            add(s, e, .number(tens + unit, digits: 0))
        }
        // Clock readings.
        if let (p, latent) = Self.hourPattern(a.node), p.minute == nil || p.minute == 0 {
            // "dos horas y media" counts hours: a duration first.
            let counted = latent && ["horas", "hs", "hrs"].contains(tokens[a.end - 1].folded)
            switch (wb, c.node) {
            case (.plus?, .lex(.word(.quarter))), (.and?, .lex(.word(.quarter))):
                if let out = Self.withMinute(p, 15) { add(s, e, time(.pattern(out), latent: counted)) }
            case (.plus?, .lex(.word(.half))), (.and?, .lex(.word(.half))):
                if let out = Self.withMinute(p, 30) { add(s, e, time(.pattern(out), latent: counted)) }
            case (.plus?, .number(let m, _)), (.and?, .number(let m, _)):
                if let out = Self.withMinute(p, m) { add(s, e, time(.pattern(out), latent: latent && wb == .and)) }
            case (.minus?, .lex(.word(.quarter))):
                if let out = Self.minutesBefore(p, 15) { add(s, e, time(.pattern(out))) }
            case (.minus?, .number(let m, _)):
                if let out = Self.minutesBefore(p, m) { add(s, e, time(.pattern(out))) }
            case (.oh?, .number(let m, _)) where m <= 9:
                if let out = Self.withMinute(p, m) { add(s, e, time(.pattern(out), latent: latent)) }
            case (nil, .number(let m, 1)) where m <= 9:
                // "6 0 2": hour, then minutes digit by digit.
                if case .number(0, 1) = b.node, let out = Self.withMinute(p, m) {
                    add(s, e, time(.pattern(out), latent: latent))
                }
            default:
                break
            }
        }
        if let (p, _) = Self.hourPattern(c.node), p.minute == nil || p.minute == 0 {
            var minutes: Int?
            switch a.node {
            case .number(let m, _): minutes = m
            case .lex(.word(.quarter)): minutes = 15
            case .lex(.word(.half)): minutes = 30
            case .duration(let m, .minute): minutes = m
            default: break
            }
            let explicit = !Self.isLatent(c.node) || !(a.node.isNumber)
            if let minutes, minutes > 0, minutes < 60, explicit {
                if wb == .past, let out = Self.withMinute(p, minutes) { add(s, e, time(.pattern(out))) }
                if wb == .toHour, let out = Self.minutesBefore(p, minutes) { add(s, e, time(.pattern(out))) }
            }
        }
        // "last 2 weeks", "next 3 days", "upcoming two weeks", "3 próximas semanas", "2 meses anteriores".
        switch (a.node, b.node, c.node) {
        case (.lex(.word(let w)), _, .lex(.grain(let g))) where w == .next || w == .last || w == .upcoming:
            if let n = Self.amount(b.node) {
                if w == .upcoming {
                    add(s, e, time(current(g, n)))
                } else if let span = periods(n, g, next: w == .next) {
                    add(s, e, time(span))
                }
            }
        case (_, .lex(.word(let w)), .lex(.grain(let g))) where w == .next || w == .last || w == .upcoming:
            if let n = Self.amount(a.node) {
                if w == .upcoming {
                    add(s, e, time(current(g, n)))
                } else if let span = periods(n, g, next: w == .next) {
                    add(s, e, time(span))
                }
            }
        case (_, .lex(.grain(let g)), .lex(.word(let w))) where w == .nextAfter || w == .lastAfter:
            if let n = Self.amount(a.node), let span = periods(n, g, next: w == .nextAfter) { add(s, e, time(span)) }
        case (.lex(.word(.from)), .time(let x, _), .duration(let n, let g)),
            (.time(let x, _), .lex(.word(.forWord)), .duration(let n, let g)):
            // "from 4pm for thirty minutes", "18th Dec for 10 days"
            if let start = x.resolve(now: now) {
                let to = WallClock.add(start.start, n, g)
                let grain = min(start.grain, g)
                add(s, e, time(.span(TimeSpan(from: start.start, to: WallClock.add(to, 1, grain), grain: grain))))
            }
        default:
            break
        }
    }

    /// "9:30 - 11:00", "3-4pm", "monday to wednesday": both ends of the same kind.
    mutating func addRange(
        _ s: Int,
        _ e: Int,
        _ an: TimeNode,
        _ cn: TimeNode,
        _ x: TimeValue,
        _ y: TimeValue,
        latent: Bool
    ) {
        if case .zoned(let inner, let offset) = y, case .pattern = x {
            add(s, e, time(.zoned(.range(x, inner), offset), latent: latent))
            return
        }
        switch x {
        case .after, .before, .by: return
        default: break
        }
        guard case .pattern(var p) = x, case .pattern(var q) = y else {
            add(s, e, time(.range(x, y), latent: latent))
            return
        }
        // "the 13th to 15th July", "August 27th - 29th": a bare day takes the other's month.
        if p.day != nil && p.month == nil && q.month != nil && q.day != nil {
            p.month = q.month
            p.year = p.year ?? q.year
        }
        if q.day != nil && q.month == nil && p.month != nil && p.day != nil {
            q.month = p.month
            q.year = q.year ?? p.year
        }
        let pClock = p.hour != nil && !p.hasDayFields && p.month == nil && p.within == nil
        let qClock = q.hour != nil && !q.hasDayFields && q.month == nil && q.within == nil
        if pClock != qClock { return }
        if pClock {
            if let ph = p.hour, let qh = q.hour, !p.ambiguousHour, !q.ambiguousHour, ph > qh { return }
            // "3-4pm": the first hour takes the second's half of the day.
            if p.ambiguousHour, !q.ambiguousHour, let qh = q.hour, qh >= 12, let ph = p.hour, ph + 12 <= qh {
                p.hour = ph % 12 + 12
                p.ambiguousHour = false
            }
        } else if p.year != nil && q.year == nil && q.month != nil {
            q.year = p.year
        }
        add(s, e, time(.range(.pattern(p), .pattern(q)), latent: latent))
    }
}
