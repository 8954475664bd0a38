import Core
import Extract
import Foundation

/// `wainsight eval extract`: the extractor on Duckling's own corpora (times in en, en locales,
/// es and pt; texts that must yield no time; money), row by row, beside a baseline run on the
/// same rows (dateparser for times, price-parser for money: scripts/lib/extract_baseline.py).
///
/// A row passes when the longest entity of its kind (ties: the earliest) has the expected
/// value: a `value` row its instant and grain; an `interval` row both bounds; `open_after` only
/// a `from` equal to the row's start; `open_before` only a `to` equal to it (the corpus puts
/// that bound in its start column); a negative row passes when no time is found; a money row
/// when kind, amounts and currency agree (``MoneyCurrency`` for Duckling's ambiguous names).
/// Latent rows (Duckling finds them only when asked) run with latent entities on.
public enum ExtractEvaluation {
    /// One corpus row and whether it passed.
    public struct Outcome: Sendable {
        public var file: String
        /// 1-based line in the file (the header is line 1).
        public var line: Int
        public var language: String
        public var kind: String
        public var text: String
        public var passed: Bool
        public var expected: String
        public var got: String
    }

    static let timeFiles = ["duckling_time_en.tsv", "duckling_time_en_locales.tsv", "duckling_time_es_pt.tsv"]
    static let negativeFile = "duckling_time_negative.tsv"
    static let moneyFile = "duckling_money.jsonl"

    /// Every row of the corpora in `directory`, run through `time` and `money`.
    public static func run(directory: URL) throws -> [Outcome] {
        let time = TimeExtractor()
        let money = MoneyExtractor()
        var outcomes: [Outcome] = []
        for file in timeFiles {
            for (line, fields) in try tsv(directory.appendingPathComponent(file)) where fields.count >= 10 {
                outcomes.append(timeOutcome(file: file, line: line, fields: fields, extractor: time))
            }
        }
        for (line, fields) in try tsv(directory.appendingPathComponent(negativeFile)) where fields.count >= 2 {
            let context = ExtractionContext(
                referenceTime: reference,
                timeZone: TimeZone(secondsFromGMT: -7_200)!,
                language: language(fields[0]).0,
                region: language(fields[0]).1
            )
            let found = time.extract(ScalarText(fields[1]), context: context).filter { $0.type == .time }
            outcomes.append(
                Outcome(
                    file: negativeFile,
                    line: line,
                    language: fields[0],
                    kind: "negative",
                    text: fields[1],
                    passed: found.isEmpty,
                    expected: "no time",
                    got: found.map { "\($0.text) → \(describe($0.value))" }.joined(separator: "; ")
                )
            )
        }
        let moneyText = try String(contentsOf: directory.appendingPathComponent(moneyFile), encoding: .utf8)
        for (index, line) in moneyText.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.isEmpty {
            guard let row = try? JSONValue.parse(Data(line.utf8)) else { continue }
            outcomes.append(moneyOutcome(line: index + 1, row: row, extractor: money))
        }
        return outcomes
    }

    /// Duckling's reference time for rows that give none (the negatives).
    static let reference = Date(timeIntervalSince1970: 1_360_650_600)

    static func timeOutcome(file: String, line: Int, fields: [String], extractor: TimeExtractor) -> Outcome {
        let (lang, region) = language(fields[0])
        let text = unquote(fields[1])
        let kind = fields[3]
        let referenceInstant = instant(fields[2]).map { Date(timeIntervalSince1970: $0) } ?? reference
        var context = ExtractionContext(
            referenceTime: referenceInstant,
            timeZone: TimeZone(secondsFromGMT: Instant.offsetSeconds(fields[2]) ?? -7_200)!,
            language: lang,
            region: region
        )
        // Duckling reads "at 3" as the next 3 o'clock; its corpus is scored that way.
        context.businessHours = false
        let found = extractor.extract(ScalarText(text), context: context, includeLatent: fields[8] == "1")
        let best = longest(found.filter { $0.type == .time })
        let value = best?.value ?? .null
        let start = instant(fields[4])
        let end = instant(fields[5])
        let passed: Bool
        switch kind {
        case "value":
            passed =
                value["type"]?.stringValue == "value" && start != nil
                && instant(value["value"]?.stringValue ?? "") == start && value["grain"]?.stringValue == fields[6]
        case "interval":
            passed =
                value["type"]?.stringValue == "interval" && start != nil && end != nil
                && instant(value["from"]?["value"]?.stringValue ?? "") == start
                && instant(value["to"]?["value"]?.stringValue ?? "") == end
        case "open_after":
            passed =
                value["type"]?.stringValue == "interval" && value["to"] == nil && start != nil
                && instant(value["from"]?["value"]?.stringValue ?? "") == start
        case "open_before":
            passed =
                value["type"]?.stringValue == "interval" && value["from"] == nil && start != nil
                && instant(value["to"]?["value"]?.stringValue ?? "") == start
        default:
            passed = false
        }
        let expected =
            kind == "interval" ? "\(fields[4]) – \(fields[5]) (\(fields[6]))" : "\(kind) \(fields[4]) (\(fields[6]))"
        return Outcome(
            file: file,
            line: line,
            language: fields[0],
            kind: kind,
            text: text,
            passed: passed,
            expected: expected,
            got: best.map { "\($0.text) → \(describe($0.value))" } ?? "nothing"
        )
    }

