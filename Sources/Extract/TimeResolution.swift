import Core
import Foundation

/// A stretch of wall-clock time `[from, to)` reported at `grain`.
struct TimeSpan: Hashable, Sendable {
    var from: Int
    var to: Int
    var grain: TimeGrain
}

/// Hours of a part of the day (`to` may be 24).
struct PartOfDay: Hashable, Sendable {
    var from: Int
    var to: Int
}

/// A calendar pattern ("Monday", "March 3", "3pm", "the 15th in the morning"): fields that
/// must hold, resolved to their first occurrence from now on (Duckling's future bias) or, with
/// `within`, their first occurrence inside that span.
struct TimePattern: Hashable, Sendable {
    var year: Int?
    var month: Int?
    var day: Int?
    var weekday: Int?
    /// With `weekday`: the nth such weekday of the month (1...5), or -1 for the last.
    var weekOfMonth: Int?
    /// The day of the month counted from its end (1 is the last day).
    var dayFromEnd: Int?
    /// A quarter of the year (1...4).
    var quarter: Int?
    /// A feast that moves against the Gregorian calendar (Easter, Hebrew and Islamic holidays).
    var feast: MovableFeast?
    var hour: Int?
    var minute: Int?
    var second: Int?
    /// A 12-hour reading: "3" is 3:00 or 15:00, whichever comes first.
    var ambiguousHour = false
    /// With ``ambiguousHour``: 1 to 6 o'clock try the afternoon first (business hours).
    var afternoonFirst = false
    var partOfDay: PartOfDay?
    /// A bare weekday skips today ("tuesday" said on a Tuesday is next week's).
    var notImmediate = false
    var within: TimeSpan?

    var hasDayFields: Bool { day != nil || weekday != nil || dayFromEnd != nil || feast != nil }
    var hasTimeOfDay: Bool { hour != nil }

    var grain: TimeGrain {
        if second != nil { return .second }
        if minute != nil { return .minute }
        if hour != nil || partOfDay != nil { return .hour }
        if hasDayFields { return .day }
        if month != nil { return .month }
        if quarter != nil { return .quarter }
        if year != nil { return .year }
        return within?.grain ?? .day
    }

    /// The two fields merged, or nil when they contradict each other.
    func merged(with other: TimePattern) -> TimePattern? {
        var out = self
        // Each calendar field: taken from whichever side has it; two different values clash
        // (`nil`). Plain fields, not key paths: the chart parser merges on its hot path.
        func merge(_ a: Int?, _ b: Int?) -> Int?? {
            if let a, let b, a != b { return nil }
            return .some(a ?? b)
        }
        guard let year = merge(year, other.year), let month = merge(month, other.month),
            let day = merge(day, other.day), let weekday = merge(weekday, other.weekday),
            let weekOfMonth = merge(weekOfMonth, other.weekOfMonth),
            let dayFromEnd = merge(dayFromEnd, other.dayFromEnd), let quarter = merge(quarter, other.quarter)
        else { return nil }
        (out.year, out.month, out.day, out.weekday) = (year, month, day, weekday)
        (out.weekOfMonth, out.dayFromEnd, out.quarter) = (weekOfMonth, dayFromEnd, quarter)
        if feast != nil && other.feast != nil && feast != other.feast { return nil }
        if let month = out.month, let quarter = out.quarter, (month - 1) / 3 + 1 != quarter { return nil }
        out.feast = feast ?? other.feast
        if hour != nil && other.hour != nil { return nil }
        if hour == nil {
            out.hour = other.hour
            out.minute = other.minute
            out.second = other.second
            out.ambiguousHour = other.ambiguousHour
            out.afternoonFirst = other.afternoonFirst
        }
        out.notImmediate = notImmediate && other.notImmediate
        if partOfDay == nil { out.partOfDay = other.partOfDay }
        if let span = other.within {
            guard let narrowed = out.within.map({ TimeSpan.intersect($0, span) }) ?? span else { return nil }
            out.within = narrowed
        }
        out.applyPartOfDay()
        return out
    }

    /// A part of the day picks the 12-hour reading of an hour ("8 in the evening" is 20:00)
    /// and is then dropped: the hour is finer.
    mutating func applyPartOfDay() {
        guard let pod = partOfDay, let hour else { return }
        if ambiguousHour {
            let base = hour % 12
            self.hour = pod.from >= 12 ? base + 12 : base
            ambiguousHour = false
        }
        partOfDay = nil
    }
}

