import Core
import Foundation

/// Finds the companies people name: after a self-introduction ("I work at Acme", "sou da Padaria
/// Bom Pão"), before a legal suffix ("Foo Ltda", "Baz S.A."), on the last line of a signature,
/// and from the domain of a business email address. A name is the run of capitalized words
/// after the cue, so it depends on the capitals as written.
public struct CompanyExtractor: EntityFinder {
    public init() {}

    /// Where a name came from (`value.source`), surest first: the confidence follows it.
    public enum Source: String, Sendable {
        case selfIntro = "self_intro", suffix, signature, emailDomain = "email_domain"

        var confidence: Double {
            switch self {
            case .suffix: return 0.9
            case .selfIntro: return 0.85
            case .signature: return 0.75
            case .emailDomain: return 0.5
            }
        }
    }

    public func find(in text: ScalarText, context: ExtractionContext) -> [Entity] {
        var found: [(range: Range<Int>, name: String, source: Source)] = []
        let tokens = text.tokens
        for index in tokens.indices where tokens[index].kind == .word {
            // One lookup tells which cues a word may start; most words start none.
            guard let cues = Self.cueWords[tokens[index].folded] else {
                if tokens[index].end - tokens[index].start == 1, let run = Self.beforeSuffix(text, at: index) {
                    found.append((run, text.text(tokens: run), .suffix))
                }
                continue
            }
            if let run = (cues.contains(.introduction) ? Self.afterIntroduction(text, at: index) : nil)
                ?? (cues.contains(.personLink) ? Self.afterPersonIntroduction(text, at: index) : nil)
                ?? (cues.contains(.role) ? Self.afterRole(text, at: index) : nil)
            {
                found.append((run, text.text(tokens: run), .selfIntro))
            }
            if cues.contains(.suffix), let run = Self.beforeSuffix(text, at: index) {
                found.append((run, text.text(tokens: run), .suffix))
            }
        }
        if let run = Self.signatureCompany(text) { found.append((run, text.text(tokens: run), .signature)) }
        var entities: [Entity] = []
        for (range, name, source) in found.sorted(by: { $0.source.confidence > $1.source.confidence }) {
            let start = tokens[range.lowerBound].start
            let end = tokens[range.upperBound - 1].end
            if entities.contains(where: { $0.start < end && start < $0.end }) { continue }
            entities.append(entity(name, source: source, start: start, end: end, text: text))
        }
        for (range, name) in Self.emailDomainCompanies(text) {
            let key = Self.alphanumericKey(name)
            let named = entities.contains { entity in
                let other = Self.alphanumericKey(entity.value["value"]?.stringValue ?? "")
                return other.hasPrefix(key) || key.hasPrefix(other)
            }
            if !named {
                entities.append(
                    entity(name, source: .emailDomain, start: range.lowerBound, end: range.upperBound, text: text)
                )
            }
        }
        return entities.sorted { $0.start < $1.start }
    }

    private func entity(_ name: String, source: Source, start: Int, end: Int, text: ScalarText) -> Entity {
        Entity(
            type: .company,
            text: text.text(start, end),
            start: start,
            end: end,
            value: ["value": .string(name), "source": .string(source.rawValue)],
            confidence: source.confidence
        )
    }

    // MARK: Self-introductions

    /// The company run after an introduction cue ending at token `index`.
    private static func afterIntroduction(_ text: ScalarText, at index: Int) -> Range<Int>? {
        let tokens = text.tokens
        guard let cues = introductions[tokens[index].folded] else { return nil }
        for cue in cues {
            var position = index
            var matched = true
            for key in cue.dropFirst() {
                position += 1
                if position < tokens.count && tokens[position].folded == "'" { position += 1 }
                guard position < tokens.count, tokens[position].folded == key else {
                    matched = false
                    break
                }
            }
            // In a text shouted in capitals, capitals say nothing about where a name ends.
            guard matched, !isShouted(text, position) else { continue }
            // "aqui é da", "de la empresa": an article may follow the cue.
            var start = position + 1
            if start < tokens.count && cueArticles.contains(tokens[start].folded) && !text.isCapitalized(start) {
                start += 1
            }
            return introducedName(text, from: start)
        }
        return nil
    }

