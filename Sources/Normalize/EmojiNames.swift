/// Emoji and their text names unified to one canonical token each (`😍`, `:heart_eyes:` and
/// `:smiling_face_with_heart-eyes:` all read `:heart_eyes:`), so that classifiers see one
/// feature however a person typed it.
public enum EmojiNames {
    /// Glyph (without variation selectors or skin tones) → canonical token, and every known
    /// name (lower case) → canonical token; parsed once from ``table``.
    static let index: (glyphs: [String: String], names: [String: String]) = {
        var glyphs: [String: String] = [:]
        var names: [String: String] = [:]
        for line in table.split(separator: "\n") {
            let fields = line.split(separator: "\t").map(String.init)
            guard fields.count >= 2 else { continue }
            glyphs[fields[0]] = fields[1]
            for name in fields.dropFirst() { names[name] = fields[1] }
        }
        return (glyphs, names)
    }()

    /// The canonical token of an emoji glyph, ignoring variation selectors and skin tones.
    public static func canonical(glyph: String) -> String? {
        let key = String(String.UnicodeScalarView(glyph.unicodeScalars.filter { !isIgnorable($0) }))
        return index.glyphs[key]
    }

    /// The canonical token of a name written between colons (`:thumbsup:`, case-insensitive).
    public static func canonical(name: String) -> String? {
        index.names[name.lowercased()]
    }

    /// Scalars that change how an emoji looks, not what it says: variation selectors and the
    /// five skin-tone modifiers.
    static func isIgnorable(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value == 0xFE0F || scalar.value == 0xFE0E || (0x1F3FB...0x1F3FF).contains(scalar.value)
    }
}
