import Foundation

/// Duckling's grains, finest first; a resolved time is exact to its grain.
enum TimeGrain: Int, Comparable, Sendable, Hashable {
    case second, minute, hour, day, week, month, quarter, year

    static func < (lhs: TimeGrain, rhs: TimeGrain) -> Bool { lhs.rawValue < rhs.rawValue }

    var name: String {
        switch self {
        case .second: "second"
        case .minute: "minute"
        case .hour: "hour"
        case .day: "day"
        case .week: "week"
        case .month: "month"
        case .quarter: "quarter"
        case .year: "year"
        }
    }

    /// Seconds in one unit, as Duckling normalizes durations (a month is 30 days).
    var seconds: Int {
        switch self {
        case .second: 1
        case .minute: 60
        case .hour: 3600
        case .day: 86400
        case .week: 604_800
        case .month: 2_592_000
        case .quarter: 7_776_000
        case .year: 31_536_000
        }
    }

    /// The grain a relative time ("in 2 hours") is reported at: one step finer than its unit.
    var finer: TimeGrain {
        switch self {
        case .second, .minute: .second
        case .hour: .minute
        case .day: .hour
        case .week, .month, .quarter: .day
        case .year: .month
        }
    }
}

/// Wall-clock arithmetic on seconds since 1970-01-01T00:00 in local time: resolution runs on
/// plain integers (days from civil dates), and the zone's offset is applied once, when a value
/// is rendered.
enum WallClock {
    static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func days(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func make(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0)
        -> Int
    {
        days(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
    }

    static func dayNumber(_ time: Int) -> Int { floorDiv(time, 86400) }

    /// ISO weekday of a day number: 1 is Monday, 7 is Sunday (1970-01-01 was a Thursday).
    static func weekday(day: Int) -> Int { (day % 7 + 7 + 3) % 7 + 1 }

    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        let next = month == 12 ? days(year + 1, 1, 1) : days(year, month + 1, 1)
        return next - days(year, month, 1)
    }

    static func components(_ time: Int) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let day = dayNumber(time)
        let (y, m, d) = civil(day)
        let rest = time - day * 86400
        return (y, m, d, rest / 3600, rest % 3600 / 60, rest % 60)
    }

    static func floor(_ time: Int, _ grain: TimeGrain) -> Int {
        switch grain {
        case .second: return time
        case .minute: return floorDiv(time, 60) * 60
        case .hour: return floorDiv(time, 3600) * 3600
        case .day: return dayNumber(time) * 86400
        case .week:
            let day = dayNumber(time)
            return (day - weekday(day: day) + 1) * 86400
        case .month, .quarter, .year:
            let (y, m, _) = civil(dayNumber(time))
            let month = grain == .month ? m : grain == .quarter ? (m - 1) / 3 * 3 + 1 : 1
            return make(y, month, 1)
        }
    }

    static func add(_ time: Int, _ count: Int, _ grain: TimeGrain) -> Int {
        switch grain {
        case .second, .minute, .hour, .day, .week: return time + count * grain.seconds
        case .month, .quarter, .year:
            let months = count * (grain == .month ? 1 : grain == .quarter ? 3 : 12)
            let c = components(time)
            let total = c.year * 12 + (c.month - 1) + months
            let year = floorDiv(total, 12)
            let month = total - year * 12 + 1
            let day = min(c.day, daysInMonth(year, month))
            return make(year, month, day, c.hour, c.minute, c.second)
        }
    }

    /// The wall-clock time of an instant in a zone.
    static func local(_ date: Date, in zone: TimeZone) -> Int {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        return seconds + zone.secondsFromGMT(for: date)
    }

    /// The zone's offset at a wall-clock time.
    static func offset(_ time: Int, in zone: TimeZone) -> Int {
        let guess = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(time)))
        return zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(time - guess)))
    }

    /// ISO 8601 with milliseconds and the zone's offset at that instant, as Duckling prints.
    static func iso(_ time: Int, in zone: TimeZone) -> String {
        let c = components(time)
        let offset = offset(time, in: zone)
        var out = ""
        out.reserveCapacity(29)
        if c.year < 0 { out += "-" }
        pad(&out, abs(c.year), 4)
        out += "-"
        pad(&out, c.month, 2)
        out += "-"
        pad(&out, c.day, 2)
        out += "T"
        pad(&out, c.hour, 2)
        out += ":"
        pad(&out, c.minute, 2)
        out += ":"
        pad(&out, c.second, 2)
        out += ".000"
        out += offset < 0 ? "-" : "+"
        pad(&out, abs(offset) / 3600, 2)
        out += ":"
        pad(&out, abs(offset) % 3600 / 60, 2)
        return out
    }

    private static func pad(_ out: inout String, _ value: Int, _ width: Int) {
        let digits = String(value)
        if digits.count < width { out += String(repeating: "0", count: width - digits.count) }
        out += digits
    }
}
