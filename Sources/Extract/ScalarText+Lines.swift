import Foundation

extension ScalarText {
    /// The text's lines as token index ranges, empty lines left out: signatures and lists are
    /// read line by line.
    func lineRanges() -> [Range<Int>] {
        var lines: [Range<Int>] = []
        var start = 0
        for index in tokens.indices where index > 0 && startsLine(index) {
            lines.append(start..<index)
            start = index
        }
        if start < tokens.count { lines.append(start..<tokens.count) }
        return lines
    }

    /// Whether a line break separates token `index` from the one before it.
    func startsLine(_ index: Int) -> Bool {
        guard index > 0 else { return true }
        guard tokens[index].spaceBefore else { return false }
        return original[tokens[index - 1].end..<tokens[index].start].contains { $0 == "\n" || $0 == "\r" }
    }

    /// Whether the token's first letter is a capital in the original text.
    func isCapitalized(_ index: Int) -> Bool {
        original[tokens[index].start].properties.isUppercase
    }

    /// Whether a sentence starts at token `index`: the text's first token, after a line break, or
    /// after `.`, `!`, `?`.
    func startsSentence(_ index: Int) -> Bool {
        guard index > 0 else { return true }
        return startsLine(index) || ".!?¡¿:".contains(tokens[index - 1].folded)
    }
}
