import Core
import Crypto
import Foundation
import Logging
import PostgresNIO

/// Looks up the organization an API key belongs to.
public protocol APIKeyAuthenticating: Sendable {
    /// The organization of `key`, or `nil` when the key is unknown or revoked.
    func organization(forAPIKey key: String) async throws -> OrganizationID?
}

/// Organizations and their API keys, on Postgres.
public struct OrganizationRepository: APIKeyAuthenticating {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Creates an organization and its first API key.
    /// - Returns: The id and the API key; the key is not stored and cannot be shown again.
    public func createOrganization(name: String) async throws -> (id: OrganizationID, apiKey: String) {
        let id = UUID()
        try await client.query("INSERT INTO organizations (id, name) VALUES (\(id), \(name))", logger: logger)
        let key = try await createAPIKey(organization: OrganizationID(id), name: "default")
        return (OrganizationID(id), key)
    }

    /// Adds an API key to an organization.
    /// - Returns: The key, shown once.
    public func createAPIKey(organization: OrganizationID, name: String) async throws -> String {
        let key = Self.generateKey()
        let hash = Self.hash(key)
        try await client.query(
            """
            INSERT INTO api_keys (organization_id, name, key_prefix, key_hash)
            VALUES (\(organization.rawValue), \(name), \(String(key.prefix(12))), \(hash))
            """,
            logger: logger
        )
        return key
    }

    /// Whether an organization with this id exists.
    public func exists(_ organization: OrganizationID) async throws -> Bool {
        let rows = try await client.query(
            "SELECT 1 FROM organizations WHERE id = \(organization.rawValue)",
            logger: logger
        )
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }

    /// The organization's insight settings (defaults until it changes them).
    public func insightSettings(_ organization: OrganizationID) async throws -> InsightSettings {
        let rows = try await client.query(
            """
            SELECT time_zone, bant_engaged_threshold, bant_qualified_threshold FROM organizations
            WHERE id = \(organization.rawValue)
            """,
            logger: logger
        )
        for try await row in rows.decode((String?, Double, Double).self) {
            return InsightSettings(timeZone: row.0, engagedThreshold: row.1, qualifiedThreshold: row.2)
        }
        throw StoreError(.notFound, "organization \(organization) does not exist")
    }

    /// Replaces the organization's insight settings; the caller has validated them.
    public func setInsightSettings(_ settings: InsightSettings, organization: OrganizationID) async throws {
        try await client.query(
            """
            UPDATE organizations SET time_zone = \(settings.timeZone),
                bant_engaged_threshold = \(settings.engagedThreshold),
                bant_qualified_threshold = \(settings.qualifiedThreshold)
            WHERE id = \(organization.rawValue)
            """,
            logger: logger
        )
    }

    public func organization(forAPIKey key: String) async throws -> OrganizationID? {
        guard key.hasPrefix("wsk_"), key.count < 200 else { return nil }
        let rows = try await client.query(
            "SELECT organization_id FROM api_keys WHERE key_hash = \(Self.hash(key)) AND revoked_at IS NULL",
            logger: logger
        )
        for try await id in rows.decode(UUID.self) { return OrganizationID(id) }
        return nil
    }

    /// `wsk_` and 40 base62 characters (about 238 bits of entropy).
    static func generateKey() -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var generator = SystemRandomNumberGenerator()
        return "wsk_" + String((0..<40).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }

    /// Keys are high-entropy, so a plain SHA-256 is a safe lookup hash.
    static func hash(_ key: String) -> Data { Data(SHA256.hash(data: Data(key.utf8))) }
}
