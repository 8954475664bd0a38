import Foundation

/// Numerically stable softmax and argmax over a few scores.
public enum Softmax {
    public static func probabilities(_ scores: [Float]) -> [Float] {
        guard let top = scores.max() else { return [] }
        var result = scores.map { expf($0 - top) }
        let sum = result.reduce(0, +)
        for index in result.indices { result[index] /= sum }
        return result
    }

    /// The first index of the largest value.
    public static func argmax(_ values: [Float]) -> Int {
        var best = 0
        for index in values.indices where values[index] > values[best] { best = index }
        return best
    }
}
