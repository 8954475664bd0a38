import Core
import Foundation

/// Finds people's job roles with their seniority and department, and whether the writer says it
/// of themselves ("soy el gerente de compras") or of someone else ("my boss", "nosso diretor"):
/// BANT reads a self-stated owner as the decision maker and a mentioned one as someone the
/// writer must ask.
public struct RoleExtractor: EntityFinder {
    public init() {}

    /// How senior a role is, from the owner down (`value.seniority`): BANT weighs a writer's
    /// authority by it.
    public enum Seniority: String, Sendable {
        case owner, executive, director, manager, staff
    }

    /// One role phrase: the canonical role in English, its seniority, the department it implies
    /// (a CFO is finance), and what it needs to count as a role.
    struct Role: Sendable {
        var value: String
        var seniority: Seniority
        var department: String?
        var cue: Cue
    }

    /// What a role word needs around it to count, since some mean other things too.
    enum Cue: Sendable {
        /// Nothing: "gerente", "CEO".
        case none
        /// An article, a possessive or a self cue: "the boss", "el jefe" (not "jefe" as a name).
        case article
        /// A possessive or a self cue: "my partner", "sou a dona" (not "a partner of HubSpot",
        /// "Dona Maria", "Google Assistant").
        case personal
    }

    public func find(in text: ScalarText, context: ExtractionContext) -> [Entity] {
        let tokens = text.tokens
        var entities: [Entity] = []
        var index = 0
        while index < tokens.count {
            guard tokens[index].kind == .word, let match = Self.match(text, at: index) else {
                index += 1
                continue
            }
            defer { index = max(match.end, index + 1) }
            // "President's Day": a role word in a possessive names a thing.
            if match.end + 1 < tokens.count && tokens[match.end].folded == "'" && !tokens[match.end].spaceBefore
                && tokens[match.end + 1].folded == "s"
            {
                continue
            }
            // "Dona Benta", "Partner Program": a capitalized word before a name is a title.
            if match.role.cue == .personal && text.isCapitalized(index) && !text.startsSentence(index)
                && match.end < tokens.count && tokens[match.end].kind == .word && text.isCapitalized(match.end)
            {
                continue
            }
            var start = index
            var department = match.role.department
            // "Purchasing Manager", "IT director": the department before an English role.
            if index > 0 && !text.startsLine(index), let before = Self.department(text, at: index - 1) {
                department = department ?? before
                start = index - 1
            }
            var end = match.end
            if let (after, afterEnd) = Self.departmentAfter(text, from: match.end) {
                department = department ?? after
                end = afterEnd
            } else {
                // "head of the arts department": the span ends at "head".
                while end - 1 > index && Self.departmentConnectors.contains(tokens[end - 1].folded) { end -= 1 }
            }
            guard let (subject, cued) = Self.subject(text, start: start, end: end, role: match.role) else { continue }
            if !cued && start == index && Self.isPartOfName(text, start: index, end: end) { continue }
            var value: [String: JSONValue] = [
                "value": .string(match.role.value), "seniority": .string(match.role.seniority.rawValue),
                "subject": .string(subject),
            ]
            if let department { value["department"] = .string(department) }
            let first = tokens[start].start
            let last = tokens[end - 1].end
            entities.append(
                Entity(
                    type: .role,
                    text: text.text(first, last),
                    start: first,
                    end: last,
                    value: .object(value),
                    confidence: match.role.cue == .none ? 0.85 : 0.7
                )
            )
        }
        return entities
    }

    // MARK: Matching

    /// The longest role phrase starting at token `index`; a `-` glued inside ("co-founder") is
    /// skipped.
    static func match(_ text: ScalarText, at index: Int) -> (role: Role, end: Int)? {
        let tokens = text.tokens
        guard let candidates = phrases[tokens[index].folded] else { return nil }
        for (keys, role) in candidates {
            var position = index + 1
            var matched = true
            for key in keys.dropFirst() {
                if position < tokens.count && tokens[position].folded == "-" && !tokens[position].spaceBefore {
                    position += 1
                }
                guard position < tokens.count, tokens[position].folded == key, !text.startsLine(position) else {
                    matched = false
                    break
                }
                position += 1
            }
            if matched {
                // An acronym role (CEO) is written in capitals; "coo" or "cio" in lowercase are words.
                if keys.count == 1 && role.seniority == .executive && keys[0].count <= 3
                    && !text.isCapitalized(index)
                {
                    continue
                }
                return (role, position)
            }
        }
        return nil
    }

