import Core
import Foundation

/// What the local draft composer knows about the thread it drafts for.
public struct DraftInput: Sendable {
    /// A human reply the business once gave to a similar inbound message.
    public struct PastReply: Sendable, Equatable {
        public var messageID: UUID
        public var text: String
        /// Cosine similarity of the inbound messages.
        public var similarity: Double

        public init(messageID: UUID, text: String, similarity: Double) {
            self.messageID = messageID
            self.text = text
            self.similarity = similarity
        }
    }

    /// A knowledge snippet that matched the customer's last words.
    public struct Snippet: Sendable, Equatable {
        public var id: UUID
        public var kind: KnowledgeSnippet.Kind
        public var language: String
        public var body: String
        /// Cosine similarity (semantic) or full-text rank (lexical).
        public var score: Double
        public var semantic: Bool

        public init(
            id: UUID,
            kind: KnowledgeSnippet.Kind,
            language: String,
            body: String,
            score: Double,
            semantic: Bool
        ) {
            self.id = id
            self.kind = kind
            self.language = language
            self.body = body
            self.score = score
            self.semantic = semantic
        }
    }

    /// The customer's language (en, es, pt; others are drafted in en).
    public var language: String
    public var customerName: String?
    public var windowOpen: Bool
    /// The customer's latest intent.
    public var intent: String?
    /// Catalog products the customer named, with their list prices when known.
    public var products: [CatalogItem]
    /// Times the customer named ("Friday at 10").
    public var times: [String]
    public var pastReplies: [PastReply]
    public var snippets: [Snippet]
    /// The organization's approved templates.
    public var templates: [MessageTemplate]

    public init(
        language: String,
        customerName: String?,
        windowOpen: Bool,
        intent: String?,
        products: [CatalogItem],
        times: [String],
        pastReplies: [PastReply],
        snippets: [Snippet],
        templates: [MessageTemplate]
    ) {
        self.language = language
        self.customerName = customerName
        self.windowOpen = windowOpen
        self.intent = intent
        self.products = products
        self.times = times
        self.pastReplies = pastReplies
        self.snippets = snippets
        self.templates = templates
    }
}

/// A reply draft for a rep: its text, language, how it would go (a session text, or a template
/// with its filled parameters), where it came from, and its guardrail results.
public struct Draft: Sendable, Equatable {
    public var id: UUID
    public var text: String
    public var language: String
    /// `session` or `template`.
    public var mode: String
    public var templateName: String?
    public var templateLanguage: String?
    public var parameters: [String]
    public var sources: [JSONValue]
    public var guardrails: [GuardrailResult]

    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(id.uuidString.lowercased()), "text": .string(text), "language": .string(language),
            "mode": .string(mode), "sources": .array(sources), "guardrails": .array(guardrails.map(\.json)),
        ]
        if let templateName {
            object["template"] = [
                "name": .string(templateName), "language": .string(templateLanguage ?? language),
                "parameters": .array(parameters.map(JSONValue.string)),
            ]
        }
        return .object(object)
    }
}

/// The local path's reply drafts: the organization's own words first (a matching knowledge
/// snippet, a past human reply to a similar message), then replies built from the thread's
/// facts (the price of the product asked about, a demo slot the customer named), in the
/// customer's language. Outside the 24-hour window only approved templates, parameters filled.
/// Every draft passes the guardrails or is withheld.
public struct DraftComposer: Sendable {
    public var guardrails: Guardrails
    /// A snippet drafts from above this similarity (semantic) or any positive rank (words).
    public var snippetSimilarity: Double
    /// A past reply is reused above this similarity of the inbound messages.
    public var pastReplySimilarity: Double

    public init(
        guardrails: Guardrails = Guardrails(),
        snippetSimilarity: Double = 0.5,
        pastReplySimilarity: Double = 0.75
    ) {
        self.guardrails = guardrails
        self.snippetSimilarity = snippetSimilarity
        self.pastReplySimilarity = pastReplySimilarity
    }