    private static func isShouted(_ text: ScalarText, _ index: Int) -> Bool {
        let token = text.tokens[index]
        return token.end - token.start > 1
            && text.original[token.start..<token.end].allSatisfy { !$0.properties.isLowercase }
    }

    /// The company after a person's name: "I'm Maria from Acme", "this is John from Globex",
    /// "soy Ana de Distribuidora Norte", "aqui é o Carlos, da Acme".
    private static func afterPersonIntroduction(_ text: ScalarText, at index: Int) -> Range<Int>? {
        let tokens = text.tokens
        guard personLinks.contains(tokens[index].folded), index > 1 else { return nil }
        var position = index - 1
        if tokens[position].folded == "," { position -= 1 }
        var names = 0
        while position >= 0 && names < 3 && tokens[position].kind == .word && text.isCapitalized(position)
            && !notNames.contains(tokens[position].folded)
        {
            names += 1
            position -= 1
        }
        guard names > 0, position >= 0 else { return nil }
        if articles.contains(tokens[position].folded) && position > 0 { position -= 1 }
        let word = tokens[position].folded
        let introduces =
            personIntroductions.contains(word)
            || (word == "m" && position > 1 && tokens[position - 1].folded == "'" && tokens[position - 2].folded == "i")
            || (word == "am" && position > 0 && tokens[position - 1].folded == "i")
            || (word == "is" && position > 0 && ["this", "name"].contains(tokens[position - 1].folded))
            || ((word == "e" || word == "es") && position > 0
                && ["aqui", "aca", "here"].contains(tokens[position - 1].folded))
        guard introduces else { return nil }
        var start = index + 1
        if start < tokens.count && articles.contains(tokens[start].folded) && !text.isCapitalized(start) { start += 1 }
        return introducedName(text, from: start)
    }

    /// The company after the writer's own role: "sou gerente de TI da Transportadora Rápida",
    /// "Maria, CEO at Acme" (someone else's, "the president of Chad", says little of the writer).
    private static func afterRole(_ text: ScalarText, at index: Int) -> Range<Int>? {
        guard let (role, roleEnd) = RoleExtractor.match(text, at: index) else { return nil }
        let end = RoleExtractor.departmentAfter(text, from: roleEnd)?.1 ?? roleEnd
        let tokens = text.tokens
        guard end + 1 < tokens.count, roleLinks.contains(tokens[end].folded), !text.startsLine(end),
            RoleExtractor.subject(text, start: index, end: end, role: role)?.0 == "self"
        else { return nil }
        var start = end + 1
        if articles.contains(tokens[start].folded) && !text.isCapitalized(start) { start += 1 }
        return introducedName(text, from: start)
    }

    /// The name run at `start` unless it is a place ("I'm from Brazil") or a department
    /// ("trabajo en Marketing").
    private static func introducedName(_ text: ScalarText, from start: Int) -> Range<Int>? {
        let tokens = text.tokens
        guard let run = nameRun(text, from: start) else { return nil }
        let words = run.filter { tokens[$0].kind == .word }.map { tokens[$0].folded }
        if places.contains(words.joined(separator: " ")) { return nil }
        if words.count == 1
            && (RoleExtractor.departments[words[0]] != nil || RoleExtractor.department(text, at: run.lowerBound) != nil)
        {
            return nil
        }
        return run
    }

