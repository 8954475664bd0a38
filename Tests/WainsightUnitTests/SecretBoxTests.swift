import Core
import Crypto
import Foundation
import Store
import Testing

/// Sealing at rest with several master keys: the first seals, every one opens.
@Suite struct SecretBoxTests {
    static let oldKey = Data(repeating: 7, count: 32)
    static let newKey = Data(repeating: 9, count: 32)

    @Test func severalKeysOpenAndTheFirstSeals() throws {
        let old = try SecretBox(masterKey: Self.oldKey)
        let rotated = try SecretBox(masterKeys: [Self.newKey, Self.oldKey])
        let sealedOld = try old.seal(Data("token".utf8))
        #expect(try rotated.open(sealedOld) == Data("token".utf8))
        #expect(!rotated.isCurrent(sealedOld))
        let sealedNew = try rotated.seal(Data("token".utf8))
        #expect(rotated.isCurrent(sealedNew))
        #expect(sealedNew.prefix(5) == rotated.currentHeader)
        #expect(throws: StoreError.self) { try old.open(sealedNew) }
        // Values sealed before key ids (nonce ‖ ciphertext ‖ tag) still open.
        let legacy = try #require(
            try AES.GCM.seal(Data("legacy".utf8), using: SymmetricKey(data: Self.oldKey)).combined
        )
        #expect(try rotated.open(legacy) == Data("legacy".utf8))
        #expect(!rotated.isCurrent(legacy))

        let configuration = try WainsightConfiguration(
            environment: [
                "WAINSIGHT_MASTER_KEY": "\(Self.newKey.base64EncodedString()), \(Self.oldKey.base64EncodedString())"
            ]
        )
        #expect(configuration.masterKeys == [Self.newKey, Self.oldKey])
        #expect(configuration.masterKey == Self.newKey)
        #expect(throws: ConfigurationError.self) {
            _ = try WainsightConfiguration(
                environment: ["WAINSIGHT_MASTER_KEY": "\(Self.newKey.base64EncodedString()),not-a-key"]
            )
        }
    }
}
