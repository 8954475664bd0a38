import Core
import Foundation
import Logging
import PostgresNIO

/// A connected business phone number, without its token.
public struct WhatsAppAccount: Sendable, Equatable {
    public var id: UUID
    public var organizationID: OrganizationID
    public var phoneNumberID: String
    public var wabaID: String
    public var displayPhoneNumber: String?
    public var provider: String
}

/// WhatsApp accounts (business phone numbers) of organizations, on Postgres.
public struct AccountRepository: Sendable {
    public let client: PostgresClient
    public let secretBox: SecretBox
    public let logger: Logger

    public init(client: PostgresClient, secretBox: SecretBox, logger: Logger) {
        self.client = client
        self.secretBox = secretBox
        self.logger = logger
    }

    /// Connects a phone number to an organization; its access token is sealed before it is
    /// stored. Webhooks that arrived for this number before it was connected (stored as
    /// unrouted) are queued again, so they are ingested now.
    /// - Returns: The account and how many earlier webhooks were queued again.
    /// - Throws: ``StoreError`` `.conflict` when the number is connected already, `.notFound`
    ///   when the organization does not exist.
    public func add(
        organization: OrganizationID,
        phoneNumberID: String,
        wabaID: String,
        accessToken: String,
        displayPhoneNumber: String? = nil,
        provider: String = "meta"
    ) async throws -> (account: WhatsAppAccount, requeued: Int) {
        let id = UUID()
        let sealed = try secretBox.seal(Data(accessToken.utf8))
        do {
            try await client.query(
                """
                INSERT INTO whatsapp_accounts
                    (id, organization_id, phone_number_id, waba_id, display_phone_number, access_token_enc, provider)
                VALUES (\(id), \(organization.rawValue), \(phoneNumberID), \(wabaID), \(displayPhoneNumber), \(sealed), \(provider))
                """,
                logger: logger
            )
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw StoreError(.conflict, "phone_number_id \(phoneNumberID) is connected already", underlying: error)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23503" {
            throw StoreError(.notFound, "organization \(organization) does not exist", underlying: error)
        }
        let requeued = try await WebhookEventStore(client: client, logger: logger).requeueUnrouted()
        let account = WhatsAppAccount(
            id: id,
            organizationID: organization,
            phoneNumberID: phoneNumberID,
            wabaID: wabaID,
            displayPhoneNumber: displayPhoneNumber,
            provider: provider
        )
        return (account, requeued)
    }

    /// The decrypted access token of an account in an organization.
    public func accessToken(organization: OrganizationID, accountID: UUID) async throws -> String {
        let rows = try await client.query(
            "SELECT access_token_enc FROM whatsapp_accounts WHERE id = \(accountID) AND organization_id = \(organization.rawValue)",
            logger: logger
        )
        for try await sealed in rows.decode(Data.self) {
            return String(decoding: try secretBox.open(sealed), as: UTF8.self)
        }
        throw StoreError(.notFound, "account \(accountID) does not exist in organization \(organization)")
    }
}

/// What a sender needs of an account: its number, provider, credential and throughput cap.
public struct AccountCredentials: Sendable {
    public var account: WhatsAppAccount
    /// The access token (Meta) or API key (360dialog), opened.
    public var token: String
    /// The account's own messages-per-second cap, if set.
    public var messagesPerSecond: Double?
}

extension AccountRepository {
    /// An account with its opened credential, by id (optionally checked against an organization).
    /// - Throws: ``StoreError`` `.notFound`.
    public func credentials(accountID: UUID, organization: OrganizationID? = nil) async throws -> AccountCredentials {
        let rows = try await client.query(
            """
            SELECT id, organization_id, phone_number_id, waba_id, display_phone_number, provider, access_token_enc,
                messages_per_second
            FROM whatsapp_accounts
            WHERE id = \(accountID) AND (\(organization?.rawValue)::uuid IS NULL OR organization_id = \(organization?.rawValue))
            """,
            logger: logger
        )
        for try await (id, organization, phoneNumberID, wabaID, display, provider, sealed, rate) in rows.decode(
            (UUID, UUID, String, String, String?, String, Data, Float?).self
        ) {
            let account = WhatsAppAccount(
                id: id,
                organizationID: OrganizationID(organization),
                phoneNumberID: phoneNumberID,
                wabaID: wabaID,
                displayPhoneNumber: display,
                provider: provider
            )
            let token = String(decoding: try secretBox.open(sealed), as: UTF8.self)
            return AccountCredentials(account: account, token: token, messagesPerSecond: rate.map(Double.init))
        }
        throw StoreError(.notFound, "account \(accountID) does not exist")
    }

    /// Accounts of an organization, oldest first.
    public func list(organization: OrganizationID) async throws -> [WhatsAppAccount] {
        let rows = try await client.query(
            """
            SELECT id, phone_number_id, waba_id, display_phone_number, provider FROM whatsapp_accounts
            WHERE organization_id = \(organization.rawValue) ORDER BY created_at, id
            """,
            logger: logger
        )
        var accounts: [WhatsAppAccount] = []
        for try await (id, phone, waba, display, provider) in rows.decode((UUID, String, String, String?, String).self)
        {
            accounts.append(
                WhatsAppAccount(
                    id: id,
                    organizationID: organization,
                    phoneNumberID: phone,
                    wabaID: waba,
                    displayPhoneNumber: display,
                    provider: provider
                )
            )
        }
        return accounts
    }

    /// Sets an account's own throughput cap (`nil` returns it to the configured default).
    public func setMessagesPerSecond(accountID: UUID, _ rate: Double?) async throws {
        try await client.query(
            "UPDATE whatsapp_accounts SET messages_per_second = \(rate.map(Float.init)) WHERE id = \(accountID)",
            logger: logger
        )
    }
}

extension AccountRepository {
    /// Who owns a number (or, without one, a WABA: its first connected account), for routing a
    /// webhook. - Returns: the organization and account; `nil` when none is connected.
    public static func owner(
        phoneNumberID: String?,
        wabaID: String?,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> (OrganizationID, UUID)? {
        let rows: PostgresRowSequence
        if let phoneNumberID {
            rows = try await connection.query(
                "SELECT organization_id, id FROM whatsapp_accounts WHERE phone_number_id = \(phoneNumberID)",
                logger: logger
            )
        } else if let wabaID {
            rows = try await connection.query(
                """
                SELECT organization_id, id FROM whatsapp_accounts WHERE waba_id = \(wabaID)
                ORDER BY created_at, id LIMIT 1
                """,
                logger: logger
            )
        } else {
            return nil
        }
        for try await (organization, account) in rows.decode((UUID, UUID).self) {
            return (OrganizationID(organization), account)
        }
        return nil
    }
}
