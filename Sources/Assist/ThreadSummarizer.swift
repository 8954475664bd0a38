import Core
import Foundation

/// A message as the thread summary reads it: its text and what the stages found.
public struct SummaryMessage: Sendable, Equatable {
    public var id: UUID
    public var direction: MessageDirection
    public var sentAt: Date
    /// The message's own text, then the text inside its media, as the stages read them.
    public var text: String
    public var language: String?
    public var intent: String?
    /// `ai_entities_json`: the extract stage's entities.
    public var entities: [JSONValue]
    /// `ai_extra.bant_cues`.
    public var cues: [JSONValue]

    public init(
        id: UUID,
        direction: MessageDirection,
        sentAt: Date,
        text: String,
        language: String? = nil,
        intent: String? = nil,
        entities: [JSONValue] = [],
        cues: [JSONValue] = []
    ) {
        self.id = id
        self.direction = direction
        self.sentAt = sentAt
        self.text = text
        self.language = language
        self.intent = intent
        self.entities = entities
        self.cues = cues
    }
}

/// Summarizes a thread: the local path (``ThreadSummarizer``), or an LLM with it as fallback.
public protocol ThreadSummarizing: Sendable {
    /// The summary document of `messages` (any order, one thread of `organization`), in
    /// `language` (`nil`: the customer's).
    func summarize(_ messages: [SummaryMessage], bant: JSONValue?, language: String?, organization: OrganizationID)
        async -> JSONValue
}

/// The local path's rolling summary of a thread: a few sentences of what was said, what the
/// customer wants, the facts (BANT with its amounts, dates and products), objections, what the
/// business committed to, and the customer's questions still unanswered. Deterministic: the
/// same messages give the same summary, in the language asked for (en, es, pt; others get en).
public struct ThreadSummarizer: ThreadSummarizing {
    public var summarizer: ExtractiveSummarizer

    public init(summarizer: ExtractiveSummarizer = ExtractiveSummarizer(turns: 3, maxWords: 60)) {
        self.summarizer = summarizer
    }

    public func summarize(
        _ messages: [SummaryMessage],
        bant: JSONValue?,
        language: String?,
        organization: OrganizationID
    ) async -> JSONValue {
        summarize(messages, bant: bant, language: language)
    }

    /// The summary of `messages` (any order), with the thread's BANT conclusion when known.
    /// - Parameter language: the reader's language; `nil` takes the customer's most used one.
    public func summarize(_ messages: [SummaryMessage], bant: JSONValue?, language: String?) -> JSONValue {
        let ordered = messages.sorted { ($0.sentAt, $0.id.uuidString) < ($1.sentAt, $1.id.uuidString) }
        let inbound = ordered.filter { $0.direction == .inbound }
        let language = Self.supported(language ?? Self.customerLanguage(inbound))
        let words = Self.words[language] ?? Self.words["en"]!
        func reference(_ message: SummaryMessage) -> JSONValue {
            [
                "message_id": .string(message.id.uuidString.lowercased()),
                "sent_at": .string(message.sentAt.formatted(.iso8601)),
                "text": .string(Self.clip(message.text)),
            ]
        }
        // A few sentences: the turns that say most, the customer's in their own words.
        let turns = ordered.map { message in
            SummaryTurn(
                speaker: message.direction == .inbound ? words.customer : words.business,
                listener: message.direction == .inbound ? words.business : words.customer,
                text: message.text,
                language: message.language == "en" && language == "en" ? "en" : message.language,
                // Facts raise a customer's turn; a greeting is never the summary.
                bonus: (message.direction == .inbound ? 0.5 * Double(message.entities.count) : 0)
                    - (message.intent == "greeting" ? 5 : 0)
            )
        }
        var wants: [String] = []
        for message in inbound {
            if let intent = message.intent, let label = words.intents[intent], !wants.contains(label) {
                wants.append(label)
            }
        }
        var products: [String] = []
        var quantities: [String] = []
        var amounts: [String] = []
        var dates: [String] = []
        var competitors: [String] = []
        for message in inbound {
            for entity in message.entities {
                let text = entity["text"]?.stringValue ?? ""
                switch entity["type"]?.stringValue {
                case "product": Self.add(entity["value"]?["name"]?.stringValue ?? text, to: &products)
                case "competitor": Self.add(entity["value"]?["name"]?.stringValue ?? text, to: &competitors)
                case "quantity": Self.add(text, to: &quantities)
                case "money": Self.add(text, to: &amounts)
                case "time": Self.add(text, to: &dates)
                default: break
                }
            }
        }
        let objections = inbound.filter { message in
            message.intent == "objection"
                || message.cues.contains { $0["kind"]?.stringValue == "not_interested" }
        }
        let commitments = ordered.filter { $0.direction == .outbound && Self.commits($0.text) }
        // Unanswered: the business wrote nothing after the question.
        let lastReply = ordered.last { $0.direction == .outbound }?.sentAt ?? .distantPast
        let questions = inbound.filter { Self.asks($0.text) && $0.sentAt > lastReply }
        var facts: [String: JSONValue] = [
            "products": .array(products.map(JSONValue.string)),
            "quantities": .array(quantities.map(JSONValue.string)),
            "amounts": .array(amounts.map(JSONValue.string)),
            "dates": .array(dates.map(JSONValue.string)),
            "competitors": .array(competitors.map(JSONValue.string)),
        ]
        if let bant {
            facts["stage"] = bant["stage"] ?? .null
            for dimension in ["budget", "authority", "need", "timeline"] {
                facts[dimension] = bant[dimension]?["level"] ?? .null
            }
        }
        return [
            "language": .string(language),
            "method": "local",
            "text": .string(summarizer.summary(turns)),
            "wants": .array(wants.map(JSONValue.string)),
            "facts": .object(facts),
            "objections": .array(objections.suffix(5).map(reference)),
            "commitments": .array(commitments.suffix(5).map(reference)),
            "open_questions": .array(questions.suffix(5).map(reference)),
            "messages": .number(Double(ordered.count)),
        ]
    }

