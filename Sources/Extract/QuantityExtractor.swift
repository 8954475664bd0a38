import Core

/// Finds quantities with units: "50 asientos", "20 licenças", "100 usuarios", "3 cajas",
/// "2,5 kg", "between 10 and 20 seats", "at least 50 users", "a dozen laptops".
///
/// The value is `{"type":"value","value":50,"unit":"seat"}` (ranges and bounds as for money),
/// the unit a canonical singular English name or a measurement symbol ("kg", "l", "m"). Units
/// come from a closed lexicon of measures and of the count nouns of B2B orders (seats,
/// licenses, users, boxes, devices, laptops, ...): an open "number + noun" rule would report
/// "3 days", "2 reasons" and "5 stars", durations are the time extractor's, and the catalog's
/// product names are the product extractor's, which can read the number before them.
public struct QuantityExtractor: Sendable {
    public init() {}

    public func extract(_ text: ScalarText, context: ExtractionContext) -> [Entity] {
        guard QuantityUnits.mayName(text) else { return [] }
        let languages = NumberParser.Language(code: context.language)
        let parser = NumberParser(language: context.language, region: context.region)
        let tokens = text.tokens
        var entities: [Entity] = []
        var index = 0

        func amount(at index: Int) -> Amount<String>? {
            guard let number = parser.number(in: text, at: index, suffixes: .thousands), !number.isArticle else {
                return nil
            }
            // "$50 licenses" is a price per license, "50%" a share: not counts.
            if index > 0, CurrencyLexicon.match(in: text, at: index - 1, position: .before, languages: languages) != nil
            {
                return nil
            }
            if PercentageExtractor.sign(in: text, at: number.end) != nil { return nil }
            var unit: String? = nil
            var end = number.end
            if let (canonical, unitEnd) = QuantityUnits.match(in: text, at: number.end, after: number) {
                unit = canonical
                end = unitEnd
            }
            return Amount(number: number, value: number.value, unit: unit, first: index, end: end)
        }

        while index < tokens.count {
            guard AmountGrammar.mayStart(tokens[index]),
                let phrase = AmountGrammar.phrase(
                    in: text,
                    at: index,
                    languages: languages,
                    amount: amount(at:),
                    merge: { $0 == $1 ? $0 : nil }
                ),
                let unit = phrase.unit
            else {
                index += 1
                continue
            }
            let start = tokens[phrase.first].start
            let end = tokens[phrase.end - 1].end
            let value = phrase.json(side: { ["value": .number($0), "unit": .string(unit)] })
            let measured = QuantityUnits.isMeasure(unit)
            entities.append(
                Entity(
                    type: .quantity,
                    text: text.text(start, end),
                    start: start,
                    end: end,
                    value: value,
                    confidence: measured ? 0.9 : 0.85
                )
            )
            index = max(phrase.end, index + 1)
        }
        return entities
    }
}

/// The units a quantity may carry, in en/es/pt (and the symbols every language shares).
enum QuantityUnits {
    /// The canonical unit of one folded word ("licencias" → "license"), for "per seat" too.
    static func canonical(_ folded: String) -> String? { words[folded] }

    static func isMeasure(_ unit: String) -> Bool { measures.contains(unit) }

    /// Whether any token may be a unit: most messages have none and skip the scan.
    static func mayName(_ text: ScalarText) -> Bool {
        text.tokens.contains { token in
            token.kind == .word
                && (words[token.folded] != nil || token.folded == "m" || token.folded == "g" || token.folded == "t")
        }
    }

    /// The unit after a number at `index`: a word, or a symbol whose spelling needs care.
    static func match(in text: ScalarText, at index: Int, after number: ParsedNumber) -> (String, Int)? {
        let tokens = text.tokens
        guard index < tokens.count, tokens[index].kind == .word else { return nil }
        let token = tokens[index]
        let folded = token.folded
        // m², m2, m3: the exponent touches.
        if folded == "m", index + 1 < tokens.count, !tokens[index + 1].spaceBefore {
            switch tokens[index + 1].folded {
            case "2", "²": return ("m2", index + 2)
            case "3", "³": return ("m3", index + 2)
            default: break
            }
        }
        let original = text.original[token.start]
        // A letter touching what follows is part of a word: "3 t-shirts", "2 m-commerce sites".
        if token.end - token.start == 1, index + 1 < tokens.count, !tokens[index + 1].spaceBefore,
            tokens[index + 1].kind == .word || tokens[index + 1].folded == "-"
        {
            return nil
        }
        switch folded {
        // "10m" is more often minutes or millions than metres, and "10M" millions.
        case "m": return token.spaceBefore && original == "m" ? ("m", index + 1) : nil
        // "5G" is a network, "3T" a size.
        case "g", "t": return original.value >= 0x61 ? (folded, index + 1) : nil
        default: break
        }
        guard let unit = words[folded] else { return nil }
        return (unit, index + 1)
    }

