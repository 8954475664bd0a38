import Core
import Foundation

/// An organization's catalog, ready to match names in texts: its products and competitors by
/// name, alias and SKU. The index is built once, so matching costs a few dictionary lookups per
/// token however many items there are.
public struct Catalog: Sendable {
    public let items: [CatalogItem]
    /// What the catalog knows of each folded word that starts a name or SKU or is a name's
    /// word: one lookup per text word answers every question.
    private let vocabulary: [String: Word]
    /// Names and aliases of two words or more as folded token keys, by their first two keys
    /// (`"plano empresarial"`): thousands of items sharing a first word cost one lookup, not a
    /// scan.
    private let phrases: [String: [Name]]
    /// Every name word of at least ``typoMinimumLength`` letters under itself and each of its
    /// one-letter deletions: two words one edit apart share an entry.
    private let deletions: [String: [String]]
    /// First letter and length of every word in `deletions`: a cheap test that spares most text
    /// words the deletion lookups.
    private let typoShapes: Set<Int>

    /// How long a name word must be before a one-edit typo of it counts: shorter words are one
    /// edit away from too many other words.
    static let typoMinimumLength = 6
    /// The same for a name of one word, where no other word confirms the match.
    static let singleWordTypoMinimumLength = 8

    private struct Word: Sendable {
        /// One-word names and aliases that are this word.
        var names: [Name] = []
        /// SKUs that start with this token.
        var skus: [Name] = []
        /// Whether a name of two words or more starts with this word.
        var startsPhrase = false
        /// Whether this is a word of a name long enough to take typos: then it is never a typo.
        var isTypoTarget = false
    }

    private struct Name: Sendable {
        var item: Int
        var keys: [String]
        /// For SKUs: whether each token follows whitespace, which must be as written.
        var spaced: [Bool]
        /// A short name written in capitals ("RD") must be written so: "Rd" is a road.
        var capitals = false
    }

    public init(items: [CatalogItem] = []) {
        self.items = items
        var vocabulary: [String: Word] = [:]
        var phrases: [String: [Name]] = [:]
        var deletions: [String: Set<String>] = [:]
        var typoShapes: Set<Int> = []
        for (index, item) in items.enumerated() {
            var seen: Set<[String]> = []
            for name in [item.name] + item.aliases {
                let keys = Self.keys(of: ScalarText(name))
                guard let first = keys.first, seen.insert(keys).inserted else { continue }
                let capitals = name.unicodeScalars.allSatisfy { !$0.properties.isLowercase }
                let entry = Name(item: index, keys: keys, spaced: [], capitals: capitals)
                if keys.count == 1 {
                    vocabulary[first, default: Word()].names.append(entry)
                } else {
                    vocabulary[first, default: Word()].startsPhrase = true
                    phrases[Self.pair(first, keys[1]), default: []].append(entry)
                }
                for key in keys where key.unicodeScalars.count >= Self.typoMinimumLength {
                    guard key.unicodeScalars.allSatisfy(ScalarText.isLetter) else { continue }
                    vocabulary[key, default: Word()].isTypoTarget = true
                    deletions[key, default: []].insert(key)
                    typoShapes.insert(Self.shape(key.unicodeScalars.first!, key.unicodeScalars.count))
                    for variant in Self.deletions(of: key) { deletions[variant, default: []].insert(key) }
                }
            }
            if let sku = item.sku {
                let tokens = ScalarText(sku).tokens
                guard let first = tokens.first else { continue }
                let name = Name(item: index, keys: tokens.map(\.folded), spaced: tokens.map(\.spaceBefore))
                vocabulary[first.folded, default: Word()].skus.append(name)
            }
        }
        self.vocabulary = vocabulary
        self.phrases = phrases
        self.deletions = deletions.mapValues { $0.sorted() }
        self.typoShapes = typoShapes
    }

    private static func pair(_ first: String, _ second: String) -> String { first + " " + second }

    private static func shape(_ first: Unicode.Scalar, _ length: Int) -> Int {
        Int(first.value) << 8 | min(length, 255)
    }

