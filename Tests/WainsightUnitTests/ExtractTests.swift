import Core
import Foundation
import Testing

@testable import Extract

/// The extractors on the phrases a sales chat is made of, in English, Spanish and Portuguese,
/// resolved against Tuesday 2026-03-10 11:00 in São Paulo (14:00 UTC).
@Suite struct ExtractTests {
    static let reference = Date(timeIntervalSince1970: 1_773_151_200)
    static let saoPaulo = TimeZone(identifier: "America/Sao_Paulo")!

    static func entities(_ text: String, language: String? = nil, region: String? = "BR", catalog: Catalog = Catalog())
        -> [Entity]
    {
        let context = ExtractionContext(
            referenceTime: reference,
            timeZone: saoPaulo,
            language: language,
            region: region,
            catalog: catalog
        )
        return Extractor().extract(text, context: context)
    }

    static func first(_ type: EntityType, in text: String, language: String? = nil, region: String? = "BR") -> Entity? {
        entities(text, language: language, region: region).first { $0.type == type }
    }

    /// The instant an entity's value starts at, as written.
    static func start(_ entity: Entity?) -> String? {
        entity?.value["value"]?.stringValue ?? entity?.value["from"]?["value"]?.stringValue
    }

    @Test(arguments: [
        ("amanhã às 10h", "pt", "2026-03-11T10:00:00.000-03:00"),
        ("el próximo lunes a las 10", "es", "2026-03-16T10:00:00.000-03:00"),
        ("can we talk tomorrow at 3pm?", "en", "2026-03-11T15:00:00.000-03:00"),
        ("nos vemos el viernes por la tarde", "es", "2026-03-13T12:00:00.000-03:00"),
    ])
    func timesResolveInTheContactsZone(text: String, language: String, expected: String) throws {
        let time = try #require(Self.first(.time, in: text, language: language), "\(text)")
        #expect(Self.start(time) == expected, "\(text): \(time.value)")
        // The span quotes the text by Unicode scalars.
        #expect(Array(text.unicodeScalars)[time.start..<time.end].map(String.init).joined() == time.text)
    }

    /// "tomorrow at 3" in a sales chat is the afternoon; Duckling's reading (the next 3
    /// o'clock) stays available for its corpus.
    @Test func bareHoursAreBusinessHours() throws {
        var context = ExtractionContext(referenceTime: Self.reference, timeZone: Self.saoPaulo, language: "en")
        let text = ScalarText("can we talk tomorrow at 3?")
        let afternoon = try #require(Extractor().extract(text, context: context).first { $0.type == .time })
        #expect(Self.start(afternoon) == "2026-03-11T15:00:00.000-03:00", "\(afternoon.value)")
        context.businessHours = false
        let duckling = try #require(TimeExtractor().extract(text, context: context).first { $0.type == .time })
        #expect(Self.start(duckling) == "2026-03-11T03:00:00.000-03:00", "\(duckling.value)")
        // Eight o'clock stays the morning; an explicit "am" is kept.
        context.businessHours = true
        let eight = TimeExtractor().extract(ScalarText("tomorrow at 8"), context: context).first
        #expect(Self.start(eight) == "2026-03-11T08:00:00.000-03:00")
        let early = TimeExtractor().extract(ScalarText("tomorrow at 3am"), context: context).first
        #expect(Self.start(early) == "2026-03-11T03:00:00.000-03:00")
    }

    @Test func relativeDatesAndQuartersResolveToTheirDay() throws {
        let fortnight = try #require(Self.first(.time, in: "daqui a duas semanas", language: "pt"))
        #expect(Self.start(fortnight)?.hasPrefix("2026-03-24") == true, "\(fortnight.value)")
        let quarter = try #require(Self.first(.time, in: "we plan to buy in Q3", language: "en"))
        #expect(Self.start(quarter)?.hasPrefix("2026-07-01") == true, "\(quarter.value)")
        let month = try #require(Self.first(.time, in: "before the end of the month", language: "en"))
        #expect(month.value["type"] == "interval", "\(month.value)")
    }

    @Test(arguments: [
        ("Nosso orçamento é R$ 2.500,00", "pt", "BR", 2_500.0, "BRL"),
        ("we have about $5k", "en", "US", 5_000.0, "USD"),
        ("uns 1,5 milhão de reais", "pt", "BR", 1_500_000.0, "BRL"),
        ("el precio es €1.200", "es", "ES", 1_200.0, "EUR"),
        ("USD 300 per month", "en", "US", 300.0, "USD"),
    ])
    func moneyReadsTheLocalesSeparators(text: String, language: String, region: String, amount: Double, unit: String)
        throws
    {
        let money = try #require(Self.first(.money, in: text, language: language, region: region), "\(text)")
        #expect(money.value["value"]?.doubleValue == amount, "\(text): \(money.value)")
        #expect(money.value["unit"]?.stringValue == unit, "\(text): \(money.value)")
    }

