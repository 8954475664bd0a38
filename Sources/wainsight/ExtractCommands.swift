import ArgumentParser
import Core
import Detect
import Extract
import Foundation
import ModelTraining

/// `wainsight extract`: text lines on standard input, one JSON object of entities per line out.
struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Find entities (times, money, quantities, contact data, companies, roles) in text lines from "
            + "standard input; one JSON object per line out."
    )
    @Option(help: "The instant relative times resolve against (ISO 8601; default: now).")
    var referenceTime: String?
    @Option(help: "The IANA time zone they resolve in (default: UTC).") var timezone = "UTC"
    @Option(help: "The texts' language (en, es, pt, ...; default: all).") var language: String?
    @Option(help: "The region (US, GB, BR, ...): date order and what a dollar sign means.") var region: String?

    func run() throws {
        var reference = Date()
        if let referenceTime {
            guard let date = Instant.parse(referenceTime) else {
                throw ValidationError("--reference-time must be an ISO 8601 instant such as 2026-03-10T14:00:00Z")
            }
            reference = date
        }
        guard let zone = TimeZone(identifier: timezone) else {
            throw ValidationError("--timezone must be an IANA time zone such as America/Sao_Paulo")
        }
        let context = ExtractionContext(referenceTime: reference, timeZone: zone, language: language, region: region)
        let extractor = Extractor()
        let cues = BANTCueFinder()
        while let line = readLine() {
            let text = ScalarText(line)
            let result: JSONValue = .object([
                "text": .string(line),
                "entities": .array(extractor.extract(text, context: context).map(\.json)),
                "bant_cues": .array(cues.cues(in: text).map(\.json)),
            ])
            print(String(decoding: result.canonicalData(), as: UTF8.self))
        }
    }
}

/// The extract and BANT evaluations of `wainsight eval`.
enum ExtractEvalCommand {
    /// Duckling's corpora, ours beside dateparser and price-parser on the same rows.
    static func run(corpus: URL) throws {
        let outcomes = try ExtractEvaluation.run(directory: corpus)
        let (baseline, note) = baselineResults(corpus: corpus)
        print(ExtractEvaluation.report(outcomes, baseline: baseline, baselineNote: note))
    }

    /// Runs scripts/lib/extract_baseline.py with the project's Python (.venv, made by scripts/setup).
    static func baselineResults(corpus: URL) -> ([String: Bool]?, String) {
        let script = "scripts/lib/extract_baseline.py"
        let data: Data
        do {
            data = try ProjectPython.run(script, ["eval", corpus.path])
        } catch {
            return (nil, "not run: \(error)")
        }
        var results: [String: Bool] = [:]
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let row = try? JSONValue.parse(Data(line)), let file = row["file"]?.stringValue,
                let number = row["line"]?.exactIntValue, let passed = row["pass"]?.boolValue
            else { continue }
            results["\(file):\(number)"] = passed
        }
        return (results, "dateparser (times) and price-parser (money), same rows and rules (\(script))")
    }

    /// data/bant's train and test splits, with intents from the detect models when installed.
    static func runBANT(data: URL, models: URL, mistakes: Bool) throws {
        var intents: BANTEvaluation.IntentReader?
        if let detector = try? Detector(directory: models) {
            intents = { text in
                let detection = detector.detect(text)
                return (detection.intent, detection.intentConfidence)
            }
        } else {
            print("(no detect models in \(models.path): BANT runs without intents)")
        }
        let reports = try ["train", "test"].map {
            try BANTEvaluation.run(directory: data, split: $0, intents: intents)
        }
        print(BANTEvaluation.format(reports, mistakes: mistakes))
    }
}