    /// A company name from token `start`: capitalized words and numbers, with `&`, joiners and
    /// lowercase connectors ("de", "do", "y", "and") between them, and a legal suffix at the end.
    /// A name after a cue stays on the cue's line; a signature's company line starts one.
    static func nameRun(_ text: ScalarText, from start: Int, opensLine: Bool = false) -> Range<Int>? {
        let tokens = text.tokens
        guard start < tokens.count, tokens[start].kind == .word, text.isCapitalized(start),
            opensLine || !text.startsLine(start), !notNames.contains(tokens[start].folded)
        else { return nil }
        var end = start + 1
        var words = 1
        while end < tokens.count && words < 6 && !text.startsLine(end) {
            let token = tokens[end]
            if let suffixEnd = legalSuffixEnd(text, at: end) {
                end = suffixEnd
                break
            }
            if !token.spaceBefore && token.kind != .symbol {
                end += 1
                continue
            }
            // "Coca-Cola", "AT&T", "McDonald's": a joiner glued on both sides, before a capital
            // or a digit (an apostrophe also before lowercase).
            if !token.spaceBefore && token.kind == .symbol && "-'&.".contains(token.folded) && end + 1 < tokens.count
                && !tokens[end + 1].spaceBefore && tokens[end + 1].kind != .symbol
                && (token.folded == "'" || tokens[end + 1].kind == .number || text.isCapitalized(end + 1))
            {
                end += 2
                continue
            }
            if token.kind == .symbol && innerSymbols.contains(token.folded) && end + 1 < tokens.count
                && (text.isCapitalized(end + 1) || tokens[end + 1].kind == .number) && !text.startsLine(end + 1)
            {
                end += 2
                words += 1
                continue
            }
            if token.kind == .word && text.isCapitalized(end) && !notNames.contains(token.folded) {
                end += 1
                words += 1
                continue
            }
            if token.kind == .number && text.isCapitalized(end - 1) {
                end += 1
                continue
            }
            if token.kind == .word && connectors.contains(token.folded) && end + 1 < tokens.count
                && tokens[end + 1].kind == .word && text.isCapitalized(end + 1) && !text.startsLine(end + 1)
                && !notNames.contains(tokens[end + 1].folded)
            {
                end += 2
                words += 1
                continue
            }
            break
        }
        return start..<end
    }

    // MARK: Legal suffixes

    /// The name ending in a legal suffix that starts at token `index`.
    private static func beforeSuffix(_ text: ScalarText, at index: Int) -> Range<Int>? {
        guard index > 0, text.tokens[index].spaceBefore || text.tokens[index - 1].folded == ",",
            let suffixEnd = legalSuffixEnd(text, at: index)
        else { return nil }
        let tokens = text.tokens
        var start = index
        if tokens[start - 1].folded == "," { start -= 1 }
        var words = 0
        while start > 0 && words < 6 && !text.startsLine(start) {
            let previous = start - 1
            let token = tokens[previous]
            if token.kind == .word && text.isCapitalized(previous) {
                if text.startsSentence(previous)
                    && (sentenceStarters.contains(token.folded) || notNames.contains(token.folded))
                {
                    break
                }
                start = previous
                words += 1
                continue
            }
            if token.kind == .number || (token.kind == .symbol && innerSymbols.contains(token.folded)) {
                start = previous
                continue
            }
            // A connector joins two capitalized words, unless the word before it opens a sentence
            // that goes on after the name ("Compramos da Padaria X Ltda desde 2020") and is not a
            // company noun; a name alone on its line keeps it ("Lácteos del Sur S.A.").
            if token.kind == .word && connectors.contains(token.folded) && previous > 0
                && tokens[previous - 1].kind == .word && text.isCapitalized(previous - 1)
                && (!text.startsSentence(previous - 1) || companyNouns.contains(tokens[previous - 1].folded)
                    || (text.startsLine(previous - 1) && (suffixEnd == tokens.count || text.startsLine(suffixEnd))))
            {
                start = previous
                continue
            }
            break
        }
        while start < index && (tokens[start].kind != .word || connectors.contains(tokens[start].folded)) {
            start += 1
        }
        guard words > 0, start < index else { return nil }
        return start..<suffixEnd
    }