    static func moneyOutcome(line: Int, row: JSONValue, extractor: MoneyExtractor) -> Outcome {
        let lang = row["lang"]?.stringValue ?? "en"
        let (language, region) = language(lang)
        let text = row["text"]?.stringValue ?? ""
        let kind = row["kind"]?.stringValue ?? "value"
        let currency = row["currency"]?.stringValue ?? ""
        let context = ExtractionContext(
            referenceTime: reference,
            timeZone: TimeZone(secondsFromGMT: 0)!,
            language: language,
            region: region
        )
        let latent = row["latent"]?.doubleValue == 1
        let best = longest(
            extractor.extract(ScalarText(text), context: context, includeLatent: latent).filter { $0.type == .money }
        )
        let value = best?.value ?? .null
        func amount(_ field: String) -> Double? {
            guard let item = row[field] else { return nil }
            if let number = item.doubleValue { return number }
            return nil
        }
        func matches(_ side: JSONValue?, _ expected: Double?) -> Bool {
            guard let side, let expected, let got = side["value"]?.doubleValue else { return false }
            return abs(got - expected) <= 1e-6 * max(1, abs(expected))
                && MoneyCurrency.accepts(corpus: currency, unit: side["unit"]?.stringValue)
        }
        let passed: Bool
        switch kind {
        case "value": passed = value["type"]?.stringValue == "value" && matches(value, amount("value"))
        case "interval":
            passed =
                value["type"]?.stringValue == "interval" && matches(value["from"], amount("min"))
                && matches(value["to"], amount("max"))
        case "under":
            passed =
                value["type"]?.stringValue == "interval" && value["from"] == nil && matches(value["to"], amount("max"))
        case "above":
            passed =
                value["type"]?.stringValue == "interval" && value["to"] == nil && matches(value["from"], amount("min"))
        default: passed = false
        }
        let expected =
            "\(kind) \(currency) \(row["value"].map(describe) ?? "") \(row["min"].map(describe) ?? "")–\(row["max"].map(describe) ?? "")"
        return Outcome(
            file: moneyFile,
            line: line,
            language: lang,
            kind: kind,
            text: text,
            passed: passed,
            expected: expected,
            got: best.map { "\($0.text) → \(describe($0.value))" } ?? "nothing"
        )
    }

