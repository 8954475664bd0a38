import Core
import Crypto
import Foundation
import Logging
import Store

/// What the API, the CLI and automations call to send: resolves the recipient, applies the
/// compliance guard, and stores the message in the outbox (the senders deliver it). Also the
/// direct provider operations: mark read and template sync.
public struct OutboundService: Sendable {
    public let outbox: OutboxRepository
    public let templates: TemplateRepository
    public let directory: ProviderDirectory
    public let logger: Logger

    public init(outbox: OutboxRepository, templates: TemplateRepository, directory: ProviderDirectory, logger: Logger) {
        self.outbox = outbox
        self.templates = templates
        self.directory = directory
        self.logger = logger
    }

    /// Who a request is for: an existing thread, or a number (wa_id digits) on a connected account.
    public enum Recipient: Sendable, Equatable {
        case thread(UUID)
        case number(phoneNumberID: String, to: String)

        /// Reads `thread_id`, or `phone_number_id` + `to`, from a request body.
        public init(request: JSONValue) throws {
            if let thread = request["thread_id"]?.stringValue {
                guard let id = UUID(uuidString: thread) else {
                    throw OutboundError(.invalidRequest, "thread_id must be a UUID")
                }
                self = .thread(id)
                return
            }
            guard let phoneNumberID = request["phone_number_id"]?.nonEmptyString, let to = request["to"]?.nonEmptyString
            else {
                throw OutboundError(.invalidRequest, "name the recipient: thread_id, or phone_number_id and to")
            }
            let digits = to.hasPrefix("+") ? String(to.dropFirst()) : to
            guard (6...20).contains(digits.count), digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else {
                throw OutboundError(
                    .invalidRequest,
                    "to must be a phone number in international form (digits, optional +)"
                )
            }
            self = .number(phoneNumberID: phoneNumberID, to: digits)
        }
    }

    func target(organization: OrganizationID, _ recipient: Recipient) async throws -> SendTarget {
        switch recipient {
        case .thread(let id): return try await outbox.target(organization: organization, thread: id)
        case .number(let phoneNumberID, let to):
            return try await outbox.target(organization: organization, phoneNumberID: phoneNumberID, recipient: to)
        }
    }

    /// Queues a session text. Refused when the recipient may not be messaged or the 24-hour
    /// window is closed (the error lists the approved templates to use instead).
    /// - Parameter request: `{"thread_id" | "phone_number_id"+"to", "text", "reply_to"?, "preview_url"?}`.
    public func sendText(organization: OrganizationID, request: JSONValue, idempotencyKey: String?) async throws
        -> (message: OutboxMessage, created: Bool)
    {
        let recipient = try Recipient(request: request)
        guard let text = request["text"]?.stringValue, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else {
            throw OutboundError(.invalidRequest, "text is required and must not be blank")
        }
        guard text.utf8.count <= 4096 else {
            throw OutboundError(.invalidRequest, "text is longer than WhatsApp's 4,096 characters")
        }
        if let replay = try await replay(organization: organization, key: idempotencyKey, request: request) {
            return (replay, false)
        }
        let target = try await target(organization: organization, recipient)
        try ComplianceGuard.checkRecipient(target.consent, templateCategory: nil)
        if !ComplianceGuard.windowIsOpen(expiresAt: target.windowExpiresAt, now: Date()) {
            try ComplianceGuard.checkWindow(
                expiresAt: target.windowExpiresAt,
                now: Date(),
                templates: try await templates.list(organization: organization, wabaID: target.wabaID),
                language: target.language
            )
        }
        let id = UUID()
        let body = MessageBody.text(
            to: target.recipient,
            body: text,
            previewURL: request["preview_url"]?.boolValue ?? false,
            replyTo: request["reply_to"]?.nonEmptyString,
            callbackData: id.uuidString.lowercased()
        )
        return try await enqueue(
            NewOutboxMessage(
                id: id,
                organization: organization,
                target: target,
                kind: .text,
                body: body,
                requestSHA256: Self.hash(request),
                idempotencyKey: idempotencyKey
            )
        )
    }

