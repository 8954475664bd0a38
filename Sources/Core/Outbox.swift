import Foundation

/// A message someone asked to send, as the outbox keeps it.
public struct OutboxMessage: Sendable, Equatable {
    public enum Kind: String, Sendable { case text, template }
    /// Where it is: `queued` (waiting, possibly for a retry), `sending` (a sender holds it),
    /// `sent` (the provider accepted it), `failed` (permanently, with the reason), `dead`
    /// (retry budget spent; `wainsight outbox retry` re-queues it).
    public enum State: String, Sendable { case queued, sending, sent, failed, dead }

    public var id: UUID
    public var organizationID: OrganizationID
    public var accountID: UUID
    public var threadID: UUID
    public var contactID: UUID
    public var recipient: String
    public var kind: Kind
    public var templateName: String?
    public var templateLanguage: String?
    public var templateCategory: String?
    /// The Graph API message object that goes to the provider.
    public var body: JSONValue
    public var state: State
    public var attempts: Int
    /// How often a sender took it over from one that stopped holding it (crash, kill).
    public var reclaims: Int
    public var nextAttemptAt: Date
    public var providerMessageID: String?
    /// The latest status webhook: sent, delivered, read or failed.
    public var deliveryStatus: String?
    public var errorCode: Int?
    public var errorMessage: String?
    /// The latest transient error, while retrying.
    public var lastError: String?
    public var createdAt: Date
    public var sentAt: Date?
    public var idempotencyKey: String?

    /// The one status a caller needs: the delivery status once sent, else the outbox state.
    public var status: String {
        if state == .sent, let deliveryStatus { return deliveryStatus }
        return state.rawValue
    }

    public init(
        id: UUID,
        organizationID: OrganizationID,
        accountID: UUID,
        threadID: UUID,
        contactID: UUID,
        recipient: String,
        kind: Kind,
        templateName: String? = nil,
        templateLanguage: String? = nil,
        templateCategory: String? = nil,
        body: JSONValue,
        state: State,
        attempts: Int = 0,
        reclaims: Int = 0,
        nextAttemptAt: Date,
        providerMessageID: String? = nil,
        deliveryStatus: String? = nil,
        errorCode: Int? = nil,
        errorMessage: String? = nil,
        lastError: String? = nil,
        createdAt: Date,
        sentAt: Date? = nil,
        idempotencyKey: String? = nil
    ) {
        self.id = id
        self.organizationID = organizationID
        self.accountID = accountID
        self.threadID = threadID
        self.contactID = contactID
        self.recipient = recipient
        self.kind = kind
        self.templateName = templateName
        self.templateLanguage = templateLanguage
        self.templateCategory = templateCategory
        self.body = body
        self.state = state
        self.attempts = attempts
        self.reclaims = reclaims
        self.nextAttemptAt = nextAttemptAt
        self.providerMessageID = providerMessageID
        self.deliveryStatus = deliveryStatus
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.lastError = lastError
        self.createdAt = createdAt
        self.sentAt = sentAt
        self.idempotencyKey = idempotencyKey
    }
}

/// A message to put in the outbox; the compliance guard has passed it.
public struct NewOutboxMessage: Sendable {
    public var id: UUID
    public var organization: OrganizationID
    public var target: SendTarget
    public var kind: OutboxMessage.Kind
    public var templateName: String?
    public var templateLanguage: String?
    public var templateCategory: String?
    public var body: JSONValue
    /// Hash of the caller's request: the same Idempotency-Key with another request is refused.
    public var requestSHA256: Data
    public var idempotencyKey: String?

    public init(
        id: UUID = UUID(),
        organization: OrganizationID,
        target: SendTarget,
        kind: OutboxMessage.Kind,
        templateName: String? = nil,
        templateLanguage: String? = nil,
        templateCategory: String? = nil,
        body: JSONValue,
        requestSHA256: Data,
        idempotencyKey: String?
    ) {
        self.id = id
        self.organization = organization
        self.target = target
        self.kind = kind
        self.templateName = templateName
        self.templateLanguage = templateLanguage
        self.templateCategory = templateCategory
        self.body = body
        self.requestSHA256 = requestSHA256
        self.idempotencyKey = idempotencyKey
    }
}

/// Who a message goes to, through which number, and what the rules say about them now.
public struct SendTarget: Sendable, Equatable {
    public var accountID: UUID
    public var phoneNumberID: String
    public var wabaID: String
    public var threadID: UUID
    public var contactID: UUID
    /// The wa_id, or the BSUID when the contact has no phone id.
    public var recipient: String
    public var consent: ContactConsent
    /// End of the 24-hour customer-care window; `nil` when the user never wrote.
    public var windowExpiresAt: Date?
    /// The language detected in the contact's latest inbound message; `nil` when unknown.
    public var language: String?

    public init(
        accountID: UUID,
        phoneNumberID: String,
        wabaID: String,
        threadID: UUID,
        contactID: UUID,
        recipient: String,
        consent: ContactConsent,
        windowExpiresAt: Date?,
        language: String? = nil
    ) {
        self.accountID = accountID
        self.phoneNumberID = phoneNumberID
        self.wabaID = wabaID
        self.threadID = threadID
        self.contactID = contactID
        self.recipient = recipient
        self.consent = consent
        self.windowExpiresAt = windowExpiresAt
        self.language = language
    }
}

/// A contact's standing for business messages.
public struct ContactConsent: Sendable, Equatable {
    /// Asked not to be messaged at all.
    public var optedOut: Bool
    /// Stopped marketing messages.
    public var marketingOptedOut: Bool
    public var doNotContact: Bool
    /// On the organization's suppression list (reason given).
    public var suppression: String?

    public init(
        optedOut: Bool = false,
        marketingOptedOut: Bool = false,
        doNotContact: Bool = false,
        suppression: String? = nil
    ) {
        self.optedOut = optedOut
        self.marketingOptedOut = marketingOptedOut
        self.doNotContact = doNotContact
        self.suppression = suppression
    }
}
