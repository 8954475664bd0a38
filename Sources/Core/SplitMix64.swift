import Foundation

/// SplitMix64: a small, fixed pseudo-random generator. The same seed gives the same numbers on
/// every machine and release, so training shuffles, generated benchmark data and fake-server
/// failures can be reproduced.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func nextDouble() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Standard normal (Box–Muller).
    public mutating func gaussian() -> Double {
        let u = max(nextDouble(), 1e-12)
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * nextDouble())
    }

    /// Fisher–Yates with this generator (the standard library's `shuffle` may change its
    /// algorithm between releases).
    public mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for index in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(index, Int(next() % UInt64(index + 1)))
        }
    }
}