    // MARK: Reading messages

    static func customerLanguage(_ inbound: [SummaryMessage]) -> String {
        var counts: [String: Int] = [:]
        for message in inbound { if let language = message.language { counts[language, default: 0] += 1 } }
        return counts.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key ?? "en"
    }

    static func supported(_ language: String) -> String { words[language] == nil ? "en" : language }

    /// A question: a question mark, or an opening question word.
    static func asks(_ text: String) -> Bool {
        if text.contains("?") || text.contains("¿") { return true }
        let first = text.lowercased().split(whereSeparator: { !$0.isLetter }).first.map(String.init) ?? ""
        return [
            "how", "what", "when", "where", "which", "can", "could", "do", "does", "is", "are", "cuánto",
            "cuanto", "cómo", "como", "cuándo", "quanto", "quando", "qual", "pode", "puede", "tienen", "vocês",
        ]
        .contains(first)
    }

    /// A promise by the business: "I'll send", "te envío", "vou enviar", ...
    static func commits(_ text: String) -> Bool {
        let folded = " " + text.lowercased().folding(options: .diacriticInsensitive, locale: nil) + " "
        return commitmentPhrases.contains { folded.contains($0) }
    }

    /// Folded (no accents, lowercase): en, then es, then pt.
    static let commitmentPhrases = [
        " i'll ", " i will ", " we'll ", " we will ", " i'm sending ", " will send ", " let me send ",
        " te envio ", " le envio ", " te mando ", " le mando ", " enviare ", " vamos a enviar", " te llamo ",
        " le llamo ", " te confirmo ", " vou enviar ", " vou te enviar ", " envio hoje ", " vou mandar ",
        " vou ligar ", " te ligo ", " vou confirmar ", " te retorno ",
    ]

    static func add(_ value: String, to list: inout [String]) {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if !trimmed.isEmpty, !list.contains(where: { $0.lowercased() == trimmed.lowercased() }) { list.append(trimmed) }
    }

    static func clip(_ text: String) -> String {
        text.count <= 280 ? text : String(text.prefix(279)) + "…"
    }

    // MARK: Words of each language

    struct Words: Sendable {
        var customer: String
        var business: String
        var intents: [String: String]
    }

    static let words: [String: Words] = [
        "en": Words(
            customer: "Customer",
            business: "Rep",
            intents: [
                "pricing": "pricing", "demo_request": "a demo", "purchase": "to buy", "support": "support",
                "objection": "has objections", "opt_out": "no more messages",
            ]
        ),
        "es": Words(
            customer: "Cliente",
            business: "Vendedor",
            intents: [
                "pricing": "precios", "demo_request": "una demo", "purchase": "comprar", "support": "soporte",
                "objection": "tiene objeciones", "opt_out": "no recibir más mensajes",
            ]
        ),
        "pt": Words(
            customer: "Cliente",
            business: "Vendedor",
            intents: [
                "pricing": "preços", "demo_request": "uma demo", "purchase": "comprar", "support": "suporte",
                "objection": "tem objeções", "opt_out": "não receber mais mensagens",
            ]
        ),
    ]
}
