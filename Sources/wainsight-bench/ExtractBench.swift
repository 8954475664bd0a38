import ArgumentParser
import Core
import Extract
import Foundation
import ModelTraining

/// Messages per second on one core for every extractor together (times, money, quantities,
/// percentages, contact data, companies, roles, a catalog) and the BANT cues, and for each
/// family alone, over the given texts; writes the texts for the Python baseline's run.
struct ExtractSpeed: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract-speed",
        abstract: "Entity extraction throughput on one core (scripts/bench-extract)."
    )
    @Option(
        help: "Text files: Duckling's .tsv corpora (their text column), .jsonl rows (their text, or every message's)."
    )
    var input: [String]
    @Option(help: "data/bant/catalog.json: its products and competitors form the catalog matched.")
    var catalog: String?
    @Option(help: "Write the texts here, one a line, for the baseline.") var writeTexts: String?
    @Option(help: "Passes over the texts (the best is reported).") var passes = 5

    func run() throws {
        // Each text with its language (the Python baseline is told it; wainsight tries every one).
        var inputs: [(language: String, text: String)] = []
        for path in input {
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
            if path.hasSuffix(".tsv") {
                inputs += lines.dropFirst().compactMap { line in
                    let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
                    return fields.count > 1 ? (String(fields[0]), String(fields[1])) : nil
                }
            } else {
                for line in lines {
                    guard let row = try? JSONValue.parse(Data(line.utf8)) else { continue }
                    let language = row["lang"]?.stringValue ?? row["language"]?.stringValue ?? "en"
                    if let text = row["text"]?.stringValue { inputs.append((language, text)) }
                    for message in row["messages"]?.arrayValue ?? [] {
                        if let text = message["text"]?.stringValue { inputs.append((language, text)) }
                    }
                }
            }
        }
        inputs = inputs.map { ($0.language, $0.text.replacingOccurrences(of: "\n", with: " ")) }.filter {
            !$0.text.isEmpty
        }
        if let writeTexts {
            let lines = inputs.map { "\($0.language.split(separator: "_")[0])\t\($0.text)" }
            try (lines.joined(separator: "\n") + "\n").write(toFile: writeTexts, atomically: true, encoding: .utf8)
        }
        let texts = inputs.map(\.text)
        // Every organization's catalog of data/bant as one.
        let items =
            try catalog.map {
                try BANTEvaluation.loadCatalogs(URL(fileURLWithPath: $0)).values.flatMap(\.items)
            } ?? []
        let context = ExtractionContext(
            referenceTime: Date(timeIntervalSince1970: 1_773_151_200),
            timeZone: TimeZone(identifier: "America/Sao_Paulo")!,
            catalog: Catalog(items: items)
        )
        let characters = texts.reduce(0) { $0 + $1.count }
        say(
            "\(texts.count) texts, \(characters / max(1, texts.count)) characters on average, "
                + "\(items.count) catalog names, one thread"
        )
        func best(_ label: String, _ body: () -> Int) {
            bestOf(passes, label: label, width: 40, count: texts.count, unit: "found", body)
        }
        let scalars = texts.map(ScalarText.init)
        best("tokens (ScalarText)") { texts.reduce(0) { $0 + ScalarText($1).tokens.count } }
        let extractor = Extractor()
        for finder in extractor.finders {
            best("  \(type(of: finder)) (every language)") {
                scalars.reduce(0) { $0 + finder.find(in: $1, context: context).count }
            }
        }
        let cues = BANTCueFinder()
        best("  BANT cues") { scalars.reduce(0) { $0 + cues.cues(in: $1).count } }
        best("all: tokens + every extractor + cues") {
            texts.reduce(0) { total, text in
                let scalars = ScalarText(text)
                return total + extractor.extract(scalars, context: context).count + cues.cues(in: scalars).count
            }
        }
        // As in the pipeline, where detect ran first, and as the baseline is told each text's language.
        let contexts = inputs.map { input in
            var known = context
            known.language = String(input.language.split(separator: "_")[0])
            return known
        }
        best("all, each text's language known") {
            texts.indices.reduce(0) { total, index in
                let scalars = ScalarText(texts[index])
                return total + extractor.extract(scalars, context: contexts[index]).count + cues.cues(in: scalars).count
            }
        }
    }
}