    /// The department word at token `index`; `IT`, `TI`, `HR`, `RH` only in capitals.
    static func department(_ text: ScalarText, at index: Int) -> String? {
        let token = text.tokens[index]
        guard token.kind == .word else { return nil }
        if let department = departments[token.folded] { return department }
        if let department = acronymDepartments[token.folded],
            text.original[token.start..<token.end].allSatisfy({ $0.properties.isUppercase })
        {
            return department
        }
        return nil
    }

    /// A department after the role, directly ("gerente financeiro") or after connectors
    /// ("director de compras", "head of procurement", "jefe del área de ventas").
    static func departmentAfter(_ text: ScalarText, from index: Int) -> (String, Int)? {
        var position = index
        var connectors = 0
        while position < text.tokens.count && !text.startsLine(position) {
            if let department = department(text, at: position) {
                // "recursos humanos", "supply chain": the second word is part of it.
                let end =
                    position + 1 < text.tokens.count
                        && twoWordDepartmentTails.contains(text.tokens[position + 1].folded)
                    ? position + 2 : position + 1
                return (department, end)
            }
            guard connectors < 3, departmentConnectors.contains(text.tokens[position].folded) else { return nil }
            connectors += 1
            position += 1
        }
        return nil
    }

    /// "self" or "other", and whether a word before the role said so ("I'm the", "my"); `nil`
    /// when a role that needs a cue has none.
    static func subject(_ text: ScalarText, start: Int, end: Int, role: Role) -> (String, Bool)? {
        let tokens = text.tokens
        // Walk back a few words of the clause, over an article, to the cue.
        var position = start - 1
        var words = 0
        var article = false
        while position >= 0 && words < 3 {
            let token = tokens[position]
            if token.kind == .symbol {
                if clauseBreaks.contains(token.folded) { break }
                position -= 1
                continue
            }
            let word = token.folded
            if words == 0 && possessives.contains(word) { return ("other", true) }
            if selfCues.contains(word) { return ("self", true) }
            if word == "m" && position >= 2 && tokens[position - 1].folded == "'" && tokens[position - 2].folded == "i"
            {
                return ("self", true)
            }
            // "I work as", "trabajo como"; a bare "as president" is about anyone.
            if (word == "as" || word == "como") && position > 0 && roleVerbs.contains(tokens[position - 1].folded) {
                return ("self", true)
            }
            if words == 0 && articles.contains(word) { article = true }
            if text.startsLine(position) { break }
            words += 1
            position -= 1
        }
        if article { return role.cue == .personal ? nil : ("other", true) }
        let signature = text.startsLine(start) && isAfterNameLine(text, start)
        // "President Obama", "CEO Tim Cook": a title before someone else's name.
        if !signature && end < tokens.count && tokens[end].kind == .word && tokens[end].spaceBefore
            && text.isCapitalized(end) && !text.startsLine(end)
        {
            return role.cue == .none ? ("other", false) : nil
        }
        // "CEO here", "Maria, CEO at Acme": a role introducing the writer.
        if end < tokens.count && selfTails.contains(tokens[end].folded) { return ("self", false) }
        // "Owner of Luna Café here": "here" closing the clause the role opens.
        var ahead = end
        while ahead < min(end + 6, tokens.count) && !clauseBreaks.contains(tokens[ahead].folded) {
            if ["here", "aqui"].contains(tokens[ahead].folded) { return ("self", false) }
            ahead += 1
        }
        // "aqui é a Renata, coordenadora", "this is Tom, buyer": a role after the writer's name.
        if start > 2 && tokens[start - 1].folded == "," && text.isCapitalized(start - 2) {
            let before = tokens[max(0, start - 6)..<(start - 2)].map(\.folded)
            if before.contains(where: { introductions.contains($0) }) { return ("self", false) }
        }
        if text.startsLine(start) {
            // A signature ("Maria Silva\nDiretora de Compras"), or a short line of its own after
            // the first.
            if signature || (start > 0 && role.cue == .none && lineLength(text, from: start) <= 8) {
                return ("self", false)
            }
            return role.cue == .none ? ("other", false) : nil
        }
        if role.cue != .none { return nil }
        // "Maria, CEO", "Carlos Souza | Gerente Comercial": a role after the name opening the line.
        if start > 1 && [",", "|", "-", "–"].contains(tokens[start - 1].folded)
            && isNameOpeningLine(text, before: start - 1)
        {
            return ("self", false)
        }
        return ("other", false)
    }