extension TimeSpan {
    static func intersect(_ a: TimeSpan, _ b: TimeSpan) -> TimeSpan? {
        let from = max(a.from, b.from)
        let to = min(a.to, b.to)
        return from < to ? TimeSpan(from: from, to: to, grain: min(a.grain, b.grain)) : nil
    }
}

/// A parsed time before resolution against the reference time.
indirect enum TimeValue: Hashable, Sendable {
    case pattern(TimePattern)
    /// The latest occurrence before now ("last Tuesday").
    case previous(TimePattern)
    /// One unit of `grain` starting at a wall-clock time.
    case moment(Int, TimeGrain)
    case span(TimeSpan)
    /// From the first value's start to the end of the second.
    case range(TimeValue, TimeValue)
    case after(TimeValue)
    case before(TimeValue)
    /// From now to the value ("by Friday").
    case by(TimeValue)
    /// Said in another zone: its offset from UTC in seconds.
    case zoned(TimeValue, Int)
}

/// A time as Duckling reports it.
enum ResolvedTime: Hashable, Sendable {
    case value(Int, TimeGrain)
    case interval(Int, Int, TimeGrain)
    case openAfter(Int, TimeGrain)
    case openBefore(Int, TimeGrain)

    var start: Int {
        switch self {
        case .value(let t, _), .interval(let t, _, _), .openAfter(let t, _), .openBefore(let t, _): t
        }
    }

    /// Where the time ends (exclusive): a value lasts one unit of its grain.
    var end: Int {
        switch self {
        case .value(let t, let g), .openAfter(let t, let g), .openBefore(let t, let g): WallClock.add(t, 1, g)
        case .interval(_, let to, _): to
        }
    }

    var grain: TimeGrain {
        switch self {
        case .value(_, let g), .interval(_, _, let g), .openAfter(_, let g), .openBefore(_, let g): g
        }
    }

    func json(in zone: TimeZone) -> JSONValue {
        func point(_ t: Int, _ g: TimeGrain) -> JSONValue {
            ["value": .string(WallClock.iso(t, in: zone)), "grain": .string(g.name)]
        }
        switch self {
        case .value(let t, let g):
            return ["type": "value", "value": .string(WallClock.iso(t, in: zone)), "grain": .string(g.name)]
        case .interval(let from, let to, let g):
            return ["type": "interval", "from": point(from, g), "to": point(to, g)]
        case .openAfter(let t, let g):
            return ["type": "interval", "from": point(t, g)]
        case .openBefore(let t, let g):
            return ["type": "interval", "to": point(t, g)]
        }
    }
}

extension TimeValue {
    /// Resolves against `now` (wall-clock seconds in the context's zone, whose offset from UTC
    /// is `ourOffset` seconds).
    func resolve(now: Int, ourOffset: Int = 0) -> ResolvedTime? {
        switch self {
        case .pattern(let pattern): return pattern.resolve(now: now)
        case .previous(let pattern): return pattern.resolveBackward(now: now)
        case .moment(let t, let g): return .value(t, g)
        case .span(let span): return .interval(span.from, span.to, span.grain)
        case .range(let a, let b):
            guard let from = a.resolve(now: now, ourOffset: ourOffset) else { return nil }
            guard let to = b.resolve(now: from.start, ourOffset: ourOffset) else { return nil }
            let end: Int
            if case .value(let t, let g) = to { end = WallClock.add(t, 1, min(g, from.grain)) } else { end = to.end }
            guard end > from.start else { return nil }
            return .interval(from.start, end, from.grain)
        case .after(let value):
            guard let resolved = value.resolve(now: now, ourOffset: ourOffset) else { return nil }
            return .openAfter(resolved.start, resolved.grain)
        case .before(let value):
            guard let resolved = value.resolve(now: now, ourOffset: ourOffset) else { return nil }
            return .openBefore(resolved.start, resolved.grain)
        case .zoned(let value, let offset):
            // Resolve on the zone's wall clock, then move to ours (our offset as of now).
            let shift = offset - ourOffset
            guard let resolved = value.resolve(now: now + shift, ourOffset: ourOffset) else { return nil }
            func move(_ t: Int) -> Int { t - shift }
            func fine(_ g: TimeGrain) -> TimeGrain { min(g, .minute) }
            switch resolved {
            case .value(let t, let g): return .value(move(t), fine(g))
            case .interval(let a, let b, let g): return .interval(move(a), move(b), fine(g))
            case .openAfter(let t, let g): return .openAfter(move(t), fine(g))
            case .openBefore(let t, let g): return .openBefore(move(t), fine(g))
            }
        case .by(let value):
            guard let resolved = value.resolve(now: now, ourOffset: ourOffset) else { return nil }
            let to: Int
            if case .interval = resolved { to = resolved.end } else { to = resolved.start }
            return to > now ? .interval(now, to, .second) : nil
        }
    }