    /// The report: pass rates per file, language and kind, ours beside the baseline's, then
    /// our failures.
    /// - Parameter baseline: pass or fail per (file, line), from the baseline script; `nil`
    ///   when it could not run (the report says so).
    public static func report(_ outcomes: [Outcome], baseline: [String: Bool]?, baselineNote: String) -> String {
        var lines: [String] = []
        lines.append("extract evaluation on Duckling's corpora (\(outcomes.count) rows)")
        lines.append("baseline: \(baselineNote)")
        lines.append("")
        lines.append(pad("file / language / kind", 44) + pad("wainsight", 20) + "baseline")
        func rate(_ rows: [Outcome]) -> (String, String) {
            let ours = rows.filter(\.passed).count
            let theirs = baseline.map { results in rows.filter { results["\($0.file):\($0.line)"] == true }.count }
            func percent(_ count: Int) -> String {
                "\(count)/\(rows.count) (\(String(format: "%.1f", 100 * Double(count) / Double(max(rows.count, 1))))%)"
            }
            return (percent(ours), theirs.map(percent) ?? "—")
        }
        let files = timeFiles + [negativeFile, moneyFile]
        for file in files {
            let rows = outcomes.filter { $0.file == file }
            let (ours, theirs) = rate(rows)
            lines.append(pad(file, 44) + pad(ours, 20) + theirs)
            let languages = Array(Set(rows.map { file == "duckling_time_en_locales.tsv" ? "en_*" : $0.language }))
                .sorted()
            for language in languages {
                let inLanguage = rows.filter {
                    (file == "duckling_time_en_locales.tsv" ? "en_*" : $0.language) == language
                }
                for kind in Array(Set(inLanguage.map(\.kind))).sorted() {
                    let (ours, theirs) = rate(inLanguage.filter { $0.kind == kind })
                    lines.append(pad("  \(language) \(kind)", 44) + pad(ours, 20) + theirs)
                }
            }
        }
        lines.append("")
        lines.append("targets: time en ≥ 90%, es and pt ≥ 80%, money ≥ 90%, negatives ≥ 95%")
        for (label, rows) in [
            ("time en", outcomes.filter { $0.file == "duckling_time_en.tsv" }),
            ("time es", outcomes.filter { $0.file == "duckling_time_es_pt.tsv" && $0.language == "es" }),
            ("time pt", outcomes.filter { $0.file == "duckling_time_es_pt.tsv" && $0.language == "pt" }),
            ("time en locales", outcomes.filter { $0.file == "duckling_time_en_locales.tsv" }),
            ("negatives", outcomes.filter { $0.file == negativeFile }),
            ("money", outcomes.filter { $0.file == moneyFile }),
        ] {
            let (ours, theirs) = rate(rows)
            lines.append(pad("  \(label)", 44) + pad(ours, 20) + theirs)
        }
        lines.append("")
        let failures = outcomes.filter { !$0.passed }
        lines.append("wainsight's failures (\(failures.count)):")
        for failure in failures {
            lines.append(
                "  \(failure.file):\(failure.line) [\(failure.language) \(failure.kind)] \"\(failure.text)\" "
                    + "expected \(failure.expected), got \(failure.got)"
            )
        }
        return lines.joined(separator: "\n")
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    /// The entity with the longest span, the earliest of equals.
    static func longest(_ entities: [Entity]) -> Entity? {
        entities.min { a, b in
            a.end - a.start != b.end - b.start ? a.end - a.start > b.end - b.start : a.start < b.start
        }
    }

    /// `en_GB` → (`en`, `GB`); `es` → (`es`, nil).
    static func language(_ tag: String) -> (String, String?) {
        let parts = tag.split(separator: "_", maxSplits: 1).map(String.init)
        return (parts[0], parts.count > 1 ? parts[1] : nil)
    }

    /// The rows of a TSV file with their 1-based line numbers, the header skipped.
    static func tsv(_ url: URL) throws -> [(Int, [String])] {
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().dropFirst().compactMap {
            $0.element.isEmpty
                ? nil
                : ($0.offset + 1, $0.element.split(separator: "\t", omittingEmptySubsequences: false).map(String.init))
        }
    }

    /// A field written CSV-style (`"in 1"""` is `in 1"`).
    static func unquote(_ field: String) -> String {
        guard field.count >= 2, field.hasPrefix("\""), field.hasSuffix("\"") else { return field }
        return String(field.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
    }

    /// An ISO 8601 instant as seconds since 1970, for comparing two spellings of one instant.
    /// Reads Duckling's forms too: a negative year (BC) and month or day 00 (Haskell's
    /// `fromGregorian` reads 0 as the first).
    static func instant(_ text: String) -> Double? {
        var rest = Substring(text)
        var sign = 1
        if rest.hasPrefix("-") {
            sign = -1
            rest = rest.dropFirst()
        }
        let numbers = rest.split(whereSeparator: { "-T:+Z.".contains($0) })
        guard numbers.count >= 6, let year = Int(numbers[0]), var month = Int(numbers[1]), var day = Int(numbers[2]),
            let hour = Int(numbers[3]), let minute = Int(numbers[4]), let second = Int(numbers[5])
        else { return nil }
        month = max(month, 1)
        day = max(day, 1)
        // Days from 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
        let y = sign * year - (month <= 2 ? 1 : 0)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let offset = Instant.offsetSeconds(text) ?? 0
        return Double(days * 86_400 + hour * 3_600 + minute * 60 + second - offset)
    }

    static func describe(_ value: JSONValue) -> String {
        String(decoding: value.canonicalData(), as: UTF8.self)
    }
}

/// Which units a Duckling money row's currency accepts: an ISO code itself; its ambiguous
/// names any currency of that name ("Dollar": `$` or a dollar's code, "Pound": `£` or a pound's).
public enum MoneyCurrency {
    static let dollars: Set<String> = [
        "$", "USD", "CAD", "AUD", "NZD", "JMD", "TTD", "BZD", "SGD", "HKD", "BSD", "BBD", "FJD", "LRD", "NAD", "SBD",
        "SRD", "TWD", "XCD", "ZWD", "GYD", "KYD", "BMD", "BND",
    ]
    static let pounds: Set<String> = ["£", "GBP", "EGP", "LBP", "SDG", "SSP", "SYP", "FKP", "GIP", "SHP"]

    public static func accepts(corpus: String, unit: String?) -> Bool {
        switch corpus {
        case "Dollar": return unit.map(dollars.contains) ?? false
        case "Pound": return unit.map(pounds.contains) ?? false
        case "Cent": return unit == "cent"
        case "Unnamed": return unit == nil
        case "Riyal": return unit == "SAR" || unit == "QAR" || unit == "riyal"
        case "Rial": return unit == "OMR" || unit == "IRR" || unit == "YER" || unit == "rial"
        case "Dinar": return unit == "KWD" || unit == "BHD" || unit == "JOD" || unit == "dinar"
        case "PTS": return unit == "PTS" || unit == "ESP"
        default: return unit == corpus
        }
    }
}