    private static func lineLength(_ text: ScalarText, from start: Int) -> Int {
        var end = start + 1
        while end < text.tokens.count && !text.startsLine(end) { end += 1 }
        return end - start
    }

    /// Whether one to three capitalized words run from the start of the line to token `end`.
    private static func isNameOpeningLine(_ text: ScalarText, before end: Int) -> Bool {
        var position = end - 1
        var words = 0
        while position >= 0 && words < 3 {
            guard text.tokens[position].kind == .word, text.isCapitalized(position) else { return false }
            words += 1
            if text.startsLine(position) { return true }
            position -= 1
        }
        return false
    }

    /// Whether the line before token `start` is a person's name: two to four capitalized words.
    private static func isAfterNameLine(_ text: ScalarText, _ start: Int) -> Bool {
        var position = start - 1
        var words = 0
        while position >= 0 {
            guard text.tokens[position].kind == .word, text.isCapitalized(position) else { return false }
            words += 1
            if text.startsLine(position) { break }
            position -= 1
        }
        return position >= 0 && (2...4).contains(words)
    }

    /// "Ads Manager", "Google Assistant", "Project Manager app": a capitalized name before the
    /// role, or a product word after it, makes it part of a product's name.
    private static func isPartOfName(_ text: ScalarText, start: Int, end: Int) -> Bool {
        let tokens = text.tokens
        if end < tokens.count && productTails.contains(tokens[end].folded) { return true }
        guard start > 0, !text.startsLine(start), tokens[start].spaceBefore else { return false }
        let previous = start - 1
        guard tokens[previous].kind == .word, text.isCapitalized(previous), !text.startsSentence(previous) else {
            return false
        }
        return phrases[tokens[previous].folded] == nil && !possessives.contains(tokens[previous].folded)
    }

    // MARK: Tables

