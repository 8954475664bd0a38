/// A key performance indicator computed from stored conversations (first response time,
/// conversation-to-lead rate, ...). Definitions and rollups arrive with a later issue.
public protocol KPIDefinition: Sendable {
    /// A stable name such as `first_response_time_p50`.
    var name: String { get }
    /// What the figure means, for exports and dashboards.
    var summary: String { get }
}
