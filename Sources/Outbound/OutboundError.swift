import Core
import Foundation
import WhatsAppCloud

/// Why a send, a template sync or a media operation was refused or failed, and what to do
/// instead. Compliance refusals carry the templates that could be used.
public struct OutboundError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case optedOut = "opted_out"
            case marketingOptedOut = "marketing_opted_out"
            case doNotContact = "do_not_contact"
            case suppressed = "suppressed"
            case windowClosed = "window_closed"
            case templateNotFound = "template_not_found"
            case templateNotApproved = "template_not_approved"
            case templateParameters = "template_parameters"
            case invalidRequest = "invalid_request"
            case notFound = "not_found"
            case idempotencyConflict = "idempotency_conflict"
            case provider = "provider_error"
            case transport = "transport_error"
            case timeout = "timeout"
            case unreadableResponse = "unreadable_response"
            case unexpectedStatus = "unexpected_status"
            case mediaIntegrity = "media_integrity"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The contact asked not to be messaged at all (a typed STOP).
        public static let optedOut = Code(.optedOut)
        /// The contact stopped marketing messages; utility and service messages still go.
        public static let marketingOptedOut = Code(.marketingOptedOut)
        /// The CRM marked the contact do-not-contact.
        public static let doNotContact = Code(.doNotContact)
        /// The recipient is on the organization's suppression list.
        public static let suppressed = Code(.suppressed)
        /// A session message outside the 24-hour customer-care window: send an approved template.
        public static let windowClosed = Code(.windowClosed)
        /// No synced template has that name and language: run a template sync or fix the name.
        public static let templateNotFound = Code(.templateNotFound)
        /// The template exists but is not APPROVED (pending, rejected, paused, disabled).
        public static let templateNotApproved = Code(.templateNotApproved)
        /// The parameters do not match the template's definition (count or type).
        public static let templateParameters = Code(.templateParameters)
        /// The request is malformed (missing field, bad value).
        public static let invalidRequest = Code(.invalidRequest)
        /// A referenced thread, account, contact, message or media does not exist in the organization.
        public static let notFound = Code(.notFound)
        /// The Idempotency-Key was used before for a different request.
        public static let idempotencyConflict = Code(.idempotencyConflict)
        /// The provider answered with an error (``OutboundError/graphError`` has Meta's code and text).
        public static let provider = Code(.provider)
        /// The provider could not be reached.
        public static let transport = Code(.transport)
        /// The provider did not answer in time.
        public static let timeout = Code(.timeout)
        /// The provider answered 2xx with a body that is not what the API documents: the
        /// message may have gone out, so it is not retried.
        public static let unreadableResponse = Code(.unreadableResponse)
        /// The provider answered an HTTP error without Meta's error body (a proxy, a load balancer).
        public static let unexpectedStatus = Code(.unexpectedStatus)
        /// Downloaded media does not match the sha256 Meta announced.
        public static let mediaIntegrity = Code(.mediaIntegrity)

        public var description: String { base.rawValue }
    }

    /// An approved template a refused session message could use instead.
    public struct TemplateChoice: Sendable, Equatable, Codable {
        public var name: String
        public var language: String
        public var category: String
    }

    public var code: Code
    public var message: String
    /// Meta's error, for `.provider`.
    public var graphError: GraphAPIError?
    /// The provider's HTTP status, for `.provider` and `.unexpectedStatus`.
    public var httpStatus: Int?
    /// For `.windowClosed`: the approved templates of the account.
    public var templates: [TemplateChoice]
    public var underlying: (any Error)?
    public var file: String
    public var line: Int

    public init(
        _ code: Code,
        _ message: String,
        graphError: GraphAPIError? = nil,
        httpStatus: Int? = nil,
        templates: [TemplateChoice] = [],
        underlying: (any Error)? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.graphError = graphError
        self.httpStatus = httpStatus ?? graphError.map(\.httpStatus)
        self.templates = templates
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    /// What the sender does about this error.
    public var disposition: GraphAPIError.Disposition {
        switch code {
        case .provider: return graphError?.disposition ?? .permanent
        case .transport, .timeout: return .retryable
        case .unexpectedStatus:
            let status = httpStatus ?? 0
            if status == 429 { return .rateLimited(after: .seconds(1)) }
            return status >= 500 || status == 408 ? .retryable : .permanent
        default: return .permanent
        }
    }

    public var description: String {
        var text = "\(code): \(message)"
        if let graphError { text += " (\(graphError))" }
        if let underlying { text += " (\(String(reflecting: underlying)))" }
        return text
    }
}

extension OutboundError: Equatable {
    public static func == (lhs: OutboundError, rhs: OutboundError) -> Bool { lhs.code == rhs.code }
}