    /// Products (``EntityType/product``) and competitors (``EntityType/competitor``) named in
    /// `text`, longest match first from left to right. Confidence is 1 for a name as written
    /// (ignoring case and accents) or a SKU, lower for a plural or a typo.
    public func matches(in text: ScalarText) -> [Entity] {
        guard !items.isEmpty else { return [] }
        var entities: [Entity] = []
        let positions = Self.keyPositions(text)
        var index = 0
        while index < positions.count {
            let best = longestMatch(text, positions: positions, at: index)
            guard let best else {
                index += 1
                continue
            }
            let start = text.tokens[positions[index]].start
            let end = text.tokens[best.lastToken].end
            entities.append(
                entity(for: items[best.item], text: text, start: start, end: end, confidence: best.confidence)
            )
            index = best.nextPosition
        }
        return entities
    }

    private struct Match {
        var item: Int
        var nextPosition: Int
        var lastToken: Int
        var length: Int
        var confidence: Double
    }

    private func entity(for item: CatalogItem, text: ScalarText, start: Int, end: Int, confidence: Double) -> Entity {
        var value: [String: JSONValue] = [
            "id": .string(item.id.uuidString.lowercased()), "name": .string(item.name),
        ]
        if let sku = item.sku { value["sku"] = .string(sku) }
        if let price = item.listPrice { value["list_price"] = .number(price) }
        if let currency = item.currency { value["currency"] = .string(currency) }
        return Entity(
            type: item.kind == .product ? .product : .competitor,
            text: text.text(start, end),
            start: start,
            end: end,
            value: .object(value),
            confidence: confidence
        )
    }

    /// The longest name or SKU starting at key position `index`; on equal length the surer one.
    private func longestMatch(_ text: ScalarText, positions: [Int], at index: Int) -> Match? {
        let tokens = text.tokens
        let tokenIndex = positions[index]
        let token = tokens[tokenIndex]
        // A name starts a word: not glued to the letters or digits before it.
        if tokenIndex > 0 && !token.spaceBefore && tokens[tokenIndex - 1].kind != .symbol { return nil }
        let entry = vocabulary[token.folded]
        var best: Match?
        func consider(_ match: Match) {
            if let current = best,
                current.length > match.length
                    || (current.length == match.length && current.confidence >= match.confidence)
            {
                return
            }
            best = match
        }
        for candidate in entry?.skus ?? [] {
            if let last = skuEnd(candidate, tokens: tokens, from: tokenIndex) {
                let next = positions.firstIndex { $0 > last } ?? positions.count
                consider(
                    Match(
                        item: candidate.item,
                        nextPosition: next,
                        lastToken: last,
                        length: last - tokenIndex + 1,
                        confidence: 1
                    )
                )
            }
        }
        guard token.kind != .symbol else { return best }

        func accept(_ name: Name, confidence: Double, typos: Int) {
            let last = positions[index + name.keys.count - 1]
            if last + 1 < tokens.count && !tokens[last + 1].spaceBefore && tokens[last + 1].kind != .symbol { return }
            if name.keys.count == 1 {
                guard Self.isWrittenLikeAName(text, token: token, name: name) else { return }
                // A one-word name takes a typo only when long: "compro" is a word, not "CRMPro".
                if typos > 0 && name.keys[0].unicodeScalars.count < Self.singleWordTypoMinimumLength { return }
            }
            consider(
                Match(
                    item: name.item,
                    nextPosition: index + name.keys.count,
                    lastToken: last,
                    length: last - tokenIndex + 1,
                    confidence: confidence
                )
            )
        }

        var secondForms: [Form]?
        func visit(_ first: Form, _ word: Word?) {
            guard let word else { return }
            for name in word.names { accept(name, confidence: first.confidence, typos: first.typos) }
            guard word.startsPhrase, index + 1 < positions.count else { return }
            let second = tokens[positions[index + 1]]
            guard second.kind != .symbol else { return }
            if secondForms == nil { secondForms = forms(of: second.folded) }
            for next in secondForms! where first.typos + next.typos <= 1 {
                for name in phrases[Self.pair(first.key, next.key)] ?? [] {
                    guard index + name.keys.count <= positions.count else { continue }
                    var confidence = min(first.confidence, next.confidence)
                    var typos = first.typos + next.typos
                    var matched = true
                    for offset in 2..<name.keys.count {
                        let text = tokens[positions[index + offset]].folded
                        let key = name.keys[offset]
                        if text == key { continue }
                        if Self.singulars(of: text).contains(key) {
                            confidence = min(confidence, 0.9)
                        } else if typos == 0 && isTypo(text, of: key) {
                            typos = 1
                            confidence = min(confidence, 0.75)
                        } else {
                            matched = false
                            break
                        }
                    }
                    if matched { accept(name, confidence: confidence, typos: typos) }
                }
            }
        }

        visit(Form(key: token.folded, confidence: 1, typos: 0), entry)
        for singular in Self.singulars(of: token.folded) {
            visit(Form(key: singular, confidence: 0.9, typos: 0), vocabulary[singular])
        }
        if entry?.isTypoTarget != true {
            for key in typoCandidates(of: token.folded) {
                visit(Form(key: key, confidence: 0.75, typos: 1), vocabulary[key])
            }
        }
        return best
    }

