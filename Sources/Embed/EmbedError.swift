import Foundation

/// What went wrong computing embeddings, and what to do about it.
public struct EmbedError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case modelMissing = "model_missing"
            case invalidModel = "invalid_model"
            case remote = "remote_error"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The model files are not there: run scripts/setup (or set WAINSIGHT_MINILM_DIR).
        public static let modelMissing = Code(.modelMissing)
        /// The files are there but not the expected model (wrong shapes, names or types).
        public static let invalidModel = Code(.invalidModel)
        /// A remote embeddings endpoint failed or answered something unexpected.
        public static let remote = Code(.remote)

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

extension EmbedError: Equatable {
    public static func == (lhs: EmbedError, rhs: EmbedError) -> Bool { lhs.code == rhs.code }
}
