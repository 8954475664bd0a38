import Foundation
import Testing
import WainsightTesting

@testable import Normalize

/// Each normalization step alone, then all of them, on multilingual WhatsApp-style text.
@Suite struct TextNormalizerTests {
    /// The normalizer with the committed emoji table (models/emoji-names.tsv), loaded once.
    static let loadedNormalizer = Result {
        let url = SharedData.repositoryRoot.appendingPathComponent("models/emoji-names.tsv")
        return TextNormalizer(emojiNames: try EmojiNames(table: String(contentsOf: url, encoding: .utf8)))
    }
    static func normalizer() throws -> TextNormalizer { try loadedNormalizer.get() }

    static let compatibility: [(String, String)] = [
        ("ＦＲＥＥ ｄｅｍｏ", "FREE demo"),  // full-width letters
        ("ﬁnanciamento", "financiamento"),  // ligature
        ("café ﾃｽﾄ", "café テスト"),  // half-width katakana; precomposed accents stay
        ("plain ASCII stays", "plain ASCII stays"),
    ]

    @Test(arguments: compatibility) func foldsCompatibilityForms(_ input: String, _ expected: String) {
        #expect(TextNormalizer.compatibilityFold(input) == expected)
    }

    static let quoted: [(String, String)] = [
        ("sim, pode mandar\n> Quer que eu envie o boleto?", "sim, pode mandar"),
        (
            "Thanks, see below\n\nOn Tue, 3 Dec 2024 at 10:15, Ana Souza <ana@x.com> wrote:\n> price list attached",
            "Thanks, see below"
        ),
        ("Vale, lo vemos\nEl lun, 2 dic 2024 a las 9:00, Pedro escribió:\nhola", "Vale, lo vemos"),
        ("Ok!\nEm seg., 2 de dez. de 2024 às 09:00, Loja escreveu:\nPromoção", "Ok!"),
        ("FYI\n---------- Forwarded message ---------\nFrom: vendor\nbig sale", "FYI"),
        ("look at this\n[03/12/24, 10:15:02] Carla: o preço é 300\n[03/12/24, 10:16] Carla: ok?", "look at this"),
        ("isso aqui 👇\n03/12/2024 10:15 - Carla: preço 300", "isso aqui 👇"),
        ("Thanks\r\n\r\nOn Tue, 3 Dec 2024, Ana wrote:\r\n> price list", "Thanks"),  // CRLF, as e-mails have
        ("> only a quote", "> only a quote"),  // nothing else: kept whole
        (
            "Oi!\nSobre o pedido 4512, o João escreveu:\nprecisamos de 5 caixas",
            "Oi!\nSobre o pedido 4512, o João escreveu:\nprecisamos de 5 caixas"
        ),  // a number but no date or time: not a reply lead
        ("we need\n>100 units by Friday", "we need\n>100 units by Friday"),  // not a quote marker
        ("see below\n3/12/2024 10:15, Ana wrote:\n> old text", "see below"),
        ("price: 300 - 20% off? yes: 240", "price: 300 - 20% off? yes: 240"),  // colons and dashes alone
    ]

    @Test(arguments: quoted) func stripsQuotedAndForwardedText(_ input: String, _ expected: String) {
        #expect(TextNormalizer.stripQuoted(input) == expected)
    }