    /// Both constraints at once ("Monday" and "morning", "tomorrow" and "3pm").
    func intersect(_ other: TimeValue) -> TimeValue? {
        switch (self, other) {
        case (.pattern(let a), .pattern(let b)):
            return a.merged(with: b).map { .pattern($0) }
        case (.pattern(var p), .moment(let t, let g)), (.moment(let t, let g), .pattern(var p)):
            guard g >= p.grain else { return nil }
            var span = TimeSpan(from: t, to: WallClock.add(t, 1, g), grain: g)
            if p.month != nil || p.feast != nil, p.year == nil, g <= .month, p.hour == nil {
                // "thanksgiving in a year": the holiday in that year.
                let year = WallClock.floor(t, .year)
                span = TimeSpan(from: year, to: WallClock.add(year, 1, .year), grain: .year)
            } else if g <= .hour && p.hour != nil && !p.hasDayFields {
                // "in 7 days at 5pm": the clock time on that day.
                let day = WallClock.floor(t, .day)
                span = TimeSpan(from: day, to: day + 86400, grain: .day)
            }
            guard let narrowed = p.within.map({ TimeSpan.intersect($0, span) }) ?? span else { return nil }
            p.within = narrowed
            p.notImmediate = false
            return .pattern(p)
        case (.pattern(var p), .span(let span)), (.span(let span), .pattern(var p)):
            guard let narrowed = p.within.map({ TimeSpan.intersect($0, span) }) ?? span else { return nil }
            p.within = narrowed
            p.notImmediate = false
            return .pattern(p)
        case (.range(let a, let b), .pattern), (.range(let a, let b), .moment):
            guard let from = a.intersect(other), let to = b.intersect(other) else { return nil }
            return .range(from, to)
        case (.pattern, .range), (.moment, .range):
            return other.intersect(self)
        case (.after(let x), .moment(let t, .day)), (.moment(let t, .day), .after(let x)):
            // "tomorrow after 3pm"
            return x.intersect(.moment(t, .day)).map { .after($0) }
        case (.before(let x), .moment(let t, .day)), (.moment(let t, .day), .before(let x)):
            return x.intersect(.moment(t, .day)).map { .before($0) }
        case (.zoned(let x, let offset), _):
            return x.intersect(other).map { .zoned($0, offset) }
        default:
            return nil
        }
    }

    var pattern: TimePattern? {
        if case .pattern(let p) = self { return p }
        return nil
    }
}

extension TimePattern {
    /// Whether a day (number since 1970) has the date fields.
    func matches(day: Int) -> Bool {
        let date = WallClock.civil(day)
        if let month, date.month != month { return false }
        if let year, date.year != year { return false }
        if let d = self.day, date.day != d { return false }
        if let quarter, (date.month - 1) / 3 + 1 != quarter { return false }
        if let weekday, WallClock.weekday(day: day) != weekday { return false }
        if let nth = weekOfMonth {
            if nth > 0 && (date.day - 1) / 7 + 1 != nth { return false }
            if nth < 0 && date.day + 7 <= WallClock.daysInMonth(date.year, date.month) { return false }
        }
        if let fromEnd = dayFromEnd, WallClock.daysInMonth(date.year, date.month) - date.day + 1 != fromEnd {
            return false
        }
        return true
    }

    /// Easter Sunday of a year (anonymous Gregorian algorithm), as a day number.
    static func easter(_ year: Int) -> Int {
        let a = year % 19, b = year / 100, c = year % 100
        let d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return WallClock.days(year, month, day)
    }

    /// The feast made concrete for the year it resolves in (its first day, and its last when it
    /// lasts several days).
    private func concreteFeast(now: Int, backward: Bool) -> (TimePattern, Int)? {
        guard let feast else { return nil }
        let today = WallClock.dayNumber(now)
        var years: [Int]
        if let within {
            let first = WallClock.civil(WallClock.dayNumber(within.from)).year
            years = [first, first + 1]
        } else if let year {
            years = [year]
        } else {
            let current = WallClock.civil(today).year
            years = backward ? [current, current - 1] : [current, current + 1]
        }
        for year in years {
            for day in feast.starts(in: year) {
                if within == nil && self.year == nil && (backward ? day >= today : day + feast.days <= today) {
                    continue
                }
                if let within, day * 86400 < WallClock.floor(within.from, .day) || day * 86400 >= within.to { continue }
                var p = self
                p.feast = nil
                let date = WallClock.civil(day)
                p.year = date.year
                p.month = date.month
                p.day = date.day
                p.within = nil
                return (p, day + feast.days)
            }
        }
        return nil
    }