    /// A key a text word may stand for, with the confidence it leaves and whether it is a typo.
    private struct Form {
        var key: String
        var confidence: Double
        var typos: Int
    }

    /// The last token of `sku` written exactly from `start`, whitespace as in the SKU and not
    /// continued by more letters or digits.
    private func skuEnd(_ sku: Name, tokens: [ScalarText.Token], from start: Int) -> Int? {
        guard start + sku.keys.count <= tokens.count else { return nil }
        if start > 0 && !tokens[start].spaceBefore && tokens[start - 1].kind != .symbol { return nil }
        for offset in 1..<sku.keys.count {
            let token = tokens[start + offset]
            guard token.folded == sku.keys[offset], token.spaceBefore == sku.spaced[offset] else { return nil }
        }
        let last = start + sku.keys.count - 1
        if last + 1 < tokens.count && !tokens[last + 1].spaceBefore {
            let next = tokens[last + 1]
            if next.kind != .symbol { return nil }
            if (next.folded == "-" || next.folded == "/") && last + 2 < tokens.count && !tokens[last + 2].spaceBefore
                && tokens[last + 2].kind != .symbol
            {
                return nil
            }
        }
        return last
    }

    /// A one-word name of three letters or fewer ("RD") must be written with a capital, and in
    /// capitals when the catalog writes it so: otherwise it is usually another word ("rd", "Rd").
    private static func isWrittenLikeAName(_ text: ScalarText, token: ScalarText.Token, name: Name) -> Bool {
        guard token.kind == .word, name.keys[0].unicodeScalars.count <= 3 else { return true }
        let written = text.original[token.start..<token.end]
        return name.capitals
            ? written.allSatisfy { !$0.properties.isLowercase } : written.contains { $0.properties.isUppercase }
    }

    /// The keys a text word may stand for: itself, its singulars, and the name words one typo
    /// away.
    private func forms(of word: String) -> [Form] {
        var forms = [Form(key: word, confidence: 1, typos: 0)]
        for singular in Self.singulars(of: word) { forms.append(Form(key: singular, confidence: 0.9, typos: 0)) }
        if vocabulary[word]?.isTypoTarget != true {
            for key in typoCandidates(of: word) { forms.append(Form(key: key, confidence: 0.75, typos: 1)) }
        }
        return forms
    }

    private func typoCandidates(of word: String) -> [String] {
        let length = word.unicodeScalars.count
        guard length >= Self.typoMinimumLength - 1, let first = word.unicodeScalars.first,
            typoShapes.contains(Self.shape(first, length)) || typoShapes.contains(Self.shape(first, length + 1))
                || typoShapes.contains(Self.shape(first, length - 1))
        else { return [] }
        var found: [String] = []
        for variant in [word] + Self.deletions(of: word) {
            for key in deletions[variant] ?? [] where !found.contains(key) && Self.isOneEdit(word, key) {
                found.append(key)
            }
        }
        return found
    }

    private func isTypo(_ word: String, of key: String) -> Bool {
        key.unicodeScalars.count >= Self.typoMinimumLength && vocabulary[word]?.isTypoTarget != true
            && Self.isOneEdit(word, key)
    }