    /// The end of a legal suffix at token `index`: a suffix word (`Ltda`, `GmbH`, `Inc.`), or
    /// single letters with dots or a slash (`S.A.`, `S/A`, `S.A. de C.V.`).
    static func legalSuffixEnd(_ text: ScalarText, at index: Int) -> Int? {
        let tokens = text.tokens
        let token = tokens[index]
        guard token.kind == .word else { return nil }
        var end: Int
        if let rule = suffixWords[token.folded] {
            if rule == .capitals && !text.original[token.start..<token.end].allSatisfy({ $0.properties.isUppercase }) {
                return nil
            }
            if rule == .capitalized && !text.isCapitalized(index) { return nil }
            if rule == .titleCase
                && !(text.isCapitalized(index)
                    && text.original[token.start + 1..<token.end].allSatisfy({ $0.properties.isLowercase }))
            {
                return nil
            }
            end = index + 1
            if end < tokens.count && !tokens[end].spaceBefore
                && (tokens[end].kind == .word || tokens[end].folded == "'")
            {
                return nil
            }
            // A suffix ends a name: "Limited Edition" is not a company.
            if end < tokens.count && tokens[end].kind == .word && text.isCapitalized(end) && !text.startsLine(end) {
                return nil
            }
        } else if token.folded.unicodeScalars.count == 1 && text.isCapitalized(index) {
            var letters = token.folded
            end = index + 1
            while end + 1 < tokens.count && (tokens[end].folded == "." || tokens[end].folded == "/")
                && !tokens[end].spaceBefore && tokens[end + 1].kind == .word && !tokens[end + 1].spaceBefore
                && tokens[end + 1].folded.unicodeScalars.count == 1
            {
                letters += tokens[end + 1].folded
                end += 2
            }
            guard dottedSuffixes.contains(letters) else { return nil }
            // "S.A. de C.V." (Mexico)
            if letters == "sa", end + 4 < tokens.count, tokens[end].folded == ".", tokens[end + 1].folded == "de",
                tokens[end + 2].folded == "c", tokens[end + 4].folded == "v"
            {
                end += 5
            }
        } else {
            return nil
        }
        if end < tokens.count && tokens[end].folded == "." && !tokens[end].spaceBefore {
            end += 1
        }
        return end
    }

    // MARK: Signatures

    /// The company line of a signature near the end: a name line, a role line, then a short
    /// capitalized line ("--\nMaria Silva\nDiretora de Compras\nPadaria Bom Pão Ltda"), or the
    /// part after `|`, `,`, `-` or "at" on the role line.
    private static func signatureCompany(_ text: ScalarText) -> Range<Int>? {
        let lines = text.lineRanges()
        guard lines.count >= 2 else { return nil }
        let tokens = text.tokens
        for number in max(0, lines.count - 6)..<(lines.count - 1) {
            let nameLine = lines[number]
            let roleLine = lines[number + 1]
            guard isNameLine(text, nameLine),
                RoleExtractor.match(text, at: roleLine.lowerBound) != nil
                    || (roleLine.count > 1 && RoleExtractor.department(text, at: roleLine.lowerBound) != nil
                        && RoleExtractor.match(text, at: roleLine.lowerBound + 1) != nil)
            else { continue }
            for index in roleLine where tokens[index].kind == .symbol || tokens[index].folded == "at" {
                guard ["|", ",", "-", "@", "at", "•", "·"].contains(tokens[index].folded) else { continue }
                if let run = nameRun(text, from: index + 1) { return run }
            }
            if number + 2 < lines.count {
                let companyLine = lines[number + 2]
                if let run = nameRun(text, from: companyLine.lowerBound, opensLine: true),
                    run.upperBound == companyLine.upperBound
                        || (run.upperBound < companyLine.upperBound && tokens[run.upperBound].kind == .symbol
                            && companyLine.upperBound - run.upperBound == 1)
                {
                    return run
                }
            }
        }
        return nil
    }

    /// Two to four capitalized words and nothing else: a person's name on its own line.
    private static func isNameLine(_ text: ScalarText, _ line: Range<Int>) -> Bool {
        guard (2...4).contains(line.count) else { return false }
        return line.allSatisfy { text.tokens[$0].kind == .word && text.isCapitalized($0) }
            && !notNames.contains(text.tokens[line.lowerBound].folded)
            && !sentenceStarters.contains(text.tokens[line.lowerBound].folded)
    }

    // MARK: Email domains

