/// What went wrong reading the normalizer's data, and what to do about it.
public struct NormalizeError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case invalidTable = "invalid_table"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A data table (the emoji names) is malformed: regenerate it with its script
        /// (`scripts/make-emoji-table`) or take the committed one.
        public static let invalidTable = Code(.invalidTable)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    public var underlying: (any Error)?
    public var file: String
    public var line: Int

    public init(
        _ code: Code,
        _ message: String,
        underlying: (any Error)? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    public var description: String {
        if let underlying { return "\(code): \(message) (\(String(reflecting: underlying)))" }
        return "\(code): \(message)"
    }
}

extension NormalizeError: Equatable {
    public static func == (lhs: NormalizeError, rhs: NormalizeError) -> Bool { lhs.code == rhs.code }
}
