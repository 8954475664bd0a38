import AsyncHTTPClient
import Core
import Foundation
import Ingest
import Outbound
import PostgresNIO
import Store
import Testing
import WainsightTesting

/// Rotating the master key: several keys open, the first seals, `rekey` moves stored values to
/// the first key, and a value no key opens parks its job instead of retrying it.
@Suite struct KeyRotationTests {
    static let oldKey = Data(repeating: 7, count: 32)  // IngestHarness.testMasterKey
    static let newKey = Data(repeating: 9, count: 32)
    static let lostKey = Data(repeating: 3, count: 32)

    @Test func rekeyMovesEveryValueToTheFirstKeyAndResumes() async throws {
        try await TestDatabase.with { _, client in
            // Before the rotation: a number and webhooks sealed under the old key only.
            let before = try IngestHarness(client: client, masterKey: Self.oldKey)
            let (organization, _) = try await before.organization()
            try await before.connect(organization, phoneNumberID: "555", wabaID: "waba-rekey")
            let now = Int(Date().timeIntervalSince1970)
            try await before.store(
                (0..<5).map {
                    Payloads.text(to: "555", from: "1555000200\($0)", id: "wamid.K\($0)", at: now, body: "hi")
                }
            )
            // One webhook sealed under a key nobody configured any more.
            let lost = try IngestHarness(client: client, masterKey: Self.lostKey)
            try await lost.store([Payloads.text(to: "555", from: "15550002999", id: "wamid.LOST", at: now, body: "?")])

            // After: the new key first, the old one still there.
            let box = try SecretBox(masterKeys: [Self.newKey, Self.oldKey])
            let sealed = SealedValueRepository(client: client, secretBox: box, logger: before.logger)
            #expect(try await sealed.pending(.accessTokens) == 1)
            #expect(try await sealed.pending(.webhookBodies) == 6)

            // A stopped run: one batch of two, then a new run finishes the rest.
            let first = try await sealed.reseal(.webhookBodies, limit: 2, from: .init())
            #expect(first.resealed == 2)
            #expect(try await sealed.pending(.webhookBodies) == 4)
            var progress = SealedValueRepository.Progress()
            var resealed = 0
            var unopenable = 0
            for column in SealedValueRepository.Column.allCases {
                progress = .init()
                repeat {
                    progress = try await sealed.reseal(column, limit: 2, from: progress)
                } while progress.after != nil
                resealed += progress.resealed
                unopenable += progress.unopenable
            }
            #expect(resealed == 1 + 3)
            #expect(unopenable == 1)
            #expect(try await sealed.pending(.accessTokens) == 0)
            #expect(try await sealed.pending(.webhookBodies) == 1)  // the lost one, left as it was

            // The old key can go: everything ingests under the new key alone, and the job whose
            // body opens under no key is parked at once with a reason.
            let after = try IngestHarness(client: client, masterKey: Self.newKey)
            _ = try await after.drain()
            #expect(try await after.count("SELECT count(*) FROM whatsapp_messages") == 5)
            #expect(
                try await after.rows("SELECT state || ' ' || attempts FROM jobs WHERE state <> 'done'") == ["dead 1"]
            )
            let reason = try await after.rows("SELECT last_error FROM jobs WHERE state = 'dead'").first ?? ""
            #expect(reason.contains("decryption_failed") && reason.contains("WAINSIGHT_MASTER_KEY"), "\(reason)")
            let accounts = AccountRepository(
                client: client,
                secretBox: try SecretBox(masterKey: Self.newKey),
                logger: after.logger
            )
            let account = try #require(try await accounts.list(organization: organization).first)
            #expect(
                try await accounts.accessToken(organization: organization, accountID: account.id) == "test-token-555"
            )
        }
    }

    @Test func messagesOfAnAccountWhoseTokenOpensUnderNoKeyAreParked() async throws {
        try await TestDatabase.with { url, client in
            let before = try IngestHarness(client: client, masterKey: Self.oldKey)
            let (organization, _) = try await before.organization()
            try await before.connect(organization, phoneNumberID: "556", wabaID: "waba-parked")
            let now = Int(Date().timeIntervalSince1970)
            try await before.store([Payloads.text(to: "556", from: "15550003001", id: "wamid.P1", at: now, body: "hi")])
            _ = try await before.drain()
            let queuedBy = OutboundParts(
                configuration: WainsightConfiguration(databaseURL: url, masterKey: Self.oldKey),
                client: client,
                httpClient: .shared,
                secretBox: before.secretBox,
                logger: before.logger
            )
            _ = try await queuedBy.service.sendText(
                organization: organization,
                request: ["phone_number_id": "556", "to": "15550003001", "text": "hello"],
                idempotencyKey: nil
            )
            // The old key is gone before anything was sent (and rekey never ran).
            let after = OutboundParts(
                configuration: WainsightConfiguration(databaseURL: url, masterKey: Self.newKey),
                client: client,
                httpClient: .shared,
                secretBox: try SecretBox(masterKey: Self.newKey),
                logger: before.logger
            )
            #expect(try await after.sender.drain(timeout: .seconds(5)))
            let parked = try await before.rows("SELECT state, last_error FROM outbox_messages")
            #expect(parked.count == 1)
            #expect(parked.first?.hasPrefix("dead|decryption_failed: the account's access token does not open") == true)
        }
    }
}
