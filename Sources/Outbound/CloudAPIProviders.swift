import AsyncHTTPClient
import Core
import Foundation
import NIOHTTP1

/// Meta's Cloud API: `POST {base}/{version}/{phone_number_id}/messages` with
/// `Authorization: Bearer {access token}`.
public struct MetaCloudProvider: MessagingProvider {
    public var kind: ProviderKind { .meta }
    let http: ProviderHTTP
    /// `{base}/{version}`, e.g. `https://graph.facebook.com/v23.0`.
    let root: String
    let phoneNumberID: String
    let wabaID: String

    public init(
        client: HTTPClient,
        baseURL: String,
        apiVersion: String,
        phoneNumberID: String,
        wabaID: String,
        accessToken: String,
        timeout: Duration
    ) {
        self.http = ProviderHTTP(
            client: client,
            credential: ("Authorization", "Bearer \(accessToken)"),
            timeout: timeout
        )
        self.root = baseURL.trimmingSuffix("/") + "/" + apiVersion
        self.phoneNumberID = phoneNumberID
        self.wabaID = wabaID
    }

    public func send(_ message: JSONValue) async throws -> SendReceipt {
        try SendReceipt(answer: try await http.json(.POST, "\(root)/\(phoneNumberID)/messages", body: message))
    }

    public func markRead(messageID: String, typingIndicator: Bool) async throws {
        let body = MessageBody.markRead(messageID: messageID, typingIndicator: typingIndicator)
        try ProviderHTTP.requireSuccess(try await http.json(.POST, "\(root)/\(phoneNumberID)/messages", body: body))
    }

    public func uploadMedia(_ data: Data, mimeType: String, filename: String) async throws -> String {
        let answer = try await http.multipart(
            "\(root)/\(phoneNumberID)/media",
            fields: [("messaging_product", "whatsapp"), ("type", mimeType)],
            file: ("file", filename, mimeType, data)
        )
        return try ProviderHTTP.mediaID(answer)
    }

    public func mediaInfo(id: String) async throws -> MediaInfo {
        let answer = try await http.json(.GET, "\(root)/\(id.urlPathEscaped)?phone_number_id=\(phoneNumberID)")
        return try MediaInfo(json: answer, id: id)
    }

    public func download(_ info: MediaInfo, maxBytes: Int) async throws -> Data {
        try await http.bytes(info.url, maxBytes: maxBytes)
    }

    static let templateFields =
        "id,name,status,category,language,components,parameter_format,quality_score,rejected_reason"

    public func templates(after cursor: String?) async throws -> TemplatePage {
        let url: String
        if let cursor {
            // Meta's paging.next is an absolute URL: follow it only to the configured host, so the
            // token never goes elsewhere.
            guard cursor.hasPrefix(root + "/") else {
                throw OutboundError(.unreadableResponse, "template paging pointed outside \(root)")
            }
            url = cursor
        } else {
            url = "\(root)/\(wabaID)/message_templates?fields=\(Self.templateFields)&limit=100"
        }
        let answer = try await http.json(.GET, url)
        guard let templates = answer["data"]?.arrayValue else {
            throw OutboundError(.unreadableResponse, "the template listing has no data[]")
        }
        return TemplatePage(templates: templates, next: answer["paging"]?["next"]?.nonEmptyString)
    }
}

/// 360dialog's Cloud API relay: the same message bodies, `POST {base}/messages` with
/// `D360-API-KEY: {key}`; the key names the number, so paths carry no phone_number_id.
public struct Dialog360Provider: MessagingProvider {
    public var kind: ProviderKind { .dialog360 }
    let http: ProviderHTTP
    let root: String

    public init(client: HTTPClient, baseURL: String, apiKey: String, timeout: Duration) {
        self.http = ProviderHTTP(client: client, credential: ("D360-API-KEY", apiKey), timeout: timeout)
        self.root = baseURL.trimmingSuffix("/")
    }

    public func send(_ message: JSONValue) async throws -> SendReceipt {
        try SendReceipt(answer: try await http.json(.POST, "\(root)/messages", body: message))
    }

    public func markRead(messageID: String, typingIndicator: Bool) async throws {
        let body = MessageBody.markRead(messageID: messageID, typingIndicator: typingIndicator)
        try ProviderHTTP.requireSuccess(try await http.json(.POST, "\(root)/messages", body: body))
    }

    public func uploadMedia(_ data: Data, mimeType: String, filename: String) async throws -> String {
        let answer = try await http.multipart(
            "\(root)/media",
            fields: [("messaging_product", "whatsapp")],
            file: ("file", filename, mimeType, data)
        )
        return try ProviderHTTP.mediaID(answer)
    }

    public func mediaInfo(id: String) async throws -> MediaInfo {
        try MediaInfo(json: try await http.json(.GET, "\(root)/\(id.urlPathEscaped)"), id: id)
    }

    /// 360dialog relays Meta's media URL: the same path and query on its own host.
    public func download(_ info: MediaInfo, maxBytes: Int) async throws -> Data {
        guard let components = URLComponents(string: info.url), !components.path.isEmpty else {
            throw OutboundError(.unreadableResponse, "media URL is not a URL")
        }
        let relayed = root + components.path + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        return try await http.bytes(relayed, maxBytes: maxBytes)
    }

    public func templates(after cursor: String?) async throws -> TemplatePage {
        let offset = cursor.flatMap(Int.init) ?? 0
        let answer = try await http.json(.GET, "\(root)/v1/configs/templates?limit=100&offset=\(offset)")
        guard let templates = answer["waba_templates"]?.arrayValue else {
            throw OutboundError(.unreadableResponse, "the template listing has no waba_templates[]")
        }
        let total = answer["total"]?.intValue ?? 0
        let next = offset + templates.count
        return TemplatePage(templates: templates, next: !templates.isEmpty && next < total ? String(next) : nil)
    }
}

extension SendReceipt {
    /// Reads a send's answer; one without a wamid is unreadable (the message may have gone out).
    init(answer: JSONValue) throws {
        guard let receipt = SendReceipt(json: answer) else {
            throw OutboundError(
                .unreadableResponse,
                "the send was answered without messages[0].id; it may have gone out"
            )
        }
        self = receipt
    }
}

extension ProviderHTTP {
    /// Mark-read answers `{"success": true}`.
    static func requireSuccess(_ answer: JSONValue) throws {
        guard answer["success"]?.boolValue == true else {
            throw OutboundError(.unreadableResponse, "mark-read was not answered with success: true")
        }
    }

    /// An upload answers `{"id": "…"}`.
    static func mediaID(_ answer: JSONValue) throws -> String {
        guard let id = answer["id"]?.nonEmptyString else {
            throw OutboundError(.unreadableResponse, "the media upload was answered without an id")
        }
        return id
    }
}

extension MediaInfo {
    init(json: JSONValue, id: String) throws {
        guard let url = json["url"]?.nonEmptyString else {
            throw OutboundError(.unreadableResponse, "media \(id) was answered without a url")
        }
        self.init(
            id: json["id"]?.nonEmptyString ?? id,
            url: url,
            mimeType: json["mime_type"]?.nonEmptyString,
            sha256: json["sha256"]?.nonEmptyString,
            fileSize: json["file_size"]?.intValue
        )
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        var value = self
        while value.hasSuffix(suffix) { value.removeLast(suffix.count) }
        return value
    }

    var urlPathEscaped: String { addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? self }
}