    /// Role phrases (folded, words separated by spaces) by first word, longest first.
    static let phrases: [String: [([String], Role)]] = {
        var table: [String: [([String], Role)]] = [:]
        func add(_ seniority: Seniority, _ value: String, _ department: String?, cue: Cue = .none, _ words: [String]) {
            for phrase in words {
                let keys = phrase.split(separator: " ").map(String.init)
                table[keys[0], default: []].append(
                    (keys, Role(value: value, seniority: seniority, department: department, cue: cue))
                )
            }
        }
        add(
            .owner,
            "owner",
            nil,
            [
                "owner", "business owner", "co owner", "dueno", "duena", "propietario", "propietaria",
                "dono", "proprietario", "proprietaria", "proprietaire", "inhaber", "inhaberin", "titolare",
                "socio proprietario", "socia proprietaria",
            ]
        )
        add(.owner, "owner", nil, cue: .personal, ["dona"])
        add(.owner, "owner", nil, cue: .article, ["patron", "patrona", "patrao", "patroa"])
        add(
            .owner,
            "founder",
            nil,
            [
                "founder", "fundador", "fundadora", "fondateur", "fondatrice", "grunder", "grunderin",
                "fondatore", "fondatrice", "socio fundador", "socia fundadora",
            ]
        )
        add(
            .owner,
            "co-founder",
            nil,
            [
                "co founder", "cofounder", "cofundador", "cofundadora", "co fundador",
                "co fundadora", "cofondateur",
            ]
        )
        add(.owner, "partner", nil, ["managing partner", "socio director", "socio gerente", "socio diretor"])
        add(.owner, "partner", nil, cue: .personal, ["partner", "socio", "socia"])
        add(.executive, "ceo", nil, ["ceo", "chief executive officer", "pdg"])
        add(.executive, "cfo", "finance", ["cfo", "chief financial officer"])
        add(.executive, "cto", "it", ["cto", "chief technology officer"])
        add(.executive, "cio", "it", ["cio", "chief information officer"])
        add(.executive, "coo", "operations", ["coo", "chief operating officer"])
        add(.executive, "cmo", "marketing", ["cmo", "chief marketing officer"])
        add(.executive, "cro", "sales", ["cro", "chief revenue officer"])
        add(.executive, "president", nil, ["president", "presidente", "presidenta", "presidentin"])
        add(
            .executive,
            "vice president",
            nil,
            [
                "vice president", "vp", "svp", "evp", "vicepresidente", "vicepresidenta",
                "vice presidente", "vice presidenta", "vice president",
            ]
        )
        add(
            .executive,
            "managing director",
            nil,
            [
                "managing director", "director general", "directora general",
                "diretor geral", "diretora geral", "director ejecutivo", "directora ejecutiva", "diretor executivo",
                "diretora executiva", "executive director", "geschaftsfuhrer", "geschaftsfuhrerin", "directeur general",
                "directrice generale", "direttore generale", "amministratore delegato", "superintendente",
            ]
        )
        add(
            .executive,
            "general manager",
            nil,
            ["general manager", "gerente general", "gerente geral", "gerente gral"]
        )
        add(.director, "head", nil, ["head of"])
        add(
            .director,
            "director",
            nil,
            [
                "director", "directora", "diretor", "diretora", "directeur", "directrice",
                "direktor", "direktorin", "direttore", "direttrice",
            ]
        )
        add(
            .manager,
            "manager",
            nil,
            [
                "manager", "gerente", "gerenta", "gestor", "gestora", "leiter", "leiterin",
                "responsabile", "gerant", "gerante", "account manager",
            ]
        )
        add(.manager, "manager", nil, cue: .article, ["boss", "jefe", "jefa", "chefe", "responsable", "responsavel"])
        add(.manager, "manager", nil, ["encargado", "encargada"])
        add(.manager, "lead", nil, ["team lead", "team leader", "tech lead", "lider de equipo", "lider de equipe"])
        add(
            .manager,
            "coordinator",
            nil,
            [
                "coordinator", "coordinador", "coordinadora", "coordenador", "coordenadora",
                "coordinateur", "coordinatrice", "coordinatore", "coordinatrice",
            ]
        )
        add(.manager, "supervisor", nil, ["supervisor", "supervisora", "superviseur", "superviseure"])
        add(
            .staff,
            "buyer",
            "procurement",
            [
                "buyer", "purchaser", "purchasing agent", "comprador", "compradora",
                "acheteur", "acheteuse", "einkaufer", "einkauferin",
            ]
        )
        add(.staff, "analyst", nil, ["analyst", "analista", "analyste"])
        add(
            .staff,
            "assistant",
            nil,
            ["asistente", "assistente", "auxiliar administrativo", "auxiliar administrativa"]
        )
        add(.staff, "assistant", nil, cue: .personal, ["assistant", "auxiliar"])
        add(
            .staff,
            "intern",
            nil,
            [
                "intern", "pasante", "becario", "becaria", "estagiario", "estagiaria", "stagiaire",
                "praktikant", "praktikantin", "tirocinante",
            ]
        )
        add(.staff, "consultant", nil, ["consultant", "consultor", "consultora", "consulente"])
        add(
            .staff,
            "engineer",
            nil,
            [
                "engineer", "ingeniero", "ingeniera", "engenheiro", "engenheira", "ingenieur",
                "ingegnere",
            ]
        )
        add(.staff, "specialist", nil, ["specialist", "especialista"])
        add(
            .staff,
            "salesperson",
            "sales",
            [
                "salesperson", "sales rep", "sales representative", "vendedor",
                "vendedora", "account executive", "ejecutivo de ventas", "ejecutiva de ventas", "ejecutivo de cuentas",
                "ejecutiva de cuentas", "executivo de contas", "executiva de contas", "executivo de vendas",
                "executiva de vendas",
            ]
        )
        add(.staff, "secretary", nil, ["secretary", "secretario"])
        add(.staff, "secretary", nil, cue: .personal, ["secretaria"])
        return table.mapValues { $0.sorted { $0.0.count > $1.0.count } }
    }()