    @Test func moneyRangesBoundsAndPeriods() throws {
        let monthly = try #require(Self.first(.money, in: "USD 300 per month", language: "en", region: "US"))
        #expect(monthly.value["period"] == "month")
        let range = try #require(Self.first(.money, in: "our budget is between 2 and 3k", language: "en", region: "US"))
        #expect(
            range.value["from"]?["value"]?.doubleValue == 2_000 && range.value["to"]?["value"]?.doubleValue == 3_000
        )
        let under = try #require(Self.first(.money, in: "orçamento de menos de 10 mil reais", language: "pt"))
        #expect(under.value["to"]?["value"]?.doubleValue == 10_000 && under.value["from"] == nil, "\(under.value)")
        // A budget word makes a bare amount money, with no unit.
        let bare = try #require(Self.first(.money, in: "budget up to 500", language: "en", region: "US"))
        #expect(bare.value["to"]?["value"]?.doubleValue == 500 && (bare.value["to"]?["unit"] ?? .null) == .null)
        #expect(Self.first(.time, in: "budget up to 500", language: "en", region: "US") == nil)
    }

    @Test func quantitiesAndPercentages() throws {
        let licences = try #require(Self.first(.quantity, in: "Precisamos de 20 licenças", language: "pt"))
        #expect(licences.value["value"]?.doubleValue == 20 && licences.value["unit"] == "license")
        let seats = try #require(Self.first(.quantity, in: "we need 50 seats", language: "en"))
        #expect(seats.value["unit"] == "seat")
        let discount = try #require(Self.first(.percentage, in: "¿me hacen un descuento del 10%?", language: "es"))
        #expect(discount.value["value"]?.doubleValue == 10)
    }

    @Test func contactDataCompaniesAndRoles() throws {
        let text = """
            Oi! Sou a Marina, diretora de compras da Padaria Bom Pão Ltda.
            marina@bompao.com.br | +55 11 98765-4321 | www.bompao.com.br
            """
        let found = Self.entities(text, language: "pt")
        #expect(found.first { $0.type == .email }?.value["value"] == "marina@bompao.com.br")
        #expect(found.first { $0.type == .phone }?.value["value"] == "+5511987654321")
        #expect(found.first { $0.type == .url }?.value["value"] == "https://www.bompao.com.br")
        let role = try #require(found.first { $0.type == .role })
        #expect(role.value["seniority"] == "director" && role.value["department"] == "procurement")
        #expect(role.value["subject"] == "self")
        #expect(found.contains { $0.type == .company && $0.text.hasPrefix("Padaria Bom Pão") })
        // Nothing in the company's name is taken for a time.
        #expect(!found.contains { $0.type == .time })
        // "my boss" is someone else's role.
        let boss = try #require(Self.first(.role, in: "I need to check with my boss", language: "en"))
        #expect(boss.value["subject"] == "other")
    }

    @Test func catalogNamesMatchPluralsAccentsAndOneTypo() {
        let printer = CatalogItem(id: UUID(), kind: .product, name: "Impresora térmica TX-200", sku: "IMP-TX200")
        let rival = CatalogItem(id: UUID(), kind: .competitor, name: "Salesforce")
        let catalog = Catalog(items: [printer, rival])
        func names(_ text: String) -> [String] {
            Self.entities(text, language: "es", catalog: catalog).filter {
                $0.type == .product || $0.type == .competitor
            }
            .compactMap { $0.value["name"]?.stringValue }
        }
        #expect(names("quiero 3 impresoras termicas TX-200") == ["Impresora térmica TX-200"])
        #expect(names("hoy usamos Salesforse") == ["Salesforce"])
        #expect(names("el código IMP-TX200 por favor") == ["Impresora térmica TX-200"])
        #expect(names("una impresora cualquiera") == [])
        // A number right before a product counts it.
        let count = Self.entities("mándame 40 IMP-TX200 porfa", language: "es", catalog: catalog)
            .first { $0.type == .quantity }
        #expect(
            count?.text == "40" && count?.value["product"] == "Impresora térmica TX-200",
            "\(String(describing: count))"
        )
    }

    @Test func negativesYieldNoTimeAndNoMoney() {
        for text in ["ok obg", "lol 😂", "1 adult", "we are separated", "my number is 650-650-6500"] {
            let found = Self.entities(text, language: "en", region: "US")
            #expect(!found.contains { $0.type == .time || $0.type == .money }, "\(text): \(found)")
        }
    }
}
