import Assist
import Core
import Foundation

/// The local summarizer on DialogSum's dev split (../shared/nlp/summary): each dialogue's
/// summary beside LEAD-3 (its first three turns with their speaker tags), scored against the
/// reference with ROUGE by the `rouge-score` package (scripts/lib/rouge_eval.py), so the
/// figures are the ones the field reports.
public enum SummaryEvaluation {
    public struct Dialogue: Sendable {
        public var id: String
        public var turns: [SummaryTurn]
        public var reference: String
    }

    /// Reads `dialogsum.dev.jsonl`: `#Person1#: ...` lines; a line without a tag continues the turn.
    public static func load(_ file: URL) throws -> [Dialogue] {
        try String(contentsOf: file, encoding: .utf8).split(separator: "\n").compactMap { line in
            let row = try JSONValue.parse(Data(line.utf8))
            guard let dialogue = row["dialogue"]?.stringValue, let reference = row["summary"]?.stringValue else {
                return nil
            }
            var turns: [SummaryTurn] = []
            for raw in dialogue.split(separator: "\n") {
                if raw.hasPrefix("#Person"), let colon = raw.firstIndex(of: ":"), raw[..<colon].hasSuffix("#") {
                    let speaker = String(raw[..<colon])
                    turns.append(
                        SummaryTurn(
                            speaker: speaker,
                            listener: speaker == "#Person1#" ? "#Person2#" : "#Person1#",
                            text: raw[raw.index(after: colon)...].trimmingCharacters(in: .whitespaces),
                            language: "en"
                        )
                    )
                } else if !turns.isEmpty {
                    turns[turns.count - 1].text += " " + raw
                }
            }
            return Dialogue(id: row["fname"]?.stringValue ?? "", turns: turns, reference: reference)
        }
    }

    /// The summaries of every system, one JSON object per dialogue, as rouge_eval.py reads them.
    public static func summaries(_ dialogues: [Dialogue], summarizer: ExtractiveSummarizer) -> [JSONValue] {
        dialogues.map { dialogue in
            let lead3 = dialogue.turns.prefix(3).map { "\($0.speaker): \($0.text)" }.joined(separator: " ")
            return [
                "id": .string(dialogue.id), "reference": .string(dialogue.reference),
                "systems": ["wainsight": .string(summarizer.summary(dialogue.turns)), "lead3": .string(lead3)],
            ]
        }
    }
}