    /// The first occurrence: inside `within` when set, in the given year when set, otherwise
    /// from now on (an hour counts from the start of the current hour, as Duckling does).
    func resolve(now: Int) -> ResolvedTime? {
        if feast != nil { return resolveFeast(now: now, backward: false) }
        let today = WallClock.dayNumber(now)
        if !hasDayFields && hour == nil && partOfDay == nil {
            return resolveCoarse(now: now)
        }
        var first: Int
        var last: Int
        var future = false
        if let within {
            first = WallClock.dayNumber(within.from)
            last = WallClock.dayNumber(within.to - 1)
        } else if let year {
            first = WallClock.days(year, month ?? 1, 1)
            last =
                month.map { WallClock.days(year, $0, WallClock.daysInMonth(year, $0)) } ?? WallClock.days(year, 12, 31)
        } else {
            first = today
            last = today + 366 * 8
            future = true
        }
        if last - first > 366 * 8 { last = first + 366 * 8 }
        let hourFloor = WallClock.floor(now, .hour)
        var day = first
        while day <= last {
            defer { day += 1 }
            if future && notImmediate && day == today && !hasTimeOfDay { continue }
            if let month, WallClock.civil(day).month != month {
                let date = WallClock.civil(day)
                day =
                    (date.month == 12
                        ? WallClock.days(date.year + 1, 1, 1) : WallClock.days(date.year, date.month + 1, 1)) - 1
                continue
            }
            guard matches(day: day) else { continue }
            let start = day * 86400
            guard let hour else {
                if let pod = partOfDay {
                    var from = start + pod.from * 3600
                    var to = start + pod.to * 3600
                    if let within {
                        from = max(from, within.from)
                        to = min(to, within.to)
                        if from >= to { continue }
                    }
                    if future && to <= now { continue }
                    return .interval(from, to, .hour)
                }
                return .value(start, .day)
            }
            let base = hour % 24
            var hours = ambiguousHour && hour <= 12 ? [base % 12, base % 12 + 12] : [base]
            if afternoonFirst, hours.count == 2, (1...6).contains(hours[0]) { hours.reverse() }
            for h in hours {
                let t = start + h * 3600 + (minute ?? 0) * 60 + (second ?? 0)
                if let within, t < within.from || t >= within.to { continue }
                if future && t < hourFloor { continue }
                return .value(t, grain)
            }
        }
        return nil
    }

    private func resolveFeast(now: Int, backward: Bool) -> ResolvedTime? {
        guard let (p, end) = concreteFeast(now: now, backward: backward), let resolved = p.resolve(now: now) else {
            return nil
        }
        if case .value(let t, .day) = resolved, end - WallClock.dayNumber(t) > 1 {
            return .interval(t, end * 86400, .day)
        }
        return resolved
    }

    /// The latest occurrence before the current day (or month): "last Tuesday", "last March".
    func resolveBackward(now: Int) -> ResolvedTime? {
        if feast != nil { return resolveFeast(now: now, backward: true) }
        let today = WallClock.dayNumber(now)
        if !hasDayFields && hour == nil && partOfDay == nil {
            guard let month, year == nil else { return nil }
            let current = WallClock.components(now)
            let year = month < current.month ? current.year : current.year - 1
            return .value(WallClock.make(year, month, 1), .month)
        }
        guard hour == nil, partOfDay == nil else { return nil }
        var day = today - 1
        while day > today - 366 * 8 {
            if matches(day: day) { return .value(day * 86400, .day) }
            day -= 1
        }
        return nil
    }

    /// Month, quarter and year patterns ("March", "October 2014", "Q3", "2014").
    private func resolveCoarse(now: Int) -> ResolvedTime? {
        let reference = WallClock.components(within?.from ?? now)
        if let month {
            if let year { return .value(WallClock.make(year, month, 1), .month) }
            var year = reference.year
            if month < reference.month || (notImmediate && month == reference.month && within == nil) { year += 1 }
            let t = WallClock.make(year, month, 1)
            if let within, t < WallClock.floor(within.from, .month) || t >= within.to { return nil }
            return .value(t, .month)
        }
        if let quarter { return .value(WallClock.make(year ?? reference.year, quarter * 3 - 2, 1), .quarter) }
        if let year { return .value(WallClock.make(year, 1, 1), .year) }
        if let within { return .value(within.from, within.grain) }
        return nil
    }
}