    /// Queues an approved template. Refused when the recipient may not be messaged (marketing
    /// templates also when they stopped marketing), the template is unknown or not APPROVED in
    /// that language, or the parameters do not match its definition.
    /// - Parameter request: `{"thread_id" | "phone_number_id"+"to", "template": {"name", "language", "components"?}}`.
    public func sendTemplate(organization: OrganizationID, request: JSONValue, idempotencyKey: String?) async throws
        -> (message: OutboxMessage, created: Bool)
    {
        let recipient = try Recipient(request: request)
        guard let name = request["template"]?["name"]?.nonEmptyString else {
            throw OutboundError(.invalidRequest, "template.name is required")
        }
        guard
            let language = request["template"]?["language"]?.nonEmptyString
                ?? request["template"]?["language"]?["code"]?.nonEmptyString
        else {
            throw OutboundError(.invalidRequest, "template.language is required (for example en_US)")
        }
        let componentsValue = request["template"]?["components"] ?? .array([])
        guard let components = componentsValue.arrayValue else {
            throw OutboundError(.invalidRequest, "template.components must be an array")
        }
        if let replay = try await replay(organization: organization, key: idempotencyKey, request: request) {
            return (replay, false)
        }
        let target = try await target(organization: organization, recipient)
        // The one template asked for; every template of the WABA only to explain a refusal.
        var candidates: [MessageTemplate] = []
        if let exact = try await templates.find(
            organization: organization,
            wabaID: target.wabaID,
            name: name,
            language: language
        ), exact.isApproved {
            candidates = [exact]
        } else {
            candidates = try await templates.list(organization: organization, wabaID: target.wabaID)
        }
        let template = try ComplianceGuard.checkTemplate(
            name: name,
            language: language,
            components: components,
            templates: candidates
        )
        try ComplianceGuard.checkRecipient(target.consent, templateCategory: template.category)
        let id = UUID()
        let body = MessageBody.template(
            to: target.recipient,
            name: name,
            language: language,
            components: components,
            callbackData: id.uuidString.lowercased()
        )
        return try await enqueue(
            NewOutboxMessage(
                id: id,
                organization: organization,
                target: target,
                kind: .template,
                templateName: name,
                templateLanguage: language,
                templateCategory: template.category,
                body: body,
                requestSHA256: Self.hash(request),
                idempotencyKey: idempotencyKey
            )
        )
    }

    private func enqueue(_ new: NewOutboxMessage) async throws -> (message: OutboxMessage, created: Bool) {
        do {
            return try await outbox.enqueue(new)
        } catch let error as StoreError where error.code == .conflict {
            throw OutboundError(.idempotencyConflict, error.message)
        }
    }

    /// A request whose Idempotency-Key was seen before returns the first message, before any
    /// check (the window may have closed since; the first answer stands).
    private func replay(organization: OrganizationID, key: String?, request: JSONValue) async throws -> OutboxMessage? {
        guard let key else { return nil }
        guard !key.isEmpty, key.utf8.count <= 255 else {
            throw OutboundError(.invalidRequest, "Idempotency-Key must be 1 to 255 characters")
        }
        guard let (message, hash) = try await outbox.message(organization: organization, idempotencyKey: key) else {
            return nil
        }
        guard hash == Self.hash(request) else {
            throw OutboundError(
                .idempotencyConflict,
                "Idempotency-Key '\(key)' was used for a different request; use a new key for a new message"
            )
        }
        return message
    }

    static func hash(_ request: JSONValue) -> Data {
        Data(SHA256.hash(data: request.canonicalData()))
    }

    /// Marks the thread's latest inbound message read (WhatsApp marks the earlier ones too).
    /// - Returns: The wamid marked.
    public func markRead(organization: OrganizationID, thread: UUID, typingIndicator: Bool) async throws -> String {
        let target = try await outbox.target(organization: organization, thread: thread)
        guard let wamid = try await outbox.latestInbound(thread: thread) else {
            throw OutboundError(.notFound, "thread \(thread) has no inbound message to mark read")
        }
        let connection = try await directory.connection(account: target.accountID, organization: organization)
        try await connection.provider.markRead(messageID: wamid, typingIndicator: typingIndicator)
        return wamid
    }

    /// Pulls every page of each WABA's templates (one account per WABA) and stores them.
    /// - Parameter accountID: one account, or every account of the organization.
    /// - Returns: Templates stored per WABA id.
    public func syncTemplates(organization: OrganizationID, accountID: UUID? = nil) async throws -> [String: Int] {
        var accounts = try await directory.accounts.list(organization: organization)
        if let accountID {
            accounts = accounts.filter { $0.id == accountID }
            guard !accounts.isEmpty else {
                throw OutboundError(.notFound, "account \(accountID) does not exist in this organization")
            }
        }
        var counts: [String: Int] = [:]
        for account in accounts where counts[account.wabaID] == nil {
            let connection = try await directory.connection(account: account.id, organization: organization)
            let listing = try await connection.provider.allTemplates()
            counts[account.wabaID] = try await templates.replaceAll(
                organization: organization,
                wabaID: account.wabaID,
                with: listing
            )
            logger.debug(
                "templates synced",
                metadata: ["wa.waba.id": "\(account.wabaID)", "templates": "\(counts[account.wabaID] ?? 0)"]
            )
        }
        return counts
    }
}
