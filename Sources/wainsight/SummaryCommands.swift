import ArgumentParser
import Assist
import Core
import Detect
import Foundation
import ModelTraining

/// `wainsight eval summary`: the local summarizer beside LEAD-3 on DialogSum's dev split, scored
/// with ROUGE by the rouge-score package (scripts/lib/rouge_eval.py, in .venv from scripts/setup).
enum SummaryEvalCommand {
    static func run(file: URL) throws {
        let dialogues = try SummaryEvaluation.load(file)
        let rows = SummaryEvaluation.summaries(dialogues, summarizer: ExtractiveSummarizer())
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("summaries-\(UUID()).jsonl")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try Data(rows.map { String(decoding: $0.canonicalData(), as: UTF8.self) }.joined(separator: "\n").utf8)
            .write(to: scratch)
        let data = try ProjectPython.run("scripts/lib/rouge_eval.py", [scratch.path])
        guard let scores = try? JSONValue.parse(data) else {
            throw ValidationError("scripts/lib/rouge_eval.py printed no JSON")
        }
        print(
            "summary evaluation on DialogSum dev (\(dialogues.count) dialogues), ROUGE F1 (rouge-score, Porter stemming)"
        )
        print("system                 ROUGE-1   ROUGE-2   ROUGE-L")
        for (name, label) in [("wainsight", "wainsight (local)"), ("lead3", "LEAD-3, speaker tags")] {
            let row = scores[name]
            func cell(_ key: String) -> String { String(format: "%7.2f", row?[key]?.doubleValue ?? .nan) }
            print(
                label.padding(toLength: 22, withPad: " ", startingAt: 0) + " " + cell("rouge1") + "   " + cell("rouge2")
                    + "   " + cell("rougeL")
            )
        }
        print("target: ROUGE-1 ≥ 30")
    }

    /// data/assist: next actions, snippet retrieval (MiniLM when its files are here, else words)
    /// and drafts, train and test.
    static func runAssist(data: URL, models: URL, mistakes: Bool) throws {
        let organizations = try AssistEvaluation.loadOrganizations(data.appendingPathComponent("organizations.json"))
        let detector = try? Detector(directory: models)
        let miniLM = try? EvalCommand.miniLM()
        var embed: AssistEvaluation.Embed?
        if let miniLM { embed = { @Sendable texts in miniLM.embed(texts) } }
        var sets: [(name: String, outcomes: [AssistEvaluation.Outcome])] = []
        for split in ["train", "test"] {
            let threads = try AssistEvaluation.loadThreads(data.appendingPathComponent("\(split).jsonl"))
            sets.append(
                (
                    split,
                    try AssistEvaluation.run(threads, organizations: organizations, detector: detector, embed: embed)
                )
            )
        }
        print("assist evaluation on data/assist (detect models: \(detector == nil ? "missing" : "local"))")
        print(AssistEvaluation.report(sets, retrieval: miniLM == nil ? "words" : "MiniLM", mistakes: mistakes))
    }
}
