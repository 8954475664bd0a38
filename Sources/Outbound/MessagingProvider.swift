import Core
import Foundation

/// Which service carries an account's messages; a setting per account (`whatsapp_accounts.provider`).
public struct ProviderKind: Sendable, Hashable, CustomStringConvertible {
    private enum Base: String, Sendable { case meta, dialog360 = "360dialog" }
    private let base: Base
    private init(_ base: Base) { self.base = base }

    /// Meta's Cloud API on graph.facebook.com, with the account's access token.
    public static let meta = ProviderKind(.meta)
    /// 360dialog's Cloud API relay (waba-v2.360dialog.io), with the number's D360-API-KEY.
    public static let dialog360 = ProviderKind(.dialog360)

    /// Reads the stored name (`meta` or `360dialog`); `nil` for anything else.
    public init?(rawValue: String) {
        guard let base = Base(rawValue: rawValue) else { return nil }
        self.base = base
    }

    public var rawValue: String { base.rawValue }
    public var description: String { base.rawValue }
}

/// What the provider answered for an accepted message.
public struct SendReceipt: Sendable, Equatable {
    /// The wamid: status webhooks reference it.
    public var messageID: String
    /// The recipient as WhatsApp normalised it (can differ from what was sent, e.g. Brazil's 9th digit).
    public var waID: String?
    /// The recipient's business-scoped user id, when Meta returns one.
    public var userID: String?
    /// `accepted` or `held_for_quality_assessment`, when present.
    public var messageStatus: String?

    public init(messageID: String, waID: String? = nil, userID: String? = nil, messageStatus: String? = nil) {
        self.messageID = messageID
        self.waID = waID
        self.userID = userID
        self.messageStatus = messageStatus
    }

    /// Reads `{"contacts": [{"input", "wa_id", "user_id"}], "messages": [{"id", "message_status"}]}`.
    init?(json: JSONValue) {
        guard let id = json["messages"]?[0]?["id"]?.nonEmptyString else { return nil }
        self.init(
            messageID: id,
            waID: json["contacts"]?[0]?["wa_id"]?.nonEmptyString,
            userID: json["contacts"]?[0]?["user_id"]?.nonEmptyString,
            messageStatus: json["messages"]?[0]?["message_status"]?.nonEmptyString
        )
    }
}

/// Where and what a media object is, from `GET /<MEDIA_ID>`. The URL lives 5 minutes.
public struct MediaInfo: Sendable, Equatable {
    public var id: String
    public var url: String
    public var mimeType: String?
    public var sha256: String?
    public var fileSize: Int?

    public init(id: String, url: String, mimeType: String? = nil, sha256: String? = nil, fileSize: Int? = nil) {
        self.id = id
        self.url = url
        self.mimeType = mimeType
        self.sha256 = sha256
        self.fileSize = fileSize
    }
}

/// One page of an account's message templates, each as the provider describes it
/// (`name`, `language`, `status`, `category`, `components`, `id`, ...).
public struct TemplatePage: Sendable {
    public var templates: [JSONValue]
    /// Where the next page is (an opaque cursor for the adapter); `nil` on the last page.
    public var next: String?

    public init(templates: [JSONValue], next: String?) {
        self.templates = templates
        self.next = next
    }
}

/// The operations wainsight needs from a WhatsApp provider, for one business phone number.
/// Every failure is an ``OutboundError`` whose ``OutboundError/disposition`` tells the sender
/// whether to retry.
public protocol MessagingProvider: Sendable {
    var kind: ProviderKind { get }
    /// Sends one Graph API message object (`messaging_product`, `to`, `type`, ...).
    func send(_ message: JSONValue) async throws -> SendReceipt
    /// Marks an inbound message (and the ones before it) read, optionally showing a typing indicator.
    func markRead(messageID: String, typingIndicator: Bool) async throws
    /// Uploads a file for use in messages; returns the provider's media id (valid 30 days).
    func uploadMedia(_ data: Data, mimeType: String, filename: String) async throws -> String
    /// Resolves a media id to its short-lived download URL and metadata.
    func mediaInfo(id: String) async throws -> MediaInfo
    /// Downloads the bytes behind `info` (with the account's credentials), at most `maxBytes`.
    func download(_ info: MediaInfo, maxBytes: Int) async throws -> Data
    /// One page of the account's templates; pass the previous page's `next` to continue.
    func templates(after cursor: String?) async throws -> TemplatePage
}

extension MessagingProvider {
    /// Sends a session text, optionally quoting `replyTo` (a wamid of the thread).
    public func sendText(
        to recipient: String,
        body: String,
        previewURL: Bool = false,
        replyTo: String? = nil,
        callbackData: String? = nil
    ) async throws -> SendReceipt {
        try await send(
            MessageBody.text(
                to: recipient,
                body: body,
                previewURL: previewURL,
                replyTo: replyTo,
                callbackData: callbackData
            )
        )
    }

    /// Sends an approved template with its components (Graph API shape).
    public func sendTemplate(
        to recipient: String,
        name: String,
        language: String,
        components: [JSONValue],
        callbackData: String? = nil
    ) async throws -> SendReceipt {
        try await send(
            MessageBody.template(
                to: recipient,
                name: name,
                language: language,
                components: components,
                callbackData: callbackData
            )
        )
    }

    /// Every template of the account, following the pages to the end.
    public func allTemplates(maxPages: Int = 1000) async throws -> [JSONValue] {
        var all: [JSONValue] = []
        var cursor: String?
        for _ in 0..<maxPages {
            let page = try await templates(after: cursor)
            all += page.templates
            guard let next = page.next, next != cursor else { return all }
            cursor = next
        }
        throw OutboundError(.unreadableResponse, "template listing did not end after \(maxPages) pages")
    }
}

/// Graph API message objects, the same for Meta and 360dialog.
public enum MessageBody {
    public static func text(
        to recipient: String,
        body: String,
        previewURL: Bool = false,
        replyTo: String? = nil,
        callbackData: String? = nil
    ) -> JSONValue {
        var message: [String: JSONValue] = [
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": .string(recipient),
            "type": "text",
            "text": ["preview_url": .bool(previewURL), "body": .string(body)],
        ]
        if let replyTo { message["context"] = ["message_id": .string(replyTo)] }
        if let callbackData { message["biz_opaque_callback_data"] = .string(callbackData) }
        return .object(message)
    }

    public static func template(
        to recipient: String,
        name: String,
        language: String,
        components: [JSONValue],
        callbackData: String? = nil
    ) -> JSONValue {
        var template: [String: JSONValue] = [
            "name": .string(name),
            "language": ["code": .string(language), "policy": "deterministic"],
        ]
        if !components.isEmpty { template["components"] = .array(components) }
        var message: [String: JSONValue] = [
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": .string(recipient),
            "type": "template",
            "template": .object(template),
        ]
        if let callbackData { message["biz_opaque_callback_data"] = .string(callbackData) }
        return .object(message)
    }

    public static func markRead(messageID: String, typingIndicator: Bool) -> JSONValue {
        var body: [String: JSONValue] = [
            "messaging_product": "whatsapp",
            "status": "read",
            "message_id": .string(messageID),
        ]
        if typingIndicator { body["typing_indicator"] = ["type": "text"] }
        return .object(body)
    }
}
