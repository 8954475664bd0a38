import Core
import Foundation

/// Reads a webhook body into a ``WebhookNotification``. Lenient by design: every field is
/// optional, ids are read as strings whatever their JSON type, timestamps as strings or numbers,
/// and parts it does not recognise stay in the raw values. Only a body that is not a JSON
/// object is refused.
public enum WebhookParser {
    /// Media message types, whose payload object carries `id`, `mime_type` and `sha256`.
    public static let mediaTypes: Set<String> = ["image", "video", "audio", "document", "sticker"]

    /// Payload keys that name a message type, for messages that omit `type`.
    static let typeKeys = [
        "text", "image", "video", "audio", "document", "sticker", "location", "contacts", "interactive",
        "button", "reaction", "order", "system", "edit", "revoke", "unsupported", "request_welcome",
    ]

    /// Fields whose value lists messages the business sent from another client (coexistence).
    public static let echoFields: Set<String> = ["message_echoes", "smb_message_echoes"]

    /// Parses raw body bytes.
    /// - Throws: ``WhatsAppCloudError`` `.malformedPayload` when the bytes are not a JSON object.
    public static func parse(_ body: Data) throws -> WebhookNotification {
        let json: JSONValue
        do {
            json = try JSONValue.parse(body)
        } catch {
            throw WhatsAppCloudError(.malformedPayload, "body is not valid JSON")
        }
        return try parse(json)
    }

    /// Parses an already decoded body.
    public static func parse(_ json: JSONValue) throws -> WebhookNotification {
        guard json.objectValue != nil else {
            throw WhatsAppCloudError(.malformedPayload, "body is not a JSON object")
        }
        var changes: [WebhookChange] = []
        for entry in json["entry"]?.arrayValue ?? [] {
            let wabaID = entry["id"]?.nonEmptyString
            let entryTime = entry["time"]?.unixDate
            for change in entry["changes"]?.arrayValue ?? [] {
                changes.append(parseChange(change, wabaID: wabaID, entryTime: entryTime))
            }
        }
        return WebhookNotification(object: json["object"]?.stringValue, changes: changes)
    }

    static func parseChange(_ change: JSONValue, wabaID: String?, entryTime: Date?) -> WebhookChange {
        let field = change["field"]?.nonEmptyString ?? "unknown"
        let value = change["value"] ?? .null
        let contacts = (value["contacts"]?.arrayValue ?? []).map { contact in
            ContactProfile(
                waID: contact["wa_id"]?.nonEmptyString,
                userID: contact["user_id"]?.nonEmptyString,
                name: contact["profile"]?["name"]?.nonEmptyString
            )
        }
        var messages = (value["messages"]?.arrayValue ?? []).compactMap { parseMessage($0, direction: .inbound) }
        if echoFields.contains(field) {
            let echoes = value["message_echoes"]?.arrayValue ?? value["messages"]?.arrayValue ?? []
            messages = echoes.compactMap { parseMessage($0, direction: .outbound) }
        }
        let preferences = (value["user_preferences"]?.arrayValue ?? []).map { item in
            UserPreference(
                waID: item["wa_id"]?.nonEmptyString,
                userID: item["user_id"]?.nonEmptyString,
                category: item["category"]?.nonEmptyString,
                value: item["value"]?.nonEmptyString,
                detail: item["detail"]?.nonEmptyString,
                timestamp: item["timestamp"]?.unixDate,
                raw: item
            )
        }
        return WebhookChange(
            wabaID: wabaID,
            entryTime: entryTime,
            field: field,
            phoneNumberID: value["metadata"]?["phone_number_id"]?.nonEmptyString,
            displayPhoneNumber: value["metadata"]?["display_phone_number"]?.nonEmptyString,
            value: value,
            contacts: contacts,
            messages: messages,
            statuses: (value["statuses"]?.arrayValue ?? []).compactMap(parseStatus),
            userPreferences: preferences,
            errors: value["errors"]?.arrayValue ?? []
        )
    }

