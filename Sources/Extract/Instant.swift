import Foundation

/// ISO 8601 instants as Duckling writes them (`2026-03-11T10:00:00.000-03:00`) and as the API
/// and commands take them: one reader for the time values, BANT, the routes and evaluations.
public enum Instant {
    /// The instant, with or without milliseconds; `nil` when it is not ISO 8601.
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }

    /// The offset it is written in (`-03:00`), in seconds east of UTC; 0 for `Z`; `nil` for none.
    public static func offsetSeconds(_ text: String) -> Int? {
        let tail = text.suffix(6)
        guard let sign = tail.first, sign == "+" || sign == "-" else { return text.hasSuffix("Z") ? 0 : nil }
        let parts = tail.dropFirst().split(separator: ":")
        guard parts.count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]) else { return nil }
        return (sign == "-" ? -1 : 1) * (hours * 3_600 + minutes * 60)
    }
}
