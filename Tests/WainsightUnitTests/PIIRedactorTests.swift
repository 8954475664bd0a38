import Testing

@testable import Normalize

/// Identifiers become typed placeholders; ordinary numbers (prices, quantities, dates, order
/// numbers) stay, in every language.
@Suite struct PIIRedactorTests {
    static let cases: [(String, String)] = [
        ("write to ana.souza+vendas@empresa.com.br please", "write to [EMAIL] please"),
        ("Mi correo es JUAN_PEREZ@Gmail.COM, gracias", "Mi correo es [EMAIL], gracias"),
        ("IBAN: DE89 3704 0044 0532 0130 00 for the transfer", "IBAN: [IBAN] for the transfer"),
        ("meu IBAN é PT50000201231234567890154", "meu IBAN é [IBAN]"),
        ("DE89 3704 0044 0532 0130 01 is not valid", "DE89 3704 0044 0532 0130 01 is not valid"),
        ("card 4111 1111 1111 1111 exp 12/27", "card [CARD] exp 12/27"),
        ("tarjeta 5500-0000-0000-0004", "tarjeta [CARD]"),
        ("order 4111111111111112 shipped", "order 4111111111111112 shipped"),  // fails Luhn: a reference, kept
        ("call me at +55 11 98888-7777 tomorrow", "call me at [PHONE] tomorrow"),
        ("ligue (11) 3333-4444", "ligue [PHONE]"),
        ("mein Handy: 0151 23456789", "mein Handy: [PHONE]"),
        ("SSN 123-45-6789 on file", "SSN [ID] on file"),
        ("CPF 123.456.789-09 e CNPJ 12.345.678/0001-95", "CPF [ID] e CNPJ [ID]"),
        ("I want 20 units at $1,250 each", "I want 20 units at $1,250 each"),
        ("quiero 3 licencias para el 15/08/2026", "quiero 3 licencias para el 15/08/2026"),
        ("pedido #48213 chegou?", "pedido #48213 chegou?"),
        ("annual plan for 2026, 12 seats", "annual plan for 2026, 12 seats"),
        ("नमस्ते, मेरा नंबर +91 98765 43210 है", "नमस्ते, मेरा नंबर [PHONE] है"),
        ("no numbers here 😍", "no numbers here 😍"),
        ("GB29 NWBK 6016 1331 9268 19 is our account", "[IBAN] is our account"),
        ("US office +1 (415) 555-2671, ext 12", "US office [PHONE], ext 12"),
        ("@ana can you send it to ana@empresa.com?", "@ana can you send it to [EMAIL]?"),
        ("3 boxes, 12 pallets and 40 crates by 2026", "3 boxes, 12 pallets and 40 crates by 2026"),
    ]

    @Test(arguments: cases) func redacts(_ input: String, _ expected: String) {
        #expect(PIIRedactor.redact(input) == expected)
        // The one-pass clue gate skips only expressions that would not have matched.
        #expect(PIIRedactor.redact(input, clues: .all) == expected)
    }

    @Test func checksums() {
        #expect(PIIRedactorTestsSupport.luhn("4111111111111111"))
        #expect(!PIIRedactorTestsSupport.luhn("4111111111111112"))
    }
}

enum PIIRedactorTestsSupport {
    static func luhn(_ digits: String) -> Bool { PIIRedactor.redact("x \(digits) x").contains("[CARD]") }
}