    /// Reads one message object; `nil` only when it has no id (nothing could key it).
    public static func parseMessage(_ raw: JSONValue, direction: MessageDirection) -> WAMessage? {
        guard let id = raw["id"]?.nonEmptyString else { return nil }
        let type = raw["type"]?.nonEmptyString ?? typeKeys.first { raw[$0] != nil } ?? "unknown"
        let content = contentFields(of: raw, type: type)
        let customerWaID: String?
        let customerUserID: String?
        switch direction {
        case .inbound:
            customerWaID = raw["from"]?.nonEmptyString
            customerUserID = raw["from_user_id"]?.nonEmptyString
        case .outbound:
            customerWaID = raw["to"]?.nonEmptyString
            customerUserID = raw["to_user_id"]?.nonEmptyString
        }
        var target: String?
        var emoji: String?
        switch type {
        case "reaction":
            target = raw["reaction"]?["message_id"]?.nonEmptyString
            emoji = raw["reaction"]?["emoji"]?.nonEmptyString
        case "edit", "revoke":
            target = raw[type]?["original_message_id"]?.nonEmptyString
        default:
            break
        }
        return WAMessage(
            direction: direction,
            id: id,
            customerWaID: customerWaID,
            customerUserID: customerUserID,
            timestamp: raw["timestamp"]?.unixDate,
            type: type,
            text: content.text,
            mediaID: content.media?["id"]?.nonEmptyString,
            mediaMimeType: content.media?["mime_type"]?.nonEmptyString,
            mediaSHA256: content.media?["sha256"]?.nonEmptyString,
            contextMessageID: raw["context"]?["id"]?.nonEmptyString,
            targetMessageID: target,
            reactionEmoji: emoji,
            errors: raw["errors"]?.arrayValue ?? [],
            raw: raw
        )
    }

    /// The human text and media object of a message (or of an edit's new message).
    static func contentFields(of raw: JSONValue, type: String) -> (text: String?, media: JSONValue?) {
        if mediaTypes.contains(type) {
            return (raw[type]?["caption"]?.nonEmptyString, raw[type])
        }
        switch type {
        case "text":
            return (raw["text"]?["body"]?.nonEmptyString, nil)
        case "button":
            return (raw["button"]?["text"]?.nonEmptyString ?? raw["button"]?["payload"]?.nonEmptyString, nil)
        case "interactive":
            let interactive = raw["interactive"]
            let kind = interactive?["type"]?.nonEmptyString ?? ""
            let reply = interactive?[kind]
            return (reply?["title"]?.nonEmptyString ?? reply?["body"]?.nonEmptyString, nil)
        case "order":
            return (raw["order"]?["text"]?.nonEmptyString, nil)
        case "location":
            let location = raw["location"]
            let parts = [location?["name"]?.nonEmptyString, location?["address"]?.nonEmptyString].compactMap { $0 }
            return (parts.isEmpty ? nil : parts.joined(separator: ", "), nil)
        case "system":
            return (raw["system"]?["body"]?.nonEmptyString, nil)
        case "edit":
            guard let inner = raw["edit"]?["message"] else { return (nil, nil) }
            let innerType = inner["type"]?.nonEmptyString ?? typeKeys.first { inner[$0] != nil } ?? "unknown"
            return contentFields(of: inner, type: innerType)
        default:
            return (nil, nil)
        }
    }

    /// Reads one status object; `nil` only when it has no message id or status.
    public static func parseStatus(_ raw: JSONValue) -> StatusUpdate? {
        guard let id = raw["id"]?.nonEmptyString, let status = raw["status"]?.nonEmptyString else { return nil }
        let conversation = raw["conversation"]
        let pricing = raw["pricing"]
        return StatusUpdate(
            messageID: id,
            status: MessageStatus(status),
            timestamp: raw["timestamp"]?.unixDate,
            recipientID: raw["recipient_id"]?.nonEmptyString,
            recipientUserID: raw["recipient_user_id"]?.nonEmptyString,
            recipientType: raw["recipient_type"]?.nonEmptyString,
            conversationID: conversation?["id"]?.nonEmptyString,
            conversationOrigin: conversation?["origin"]?["type"]?.nonEmptyString,
            conversationExpiresAt: conversation?["expiration_timestamp"]?.unixDate,
            pricingModel: pricing?["pricing_model"]?.nonEmptyString,
            pricingCategory: pricing?["category"]?.nonEmptyString,
            pricingType: pricing?["type"]?.nonEmptyString,
            billable: pricing?["billable"]?.boolValue,
            errors: raw["errors"]?.arrayValue ?? [],
            raw: raw
        )
    }
}
