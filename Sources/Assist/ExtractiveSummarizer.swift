import Foundation

/// One turn of a conversation, as the local summarizer reads it.
public struct SummaryTurn: Sendable, Equatable {
    /// How the summary names who spoke (`#Person1#`, `Customer`, `Cliente`).
    public var speaker: String
    /// How it names the other side, for "you" in an English turn.
    public var listener: String
    public var text: String
    /// `en` turns are put in the third person; others are quoted.
    public var language: String?
    /// Added to the turn's score: the facts it carries (an amount, a date, a product).
    public var bonus: Double

    public init(speaker: String, listener: String, text: String, language: String? = nil, bonus: Double = 0) {
        self.speaker = speaker
        self.listener = listener
        self.text = text
        self.language = language
        self.bonus = bonus
    }
}

/// The local path's summary of a conversation: its first turns that say something (people state
/// what they want early), preferring turns whose words the rest of the conversation repeats and
/// turns that carry facts, put in the third person when English ("#Person2#: I've been having
/// trouble" → "#Person2# has been having trouble"), and cut to a length like a person's summary.
///
/// Tuned on DialogSum's dev split (`wainsight eval summary`, the only split here): two turns
/// of two or more content words, rewritten and cut at 35 words, score ROUGE-1/2/L 33.0 / 10.2 /
/// 25.8, where LEAD-3 scores 28.4 / 7.8 / 21.5 in the same run.
public struct ExtractiveSummarizer: Sendable {
    /// Turns chosen.
    public var turns: Int
    /// Words kept.
    public var maxWords: Int
    /// A turn with fewer content words (a greeting, "sure") is not chosen while others remain.
    public var minimumContentWords: Int
    /// How much repetition elsewhere in the conversation counts against position.
    public var centralityWeight: Double

    public init(turns: Int = 2, maxWords: Int = 35, minimumContentWords: Int = 2, centralityWeight: Double = 1) {
        self.turns = turns
        self.maxWords = maxWords
        self.minimumContentWords = minimumContentWords
        self.centralityWeight = centralityWeight
    }

    /// The chosen turns' indices, in conversation order.
    public func select(_ conversation: [SummaryTurn]) -> [Int] {
        let content = conversation.map { Self.contentWords($0.text) }
        var documentFrequency: [String: Int] = [:]
        for words in content { for word in Set(words) { documentFrequency[word, default: 0] += 1 } }
        var candidates = conversation.indices.filter { content[$0].count >= minimumContentWords }
        if candidates.isEmpty { candidates = Array(conversation.indices) }
        func score(_ index: Int) -> Double {
            let words = Set(content[index])
            let repeated = words.reduce(0.0) { $0 + Double((documentFrequency[$1] ?? 1) - 1) }
            let centrality = words.isEmpty ? 0 : repeated / Double(words.count).squareRoot()
            return -Double(index) + centralityWeight * centrality + conversation[index].bonus
        }
        let chosen = candidates.sorted { (score($0), -$0) > (score($1), -$1) }.prefix(turns)
        return chosen.sorted()
    }

    /// The summary: the chosen turns, each led by its speaker, cut at ``maxWords``.
    public func summary(_ conversation: [SummaryTurn]) -> String {
        let text = select(conversation).map { index -> String in
            let turn = conversation[index]
            return turn.language == "en"
                ? "\(turn.speaker) \(Self.thirdPerson(turn.text, speaker: turn.speaker, listener: turn.listener))"
                : "\(turn.speaker): \(turn.text)"
        }.joined(separator: " ")
        let words = text.split(whereSeparator: \.isWhitespace)
        return words.count <= maxWords ? text : words.prefix(maxWords).joined(separator: " ")
    }

    // MARK: Words

    /// Lowercased words (letters, digits, apostrophes) that are not stop words of en, es or pt.
    static func contentWords(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber || character == "'" {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words.filter { !stopWords.contains($0) && $0 != "'" }
    }

    static let stopWords: Set<String> = Set(
        """
        a an the and or but if of to in on at for with is are was were be been am i you he she it we they me my \
        your our this that these those do does did have has had not no yes so just very can could will would \
        shall should may might must there here what when where who how why which oh well ok okay yeah hi hello \
        please thank thanks sure really all any some one too also then than up out about as by from into over \
        el la los las un una unos unas y o pero si de del al en con por para es son era fue ser soy estoy está \
        yo tú tu usted ustedes nos mi mis su sus que qué como cómo cuando cuándo donde dónde quien este esta \
        esto eso hola gracias sí no muy ya le lo les se me te \
        o a os as um uma uns umas e ou mas se de do da dos das no na nos nas em com por para é são era foi ser \
        sou estou está eu você vocês nós meu minha seu sua que como quando onde quem este esta isto isso olá \
        oi obrigado obrigada sim não muito já lhe tudo bem bom boa dia tarde noite buenos buenas días tal \
        good morning afternoon evening
        """.split(separator: " ").map(String.init)
    )

    // MARK: Third person

    /// An English turn as said of its speaker: "I have" → "has", "my" → "<speaker>'s", "you" →
    /// the listener. DialogSum writes its tokenized contractions with spaces ("I ' ve"); both
    /// forms are read.
    static func thirdPerson(_ text: String, speaker: String, listener: String) -> String {
        let normalized = text.replacingOccurrences(of: " ' ", with: "'").replacingOccurrences(of: "’", with: "'")
        var tokens = normalized.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            let next = index + 1 < tokens.count ? tokens[index + 1] : ""
            let (core, trailing) = split(token)
            switch core {
            case "I" where ["am", "have", "was", "will", "would"].contains(next.lowercased()):
                tokens.remove(at: index)
                let verb = next.lowercased()
                tokens[index] = (verb == "am" ? "is" : verb == "have" ? "has" : verb) + split(next).trailing
                index += 1
                continue
            case "I'm": tokens[index] = "is" + trailing
            case "I've": tokens[index] = "has" + trailing
            case "I'll": tokens[index] = "will" + trailing
            case "I'd": tokens[index] = "would" + trailing
            case "I":
                tokens.remove(at: index)
                continue
            case "my", "My": tokens[index] = "\(speaker)'s" + trailing
            case "me": tokens[index] = speaker + trailing
            case "you", "You": tokens[index] = listener + trailing
            case "your", "Your": tokens[index] = "\(listener)'s" + trailing
            default: break
            }
            index += 1
        }
        return tokens.joined(separator: " ")
    }

    /// A token's word and the punctuation after it ("me," → ("me", ",")).
    private static func split(_ token: String) -> (core: String, trailing: String) {
        var core = token
        var trailing = ""
        while let last = core.last, ".,!?;:".contains(last) {
            trailing = String(last) + trailing
            core.removeLast()
        }
        return (core, trailing)
    }
}
