import Foundation

/// How a classifier did on labelled data: accuracy, per-class precision, recall and F1, the
/// confusion matrix and the pairs it confuses most.
public struct ClassificationReport: Sendable {
    /// Gold labels first (in the order given), then any label only ever predicted (`unknown`).
    public let labels: [String]
    /// `confusion[gold][predicted]`.
    public let confusion: [[Int]]

    public init(labels: [String], gold: [String], predicted: [String]) {
        var all = labels
        for label in predicted where !all.contains(label) { all.append(label) }
        let index = Dictionary(uniqueKeysWithValues: all.enumerated().map { ($1, $0) })
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: all.count), count: all.count)
        for (g, p) in zip(gold, predicted) {
            guard let gi = index[g], let pi = index[p] else { continue }
            confusion[gi][pi] += 1
        }
        self.labels = all
        self.confusion = confusion
    }

    public var total: Int { confusion.reduce(0) { $0 + $1.reduce(0, +) } }

    public var accuracy: Double {
        let correct = labels.indices.reduce(0) { $0 + confusion[$1][$1] }
        return total == 0 ? 0 : Double(correct) / Double(total)
    }

    public struct ClassScores: Sendable {
        public var label: String
        public var precision: Double
        public var recall: Double
        public var f1: Double
        public var support: Int
    }

    /// Scores of each class that has gold examples.
    public var classes: [ClassScores] {
        labels.indices.compactMap { c in
            let support = confusion[c].reduce(0, +)
            guard support > 0 else { return nil }
            let predicted = labels.indices.reduce(0) { $0 + confusion[$1][c] }
            let correct = confusion[c][c]
            let precision = predicted == 0 ? 0 : Double(correct) / Double(predicted)
            let recall = Double(correct) / Double(support)
            let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            return ClassScores(label: labels[c], precision: precision, recall: recall, f1: f1, support: support)
        }
    }

    /// Mean recall over the classes with gold examples (TweetEval's official metric).
    public var macroRecall: Double { mean(classes.map(\.recall)) }
    public var macroF1: Double { mean(classes.map(\.f1)) }

    /// The largest off-diagonal cells: (gold, predicted, count).
    public func mostConfused(_ count: Int) -> [(gold: String, predicted: String, count: Int)] {
        var cells: [(String, String, Int)] = []
        for g in labels.indices {
            for p in labels.indices where g != p && confusion[g][p] > 0 {
                cells.append((labels[g], labels[p], confusion[g][p]))
            }
        }
        return cells.sorted { $0.2 != $1.2 ? $0.2 > $1.2 : ($0.0, $0.1) < ($1.0, $1.1) }.prefix(count).map {
            (gold: $0.0, predicted: $0.1, count: $0.2)
        }
    }

    /// Per-class table, confusion matrix (when `matrix` and at most 20 labels) and the most
    /// confused pairs, as text.
    public func rendered(matrix: Bool = true) -> String {
        var lines: [String] = []
        let width = max(9, (labels.map(\.count).max() ?? 0) + 1)
        func pad(_ text: String, _ size: Int) -> String {
            text.count >= size ? text : String(repeating: " ", count: size - text.count) + text
        }
        lines.append(
            pad("class", width) + pad("precision", 11) + pad("recall", 9) + pad("f1", 9) + pad("support", 9)
        )
        for scores in classes {
            lines.append(
                pad(scores.label, width) + pad(String(format: "%.3f", scores.precision), 11)
                    + pad(String(format: "%.3f", scores.recall), 9) + pad(String(format: "%.3f", scores.f1), 9)
                    + pad("\(scores.support)", 9)
            )
        }
        lines.append(
            String(
                format: "accuracy %.2f%%  macro recall %.2f%%  macro F1 %.2f%%  (%d examples)",
                accuracy * 100,
                macroRecall * 100,
                macroF1 * 100,
                total
            )
        )
        if matrix, labels.count <= 20 {
            lines.append("confusion (rows gold, columns predicted):")
            let cell = max(6, labels.map { min($0.count, 8) }.max() ?? 6) + 1
            lines.append(pad("", width) + labels.map { pad(String($0.prefix(8)), cell) }.joined())
            for g in labels.indices where confusion[g].reduce(0, +) > 0 {
                lines.append(pad(labels[g], width) + confusion[g].map { pad("\($0)", cell) }.joined())
            }
        }
        let confused = mostConfused(5)
        if !confused.isEmpty {
            lines.append(
                "most confused: " + confused.map { "\($0.gold)→\($0.predicted) \($0.count)" }.joined(separator: ", ")
            )
        }
        return lines.joined(separator: "\n")
    }

    private func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }
}
