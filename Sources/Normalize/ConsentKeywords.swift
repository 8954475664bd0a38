import Foundation

/// Recognises opt-out (STOP) and opt-in (START) requests typed as a whole message.
///
/// WhatsApp has no platform STOP keyword; honouring typed requests is the business's duty. To
/// avoid acting on "please don't stop the delivery", only a message that is nothing but a
/// keyword phrase counts, after folding case, accents, punctuation, emoji and repeated spaces.
/// Phrases cover en, es, pt, fr, de, it, id, hi (Latin script) and a few neighbours.
public enum ConsentKeywords {
    public enum Request: String, Sendable, Equatable {
        case optOut = "opt_out"
        case optIn = "opt_in"
    }

    public struct Match: Sendable, Equatable {
        public var request: Request
        /// The folded phrase that matched.
        public var phrase: String
    }

    static let optOutPhrases: Set<String> = [
        // en
        "stop", "stop all", "stop messages", "stop messaging me", "stop texting me", "unsubscribe",
        "unsubscribe me", "opt out", "optout", "opt-out", "end", "quit", "stop please", "please stop",
        "remove me", "do not contact", "dont contact me", "do not message me",
        // es
        "baja", "darme de baja", "dar de baja", "de baja", "parar", "alto", "detener", "no mas mensajes",
        "no mas", "cancelar suscripcion", "desuscribir", "desuscribirme", "eliminarme",
        // pt
        "sair", "pare", "parar de receber", "descadastrar", "descadastre", "cancelar inscricao",
        "nao quero mais", "nao enviar mais", "remover",
        // fr
        "arret", "arreter", "stop svp", "desabonner", "desabonnement", "me desabonner", "desinscrire",
        "me desinscrire",
        // de
        "stopp", "abmelden", "abbestellen", "austragen", "keine nachrichten mehr", "abmeldung",
        // it
        "basta", "disiscrivimi", "disiscrivi", "cancellami", "annulla iscrizione", "non scrivermi piu",
        // id / ms
        "berhenti", "henti", "stop langganan", "berhenti berlangganan", "jangan kirim lagi",
        // hi (Latin script)
        "band karo", "band kar do", "band kardo", "mat bhejo", "message mat bhejo", "rok do", "bandh karo",
        // nl, tr
        "afmelden", "uitschrijven", "iptal", "dur",
    ]

    static let optInPhrases: Set<String> = [
        // en
        "start", "unstop", "subscribe", "resume", "opt in", "optin", "opt-in", "yes subscribe",
        // es
        "alta", "darme de alta", "suscribir", "suscribirme", "reanudar", "iniciar",
        // pt
        "voltar", "assinar", "inscrever", "retomar", "quero receber",
        // fr
        "reprendre", "abonner", "me reabonner", "mabonner",
        // de
        "anmelden", "fortsetzen",
        // it
        "iscrivimi", "riprendi", "avvia",
        // id / ms
        "mulai", "langganan", "lanjut",
        // hi (Latin script)
        "shuru karo", "chalu karo", "shuru",
        // nl
        "aanmelden",
    ]

    /// The request `text` makes, or `nil` when it is not a bare keyword message.
    public static func match(_ text: String) -> Match? {
        let folded = fold(text)
        guard !folded.isEmpty, folded.count <= 40 else { return nil }
        if optOutPhrases.contains(folded) { return Match(request: .optOut, phrase: folded) }
        if optInPhrases.contains(folded) { return Match(request: .optIn, phrase: folded) }
        return nil
    }

    /// Lower-cases, removes accents, turns everything but letters and digits into single spaces.
    static func fold(_ text: String) -> String {
        let plain = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
        var out = ""
        var pendingSpace = false
        for scalar in plain.unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) || scalar == "-" {
                if pendingSpace, !out.isEmpty { out.append(" ") }
                pendingSpace = false
                out.unicodeScalars.append(scalar)
            } else if scalar == "'" || scalar == "’" {
                continue  // "don't" → "dont"
            } else {
                pendingSpace = true
            }
        }
        return out
    }
}