    /// Companies named by business email domains (`joe@acme-foods.com.br` → "Acme Foods"),
    /// with the domain's scalar range; free-mail providers name nobody.
    private static func emailDomainCompanies(_ text: ScalarText) -> [(Range<Int>, String)] {
        var companies: [(Range<Int>, String)] = []
        for range in ContactExtractor.emailRanges(in: text.original) {
            guard let at = text.original[range].firstIndex(of: "@"),
                var labels = ContactExtractor.hostLabels(text.original[(at + 1)..<range.upperBound])
            else { continue }
            while labels.count > 1
                && (ContactExtractor.topLevelDomains.contains(labels.last!)
                    || secondLevelDomains.contains(labels.last!))
            {
                labels.removeLast()
            }
            guard let label = labels.last, !freeMail.contains(label),
                label.unicodeScalars.contains(where: ScalarText.isLetter)
            else { continue }
            let words = label.split { $0 == "-" || $0 == "_" }.map { $0.prefix(1).uppercased() + $0.dropFirst() }
            companies.append(((at + 1)..<range.upperBound, words.joined(separator: " ")))
        }
        return companies
    }

    /// Letters and digits only, folded: "Acme Foods Ltda" and "acme-foods" compare by prefix.
    private static func alphanumericKey(_ name: String) -> String {
        String(
            String.UnicodeScalarView(
                name.unicodeScalars.map(ScalarText.fold).filter { ScalarText.isLetter($0) || ScalarText.isDigit($0) }
            )
        )
    }

    // MARK: Tables

    /// The cues a word may start.
    struct Cues: OptionSet, Sendable {
        let rawValue: UInt8
        static let introduction = Cues(rawValue: 1)
        static let personLink = Cues(rawValue: 2)
        static let role = Cues(rawValue: 4)
        static let suffix = Cues(rawValue: 8)
    }

    /// Every word that starts a cue, with the cues it starts (single-letter suffixes such as
    /// the S of "S.A." are checked apart).
    private static let cueWords: [String: Cues] = {
        var table: [String: Cues] = [:]
        for word in introductions.keys { table[word, default: []].insert(.introduction) }
        for word in personLinks { table[word, default: []].insert(.personLink) }
        for word in RoleExtractor.phrases.keys { table[word, default: []].insert(.role) }
        for word in suffixWords.keys { table[word, default: []].insert(.suffix) }
        return table
    }()

    /// Introduction cues (folded words, an apostrophe skipped) by first word, longest first.
    private static let introductions: [String: [[String]]] = {
        let phrases = [
            "i work at", "i work for", "we work at", "work at", "work for", "working at", "working for", "i m with",
            "i am with", "i m from", "i am from", "im from", "im with", "here at", "calling from", "writing from",
            "reaching out from", "on behalf of", "the company", "soy de", "soy del", "trabajo en", "trabajo para",
            "trabajamos en", "de parte de", "escribo de", "escribo desde", "hablo de", "llamo de", "represento a",
            "empresa", "compania", "companhia", "firma", "societe", "azienda", "sou da", "sou do", "trabalho na",
            "trabalho no", "trabalho em", "trabalho para", "trabalho pra", "aqui da", "aqui do", "aqui e da",
            "aqui e do", "falo da", "falo do", "falando da", "falando do", "travaille chez", "arbeite bei",
            "ich bin von", "lavoro presso", "lavoro per", "saya dari", "bekerja di",
        ]
        var table: [String: [[String]]] = [:]
        for phrase in phrases {
            let words = phrase.split(separator: " ").map(String.init)
            table[words[0], default: []].append(words)
        }
        return table.mapValues { $0.sorted { $0.count > $1.count } }
    }()

    private static let cueArticles: Set<String> = ["la", "el", "a", "o", "the", "der", "die"]

    private static let articles: Set<String> = ["a", "o", "la", "el", "the"]

    /// Words between a role and its company: "CEO at Acme", "gerente da Padaria X".
    private static let roleLinks: Set<String> = [
        "at", "@", "of", "de", "da", "do", "del", "en", "na", "no", "em", "chez", "bei", "presso", "di",
    ]

    /// Words between a person's name and their company: "Maria from Acme", "Ana de Norte".
    private static let personLinks: Set<String> = ["from", "de", "da", "do", "del", "dari"]

    /// Words before a person's name that make the writer introduce themselves. English "am"
    /// counts only after "I" (German "am" is "an dem").
    private static let personIntroductions: Set<String> = [
        "im", "soy", "sou", "llamo", "chamo", "habla", "fala", "falando", "hablando",
    ]

    private static let connectors: Set<String> = [
        "de", "do", "da", "dos", "das", "del", "y", "e", "and", "of", "the", "di", "du", "des", "von", "van", "la",
    ]