    /// Whether `a` and `b` differ by one insertion, deletion, substitution or transposition of
    /// neighbours, keeping the first letter (people rarely mistype it) and the last one (an
    /// ending that differs is another word: "printed", "printer").
    static func isOneEdit(_ a: String, _ b: String) -> Bool {
        guard a.unicodeScalars.first == b.unicodeScalars.first, a.unicodeScalars.last == b.unicodeScalars.last,
            abs(a.utf8.count - b.utf8.count) <= 2
        else { return false }
        let x = Array(a.unicodeScalars)
        let y = Array(b.unicodeScalars)
        guard x != y, abs(x.count - y.count) <= 1, x.first == y.first, x.last == y.last,
            min(x.count, y.count) >= typoMinimumLength - 1
        else { return false }
        var prefix = 0
        while prefix < x.count && prefix < y.count && x[prefix] == y[prefix] { prefix += 1 }
        if x.count == y.count {
            if x[(prefix + 1)...] == y[(prefix + 1)...] { return true }
            return prefix + 1 < x.count && x[prefix] == y[prefix + 1] && x[prefix + 1] == y[prefix]
                && x[(prefix + 2)...] == y[(prefix + 2)...]
        }
        let (long, short) = x.count > y.count ? (x, y) : (y, x)
        return long[(prefix + 1)...] == short[prefix...]
    }

    static func deletions(of word: String) -> [String] {
        let bytes = Array(word.utf8)
        if bytes.allSatisfy({ $0 < 0x80 }) {
            // ASCII, the usual case once folded: one byte is one letter.
            return bytes.indices.map { skipped in
                String(unsafeUninitializedCapacity: bytes.count - 1) { buffer in
                    var count = 0
                    for (index, byte) in bytes.enumerated() where index != skipped {
                        buffer[count] = byte
                        count += 1
                    }
                    return count
                }
            }
        }
        let scalars = Array(word.unicodeScalars)
        return scalars.indices.map { skipped in
            var view = String.UnicodeScalarView()
            for (index, scalar) in scalars.enumerated() where index != skipped { view.append(scalar) }
            return String(view)
        }
    }

    /// Singular forms a folded English, Spanish or Portuguese plural may come from: `-s`,
    /// `-es`, `-ies` → `-y`, `-ões`/`-ães` → `-ão`, `-éis`/`-ais`/`-óis` → `-el`/`-al`/`-ol`,
    /// `-ns` → `-m`. Several guesses, since the name decides which one is right.
    static func singulars(of word: String) -> [String] {
        let bytes = word.utf8
        guard bytes.count >= 4, bytes.last == UInt8(ascii: "s"), word.unicodeScalars.allSatisfy(ScalarText.isLetter)
        else { return [] }
        // The suffixes are ASCII, so dropping bytes drops letters.
        let stem = { (drop: Int, add: String) -> String in String(decoding: bytes.dropLast(drop), as: UTF8.self) + add }
        let tail = Array(bytes.suffix(3))
        var forms = [stem(1, "")]
        if tail[1] == UInt8(ascii: "e") {
            if bytes.count >= 5 { forms.append(stem(2, "")) }
            if tail[0] == UInt8(ascii: "i") { forms.append(stem(3, "y")) }
            if tail[0] == UInt8(ascii: "o") || tail[0] == UInt8(ascii: "a") { forms.append(stem(3, "ao")) }
        }
        if tail[1] == UInt8(ascii: "i") && "eao".utf8.contains(tail[0]) { forms.append(stem(2, "l")) }
        if tail[1] == UInt8(ascii: "n") { forms.append(stem(2, "m")) }
        return forms
    }

    /// A name's tokens as keys: folded words, numbers and symbols, without the joiners people
    /// write or leave out (`TX-200`, `TX 200`, `TX200` are one name).
    private static func keys(of text: ScalarText) -> [String] {
        text.tokens.filter { !($0.kind == .symbol && joiners.contains($0.folded)) }.map(\.folded)
    }

    private static let joiners: Set<String> = ["-", ".", "/", "_", "'"]

    /// Indices of the text's tokens that keys are matched against: joiners glued to the next
    /// token are skipped; a joiner followed by a space (a full stop) stays and so breaks a name.
    private static func keyPositions(_ text: ScalarText) -> [Int] {
        let tokens = text.tokens
        var positions: [Int] = []
        positions.reserveCapacity(tokens.count)
        for (index, token) in tokens.enumerated() {
            if token.kind == .symbol && joiners.contains(token.folded) && index + 1 < tokens.count
                && !tokens[index + 1].spaceBefore && index > 0
            {
                continue
            }
            positions.append(index)
        }
        return positions
    }
}

/// The catalog products and competitors of ``ExtractionContext/catalog`` found in a text.
public struct CatalogFinder: EntityFinder {
    public init() {}

    public func find(in text: ScalarText, context: ExtractionContext) -> [Entity] {
        context.catalog.matches(in: text)
    }
}
