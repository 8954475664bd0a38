import Foundation

/// What went wrong loading, training or running a local classifier, and what to do about it.
public struct DetectError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case modelMissing = "model_missing"
            case invalidModel = "invalid_model"
            case invalidData = "invalid_data"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A model file is not there: run `wainsight train NAME` or point at the models folder.
        public static let modelMissing = Code(.modelMissing)
        /// A model file is there but cannot be read (wrong format, version or sizes).
        public static let invalidModel = Code(.invalidModel)
        /// Training or evaluation data is missing or malformed.
        public static let invalidData = Code(.invalidData)

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

extension DetectError: Equatable {
    public static func == (lhs: DetectError, rhs: DetectError) -> Bool { lhs.code == rhs.code }
}
