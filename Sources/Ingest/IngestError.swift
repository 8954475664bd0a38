/// Why ingest of a stored webhook or a pipeline stage could not finish.
public struct IngestError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case eventMissing = "event_missing"
            case stageFailed = "stage_failed"
            case unknownStage = "unknown_stage"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The job names a webhook event or message that does not exist.
        public static let eventMissing = Code(.eventMissing)
        /// A pipeline stage threw; it is retried with backoff.
        public static let stageFailed = Code(.stageFailed)
        /// A stage was named that the configured pipeline does not run.
        public static let unknownStage = Code(.unknownStage)

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
        if let underlying { return "\(code): \(message) (\(underlying))" }
        return "\(code): \(message)"
    }
}
