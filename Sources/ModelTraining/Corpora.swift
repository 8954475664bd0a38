import Detect
import Foundation

/// A labelled text.
public struct LabelledText: Sendable, Equatable {
    public var text: String
    public var label: String

    public init(text: String, label: String) {
        self.text = text
        self.label = label
    }
}

/// Readers for the training and evaluation data: `../shared/nlp` (public benchmarks) and the
/// project's own `data/intent`. Each throws ``DetectError/Code/invalidData`` with the path when
/// a file is missing or malformed.
public struct Corpora: Sendable {
    /// `../shared/nlp`.
    public var shared: URL
    /// The repository's `data/`.
    public var data: URL

    public init(shared: URL, data: URL) {
        self.shared = shared
        self.data = data
    }

    /// The 16 languages of the language-identification data, in a fixed order.
    public static let languages = [
        "en", "es", "pt", "fr", "de", "it", "nl", "id", "ms", "hi", "ar", "tr", "ru", "ur", "vi", "pl",
    ]
    public static let intents = [
        "pricing", "demo_request", "purchase", "support", "objection", "greeting", "opt_out", "other",
    ]
    public static let sentiments = ["negative", "neutral", "positive"]

    func read(_ url: URL) throws -> String {
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw DetectError(.invalidData, "cannot read \(url.path)", underlying: error)
        }
    }

    func lines(_ url: URL) throws -> [String] {
        try read(url).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// Files a model was trained or evaluated on (for the manifest's hashes).
    public func languageTrainingFiles() -> [URL] {
        Self.languages.map { shared.appendingPathComponent("langid/train/\($0).txt") }
    }

    public func languageTraining() throws -> [LabelledText] {
        try zip(Self.languages, languageTrainingFiles()).flatMap { language, url in
            try lines(url).map { LabelledText(text: $0, label: language) }
        }
    }

    /// lingua's test data: `sentences`, `single-words` or `word-pairs`.
    public func languageTest(_ kind: String) throws -> [LabelledText] {
        try Self.languages.flatMap { language in
            try lines(shared.appendingPathComponent("langid/test/\(kind)/\(language).txt")).map {
                LabelledText(text: $0, label: language)
            }
        }
    }

    public func intentFiles(_ split: String) -> [URL] {
        ["en", "es", "pt"].map { data.appendingPathComponent("intent/\(split)/\($0).tsv") }
    }

    /// `data/intent/<split>/<lang>.tsv`: `intent<TAB>text`.
    public func intents(_ split: String) throws -> [LabelledText] {
        try intentFiles(split).flatMap { url in
            try lines(url).map { line in
                let fields = line.split(separator: "\t", maxSplits: 1).map(String.init)
                guard fields.count == 2, Self.intents.contains(fields[0]) else {
                    throw DetectError(
                        .invalidData,
                        "\(url.path): '\(line)' is not 'intent<TAB>text' with a known intent"
                    )
                }
                return LabelledText(text: fields[1], label: fields[0])
            }
        }
    }

    public func tweetEvalFiles(_ split: String) -> [URL] {
        ["text", "labels"].map { shared.appendingPathComponent("tweeteval/\(split)_\($0).txt") }
    }

    /// TweetEval sentiment: `train`, `val` or `test` (labels 0 negative, 1 neutral, 2 positive).
    public func tweetEval(_ split: String) throws -> [LabelledText] {
        let files = tweetEvalFiles(split)
        let texts = try read(files[0]).split(separator: "\n", omittingEmptySubsequences: false)
        let labels = try read(files[1]).split(separator: "\n", omittingEmptySubsequences: true)
        guard texts.count >= labels.count else {
            throw DetectError(.invalidData, "\(files[0].path) has fewer lines than \(files[1].path)")
        }
        return try labels.enumerated().map { index, label in
            guard let value = Int(label.trimmingCharacters(in: .whitespaces)), Self.sentiments.indices.contains(value)
            else { throw DetectError(.invalidData, "\(files[1].path): line \(index + 1) is not 0, 1 or 2") }
            return LabelledText(text: String(texts[index]), label: Self.sentiments[value])
        }
    }

    public func banking77File(_ split: String) -> URL {
        shared.appendingPathComponent("intent/banking77/\(split).csv")
    }

    /// Banking77 `train` or `test` (`text,category` CSV with a header).
    public func banking77(_ split: String) throws -> [LabelledText] {
        let url = banking77File(split)
        let rows = CSV.rows(try read(url))
        guard rows.first == ["text", "category"] else {
            throw DetectError(.invalidData, "\(url.path) does not start with the header text,category")
        }
        return try rows.dropFirst().map { row in
            guard row.count == 2 else { throw DetectError(.invalidData, "\(url.path): a row has \(row.count) fields") }
            return LabelledText(text: row[0], label: row[1])
        }
    }

    public var clinc150File: URL { shared.appendingPathComponent("intent/clinc150/data_full.json") }

    /// CLINC150's splits: `train`, `val`, `test`, `oos_train`, `oos_val`, `oos_test`.
    public func clinc150() throws -> [String: [LabelledText]] {
        guard let data = FileManager.default.contents(atPath: clinc150File.path) else {
            throw DetectError(.invalidData, "\(clinc150File.path) is missing")
        }
        do {
            let splits = try JSONDecoder().decode([String: [[String]]].self, from: data)
            return splits.mapValues { pairs in pairs.map { LabelledText(text: $0[0], label: $0[1]) } }
        } catch {
            throw DetectError(.invalidData, "\(clinc150File.path) is not CLINC150's data_full.json", underlying: error)
        }
    }
}

/// RFC 4180 rows: commas, double quotes around fields, doubled quotes inside them.
enum CSV {
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.makeIterator()
        func handle(_ character: Character) {
            switch character {
            case "\"": quoted = true
            case ",":
                row.append(field)
                field = ""
            case "\n", "\r\n":
                row.append(field)
                field = ""
                rows.append(row)
                row = []
            default: field.append(character)
            }
        }
        while let character = iterator.next() {
            if quoted {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            field.append("\"")
                        } else {
                            quoted = false
                            handle(next)
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else {
                handle(character)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
