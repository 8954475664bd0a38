import Foundation

/// The tenant every row and every query is scoped to.
public struct OrganizationID: Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: UUID
    public init(_ rawValue: UUID) { self.rawValue = rawValue }
    public init?(_ string: String) {
        guard let uuid = UUID(uuidString: string) else { return nil }
        self.rawValue = uuid
    }
    public var description: String { rawValue.uuidString.lowercased() }
}

/// Which way a message travelled.
public enum MessageDirection: String, Sendable, Codable, CaseIterable {
    case inbound
    case outbound
}
