import ArgumentParser
import Core
import Detect
import Foundation
import Normalize

/// Messages per second on one core for normalize + language + intent + sentiment (no
/// embeddings), and for each part alone, over every text of the given files.
struct DetectSpeed: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect-speed",
        abstract: "Local classifier throughput on one core (scripts/bench-detect)."
    )
    @Option(help: "Folder with language.bin, intent.bin and sentiment.bin.") var models = "models"
    @Option(help: "Text files, one message a line (for .tsv, the last column).") var input: [String]
    @Option(help: "Passes over the texts (the best is reported).") var passes = 3

    func run() throws {
        let texts = try input.flatMap { path -> [String] in
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
            return path.hasSuffix(".tsv") ? lines.compactMap { $0.split(separator: "\t").last.map(String.init) } : lines
        }
        let detector = try Detector(directory: URL(fileURLWithPath: models))
        let characters = texts.reduce(0) { $0 + $1.count }
        say("\(texts.count) texts, \(characters / max(1, texts.count)) characters on average, one thread")

        func best(_ label: String, _ body: () -> Int) {
            bestOf(passes, label: label, width: 48, count: texts.count, unit: "check", body)
        }
        let normalizer = detector.reader.normalizer
        best("normalize") { texts.reduce(0) { $0 + normalizer.normalize($1).utf8.count } }
        best("  of which NFKC") { texts.reduce(0) { $0 + TextNormalizer.compatibilityFold($1).utf8.count } }
        best("  of which quoted text") { texts.reduce(0) { $0 + TextNormalizer.stripQuoted($1).utf8.count } }
        best("  of which PII") { texts.reduce(0) { $0 + PIIRedactor.redact($1).utf8.count } }
        best("  of which tokens") { texts.reduce(0) { $0 + normalizer.foldTokens($1).utf8.count } }
        let normalized = texts.map(normalizer.normalize)
        best("features (from normalized text)") {
            normalized.reduce(0) { $0 + TextFeatures($1, reader: detector.reader).grams.count }
        }
        let features = normalized.map { TextFeatures($0, reader: detector.reader) }
        best("language (from features)") { features.reduce(0) { $0 + detector.language.identify($1).label.count } }
        best("intent (from features)") { features.reduce(0) { $0 + detector.intent.classify($1).label.count } }
        best("sentiment (from features)") { features.reduce(0) { $0 + detector.sentiment.classify($1).label.count } }
        best("all: normalize + language + intent + sentiment") {
            texts.reduce(0) { $0 + detector.detect($1).language.count }
        }
    }
}

/// Times `body` over `count` messages `passes` times and prints the fastest pass: messages a
/// second, microseconds each, and what `body` returned (a checksum or a count found).
func bestOf(_ passes: Int, label: String, width: Int, count: Int, unit: String, _ body: () -> Int) {
    var fastest = Double.infinity
    var result = 0
    for _ in 0..<passes {
        let start = ContinuousClock.now
        result = body()
        fastest = min(fastest, (ContinuousClock.now - start).seconds)
    }
    say(
        "  " + label.padding(toLength: width, withPad: " ", startingAt: 0)
            + String(
                format: "%9.0f messages/s  (%.2f µs each; ",
                Double(count) / fastest,
                fastest * 1e6 / Double(count)
            )
            + "\(unit) \(result))"
    )
}
