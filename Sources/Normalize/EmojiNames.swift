/// Emoji and their text names unified to one canonical token each (`😍`, `:heart_eyes:` and
/// `:smiling_face_with_heart-eyes:` all read `:heart_eyes:`), so that classifiers see one
/// feature however a person typed it. The table is data, not code: `scripts/make-emoji-table`
/// writes it (`models/emoji-names.tsv`, beside the models trained on its tokens) and the
/// detector reads it from the models folder and hands it over as text (``init(table:)``).
public struct EmojiNames: Sendable {
    /// Glyph (without variation selectors or skin tones) → canonical token.
    let glyphs: [String: String]
    /// Every known name (lower case, between colons) → canonical token.
    let names: [String: String]

    /// Parses the table `scripts/make-emoji-table` writes: UTF-8, one emoji a line, the glyph
    /// (without variation selectors), its canonical token, then every other name it is known
    /// by, separated by tabs. A line that starts with `#` and has no tab is a comment (the
    /// first emoji, `#⃣`, has tabs), and empty lines are skipped. When a glyph or a name comes
    /// twice, the later line wins.
    /// - Throws: ``NormalizeError`` `invalidTable`, naming the line, when a line has a single or
    ///   an empty field or the table has no emoji.
    public init(table: String) throws {
        var glyphs: [String: String] = [:]
        var names: [String: String] = [:]
        var lineNumber = 0
        for line in table.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = line.last == "\r" ? line.dropLast() : line[...]
            let isComment = line.first == "#" && !line.contains("\t")
            guard !line.isEmpty, !isComment else { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map {
                String(String.UnicodeScalarView($0))
            }
            guard fields.count >= 2, !fields.contains(where: \.isEmpty) else {
                throw NormalizeError(
                    .invalidTable,
                    "emoji table line \(lineNumber) is not a glyph, its token and its other names, separated "
                        + "by single tabs: regenerate the table with scripts/make-emoji-table"
                )
            }
            glyphs[fields[0]] = fields[1]
            for name in fields.dropFirst() { names[name] = fields[1] }
        }
        guard !glyphs.isEmpty else {
            throw NormalizeError(
                .invalidTable,
                "the emoji table has no emoji: regenerate it with scripts/make-emoji-table"
            )
        }
        self.glyphs = glyphs
        self.names = names
    }

    /// How many emoji the table knows.
    public var count: Int { glyphs.count }

    /// The canonical token of an emoji glyph, ignoring variation selectors and skin tones.
    public func canonical(glyph: String) -> String? {
        let key = String(String.UnicodeScalarView(glyph.unicodeScalars.filter { !Self.isIgnorable($0) }))
        return glyphs[key]
    }

    /// The canonical token of a name written between colons (`:thumbsup:`, case-insensitive).
    public func canonical(name: String) -> String? {
        names[name.lowercased()]
    }

    /// Scalars that change how an emoji looks, not what it says: variation selectors and the
    /// five skin-tone modifiers.
    static func isIgnorable(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value == 0xFE0F || scalar.value == 0xFE0E || (0x1F3FB...0x1F3FF).contains(scalar.value)
    }
}
