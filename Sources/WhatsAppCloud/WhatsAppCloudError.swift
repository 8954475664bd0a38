/// Why a webhook request or payload was refused.
public struct WhatsAppCloudError: Error, Sendable, CustomStringConvertible, Equatable {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case missingSignature = "missing_signature"
            case malformedSignature = "malformed_signature"
            case badSignature = "bad_signature"
            case noAppSecret = "no_app_secret"
            case handshakeRefused = "handshake_refused"
            case malformedPayload = "malformed_payload"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The request has no `X-Hub-Signature-256` header.
        public static let missingSignature = Code(.missingSignature)
        /// The header is not `sha256=` followed by 64 hex digits.
        public static let malformedSignature = Code(.malformedSignature)
        /// No configured App Secret produces the signature.
        public static let badSignature = Code(.badSignature)
        /// No App Secret is configured, so no POST can be trusted.
        public static let noAppSecret = Code(.noAppSecret)
        /// The verification handshake's mode or token is wrong, or no token is configured.
        public static let handshakeRefused = Code(.handshakeRefused)
        /// The body is not a JSON object.
        public static let malformedPayload = Code(.malformedPayload)

        /// A stable machine-readable code, used in JSON error bodies.
        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    public var file: String
    public var line: Int

    public init(_ code: Code, _ message: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
    }

    public var description: String { "\(code): \(message)" }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
}
