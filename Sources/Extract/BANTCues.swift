import Core

/// Phrases that say something about a BANT dimension without being an entity: "what's the
/// price", "I need to check with my boss", "no rush". Found per message by the extract stage
/// (stored with the message as `bant_cues`), read by ``BANTScorer`` over the whole thread.
public struct BANTCue: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The customer talks about their budget without an amount ("budget", "presupuesto").
        case budgetMention = "budget_mention"
        /// The customer asks for a price or a quote: an implied budget.
        case priceQuestion = "price_question"
        /// "I decide", "yo decido", "eu que decido".
        case decides
        /// "check with my boss", "tengo que consultarlo", "preciso ver com meu sócio".
        case needsApproval = "needs_approval"
        /// A pain or a use case: "we need", "buscamos", "estamos com problema".
        case need
        /// "interested in", "tell me more": interest without a stated need.
        case interest
        /// "not interested", "no me interesa", "não tenho interesse".
        case notInterested = "not_interested"
        /// "asap", "urgente", "o quanto antes".
        case urgency
        /// "no rush", "sin prisa", "mais pra frente".
        case noRush = "no_rush"
    }

    public var kind: Kind
    public var start: Int
    public var end: Int
    public var text: String

    public init(kind: Kind, start: Int, end: Int, text: String) {
        self.kind = kind
        self.start = start
        self.end = end
        self.text = text
    }

    public var json: JSONValue {
        .object([
            "kind": .string(kind.rawValue), "start": .number(Double(start)), "end": .number(Double(end)),
            "text": .string(text),
        ])
    }

    public init?(json: JSONValue) {
        guard let kind = json["kind"]?.stringValue.flatMap(Kind.init(rawValue:)),
            let start = json["start"]?.exactIntValue, let end = json["end"]?.exactIntValue
        else { return nil }
        self.init(kind: kind, start: start, end: end, text: json["text"]?.stringValue ?? "")
    }
}

/// Finds ``BANTCue``s by phrase, on folded tokens (case and accents do not matter).
public struct BANTCueFinder: Sendable {
    /// Phrases by their first word: each phrase is its words and its kind.
    private let phrases: [String: [([String], BANTCue.Kind)]]

    public init() {
        var phrases: [String: [([String], BANTCue.Kind)]] = [:]
        for (kind, list) in Self.lexicon {
            for phrase in list {
                let words = ScalarText(phrase).tokens.map(\.folded)
                guard let first = words.first else { continue }
                phrases[first, default: []].append((words, kind))
            }
        }
        // Longer phrases first, so "not interested" beats "interested".
        self.phrases = phrases.mapValues { $0.sorted { $0.0.count > $1.0.count } }
    }

    public func cues(in text: ScalarText) -> [BANTCue] {
        var cues: [BANTCue] = []
        let tokens = text.tokens
        var index = 0
        while index < tokens.count {
            var matched = 0
            if let candidates = phrases[tokens[index].folded] {
                for (words, kind) in candidates where index + words.count <= tokens.count {
                    if (1..<words.count).allSatisfy({ tokens[index + $0].folded == words[$0] }) {
                        // "not interested" is one cue, not also "interested".
                        let start = tokens[index].start
                        let end = tokens[index + words.count - 1].end
                        cues.append(BANTCue(kind: kind, start: start, end: end, text: text.text(start, end)))
                        matched = words.count
                        break
                    }
                }
            }
            index += max(matched, 1)
        }
        return cues
    }

    /// The phrases, in English, Spanish and Portuguese (folded when loaded: write them naturally).
    static let lexicon: [(BANTCue.Kind, [String])] = [
        (
            .budgetMention,
            [
                "budget", "our budget", "my budget", "budgeted", "we can spend", "we can afford", "can pay",
                "presupuesto", "nuestro presupuesto", "podemos gastar", "podemos pagar", "tenemos disponible",
                "orçamento", "nosso orçamento", "verba", "podemos investir", "posso pagar", "podemos pagar",
            ]
        ),
        (
            .priceQuestion,
            [
                "how much", "price", "prices", "pricing", "quote", "a quote", "cost", "costs", "price list",
                "cuánto cuesta", "cuanto cuesta", "cuánto sale", "cuánto vale", "precio", "precios", "cotización",
                "cotizacion", "tarifa", "tarifas", "quanto custa", "quanto fica", "quanto sai", "preço", "preços",
                "valor", "valores", "cotação", "orçamento de",
            ]
        ),
        (
            .decides,
            [
                "i decide", "i make the decision", "i make the decisions", "my decision", "i'm the decision maker",
                "i am the decision maker", "i approve", "i can approve", "i sign off", "i'll sign", "i sign",
                "puedo aprobar", "yo apruebo", "yo firmo", "posso aprovar", "eu aprovo", "eu assino", "yo decido",
                "la decisión es mía", "decido yo", "eu decido",
                "eu que decido", "a decisão é minha", "quem decide sou eu",
            ]
        ),
        (
            .needsApproval,
            [
                "check with my boss", "check with my manager", "check with my partner", "ask my boss",
                "ask my manager", "talk to my boss", "run it by", "need approval", "needs approval",
                "get approval", "not my decision", "not up to me", "the board decides", "my boss decides",
                "tengo que consultarlo", "tengo que consultar", "consultarlo con", "lo consulto",
                "consultar con mi jefe", "hablar con mi jefe", "necesito aprobación", "no depende de mí",
                "no decido yo", "preciso ver com", "preciso falar com", "vou ver com", "vou consultar",
                "tenho que consultar", "preciso consultar", "preciso de aprovação", "não depende de mim",
                "não sou eu que decido", "meu chefe decide",
            ]
        ),
        (
            .need,
            [
                "we need", "i need", "we are looking for", "we're looking for", "i'm looking for", "looking for",
                "we want", "we'd like", "we would like", "problem", "problems", "struggling", "issue with",
                "we have trouble", "necesitamos", "necesito", "buscamos", "estamos buscando", "queremos",
                "quisiéramos", "problema", "problemas", "nos cuesta", "precisamos", "preciso", "procuramos",
                "estamos procurando", "queremos", "gostaríamos", "problema com", "dificuldade", "não consigo",
                "não conseguimos",
            ]
        ),
        (
            .interest,
            [
                "interested", "tell me more", "more information", "more info", "send me info", "info please",
                "interesado", "interesada", "me interesa", "más información", "mas informacion", "más info",
                "interessado", "interessada", "tenho interesse", "mais informações", "mais informacoes",
                "mais info", "saber mais",
            ]
        ),
        (
            .notInterested,
            [
                "not interested", "no longer interested", "no thanks", "no thank you", "remove me",
                "no me interesa", "no estoy interesado", "no gracias", "não tenho interesse", "não me interessa",
                "não obrigado", "não, obrigado", "sem interesse",
            ]
        ),
        (
            .urgency,
            [
                "asap", "as soon as possible", "urgent", "urgently", "right away", "immediately", "urgente",
                "lo antes posible", "cuanto antes", "de inmediato", "o quanto antes", "o mais rápido possível",
                "o mais rapido possivel", "com urgência",
                "pra ontem", "para ontem",
            ]
        ),
        (
            .noRush,
            [
                "no rush", "no hurry", "not in a hurry", "not urgent", "sometime", "someday", "later this year",
                "next year maybe", "just browsing", "just looking", "sin prisa", "no hay prisa", "no es urgente",
                "más adelante", "algún día", "sem pressa", "não é urgente", "mais pra frente", "mais para frente",
                "um dia", "só pesquisando", "só olhando",
            ]
        ),
    ]
}
