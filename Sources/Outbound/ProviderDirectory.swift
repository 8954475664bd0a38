import AsyncHTTPClient
import Core
import Foundation
import Store

/// Builds the provider adapter of an account from its stored settings: the provider named
/// per account (`meta` or `360dialog`), its credential, and the configured endpoints.
public struct ProviderDirectory: Sendable {
    public let accounts: AccountRepository
    public let httpClient: HTTPClient
    public let options: WainsightConfiguration.OutboundOptions

    public init(accounts: AccountRepository, httpClient: HTTPClient, options: WainsightConfiguration.OutboundOptions) {
        self.accounts = accounts
        self.httpClient = httpClient
        self.options = options
    }

    /// An account's adapter and throughput cap.
    public struct Connection: Sendable {
        public var account: WhatsAppAccount
        public var provider: any MessagingProvider
        public var messagesPerSecond: Double
    }

    /// - Throws: ``StoreError`` `.notFound`; ``OutboundError`` `.invalidRequest` for an unknown provider name.
    public func connection(account accountID: UUID, organization: OrganizationID? = nil) async throws -> Connection {
        let credentials = try await accounts.credentials(accountID: accountID, organization: organization)
        return Connection(
            account: credentials.account,
            provider: try provider(for: credentials),
            messagesPerSecond: credentials.messagesPerSecond ?? options.messagesPerSecond
        )
    }

    public func provider(for credentials: AccountCredentials) throws -> any MessagingProvider {
        let account = credentials.account
        switch ProviderKind(rawValue: account.provider) {
        case .meta?:
            return MetaCloudProvider(
                client: httpClient,
                baseURL: options.graphBaseURL,
                apiVersion: options.graphAPIVersion,
                phoneNumberID: account.phoneNumberID,
                wabaID: account.wabaID,
                accessToken: credentials.token,
                timeout: options.requestTimeout
            )
        case .dialog360?:
            return Dialog360Provider(
                client: httpClient,
                baseURL: options.dialog360BaseURL,
                apiKey: credentials.token,
                timeout: options.requestTimeout
            )
        default:
            throw OutboundError(
                .invalidRequest,
                "account \(account.id) names provider '\(account.provider)'; use meta or 360dialog"
            )
        }
    }
}
