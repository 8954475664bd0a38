/// The Unicode properties the tokenizers ask of every scalar (white space, decimal digit,
/// letter), read once per Basic Multilingual Plane scalar into a 64 KB table at first use:
/// the standard library's property lookups cost a binary search each, which showed as the
/// largest part of normalizing text outside ASCII.
public enum ScalarClass {
    static let whitespace: UInt8 = 1
    static let decimalDigit: UInt8 = 2
    static let alphabetic: UInt8 = 4
    /// Non-spacing, spacing and enclosing marks (Devanagari vowel signs, Arabic harakat).
    static let mark: UInt8 = 8

    static let table: [UInt8] = (0..<0x1_0000).map { value in
        guard let scalar = Unicode.Scalar(UInt32(value)) else { return 0 }
        return flags(computing: scalar)
    }

    static func flags(computing scalar: Unicode.Scalar) -> UInt8 {
        let properties = scalar.properties
        var flags: UInt8 = 0
        if properties.isWhitespace { flags |= whitespace }
        if properties.numericType == .decimal { flags |= decimalDigit }
        if properties.isAlphabetic { flags |= alphabetic }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: flags |= mark
        default: break
        }
        return flags
    }

    @inline(__always) static func flags(_ scalar: Unicode.Scalar) -> UInt8 {
        scalar.value < 0x1_0000 ? table[Int(scalar.value)] : flags(computing: scalar)
    }

    /// Unicode White_Space.
    @inline(__always) public static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return scalar.value == 0x20 || (0x09...0x0D).contains(scalar.value) }
        return flags(scalar) & whitespace != 0
    }

    /// A decimal digit of any script (`7`, `٧`, `७`).
    @inline(__always) public static func isDecimalDigit(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return (0x30...0x39).contains(scalar.value) }
        return flags(scalar) & decimalDigit != 0
    }

    /// Unicode Alphabetic.
    @inline(__always) public static func isAlphabetic(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 {
            let v = scalar.value | 0x20
            return v >= 0x61 && v <= 0x7A
        }
        return flags(scalar) & alphabetic != 0
    }

    /// A letter or a mark that is part of one.
    @inline(__always) public static func isLetterOrMark(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 {
            let v = scalar.value | 0x20
            return v >= 0x61 && v <= 0x7A
        }
        return flags(scalar) & (alphabetic | mark) != 0
    }
}
