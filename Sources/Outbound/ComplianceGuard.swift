import Core
import Foundation

/// WhatsApp's rules for business messages, checked before a message is queued and again
/// before it is sent (consent and the window can change in between). Pure: no I/O.
public enum ComplianceGuard {
    /// The recipient may get a message of `templateCategory` (`nil` for a session message).
    /// - Throws: ``OutboundError`` `.suppressed`, `.doNotContact`, `.optedOut` or `.marketingOptedOut`.
    public static func checkRecipient(_ consent: ContactConsent, templateCategory: String?) throws {
        if let reason = consent.suppression {
            throw OutboundError(.suppressed, "the recipient is on the suppression list (\(reason)); nothing is sent")
        }
        if consent.doNotContact {
            throw OutboundError(.doNotContact, "the contact is marked do-not-contact; clear the flag in the CRM first")
        }
        if consent.optedOut {
            throw OutboundError(
                .optedOut,
                "the contact opted out of messages; they must opt in again (for example by writing START) first"
            )
        }
        if consent.marketingOptedOut, templateCategory?.uppercased() == "MARKETING" {
            throw OutboundError(
                .marketingOptedOut,
                "the contact stopped marketing messages; use a utility template or reply inside the care window"
            )
        }
    }

    /// Whether the 24-hour customer-care window is open at `now`.
    public static func windowIsOpen(expiresAt: Date?, now: Date) -> Bool {
        guard let expiresAt else { return false }
        return expiresAt > now
    }

    /// A session (free-form) message needs the 24-hour customer-care window open now.
    /// - Parameters:
    ///   - templates: the account's templates, to suggest the approved ones.
    ///   - language: the thread's language (ISO 639-1, as detect writes it); templates in it are
    ///     suggested first. `nil` when unknown.
    /// - Throws: ``OutboundError`` `.windowClosed`, naming the approved templates in its message
    ///   and listing them in `templates`.
    public static func checkWindow(
        expiresAt: Date?,
        now: Date,
        templates: [MessageTemplate] = [],
        language: String? = nil
    ) throws {
        guard !windowIsOpen(expiresAt: expiresAt, now: now) else { return }
        let choices = suggestions(templates, language: language)
        let since = expiresAt.map { "closed at \(ISO8601DateFormatter().string(from: $0))" } ?? "never opened"
        let offer =
            choices.isEmpty
            ? "no approved template is synced for this number (run a template sync)"
            : "approved: " + choices.map { "\($0.name) (\($0.language))" }.joined(separator: ", ")
        throw OutboundError(
            .windowClosed,
            "the 24-hour customer-care window is \(since): send an approved template instead; \(offer)",
            templates: choices
        )
    }

    /// The approved templates, those in `language` first (`pt` matches `pt_BR`), then by name
    /// and language.
    static func suggestions(_ templates: [MessageTemplate], language: String?) -> [OutboundError.TemplateChoice] {
        let wanted = language?.lowercased()
        func speaks(_ template: MessageTemplate) -> Bool {
            guard let wanted else { return false }
            let code = template.language.lowercased()
            return code == wanted || code.split(separator: "_").first.map(String.init) == wanted
        }
        return templates.filter(\.isApproved)
            .sorted { (speaks($0) ? 0 : 1, $0.name, $0.language) < (speaks($1) ? 0 : 1, $1.name, $1.language) }
            .map { OutboundError.TemplateChoice(name: $0.name, language: $0.language, category: $0.category ?? "") }
    }

    /// The template must be known, APPROVED in the requested language, and the components must
    /// match its definition.
    /// - Parameter templates: every template of the account (for the language suggestions).
    /// - Returns: The template to send.
    public static func checkTemplate(
        name: String,
        language: String,
        components: [JSONValue],
        templates: [MessageTemplate]
    ) throws -> MessageTemplate {
        let sameName = templates.filter { $0.name == name }
        guard let template = sameName.first(where: { $0.language == language }) else {
            let approved = sameName.filter(\.isApproved).map(\.language).sorted()
            if approved.isEmpty {
                throw OutboundError(
                    .templateNotFound,
                    "no template '\(name)' is synced for this account; check the name or run a template sync"
                )
            }
            throw OutboundError(
                .templateNotFound,
                "template '\(name)' has no \(language) translation; approved languages: "
                    + approved.joined(separator: ", ")
            )
        }
        guard template.isApproved else {
            throw OutboundError(
                .templateNotApproved,
                "template '\(name)' (\(language)) is \(template.status), not APPROVED"
                    + (template.rejectedReason.map { " (\($0))" } ?? "")
            )
        }
        try TemplateSpec(components: template.components, parameterFormat: template.parameterFormat)
            .validate(components)
        return template
    }
}