    private static let measures: Set<String> = [
        "kg", "g", "mg", "t", "lb", "oz", "l", "ml", "m", "cm", "mm", "km", "m2", "m3", "GB", "TB", "MB",
    ]

    private static let words: [String: String] = {
        var table: [String: String] = [:]
        let lists: [(String, String)] = [
            ("seat", "seat seats asiento asientos assento assentos puesto puestos"),
            ("license", "license licenses licence licences licencia licencias licenca licencas"),
            ("user", "user users usuario usuarios usuaria usuarias utilizador utilizadores"),
            ("unit", "unit units unidad unidades unidade und uds ud unid"),
            ("piece", "piece pieces pcs pc pza pzas pieza piezas peca pecas"),
            ("box", "box boxes caja cajas caixa caixas"),
            ("pack", "pack packs paquete paquetes pacote pacotes package packages"),
            ("pallet", "pallet pallets palet palets pale pales palete paletes"),
            ("bottle", "bottle bottles botella botellas garrafa garrafas"),
            ("bag", "bag bags bolsa bolsas saco sacos"),
            ("carton", "carton cartons"),
            ("item", "item items articulo articulos artigo artigos"),
            ("order", "order orders pedido pedidos"),
            ("employee", "employee employees empleado empleados funcionario funcionarios colaborador colaboradores"),
            ("person", "person persons people ppl persona personas pessoa pessoas"),
            ("staff", "staff"),
            ("guest", "guest guests invitado invitados convidado convidados"),
            ("student", "student students alumno alumnos estudiante estudiantes aluno alunos"),
            ("patient", "patient patients paciente pacientes"),
            ("dozen", "dozen dozens docena docenas duzia duzias"),
            ("batch", "batch batches lote lotes"),
            ("agent", "agent agents agente agentes"),
            ("account", "account accounts cuenta cuentas conta contas"),
            ("store", "store stores tienda tiendas loja lojas"),
            ("branch", "branch branches sucursal sucursales filial filiais"),
            ("location", "location locations"),
            ("device", "device devices dispositivo dispositivos"),
            ("laptop", "laptop laptops notebook notebooks portatil portatiles"),
            ("computer", "computer computers computadora computadoras computador computadores ordenador ordenadores"),
            ("monitor", "monitor monitors monitores"),
            ("printer", "printer printers impresora impresoras impressora impressoras"),
            ("phone", "phone phones smartphone smartphones celular celulares"),
            ("tablet", "tablet tablets"),
            ("chair", "chair chairs silla sillas cadeira cadeiras"),
            ("desk", "desk desks"),
            ("server", "server servers servidor servidores"),
            ("vehicle", "vehicle vehicles vehiculo vehiculos veiculo veiculos"),
            ("truck", "truck trucks camion camiones caminhao caminhoes"),
            ("message", "message messages mensaje mensajes mensagem mensagens"),
            ("container", "container containers contenedor contenedores conteiner conteineres"),
            ("t", "ton tons tonne tonnes tonelada toneladas tn"),
            ("kg", "kg kgs kilo kilos kilogram kilograms kilogramo kilogramos quilo quilos quilograma quilogramas"),
            ("g", "gr grs gram grams gramo gramos grama gramas"),
            ("mg", "mg"),
            ("lb", "lb lbs"),
            ("oz", "oz"),
            ("l", "l lt lts liter liters litre litres litro litros"),
            ("ml", "ml mililitro mililitros milliliter milliliters millilitre millilitres"),
            ("m", "meter meters metre metres metro metros mt mts"),
            ("cm", "cm centimeter centimeters centimetre centimetres centimetro centimetros"),
            ("mm", "mm millimeter millimeters millimetre millimetres milimetro milimetros"),
            ("km", "km kms kilometer kilometers kilometre kilometres kilometro kilometros quilometro quilometros"),
            ("GB", "gb gigabyte gigabytes"),
            ("TB", "tb terabyte terabytes"),
            ("MB", "mb megabyte megabytes"),
        ]
        for (canonical, list) in lists {
            for word in list.split(separator: " ") { table[String(word)] = canonical }
        }
        return table
    }()
}
