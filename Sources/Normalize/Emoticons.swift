/// Text emoticons read as the emoji they stand for (`:)` as 🙂, `<3` as ❤), so that the
/// classifiers learn one feature from both; and the polarity of emoji, so that sentiment
/// learned from emoticons carries over to emoji the training tweets never had. Built from an
/// emoji table (``EmojiNames``), whose canonical tokens the emoticons read as.
public struct Emoticons: Sendable {
    /// Emoticon → the emoji it stands for. Only whole words count (`:)` alone, not `a:)`).
    static let glyphs: [(emoticon: String, glyph: String)] = [
        (":-)", "🙂"), (":)", "🙂"), ("=)", "🙂"), (":]", "🙂"), (":-D", "😀"), (":D", "😀"), (";-)", "😉"),
        (";)", "😉"), ("<3", "❤"), (":-P", "😛"), (":P", "😛"), (":p", "😛"), ("xD", "😆"), ("XD", "😆"),
        (":'(", "😢"), (":-(", "🙁"), (":(", "🙁"), ("=(", "🙁"), (">:(", "😠"), (":-/", "😕"), (":/", "😕"),
        ("</3", "💔"),
    ]

    /// Emoticons by first scalar, longest first, each with its canonical emoji token.
    let index: [Unicode.Scalar: [([Unicode.Scalar], String)]]
    /// Canonical emoji token → its plain sentiment (``positiveGlyphs``, ``negativeGlyphs``).
    let polarities: [String: Polarity]

    /// The emoticons and emoji polarities read as the tokens of `emojiNames`.
    public init(emojiNames: EmojiNames) {
        var index: [Unicode.Scalar: [([Unicode.Scalar], String)]] = [:]
        for (emoticon, glyph) in Self.glyphs {
            guard let token = emojiNames.canonical(glyph: glyph), let first = emoticon.unicodeScalars.first else {
                continue
            }
            index[first, default: []].append((Array(emoticon.unicodeScalars), token))
        }
        self.index = index.mapValues { $0.sorted { $0.0.count > $1.0.count } }
        var polarities: [String: Polarity] = [:]
        for character in Self.positiveGlyphs {
            if let token = emojiNames.canonical(glyph: String(character)) { polarities[token] = .positive }
        }
        for character in Self.negativeGlyphs {
            if let token = emojiNames.canonical(glyph: String(character)) { polarities[token] = .negative }
        }
        self.polarities = polarities
    }

    /// The emoticon starting at `start` and standing alone (whitespace or the end after it):
    /// its emoji token and where it ends.
    func match(_ scalars: [Unicode.Scalar], at start: Int) -> (token: String, end: Int)? {
        guard scalars[start].value < 0x80, let candidates = index[scalars[start]] else { return nil }
        for (emoticon, token) in candidates {
            var end = start + emoticon.count
            guard end <= scalars.count, Array(scalars[start..<end]) == emoticon else { continue }
            // ":)))" is one, louder, smile.
            while end < scalars.count, scalars[end] == emoticon[emoticon.count - 1] { end += 1 }
            if end == scalars.count || ScalarClass.isWhitespace(scalars[end])
                || ".,!?".unicodeScalars.contains(scalars[end])
            {
                return (token, end)
            }
        }
        return nil
    }

    public enum Polarity: String, Sendable {
        case positive, negative
    }

    /// Emoji whose sentiment is plain, by glyph; the rest (objects, flags, 😐) have none.
    static let positiveGlyphs =
        "😀😃😄😁😆😊☺🙂😉😍🥰😘😗😙😚😋😛😜🤪😝🤗🤩😎🥳😇😂🤣😅😹😻😺😸❤🧡💛💚💙💜🤍💕💞💓💗💖💘💝♥👍👌👏🙌💯🔥✨🎉🎊✅🙏💪🤝⭐🌟👑🏆🥇"
    static let negativeGlyphs =
        "😞😔😟😕🙁☹😣😖😫😩🥺😢😭😤😠😡🤬😒🙄💔👎😱😨😰😥😓🤢🤮😷🤒🤕😵💩🖕😾😿❌"

    /// The sentiment of a canonical emoji token (`:heart_eyes:` → positive), if it is plain.
    public func polarity(of token: String) -> Polarity? { polarities[token] }
}
