import Core
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat
import Outbound
import PostgresNIO
import Store
import WhatsAppCloud

/// Sending API, scoped to the caller's organization: session texts and templates (stored in
/// the outbox, answered 202), mark-read, template sync and listing, media upload and signed
/// media links. `GET /media/{id}` serves a signed link without an API key.
public struct OutboundController: Sendable {
    public let service: OutboundService
    public let media: MediaService
    public let logger: Logger
    /// Largest JSON request body. 1 MiB.
    static let maxRequestBytes = 1 << 20
    static let idempotencyHeader = HTTPField.Name("Idempotency-Key")!
    static let replayedHeader = HTTPField.Name("Idempotent-Replayed")!

    /// Where reply drafts are kept: a send naming `draft_id` records whether it used the draft
    /// as it was or edited.
    public let drafts: (any DraftStoring)?

    public init(service: OutboundService, media: MediaService, drafts: (any DraftStoring)? = nil, logger: Logger) {
        self.service = service
        self.media = media
        self.drafts = drafts
        self.logger = logger
    }

    public func addRoutes(to api: RouterGroup<AppRequestContext>, public router: Router<AppRequestContext>) {
        api.post("/whatsapp/messages", use: sendText)
        api.post("/whatsapp/messages/template", use: sendTemplate)
        api.get("/whatsapp/messages/{id}", use: message)
        api.post("/whatsapp/threads/{id}/read", use: markRead)
        api.post("/whatsapp/templates/sync", use: syncTemplates)
        api.get("/whatsapp/templates", use: templates)
        api.post("/whatsapp/media", use: upload)
        api.get("/whatsapp/media/{id}", use: mediaLink)
        router.get("/media/{id}", use: serveMedia)
    }

    /// An outbox message as the API shows it.
    struct OutboxView: Codable, Sendable {
        @LowercaseID var id: UUID
        /// queued, sending, sent, delivered, read, failed or dead.
        var status: String
        var attempts: Int
        @LowercaseID var threadID: UUID
        @LowercaseID var accountID: UUID
        var recipient: String
        var kind: String
        var templateName: String?
        var templateLanguage: String?
        var providerMessageID: String?
        var errorCode: Int?
        var errorMessage: String?
        var lastError: String?
        var nextAttemptAt: Date?
        var createdAt: Date
        var sentAt: Date?
        var idempotencyKey: String?

        init(_ message: OutboxMessage) {
            id = message.id
            status = message.status
            attempts = message.attempts
            threadID = message.threadID
            accountID = message.accountID
            recipient = message.recipient
            kind = message.kind.rawValue
            templateName = message.templateName
            templateLanguage = message.templateLanguage
            providerMessageID = message.providerMessageID
            errorCode = message.errorCode
            errorMessage = message.errorMessage
            lastError = message.lastError
            nextAttemptAt = message.state == .queued ? message.nextAttemptAt : nil
            createdAt = message.createdAt
            sentAt = message.sentAt
            idempotencyKey = message.idempotencyKey
        }
    }

    struct MessageEnvelope: Codable, Sendable {
        var message: OutboxView
    }

    private func json(_ request: Request) async throws -> JSONValue {
        try Self.json(try await request.body.collect(upTo: Self.maxRequestBytes))
    }

    private static func json(_ body: ByteBuffer) throws -> JSONValue {
        do {
            return try JSONValue.parse(Data(buffer: body))
        } catch {
            throw APIError(.badRequest, code: "invalid_json", message: "the request body is not JSON: \(error)")
        }
    }

