import Core
import Foundation

/// One webhook POST body, flattened: every entry × change, each with its typed parts.
/// Batching is real (several entries, changes, messages and statuses in one POST), so nothing
/// here reads only the first element of anything.
public struct WebhookNotification: Sendable {
    /// The `object` field; `whatsapp_business_account` for every WhatsApp webhook.
    public var object: String?
    public var changes: [WebhookChange]
}

/// One `entry[].changes[]` element.
public struct WebhookChange: Sendable {
    /// `entry.id`: the WhatsApp Business Account id; the only tenant key on account-level fields.
    public var wabaID: String?
    /// `entry.time`, present on some fields.
    public var entryTime: Date?
    /// `messages`, `account_update`, `message_template_status_update`, ... (open set).
    public var field: String
    /// `value.metadata.phone_number_id`: the business number; routes message traffic.
    public var phoneNumberID: String?
    public var displayPhoneNumber: String?
    /// The whole `value`, kept for storage.
    public var value: JSONValue
    public var contacts: [ContactProfile]
    /// Inbound messages (`value.messages[]`) and, for echo fields, messages the business sent.
    public var messages: [WAMessage]
    public var statuses: [StatusUpdate]
    public var userPreferences: [UserPreference]
    /// Value-level `errors[]` (out-of-band errors such as 131000).
    public var errors: [JSONValue]

    /// Whether this change carries conversation traffic routed by phone number.
    public var isMessageTraffic: Bool { !messages.isEmpty || !statuses.isEmpty }
}

/// A `contacts[]` element: who a message or status is about.
public struct ContactProfile: Sendable, Equatable {
    /// Phone-based WhatsApp id; `nil` for username (BSUID-only) users.
    public var waID: String?
    /// Business-scoped user id (BSUID).
    public var userID: String?
    public var name: String?
}

/// A `user_preferences[]` element: the user tapped "Stop promotions" (or resumed).
public struct UserPreference: Sendable, Equatable {
    public var waID: String?
    public var userID: String?
    public var category: String?
    /// `stop` or `resume`.
    public var value: String?
    public var detail: String?
    public var timestamp: Date?
    public var raw: JSONValue
}

/// A message in a webhook, inbound or echoed outbound, with the fields ingest needs read out
/// and everything else kept in `raw`.
public struct WAMessage: Sendable {
    public var direction: MessageDirection
    /// The wamid.
    public var id: String
    /// The customer's phone-based WhatsApp id (`from` inbound, `to` for echoes); `nil` when empty.
    public var customerWaID: String?
    /// The customer's BSUID (`from_user_id` / `to_user_id`).
    public var customerUserID: String?
    /// When it was sent, by Meta's timestamp; `nil` if the payload has none.
    public var timestamp: Date?
    /// The message type; inferred from the payload's keys when `type` is missing.
    public var type: String
    /// The words the person wrote or chose: text body, caption, button text, list or button
    /// reply title, order text, or the new text of an edit.
    public var text: String?
    /// Media id for image, video, audio, document and sticker messages.
    public var mediaID: String?
    public var mediaMimeType: String?
    public var mediaSHA256: String?
    /// `context.id`: the message this one replies to.
    public var contextMessageID: String?
    /// For reactions, edits and revokes: the message they change.
    public var targetMessageID: String?
    /// For reactions: the emoji, or `nil` when the reaction was removed.
    public var reactionEmoji: String?
    /// Message-level `errors[]` (unsupported types, for example).
    public var errors: [JSONValue]
    /// The message object as received.
    public var raw: JSONValue
}

/// A `statuses[]` element: what happened to a message the business sent.
public struct StatusUpdate: Sendable {
    /// The wamid of our outbound message.
    public var messageID: String
    public var status: MessageStatus
    public var timestamp: Date?
    public var recipientID: String?
    public var recipientUserID: String?
    public var recipientType: String?
    public var conversationID: String?
    public var conversationOrigin: String?
    public var conversationExpiresAt: Date?
    public var pricingModel: String?
    public var pricingCategory: String?
    public var pricingType: String?
    public var billable: Bool?
    public var errors: [JSONValue]
    public var raw: JSONValue
}
