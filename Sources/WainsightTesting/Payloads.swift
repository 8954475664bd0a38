import Foundation

/// Builds webhook bodies shaped exactly like Meta's, for tests that need precise control over
/// ids, times and order. Real payloads come from ``Corpus``.
public enum Payloads {
    public static let wabaID = "waba-test"

    static func envelope(field: String = "messages", phoneNumberID: String, value: String) -> Data {
        Data(
            """
            {"object":"whatsapp_business_account","entry":[{"id":"\(wabaID)","changes":[{"field":"\(field)","value":\
            {"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550000000","phone_number_id":"\(phoneNumberID)"},\(value)}}]}]}
            """.utf8
        )
    }

    static func contact(_ waID: String, name: String) -> String {
        #""contacts":[{"profile":{"name":"\#(name)"},"wa_id":"\#(waID)"}]"#
    }

    /// An inbound text message.
    public static func text(
        to phoneNumberID: String,
        from waID: String,
        name: String = "Ana",
        id: String,
        at timestamp: Int,
        body: String
    ) -> Data {
        let escaped = body.replacingOccurrences(of: "\"", with: "\\\"")
        return envelope(
            phoneNumberID: phoneNumberID,
            value: contact(waID, name: name)
                + #","messages":[{"from":"\#(waID)","id":"\#(id)","timestamp":"\#(timestamp)","type":"text","text":{"body":"\#(escaped)"}}]"#
        )
    }

    /// An inbound voice note whose file is `mediaID` at the provider (the worker fetches it).
    public static func audio(
        to phoneNumberID: String,
        from waID: String,
        id: String,
        at timestamp: Int,
        mediaID: String
    )
        -> Data
    {
        envelope(
            phoneNumberID: phoneNumberID,
            value: contact(waID, name: "Ana")
                + #","messages":[{"from":"\#(waID)","id":"\#(id)","timestamp":"\#(timestamp)","type":"audio","audio":{"mime_type":"audio/ogg; codecs=opus","id":"\#(mediaID)","voice":true}}]"#
        )
    }

    /// An inbound image or document (`type` `image` or `document`) whose file is `mediaID` at
    /// the provider, with an optional caption and (documents) file name.
    public static func media(
        _ type: String,
        to phoneNumberID: String,
        from waID: String,
        id: String,
        at timestamp: Int,
        mediaID: String,
        mimeType: String,
        caption: String? = nil,
        filename: String? = nil
    ) -> Data {
        var fields = [#""mime_type":"\#(mimeType)""#, #""id":"\#(mediaID)""#]
        if let caption { fields.append(#""caption":"\#(caption.replacingOccurrences(of: "\"", with: "\\\""))""#) }
        if let filename { fields.append(#""filename":"\#(filename)""#) }
        return envelope(
            phoneNumberID: phoneNumberID,
            value: contact(waID, name: "Ana")
                + #","messages":[{"from":"\#(waID)","id":"\#(id)","timestamp":"\#(timestamp)","type":"\#(type)","\#(type)":{"#
                + fields.joined(separator: ",") + "}}]"
        )
    }

    /// An inbound message from a username (BSUID-only) user: `from` and `wa_id` are empty.
    public static func textFromUsername(
        to phoneNumberID: String,
        userID: String,
        id: String,
        at timestamp: Int,
        body: String
    ) -> Data {
        envelope(
            phoneNumberID: phoneNumberID,
            value: #""contacts":[{"profile":{"name":"Nick"},"wa_id":"","user_id":"\#(userID)"}],"#
                + #""messages":[{"from":"","from_user_id":"\#(userID)","id":"\#(id)","timestamp":"\#(timestamp)","type":"text","text":{"body":"\#(body)"}}]"#
        )
    }

    /// A reaction; `emoji: nil` removes the reaction.
    public static func reaction(
        to phoneNumberID: String,
        from waID: String,
        id: String,
        at timestamp: Int,
        target: String,
        emoji: String?
    )
        -> Data
    {
        let emojiField = emoji.map { #","emoji":"\#($0)""# } ?? ""
        return envelope(
            phoneNumberID: phoneNumberID,
            value: contact(waID, name: "Ana")
                + #","messages":[{"from":"\#(waID)","id":"\#(id)","timestamp":"\#(timestamp)","type":"reaction","reaction":{"message_id":"\#(target)"\#(emojiField)}}]"#
        )
    }

    /// An edit of an earlier text message.
    public static func edit(
        to phoneNumberID: String,
        from waID: String,
        id: String,
        at timestamp: Int,
        target: String,
        body: String
    )
        -> Data
    {
        envelope(
            phoneNumberID: phoneNumberID,
            value: contact(waID, name: "Ana")
                + #","messages":[{"from":"\#(waID)","id":"\#(id)","timestamp":"\#(timestamp)","type":"edit","edit":{"original_message_id":"\#(target)","message":{"type":"text","text":{"body":"\#(body)"}}}}]"#
        )
    }

    /// A revoke (delete for everyone) of an earlier message.
    public static func revoke(
        to phoneNumberID: String,
        from waID: String,
        id: String,
        at timestamp: Int,
        target: String
    ) -> Data {
        envelope(
            phoneNumberID: phoneNumberID,
            value: contact(waID, name: "Ana")
                + #","messages":[{"from":"\#(waID)","id":"\#(id)","timestamp":"\#(timestamp)","type":"revoke","revoke":{"original_message_id":"\#(target)"}}]"#
        )
    }

    /// A message the business sent from another client (coexistence echo).
    public static func echo(from phoneNumberID: String, to waID: String, id: String, at timestamp: Int, body: String)
        -> Data
    {
        envelope(
            field: "smb_message_echoes",
            phoneNumberID: phoneNumberID,
            value:
                #""message_echoes":[{"from":"15550000000","to":"\#(waID)","id":"\#(id)","timestamp":"\#(timestamp)","type":"text","text":{"body":"\#(body)"}}]"#
        )
    }

    /// A status of an outbound message; `errorCode` makes it carry Meta's error object.
    public static func status(
        of id: String,
        _ status: String,
        phoneNumberID: String,
        recipient: String,
        at timestamp: Int,
        errorCode: Int? = nil
    ) -> Data {
        let errors =
            errorCode.map {
                #","errors":[{"code":\#($0),"title":"Re-engagement message","message":"Re-engagement message","error_data":{"details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."}}]"#
            } ?? ""
        let pricing =
            errorCode == nil
            ? #","pricing":{"billable":false,"pricing_model":"PMP","category":"service","type":"free_customer_service"}"#
            : ""
        return envelope(
            phoneNumberID: phoneNumberID,
            value:
                #""statuses":[{"id":"\#(id)","status":"\#(status)","timestamp":"\#(timestamp)","recipient_id":"\#(recipient)"\#(pricing)\#(errors)}]"#
        )
    }
}
