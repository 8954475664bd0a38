import Foundation

/// Holidays that move against the Gregorian calendar: Easter's (computus), the Hebrew
/// calendar's (exact arithmetic) and the Islamic calendar's (the arithmetical calendar, which
/// can differ by a day from sighted months). Hebrew holidays start at sunset, so like Duckling
/// they are reported from the eve.
enum MovableFeast: Hashable, Sendable {
    /// Days after Easter Sunday (Good Friday is -2); `orthodox` counts from the Julian
    /// computus; `days` > 1 makes an interval (Lent).
    case easter(Int, orthodox: Bool = false, days: Int = 1)
    /// Hebrew month (Nisan = 1 ... Adar II = 13; Adar is 12 in common years, 13 in leap ones
    /// for Purim) and day; `days` > 1 makes an interval.
    case hebrew(month: Int, day: Int, days: Int)
    case islamic(month: Int, day: Int, days: Int)
    /// Days after the nth weekday of a month (Black Friday: a day after the 4th Thursday of November).
    case afterWeekday(month: Int, weekday: Int, nth: Int, offset: Int)
    /// The first such weekday on or after a date ("the Monday on or after May 18").
    case weekdayOnOrAfter(month: Int, day: Int, weekday: Int)
    /// US tax day: April 15, moved off the weekend and off Emancipation Day (observed).
    case taxDay
    /// A fixed date moved off the weekend: to Friday/Monday (nearest weekday) or, with
    /// `saturdayOnly`, from Sunday back to Saturday (King's Day).
    case observed(month: Int, day: Int, saturdayOnly: Bool)

    /// Days the feast lasts (an interval when more than one).
    var days: Int {
        switch self {
        case .easter(_, _, let days): days
        case .afterWeekday, .observed, .weekdayOnOrAfter, .taxDay: 1
        case .hebrew(_, _, let days), .islamic(_, _, let days): days
        }
    }

    /// Orthodox Easter Sunday (Julian computus, moved to the Gregorian calendar), as a day number.
    static func orthodoxEaster(_ year: Int) -> Int {
        let a = year % 4, b = year % 7, c = year % 19
        let d = (19 * c + 15) % 30
        let e = (2 * a + 4 * b - d + 34) % 7
        let month = (d + e + 114) / 31
        let day = (d + e + 114) % 31 + 1
        // Julian to Gregorian: 13 days from 1900 to 2099, one less each century before.
        let gap = year / 100 - year / 400 - 2
        return WallClock.days(year, month, day) + gap
    }

    /// First days (since 1970) of the feast falling in a Gregorian year.
    func starts(in year: Int) -> [Int] {
        switch self {
        case .easter(let offset, let orthodox, _):
            return [(orthodox ? Self.orthodoxEaster(year) : TimePattern.easter(year)) + offset]
        case .hebrew(let month, let day, _):
            // A Gregorian year overlaps two Hebrew years.
            return [year + 3760, year + 3761].compactMap { hebrewYear in
                var m = month
                if month == 12 && Hebrew.isLeap(hebrewYear) { m = 13 }
                var first = Hebrew.fixed(hebrewYear, m, day) - Hebrew.unixEpoch
                switch (month, day, WallClock.weekday(day: first)) {
                case (2, 5, 5): first -= 1  // Independence Day moves off Friday,
                case (2, 5, 6): first -= 2  // Saturday
                case (2, 5, 1): first += 1  // and Monday.
                case (5, 9, 6): first += 1  // Tisha B'Av moves off the Sabbath.
                default: break
                }
                let eve = first - 1
                return WallClock.civil(eve).year == year ? eve : nil
            }
        case .afterWeekday(let month, let weekday, let nth, let offset):
            var day = WallClock.days(year, month, 1)
            day += (weekday - WallClock.weekday(day: day) + 7) % 7 + 7 * (nth - 1)
            return [day + offset]
        case .weekdayOnOrAfter(let month, let day, let weekday):
            let date = WallClock.days(year, month, day)
            return [date + (weekday - WallClock.weekday(day: date) + 7) % 7]
        case .taxDay:
            var day = WallClock.days(year, 4, 15)
            while WallClock.weekday(day: day) >= 6 { day += 1 }
            let emancipation = MovableFeast.observed(month: 4, day: 16, saturdayOnly: false).starts(in: year)
            while emancipation.contains(day) || WallClock.weekday(day: day) >= 6 { day += 1 }
            return [day]
        case .observed(let month, let day, let saturdayOnly):
            let date = WallClock.days(year, month, day)
            switch (WallClock.weekday(day: date), saturdayOnly) {
            case (7, true): return [date - 1]
            case (6, false): return [date - 1]
            case (7, false): return [date + 1]
            default: return [date]
            }
        case .islamic(let month, let day, _):
            let approx = Int(Double(year - 622) * 33.0 / 32.0)
            return (approx - 1...approx + 2).map { Islamic.fixed($0, month, day) - Hebrew.unixEpoch }
                .filter { WallClock.civil($0).year == year }
        }
    }
}

/// The Hebrew calendar after Reingold and Dershowitz's Calendrical Calculations (fixed days:
/// day 1 is January 1 of year 1).
enum Hebrew {
    static let epoch = -1_373_427
    /// The fixed day of 1970-01-01.
    static let unixEpoch = 719_163

    static func isLeap(_ year: Int) -> Bool { (7 * year + 1) % 19 < 7 }

    static func elapsedDays(_ year: Int) -> Int {
        let months = (235 * year - 234) / 19
        let parts = 12084 + 13753 * months
        let day = 29 * months + parts / 25920
        return (3 * (day + 1)) % 7 < 3 ? day + 1 : day
    }

    static func newYear(_ year: Int) -> Int {
        let ny0 = elapsedDays(year - 1)
        let ny1 = elapsedDays(year)
        let ny2 = elapsedDays(year + 1)
        let correction = ny2 - ny1 == 356 ? 2 : ny1 - ny0 == 382 ? 1 : 0
        return epoch + ny1 + correction
    }

    static func monthLength(_ year: Int, _ month: Int) -> Int {
        let length = newYear(year + 1) - newYear(year)
        switch month {
        case 2, 4, 6, 10, 13: return 29
        case 12: return isLeap(year) ? 30 : 29
        case 8: return length % 10 == 5 ? 30 : 29
        case 9: return length % 10 == 3 ? 29 : 30
        default: return 30
        }
    }

    static func fixed(_ year: Int, _ month: Int, _ day: Int) -> Int {
        var total = newYear(year) + day - 1
        let last = isLeap(year) ? 13 : 12
        if month < 7 {
            for m in 7...last { total += monthLength(year, m) }
            for m in stride(from: 1, to: month, by: 1) { total += monthLength(year, m) }
        } else {
            for m in stride(from: 7, to: month, by: 1) { total += monthLength(year, m) }
        }
        return total
    }
}

/// The arithmetical Islamic calendar (civil epoch, 16 July 622 Julian), in fixed days.
enum Islamic {
    static let epoch = 227_015

    static func fixed(_ year: Int, _ month: Int, _ day: Int) -> Int {
        epoch - 1 + (year - 1) * 354 + (3 + 11 * year) / 30 + 29 * (month - 1) + (6 * month - 1) / 11 + day
    }
}