    /// Up to `limit` drafts that passed, and the ones withheld with why.
    public func drafts(_ input: DraftInput, context: Guardrails.Context, limit: Int = 3)
        -> (drafts: [Draft], withheld: [Draft])
    {
        let language = Self.words[input.language] == nil ? "en" : input.language
        let words = Self.words[language]!
        var candidates: [Draft] = []
        func add(
            _ text: String,
            mode: String = "session",
            template: MessageTemplate? = nil,
            parameters: [String] = [],
            sources: [JSONValue]
        ) {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty, !candidates.contains(where: { $0.text == trimmed }) else { return }
            candidates.append(
                Draft(
                    id: UUID(),
                    text: trimmed,
                    language: template?.language ?? language,
                    mode: mode,
                    templateName: template?.name,
                    templateLanguage: template?.language,
                    parameters: parameters,
                    sources: sources,
                    guardrails: guardrails.check(trimmed, mode: mode, context: context)
                )
            )
        }
        let greeting =
            input.customerName.map { words.greetingNamed.replacingOccurrences(of: "{name}", with: $0) }
            ?? words.greeting
        if input.windowOpen {
            for snippet in input.snippets.sorted(by: {
                ($0.language == language ? 1 : 0, $0.score) > ($1.language == language ? 1 : 0, $1.score)
            })
            where snippet.semantic ? snippet.score >= snippetSimilarity : snippet.score > 0 {
                add(
                    "\(greeting) \(snippet.body)",
                    sources: [["kind": "snippet", "id": .string(snippet.id.uuidString.lowercased())]]
                )
            }
            if ["pricing", "purchase"].contains(input.intent ?? "") || !input.products.isEmpty {
                for product in input.products {
                    guard let price = product.listPrice, let currency = product.currency else { continue }
                    let amount = "\(currency) \(Self.format(price))"
                    add(
                        "\(greeting) "
                            + words.price.replacingOccurrences(of: "{product}", with: product.name)
                            .replacingOccurrences(of: "{price}", with: amount),
                        sources: [["kind": "catalog", "id": .string(product.id.uuidString.lowercased())]]
                    )
                }
            }
            if input.intent == "demo_request" {
                let product = input.products.first?.name ?? words.product
                let text =
                    input.times.first.map {
                        words.demoAt.replacingOccurrences(of: "{product}", with: product).replacingOccurrences(
                            of: "{time}",
                            with: $0
                        )
                    } ?? words.demo.replacingOccurrences(of: "{product}", with: product)
                add("\(greeting) \(text)", sources: [["kind": "rule", "id": "propose_demo"]])
            }
            for reply in input.pastReplies.sorted(by: { $0.similarity > $1.similarity })
            where reply.similarity >= pastReplySimilarity {
                add(
                    reply.text,
                    sources: [["kind": "past_reply", "id": .string(reply.messageID.uuidString.lowercased())]]
                )
            }
            add("\(greeting) \(words.acknowledge)", sources: [["kind": "rule", "id": "acknowledge"]])
        } else {
            // Outside the window: approved templates only, the customer's language first.
            let ordered = input.templates.filter(\.isApproved).sorted {
                (Self.languageMatch($0.language, language), $0.name) > (
                    Self.languageMatch($1.language, language), $1.name
                )
            }
            for template in ordered {
                guard let body = Self.body(of: template), template.parameterFormat != "NAMED" else { continue }
                let count = Self.placeholders(in: body)
                let values = [input.customerName ?? words.customer, input.products.first?.name ?? words.product]
                guard count <= values.count else { continue }
                var text = body
                for index in 0..<count { text = text.replacingOccurrences(of: "{{\(index + 1)}}", with: values[index]) }
                add(
                    text,
                    mode: "template",
                    template: template,
                    parameters: Array(values.prefix(count)),
                    sources: [["kind": "template", "id": .string(template.name)]]
                )
            }
        }
        let passed = candidates.filter { $0.guardrails.allSatisfy(\.passed) }
        return (Array(passed.prefix(limit)), candidates.filter { !$0.guardrails.allSatisfy(\.passed) })
    }

    static func languageMatch(_ templateLanguage: String, _ language: String) -> Int {
        templateLanguage == language ? 2 : templateLanguage.hasPrefix(language + "_") ? 1 : 0
    }

    /// A template's BODY text.
    static func body(of template: MessageTemplate) -> String? {
        template.components.first { $0["type"]?.stringValue?.uppercased() == "BODY" }?["text"]?.stringValue
    }

    /// How many positional parameters (`{{1}}`, `{{2}}`, ...) a text has.
    static func placeholders(in text: String) -> Int {
        var count = 0
        while text.contains("{{\(count + 1)}}") { count += 1 }
        return count
    }

    static func format(_ price: Double) -> String {
        price.rounded() == price ? String(Int(price)) : String(format: "%.2f", price)
    }

    struct Words: Sendable {
        var greeting: String
        var greetingNamed: String
        var price: String
        var demo: String
        var demoAt: String
        var acknowledge: String
        var customer: String
        var product: String
    }

    static let words: [String: Words] = [
        "en": Words(
            greeting: "Hi!",
            greetingNamed: "Hi {name}!",
            price: "{product} is {price}. Would you like me to send a quote?",
            demo: "Happy to show you {product}. When would suit you for a 30-minute demo?",
            demoAt: "Happy to show you {product}. Does {time} work for a 30-minute demo?",
            acknowledge: "Thanks for your message, I will get back to you shortly.",
            customer: "there",
            product: "our product"
        ),
        "es": Words(
            greeting: "¡Hola!",
            greetingNamed: "¡Hola, {name}!",
            price: "{product} cuesta {price}. ¿Quieres que te envíe una cotización?",
            demo: "Con gusto te muestro {product}. ¿Cuándo te viene bien una demo de 30 minutos?",
            demoAt: "Con gusto te muestro {product}. ¿Te va bien {time} para una demo de 30 minutos?",
            acknowledge: "Gracias por tu mensaje, te respondo en breve.",
            customer: "cliente",
            product: "nuestro producto"
        ),
        "pt": Words(
            greeting: "Olá!",
            greetingNamed: "Olá, {name}!",
            price: "O {product} custa {price}. Quer que eu envie uma proposta?",
            demo: "Posso te mostrar o {product}. Quando fica bom para uma demonstração de 30 minutos?",
            demoAt: "Posso te mostrar o {product}. {time} funciona para uma demonstração de 30 minutos?",
            acknowledge: "Obrigado pela mensagem, já te retorno.",
            customer: "cliente",
            product: "nosso produto"
        ),
    ]
}
