import Core
import Foundation
import Store
import Testing
import WainsightTesting

@Suite struct StoreTests {
    /// Access tokens are sealed at rest, open only under the master key and only in their organization.
    @Test func accessTokensAreSealedAtRestAndScopedToTheirOrganization() async throws {
        try await TestDatabase.with { _, client in
            let harness = try IngestHarness(client: client)
            let accounts = AccountRepository(client: client, secretBox: harness.secretBox, logger: harness.logger)
            let org = try await harness.organization().id
            let other = try await harness.organization("Other").id
            let (account, _) = try await accounts.add(
                organization: org,
                phoneNumberID: "111",
                wabaID: "222",
                accessToken: "EAAG-secret-token"
            )
            #expect(
                try await harness.count(
                    "SELECT count(*) FROM whatsapp_accounts WHERE position('EAAG' IN encode(access_token_enc, 'escape')) > 0"
                ) == 0
            )
            #expect(try await accounts.accessToken(organization: org, accountID: account.id) == "EAAG-secret-token")
            await #expect(throws: StoreError(.notFound, "")) {
                try await accounts.accessToken(organization: other, accountID: account.id)
            }
            let wrongKey = AccountRepository(
                client: client,
                secretBox: try SecretBox(masterKey: Data(repeating: 9, count: 32)),
                logger: harness.logger
            )
            await #expect(throws: StoreError(.decryptionFailed, "")) {
                try await wrongKey.accessToken(organization: org, accountID: account.id)
            }
            await #expect(throws: StoreError(.conflict, "")) {
                try await accounts.add(organization: other, phoneNumberID: "111", wabaID: "9", accessToken: "t")
            }
        }
    }

    /// API keys are stored only as hashes and authenticate their own organization.
    @Test func apiKeysAreHashedAndAuthenticate() async throws {
        try await TestDatabase.with { _, client in
            let harness = try IngestHarness(client: client)
            let (org, key) = try await harness.organization()
            let keys = OrganizationRepository(client: client, logger: harness.logger)
            #expect(try await keys.organization(forAPIKey: key) == org)
            #expect(try await keys.organization(forAPIKey: key + "x") == nil)
            #expect(try await keys.organization(forAPIKey: "not-a-key") == nil)
            let secretPart = String(key.dropFirst(12))
            #expect(
                try await harness.count(
                    "SELECT count(*) FROM api_keys WHERE position('\(secretPart)' IN key_prefix || encode(key_hash, 'escape')) > 0"
                ) == 0
            )
        }
    }
}
