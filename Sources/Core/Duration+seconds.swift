/// Durations as the numbers SQL intervals, timers and rates take.
extension Duration {
    /// Whole and fractional seconds.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }

    /// Whole milliseconds (the fraction dropped).
    public var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }

    /// Whole nanoseconds (the fraction dropped).
    public var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