    private static let innerSymbols: Set<String> = ["&", "+"]

    /// How a suffix word must be written: "CO" is Colorado, "Co" a company.
    enum SuffixRule { case any, capitalized, capitals, titleCase }

    private static let suffixWords: [String: SuffixRule] = [
        "corp": .capitalized, "corporation": .capitalized, "inc": .capitalized, "incorporated": .capitalized,
        "llc": .any, "ltd": .any, "limited": .capitalized, "ltda": .any, "gmbh": .any, "plc": .capitals,
        "sas": .capitals, "sarl": .capitals, "srl": .capitals, "eireli": .any, "sa": .capitals, "sl": .capitals,
        "cia": .capitalized, "co": .titleCase, "sac": .capitals, "spa": .capitals, "pty": .capitalized,
        "sapi": .capitals, "tbk": .capitalized,
    ]

    private static let dottedSuffixes: Set<String> = [
        "sa", "sl", "sas", "srl", "spa", "llc", "sac", "saa", "sarl", "bv", "nv", "ag", "plc", "ltda",
    ]

    /// Capitalized words that open sentences, not company names.
    private static let sentenceStarters: Set<String> = [
        "i", "we", "our", "my", "the", "a", "an", "hi", "hello", "hey", "thanks", "yes", "no", "ok", "please",
        "hola", "buenos", "buenas", "gracias", "somos", "soy", "nosotros", "nuestra", "nuestro", "la", "el", "los",
        "las", "un", "una", "compramos", "trabajo", "ola", "oi", "bom", "boa", "obrigado", "obrigada", "sou",
        "somos", "nos", "nossa", "nosso", "o", "os", "as", "um", "uma", "compro", "trabalho", "eu", "je", "nous",
        "ich", "wir", "io", "noi", "we're", "bonjour", "hallo", "ciao", "atenciosamente", "saludos", "regards",
        "best", "abraco", "abracos", "att", "cordialmente", "thank", "dear", "estimado", "estimada", "prezado",
        "prezada", "ayer", "ontem", "yesterday", "ahora", "agora", "now", "but", "pero", "mas", "and", "also",
        "tambien", "tambem", "entao", "entonces", "so", "then", "para", "for", "with", "con", "com", "en", "em",
        "na", "no", "in", "at", "on", "from", "por", "de", "da", "do", "del", "if", "si", "se", "when", "cuando",
        "quando", "after", "despues", "depois", "via", "pela", "pelo", "sobre", "about", "como", "is", "es", "e",
    ]

    /// Capitalized words after a cue that are not companies: "I work at Home", "soy de Lima".
    private static let notNames: Set<String> = [
        "home", "casa", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "lunes",
        "martes", "miercoles", "jueves", "viernes", "sabado", "domingo", "segunda", "terca", "quarta", "quinta",
        "sexta", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december", "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
        "septiembre", "octubre", "noviembre", "diciembre", "janeiro", "fevereiro", "marco", "maio", "junho",
        "julho", "setembro", "outubro", "novembro", "dezembro", "i", "we", "you", "he", "she", "they", "it",
        "this", "that", "there", "here", "yo", "eu", "voce", "usted", "ustedes", "ele", "ela", "nos", "hoy",
        "hoje", "today", "tomorrow", "manana", "amanha", "ok", "sim", "si", "yes", "no", "nao",
    ]

