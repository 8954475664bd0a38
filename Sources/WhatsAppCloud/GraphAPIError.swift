import Core
import Foundation

/// An error answered by Meta's Graph API (or a BSP that relays its body), read from
/// `{"error": {"message", "type", "code", "error_subcode", "error_data": {"details"}, "fbtrace_id"}}`
/// or from a `failed` status's `errors[]` element, and classified for the sender.
public struct GraphAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What a sender should do about an error.
    public enum Disposition: Sendable, Equatable {
        /// Transient (5xx, unknown, service unavailable): retry with backoff.
        case retryable
        /// Over a throughput, pair or call-rate limit: retry after at least `after`.
        case rateLimited(after: Duration)
        /// Outside the 24-hour customer-care window: only an approved template can reach the user.
        case needsTemplate
        /// Retrying cannot help (bad request, permission, blocked or unknown recipient, opted out,
        /// template mismatch): fail the message with Meta's code and text.
        case permanent
    }

    /// HTTP status of the answer (0 when the error came in a status webhook).
    public var httpStatus: Int
    public var code: Int
    public var subcode: Int?
    public var message: String
    /// `error_data.details`: Meta says to rely on it and the code, not on titles.
    public var details: String?
    public var fbtraceID: String?

    public init(
        httpStatus: Int,
        code: Int,
        subcode: Int? = nil,
        message: String,
        details: String? = nil,
        fbtraceID: String? = nil
    ) {
        self.httpStatus = httpStatus
        self.code = code
        self.subcode = subcode
        self.message = message
        self.details = details
        self.fbtraceID = fbtraceID
    }

    /// Reads an error response body; `nil` when the body is not Meta's error shape.
    public init?(httpStatus: Int, body: Data) {
        guard let json = try? JSONValue.parse(body), let error = json["error"], let code = error["code"]?.intValue
        else {
            return nil
        }
        self.init(
            httpStatus: httpStatus,
            code: code,
            subcode: error["error_subcode"]?.intValue,
            message: error["message"]?.stringValue ?? "",
            details: error["error_data"]?["details"]?.nonEmptyString,
            fbtraceID: error["fbtrace_id"]?.nonEmptyString
        )
    }

    /// Reads a `failed` status's `errors[]` element (no HTTP status: it came by webhook).
    public init?(statusError: JSONValue) {
        guard let code = statusError["code"]?.intValue else { return nil }
        self.init(
            httpStatus: 0,
            code: code,
            message: statusError["message"]?.stringValue ?? statusError["title"]?.stringValue ?? "",
            details: statusError["error_data"]?["details"]?.nonEmptyString
        )
    }

    /// The sender's course of action, from Meta's error-code table (shared/whatsapp/api-facts.md §7).
    public var disposition: Disposition {
        switch code {
        case 130429: return .rateLimited(after: .seconds(1))  // throughput cap (mps)
        case 131056: return .rateLimited(after: .seconds(6))  // pair rate: 1 message / 6 s per user
        case 4, 80007: return .rateLimited(after: .seconds(60))  // app / WABA call-rate limits
        case 131047: return .needsTemplate
        case 1, 2, 131000, 131016: return .retryable
        default:
            // Unknown codes with a server-side status are transient; everything else is the request's fault.
            return httpStatus >= 500 ? .retryable : .permanent
        }
    }

    public var description: String {
        var text = "Graph API error \(code)"
        if let subcode { text += "/\(subcode)" }
        text += " (HTTP \(httpStatus)): \(message)"
        if let details { text += " — \(details)" }
        return text
    }
}