    static let departments: [String: String] = [
        "compras": "procurement", "compra": "procurement", "purchasing": "procurement", "purchase": "procurement",
        "procurement": "procurement", "suprimentos": "procurement", "suministros": "procurement",
        "abastecimiento": "procurement", "adquisiciones": "procurement", "achats": "procurement",
        "einkauf": "procurement", "acquisti": "procurement",
        "tecnologia": "it", "technology": "it", "sistemas": "it", "systems": "it", "informatica": "it",
        "finance": "finance", "financial": "finance", "finanzas": "finance", "financiero": "finance",
        "financiera": "finance", "financeiro": "finance", "financeira": "finance", "financas": "finance",
        "contabilidad": "finance", "contabilidade": "finance", "accounting": "finance", "tesoreria": "finance",
        "tesouraria": "finance", "controladoria": "finance", "finanzen": "finance", "finanze": "finance",
        "marketing": "marketing", "mercadeo": "marketing", "mercadotecnia": "marketing",
        "sales": "sales", "ventas": "sales", "vendas": "sales", "comercial": "sales", "commercial": "sales",
        "vertrieb": "sales", "commerciale": "sales",
        "operations": "operations", "operaciones": "operations", "operacoes": "operations",
        "operacional": "operations", "produccion": "operations", "producao": "operations",
        "production": "operations",
        "recursos": "hr", "human": "hr", "personal": "hr", "personnel": "hr",
        "logistics": "logistics", "logistica": "logistics", "logistique": "logistics", "logistik": "logistics",
        "supply": "logistics", "almacen": "logistics", "estoque": "logistics", "warehouse": "logistics",
        "support": "support", "soporte": "support", "suporte": "support", "atendimento": "support",
    ]

    /// Departments that are common words in lowercase ("it").
    static let acronymDepartments: [String: String] = ["it": "it", "ti": "it", "hr": "hr", "rh": "hr"]

    private static let twoWordDepartmentTails: Set<String> = ["humanos", "resources", "chain"]

    private static let departmentConnectors: Set<String> = [
        "de", "do", "da", "dos", "das", "del", "of", "for", "la", "el", "the", "area", "departamento",
        "department", "setor", "sector", "pelas", "pelo", "pela", "por", "des", "du", "der", "des", "di", "della",
    ]

    /// Words before a role that make it someone else's: "my boss", "nuestro director".
    private static let possessives: Set<String> = [
        "my", "our", "your", "his", "her", "their", "mi", "mis", "nuestro", "nuestra", "nuestros", "nuestras",
        "su", "sus", "tu", "tus", "meu", "minha", "meus", "minhas", "nosso", "nossa", "nossos", "nossas", "seu",
        "sua", "teu", "tua", "mon", "ma", "notre", "votre", "son", "sa", "mein", "meine", "meinem", "meinen",
        "meiner", "unser", "unsere", "unserem", "unseren", "mio", "mia", "nostro", "nostra",
    ]

    /// Words that make the writer the subject of a role: "I am", "soy", "sou", "trabajo como".
    private static let selfCues: Set<String> = ["im", "am", "soy", "sou", "suis", "bin", "sono", "atuo"]

    /// Verbs before "as"/"como" that make the writer the one in the role.
    private static let roleVerbs: Set<String> = [
        "work", "working", "worked", "m", "im", "am", "here", "joined", "trabajo", "trabalho", "trabajando",
        "trabalhando", "atuo", "estoy", "estou",
    ]

    private static let articles: Set<String> = [
        "the", "a", "an", "el", "la", "los", "las", "un", "una", "o", "os", "um", "uma", "le", "les", "der", "die",
        "den", "dem", "ein", "eine", "einen", "il", "lo", "uno",
    ]

    private static let clauseBreaks: Set<String> = [".", "!", "?", ";", ":", "(", ")"]

    /// Words that introduce the writer by name: "this is Tom", "aqui é a Renata", "soy Ana".
    private static let introductions: Set<String> = ["is", "im", "am", "soy", "sou", "e", "es", "habla", "fala"]

    private static let selfTails: Set<String> = [
        "here", "aqui", "ici", "hier", "qui", "at", "@", "en", "na", "no", "em",
    ]

    private static let productTails: Set<String> = [
        "app", "software", "tool", "plugin", "module", "extension", "api", "license", "licence", "plan", "suite",
        "dashboard",
    ]
}
