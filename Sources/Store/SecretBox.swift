import Crypto
import Foundation

/// Seals data at rest with AES-256-GCM under the master key (access tokens, raw payloads).
/// The sealed form is nonce ‖ ciphertext ‖ tag, as swift-crypto's `combined` gives it.
public struct SecretBox: Sendable {
    private let key: SymmetricKey

    /// - Parameter masterKey: 32 bytes.
    public init(masterKey: Data) throws {
        guard masterKey.count == 32 else {
            throw StoreError(.masterKeyMissing, "the master key must be 32 bytes, got \(masterKey.count)")
        }
        self.key = SymmetricKey(data: masterKey)
    }

    /// Makes a box from the configured key, or says how to configure one.
    public init(configuredKey: Data?) throws {
        guard let configuredKey else {
            throw StoreError(
                .masterKeyMissing,
                "WAINSIGHT_MASTER_KEY is not set; make one with: openssl rand -base64 32"
            )
        }
        try self.init(masterKey: configuredKey)
    }

    /// An HMAC-SHA256 of `message` under a key derived from the master key for `purpose`
    /// (signed media URLs), so a signature never doubles as anything else.
    public func authenticationCode(for message: some DataProtocol, purpose: String) -> Data {
        let derived = HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data(purpose.utf8), outputByteCount: 32)
        return Data(HMAC<SHA256>.authenticationCode(for: message, using: derived))
    }

    public func seal(_ plaintext: some DataProtocol) throws -> Data {
        guard let combined = try AES.GCM.seal(plaintext, using: key).combined else {
            throw StoreError(.decryptionFailed, "AES-GCM produced no combined form")
        }
        return combined
    }

    public func open(_ sealed: Data) throws -> Data {
        do {
            return try AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key)
        } catch {
            throw StoreError(
                .decryptionFailed,
                "sealed data does not open under WAINSIGHT_MASTER_KEY (was the key changed?)",
                underlying: error
            )
        }
    }
}