    private func encode(_ value: some Encodable, status: HTTPResponse.Status, context: AppRequestContext) throws
        -> Response
    {
        let data = try context.responseEncoder.encode(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: data))
        )
    }

    /// 202 for a new message; 200 with `Idempotent-Replayed: true` for a repeated key.
    private func accepted(_ result: (message: OutboxMessage, created: Bool), context: AppRequestContext) throws
        -> Response
    {
        var response = try encode(
            MessageEnvelope(message: OutboxView(result.message)),
            status: result.created ? .accepted : .ok,
            context: context
        )
        if !result.created { response.headers[Self.replayedHeader] = "true" }
        return response
    }

    @Sendable func sendText(_ request: Request, context: AppRequestContext) async throws -> Response {
        let org = try context.requireOrganization()
        let body = try await json(request)
        let draft = try await usedDraft(body, organization: org)
        let result = try await service.sendText(
            organization: org,
            request: body,
            idempotencyKey: request.headers[Self.idempotencyHeader]
        )
        if let draft, result.created {
            let sent = body["text"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            try await record(draft, outcome: draft.mode == "session" && sent == draft.text, result.message.id, org)
        }
        return try accepted(result, context: context)
    }

    @Sendable func sendTemplate(_ request: Request, context: AppRequestContext) async throws -> Response {
        let org = try context.requireOrganization()
        let body = try await json(request)
        let draft = try await usedDraft(body, organization: org)
        let result = try await service.sendTemplate(
            organization: org,
            request: body,
            idempotencyKey: request.headers[Self.idempotencyHeader]
        )
        if let draft, result.created {
            let parameters = (body["template"]?["components"]?.arrayValue ?? [])
                .filter { $0["type"]?.stringValue?.lowercased() == "body" }
                .flatMap { $0["parameters"]?.arrayValue ?? [] }.compactMap { $0["text"]?.stringValue }
            let same =
                draft.mode == "template" && body["template"]?["name"]?.stringValue == draft.templateName
                && parameters == draft.parameters
            try await record(draft, outcome: same, result.message.id, org)
        }
        return try accepted(result, context: context)
    }

    /// The draft a send names (`draft_id`), checked before anything is queued: it must be one
    /// of the organization's, for the same thread when the send names one.
    func usedDraft(_ body: JSONValue, organization: OrganizationID) async throws -> StoredDraft? {
        guard let value = body["draft_id"], value != .null else { return nil }
        guard let drafts, let id = value.stringValue.flatMap(UUID.init(uuidString:)),
            let draft = try await drafts.draft(id, organization: organization)
        else {
            throw APIError(.badRequest, code: "unknown_draft", message: "draft_id names no draft of this organization")
        }
        if let thread = body["thread_id"]?.stringValue.flatMap(UUID.init(uuidString:)), thread != draft.threadID {
            throw APIError(.badRequest, code: "unknown_draft", message: "draft \(id) was made for another thread")
        }
        return draft
    }

    private func record(_ draft: StoredDraft, outcome asIs: Bool, _ message: UUID, _ organization: OrganizationID)
        async throws
    {
        _ = try await drafts?.recordUse(
            draft.id,
            organization: organization,
            outcome: asIs ? "as_is" : "edited",
            outboxMessage: message
        )
    }

    @Sendable func message(_ request: Request, context: AppRequestContext) async throws -> Response {
        let org = try context.requireOrganization()
        let id = try context.uuidParameter(code: "invalid_id", what: "message id")
        let message = try await service.outbox.message(organization: org, id: id)
        return try encode(MessageEnvelope(message: OutboxView(message)), status: .ok, context: context)
    }

    struct ReadResult: ResponseEncodable {
        var markedMessageID: String
    }

    @Sendable func markRead(_ request: Request, context: AppRequestContext) async throws -> ReadResult {
        let org = try context.requireOrganization()
        let thread = try context.uuidParameter(code: "invalid_id", what: "thread id")
        let body = try await request.body.collect(upTo: Self.maxRequestBytes)
        let options = body.readableBytes == 0 ? JSONValue.object([:]) : try Self.json(body)
        let wamid = try await service.markRead(
            organization: org,
            thread: thread,
            typingIndicator: options["typing_indicator"]?.boolValue ?? false
        )
        return ReadResult(markedMessageID: wamid)
    }

    struct SyncResult: ResponseEncodable {
        var templates: [String: Int]
    }

    @Sendable func syncTemplates(_ request: Request, context: AppRequestContext) async throws -> SyncResult {
        let org = try context.requireOrganization()
        let account = try request.uri.queryParameters["account_id"].map { value -> UUID in
            guard let id = UUID(uuidString: String(value)) else {
                throw APIError(.badRequest, code: "invalid_account_id", message: "account_id must be a UUID")
            }
            return id
        }
        return SyncResult(templates: try await service.syncTemplates(organization: org, accountID: account))
    }

    struct TemplateView: Codable, Sendable {
        var wabaID: String
        var name: String
        var language: String
        var status: String
        var category: String?
        var parameterFormat: String?
        var components: JSONValue
        var qualityScore: String?
        var rejectedReason: String?
        var updatedAt: Date
    }

    struct TemplateList: ResponseEncodable {
        var templates: [TemplateView]
    }

    @Sendable func templates(_ request: Request, context: AppRequestContext) async throws -> TemplateList {
        let org = try context.requireOrganization()
        let query = request.uri.queryParameters
        let status = query["status"].map { String($0).uppercased() }
        let waba = query["waba_id"].map(String.init)
        let all = try await service.templates.list(organization: org, wabaID: waba)
        return TemplateList(
            templates: all.filter { status == nil || $0.status == status }.map {
                TemplateView(
                    wabaID: $0.wabaID,
                    name: $0.name,
                    language: $0.language,
                    status: $0.status,
                    category: $0.category,
                    parameterFormat: $0.parameterFormat,
                    components: .array($0.components),
                    qualityScore: $0.qualityScore,
                    rejectedReason: $0.rejectedReason,
                    updatedAt: $0.updatedAt
                )
            }
        )
    }

    struct MediaView: Codable, Sendable {
        @LowercaseID var id: UUID
        var direction: String
        var mimeType: String?
        var filename: String?
        var size: Int?
        var sha256: String?
        var providerMediaID: String?
        /// A link that serves the file without an API key until `expires_at`; `nil` until the file is here.
        var url: String?
        var expiresAt: Date?
        var downloadError: String?
    }

    private func view(_ blob: MediaBlob) -> MediaView {
        let link = blob.storagePath == nil ? nil : media.signedPath(for: blob)
        return MediaView(
            id: blob.id,
            direction: blob.direction,
            mimeType: blob.mimeType,
            filename: blob.filename,
            size: blob.size,
            sha256: blob.sha256,
            providerMediaID: blob.providerMediaID,
            url: link?.path,
            expiresAt: link?.expiresAt,
            downloadError: blob.downloadError
        )
    }

    /// `POST /api/whatsapp/media?filename=…&account_id=…`, the file as the body, its type in Content-Type.
    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let org = try context.requireOrganization()
        let query = request.uri.queryParameters
        let account = try query["account_id"].map { value -> UUID in
            guard let id = UUID(uuidString: String(value)) else {
                throw APIError(.badRequest, code: "invalid_account_id", message: "account_id must be a UUID")
            }
            return id
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: media.options.maxMediaBytes)
        } catch {
            throw APIError(
                .contentTooLarge,
                code: "media_too_large",
                message: "media files are at most \(media.options.maxMediaBytes) bytes"
            )
        }
        let blob = try await media.upload(
            organization: org,
            data: Data(buffer: body),
            mimeType: request.headers[.contentType] ?? "",
            filename: query["filename"].map(String.init),
            accountID: account
        )
        return try encode(["media": view(blob)], status: .created, context: context)
    }

    @Sendable func mediaLink(_ request: Request, context: AppRequestContext) async throws -> Response {
        let org = try context.requireOrganization()
        let id = try context.uuidParameter(code: "invalid_id", what: "media id")
        let blob = try await media.client.withConnection { connection in
            try await MediaRepository.blob(id: id, organization: org, on: connection, logger: logger)
        }
        return try encode(["media": view(blob)], status: .ok, context: context)
    }

    @Sendable func serveMedia(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)),
            let expires = query["expires"].flatMap({ Int(String($0)) }), let signature = query["signature"]
        else {
            throw APIError(.notFound, code: "not_found", message: "this media link is invalid or has expired")
        }
        let (blob, data) = try await media.open(id: id, expires: expires, signature: String(signature))
        var headers: HTTPFields = [
            .contentType: blob.mimeType ?? "application/octet-stream",
            .cacheControl: "private, max-age=60",
        ]
        if let filename = blob.filename?.replacingOccurrences(of: "\"", with: "") {
            headers[.contentDisposition] = "inline; filename=\"\(filename)\""
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(data: data)))
    }

}

extension OutboundError: HTTPResponseError {
    /// Refusals by the rules are 422, bad requests 400, missing rows 404, a reused key 409,
    /// provider trouble 502 (504 for a timeout).
    public var status: HTTPResponse.Status {
        switch code {
        case .invalidRequest: return .badRequest
        case .notFound: return .notFound
        case .idempotencyConflict: return .conflict
        case .optedOut, .marketingOptedOut, .doNotContact, .suppressed, .windowClosed, .templateNotFound,
            .templateNotApproved, .templateParameters:
            return .unprocessableContent
        case .timeout: return .gatewayTimeout
        default: return .badGateway
        }
    }

    struct Body: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
            var templates: [TemplateChoice]?
            var providerCode: Int?
        }
        var error: Detail
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder.api
        let body = Body(
            error: .init(
                code: code.description,
                message: graphError.map { "\(message) (provider error \($0.code))" } ?? message,
                templates: code == .windowClosed ? templates : nil,
                providerCode: graphError?.code
            )
        )
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: try encoder.encode(body)))
        )
    }
}