    /// Places that follow "I'm from" and "soy de" as often as companies do.
    private static let places: Set<String> = [
        // Countries and continents, in English, Spanish and Portuguese where the names differ.
        "brazil", "brasil", "mexico", "spain", "espana", "espanha", "portugal", "argentina", "colombia", "chile",
        "peru", "uruguay", "uruguai", "paraguay", "paraguai", "bolivia", "ecuador", "equador", "venezuela",
        "panama", "guatemala", "honduras", "nicaragua", "costa rica", "el salvador", "cuba", "puerto rico",
        "dominican republic", "republica dominicana", "usa", "us", "eua", "eeuu", "estados unidos",
        "united states", "canada", "france", "francia", "franca", "germany", "alemania", "alemanha", "italy",
        "italia", "england", "inglaterra", "uk", "britain", "ireland", "irlanda", "scotland", "escocia",
        "netherlands", "holland", "holanda", "belgium", "belgica", "switzerland", "suiza", "suica", "austria",
        "poland", "polonia", "sweden", "suecia", "norway", "noruega", "denmark", "dinamarca", "finland",
        "finlandia", "greece", "grecia", "turkey", "turquia", "russia", "rusia", "russia", "ukraine", "ucrania",
        "hungary", "hungria", "romania", "rumania", "romenia", "malta", "cyprus", "chipre", "israel", "egypt",
        "egipto", "egito", "morocco", "marruecos", "marrocos", "nigeria", "angola", "mozambique", "mocambique",
        "south africa", "sudafrica", "africa do sul", "kenya", "quenia", "india", "pakistan", "paquistao",
        "china", "japan", "japon", "japao", "korea", "corea", "coreia", "vietnam", "thailand", "tailandia",
        "indonesia", "malaysia", "malasia", "philippines", "filipinas", "singapore", "singapur", "singapura",
        "australia", "new zealand", "nueva zelanda", "nova zelandia", "dubai", "uae", "saudi arabia",
        "arabia saudita", "qatar", "catar", "asia", "europe", "europa", "africa", "america", "latam",
        "latin america", "latinoamerica", "america latina", "north america", "south america", "sudamerica",
        "america do sul",
        // Cities and states people say they are from.
        "london", "londres", "paris", "madrid", "barcelona", "valencia", "sevilla", "lisboa", "lisbon", "porto",
        "sao paulo", "sp", "rio", "rio de janeiro", "rj", "minas", "minas gerais", "belo horizonte", "bh",
        "curitiba", "brasilia", "salvador", "bahia", "recife", "fortaleza", "porto alegre", "manaus", "belem",
        "goiania", "campinas", "santos", "florianopolis", "bogota", "medellin", "cali", "lima", "santiago",
        "buenos aires", "cordoba", "rosario", "mendoza", "monterrey", "guadalajara", "cdmx", "ciudad de mexico",
        "puebla", "tijuana", "cancun", "quito", "guayaquil", "caracas", "montevideo", "asuncion", "la paz",
        "new york", "nyc", "miami", "texas", "california", "florida", "chicago", "los angeles", "la", "toronto",
        "jakarta", "berlin", "munich", "rome", "roma", "milan", "milano",
    ]

    /// Nouns that open company names, so a connector after them at a sentence start is kept
    /// ("Banco do Brasil S.A.").
    private static let companyNouns: Set<String> = [
        "banco", "bank", "grupo", "group", "casa", "padaria", "panaderia", "distribuidora", "comercial",
        "industria", "industrias", "laboratorio", "farmacia", "supermercado", "supermercados", "restaurante",
        "hotel", "clinica", "instituto", "editora", "editorial", "construtora", "constructora", "transportes",
        "loja", "tienda", "companhia", "compania", "company", "empresa", "empresas", "escola", "escuela",
        "colegio", "auto", "posto", "agencia", "consultoria", "studio", "estudio",
    ]

    private static let secondLevelDomains: Set<String> = [
        "com", "co", "net", "org", "gov", "gob", "edu", "ind", "ltd", "ac", "mil", "nom", "or", "ne", "go",
    ]

    /// Free-mail and ISP mail domains: their addresses name no employer.
    private static let freeMail: Set<String> = [
        "gmail", "googlemail", "hotmail", "outlook", "live", "msn", "yahoo", "ymail", "rocketmail", "icloud", "me",
        "mac", "aol", "uol", "bol", "terra", "ig", "proton", "protonmail", "pm", "gmx", "yandex", "mail", "email",
        "hey", "fastmail", "tutanota", "tuta", "zohomail", "globo", "r7", "prodigy", "movistar", "telefonica",
        "arnet", "fibertel", "speedy", "vtr", "une", "etb", "libero", "virgilio", "orange", "free", "laposte",
        "sfr", "wanadoo", "web", "t-online", "qq", "163", "126", "example", "test", "sapo", "netcabo", "clix",
        "bigpond", "comcast", "verizon", "att", "sbcglobal", "bellsouth", "cox", "charter", "earthlink", "mail2world",
    ]
}
