import Foundation

/// A message template as last synced or announced by webhook.
public struct MessageTemplate: Sendable, Equatable {
    public var wabaID: String
    public var providerTemplateID: String?
    public var name: String
    public var language: String
    /// APPROVED, PENDING, REJECTED, PAUSED, DISABLED, ... (an open set), or DELETED when a
    /// full sync no longer finds it.
    public var status: String
    /// MARKETING, UTILITY or AUTHENTICATION.
    public var category: String?
    /// POSITIONAL (`{{1}}`) or NAMED (`{{first_name}}`).
    public var parameterFormat: String?
    /// The template's components as Meta defines them (HEADER, BODY, FOOTER, BUTTONS).
    public var components: [JSONValue]
    public var qualityScore: String?
    public var rejectedReason: String?
    public var updatedAt: Date

    public var isApproved: Bool { status == "APPROVED" }

    public init(
        wabaID: String,
        providerTemplateID: String? = nil,
        name: String,
        language: String,
        status: String,
        category: String?,
        parameterFormat: String? = nil,
        components: [JSONValue],
        qualityScore: String? = nil,
        rejectedReason: String? = nil,
        updatedAt: Date = Date()
    ) {
        self.wabaID = wabaID
        self.providerTemplateID = providerTemplateID
        self.name = name
        self.language = language
        self.status = status
        self.category = category
        self.parameterFormat = parameterFormat
        self.components = components
        self.qualityScore = qualityScore
        self.rejectedReason = rejectedReason
        self.updatedAt = updatedAt
    }
}
