/// A delivery status. Statuses arrive in any order, so a message's current status is the
/// highest-ranked one seen: `sent < delivered < read < played`, and `failed` is terminal.
/// Unknown values are kept (the set is open) with rank 0, so they never move a message.
public struct MessageStatus: Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let sent = MessageStatus("sent")
    public static let delivered = MessageStatus("delivered")
    public static let read = MessageStatus("read")
    public static let played = MessageStatus("played")
    public static let failed = MessageStatus("failed")

    /// Order in which statuses may replace each other.
    public var rank: Int {
        switch rawValue {
        case "sent": return 1
        case "delivered": return 2
        case "read": return 3
        case "played": return 4
        case "failed": return 100
        default: return 0
        }
    }

    public var description: String { rawValue }
}
