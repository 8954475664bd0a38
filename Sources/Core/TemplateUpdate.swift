/// A change to one message template that Meta announced by webhook: its status (with the
/// rejection reason), quality score or category. WhatsAppCloud reads it from the webhook; the
/// store applies it.
public struct TemplateUpdate: Sendable, Equatable {
    /// Meta's template id; with neither name nor language it alone finds the template.
    public var templateID: String?
    public var name: String?
    public var language: String?
    /// The new status (`APPROVED`, `REJECTED`, `PAUSED`, ...), upper case.
    public var status: String?
    /// Why it was rejected or paused, with a status change.
    public var reason: String?
    /// The new quality score (`GREEN`, `YELLOW`, `RED`), upper case.
    public var qualityScore: String?
    /// The new category (`MARKETING`, `UTILITY`, ...), upper case.
    public var category: String?

    public init(
        templateID: String? = nil,
        name: String? = nil,
        language: String? = nil,
        status: String? = nil,
        reason: String? = nil,
        qualityScore: String? = nil,
        category: String? = nil
    ) {
        self.templateID = templateID
        self.name = name
        self.language = language
        self.status = status
        self.reason = reason
        self.qualityScore = qualityScore
        self.category = category
    }
}