    static let tokens: [(String, String)] = [
        ("soooo goooood!!!!!", "soo good!!"),
        ("muuuuito caaaaro", "muuito caaro"),  // folds to two, never below
        ("  too   many\n\n spaces\t", "too many spaces"),
        ("see https://example.com/pricing?plan=pro, then call", "see [URL], then call"),
        ("(www.loja.com.br)", "([URL])"),
        ("@user thanks for the demo", "[MENTION] thanks for the demo"),
        ("mail me at ana@x.com", "mail me at ana@x.com"),  // not a mention (e-mails go to the redactor)
        ("quiero 3 licencias a 1.250,50 €", "quiero [NUMBER] licencias a [NUMBER] €"),
        ("R$1.500 à vista", "R$[NUMBER] à vista"),
        ("le 15/08 à 14h30", "le [NUMBER]/[NUMBER] à [NUMBER] h [NUMBER]"),
        ("१२ दिन बाकी", "[NUMBER] दिन बाकी"),  // Devanagari digits
        ("love it 😍", "love it :heart_eyes:"),
        ("love it :heart_eyes:", "love it :heart_eyes:"),
        ("love it :Smiling_Face_With_Heart-Eyes:", "love it :heart_eyes:"),
        ("envío a 🇨🇼 y :curaçao:", "envío a :flag_for_curacao: y :flag_for_curacao:"),  // tokens are ASCII
        ("ok👍🏽👍", "ok :thumbsup: :thumbsup:"),  // skin tone ignored
        ("❤️ and ❤", ":heart: and :heart:"),  // with and without VS16
        ("obrigado🙏🙏🙏🙏", "obrigado :pray: :pray:"),  // an elongated emoji folds too
        ("1 2 3 4 5", "[NUMBER] [NUMBER] [NUMBER] [NUMBER] [NUMBER]"),  // separate numbers are not an elongation
        ("👨‍👩‍👧 family plan", ":family_man_woman_girl: family plan"),  // one ZWJ sequence
        ("envío a 🇲🇽", "envío a :flag_for_mexico:"),
        ("press 1️⃣ for sales", "press :one: for sales"),
        ("time :not_an_emoji: here", "time :not_an_emoji: here"),
        ("great :) see you <3", "great :slightly_smiling_face: see you :heart:"),
        ("no :((( and ;)", "no :slightly_frowning_face: and :wink:"),
        ("ratio 3:2 and a:)", "ratio [NUMBER]:[NUMBER] and a:)"),  // not standing alone: not emoticons
        ("спасибо!!! 😂😂", "спасибо!! :joy: :joy:"),
        ("شكرا جزيلا", "شكرا جزيلا"),
    ]

    @Test(arguments: tokens) func foldsTokens(_ input: String, _ expected: String) throws {
        #expect(try Self.normalizer().foldTokens(input) == expected)
    }

    static let whole: [(String, String)] = [
        (
            "Ｈｏｌａ!! cuánto cuestaaaa el plan anual?? 🤔 mi cel +52 55 1234 5678",
            "Hola!! cuánto cuestaa el plan anual?? :thinking: mi cel [PHONE]"
        ),
        (
            "Fechado 👍 manda o boleto pra joao@empresa.com.br\n> segue proposta de R$ 4.990",
            "Fechado :thumbsup: manda o boleto pra [EMAIL]"
        ),
        ("STOP!!!!! pls remove me https://t.co/x", "STOP!! pls remove me [URL]"),
    ]

    @Test(arguments: whole) func normalizesWholeMessages(_ input: String, _ expected: String) throws {
        #expect(try Self.normalizer().normalize(input) == expected)
    }

    @Test func emojiNamesAgreeWithGlyphs() throws {
        let emojiNames = try Self.normalizer().emojiNames
        #expect(emojiNames.canonical(glyph: "😍") == ":heart_eyes:")
        #expect(emojiNames.canonical(name: ":smiling_face_with_heart-eyes:") == ":heart_eyes:")
        #expect(emojiNames.canonical(glyph: "👍🏿") == ":thumbsup:")
        #expect(emojiNames.canonical(glyph: "x") == nil)
        // Tokens are ASCII: the classifiers read `:name:` as one token only when it is.
        #expect(emojiNames.glyphs.values.allSatisfy { $0.unicodeScalars.allSatisfy(\.isASCII) })
        // The first emoji of the committed table starts with `#` and is no comment.
        #expect(emojiNames.canonical(glyph: "#\u{FE0F}\u{20E3}") == ":hash:")
        #expect(emojiNames.count == 1_923)
    }

    /// The table's format: comments (`#` and no tab), empty lines and CRLF line ends are
    /// skipped; a line that is not a glyph and its names, or a table with no emoji, is refused
    /// naming the line.
    @Test func emojiTablesAreReadStrictly() throws {
        let names = try EmojiNames(table: "# names\r\n#\r\n\r\n#⃣\t:hash:\t:keycap_#:\r\n😀\t:grinning:\r\n")
        #expect(names.count == 2)
        #expect(names.canonical(name: ":keycap_#:") == ":hash:")
        #expect(names.canonical(glyph: "😀") == ":grinning:")
        for (table, line) in [("# x\n😀\t:grinning:\n😃\n", 3), ("😀\t:grinning:\t\n", 1), ("😀\t\t:grinning:", 1)] {
            let error = try #require(throws: NormalizeError.self) { try EmojiNames(table: table) }
            #expect(error.code == .invalidTable)
            #expect(error.message.contains("line \(line) ") && error.message.contains("scripts/make-emoji-table"))
        }
        #expect(throws: NormalizeError(.invalidTable, "")) { try EmojiNames(table: "# only a comment\n") }
    }
}
