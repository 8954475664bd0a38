import Crypto
import Foundation

/// Seals data at rest with AES-256-GCM under the master key (access tokens, raw payloads).
///
/// Several keys may be configured so the key can be rotated: the first seals, every one opens.
/// The sealed form is `0x01 ‖ key id (4 bytes) ‖ nonce ‖ ciphertext ‖ tag`; the key id (the
/// start of an HMAC of a constant under the key, which says nothing of the key) names the key
/// that sealed it. Values sealed before key ids existed (nonce ‖ ciphertext ‖ tag alone) are
/// tried under each key. `wainsight rekey` re-seals stored values under the first key.
public struct SecretBox: Sendable {
    private struct Key: Sendable {
        var id: Data
        var key: SymmetricKey
    }
    /// The first seals; all open.
    private let keys: [Key]
    private static let version: UInt8 = 1
    private static let headerSize = 5

    /// - Parameter masterKeys: 32 bytes each, the sealing key first.
    public init(masterKeys: [Data]) throws {
        guard !masterKeys.isEmpty else {
            throw StoreError(
                .masterKeyMissing,
                "WAINSIGHT_MASTER_KEY is not set; make one with: openssl rand -base64 32"
            )
        }
        keys = try masterKeys.map { bytes in
            guard bytes.count == 32 else {
                throw StoreError(.masterKeyMissing, "a master key must be 32 bytes, got \(bytes.count)")
            }
            let key = SymmetricKey(data: bytes)
            let code = HMAC<SHA256>.authenticationCode(for: Data("wainsight key id".utf8), using: key)
            return Key(id: Data(code.prefix(4)), key: key)
        }
    }

    /// - Parameter masterKey: 32 bytes.
    public init(masterKey: Data) throws {
        try self.init(masterKeys: [masterKey])
    }

    /// The first bytes of every value sealed under the first key.
    public var currentHeader: Data { Data([Self.version]) + keys[0].id }

    /// The id of the sealing key, as sealed values carry it (8 hex digits).
    public var currentKeyID: String { keys[0].id.map { String(format: "%02x", $0) }.joined() }

    /// An HMAC-SHA256 of `message` under a key derived from the sealing key for `purpose`
    /// (signed media URLs), so a signature never doubles as anything else.
    public func authenticationCode(for message: some DataProtocol, purpose: String) -> Data {
        let derived = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: keys[0].key,
            info: Data(purpose.utf8),
            outputByteCount: 32
        )
        return Data(HMAC<SHA256>.authenticationCode(for: message, using: derived))
    }

    /// Seals under the first key.
    public func seal(_ plaintext: some DataProtocol) throws -> Data {
        guard let combined = try AES.GCM.seal(plaintext, using: keys[0].key).combined else {
            throw StoreError(.decryptionFailed, "AES-GCM produced no combined form")
        }
        return currentHeader + combined
    }

    /// Opens a value sealed under any configured key.
    /// - Throws: ``StoreError`` `.decryptionFailed` when none opens it.
    public func open(_ sealed: Data) throws -> Data {
        if let (key, combined) = keyed(sealed) {
            if let plain = try? AES.GCM.open(AES.GCM.SealedBox(combined: combined), using: key.key) { return plain }
        }
        // Sealed before key ids, or (rarely) a legacy nonce that looks like a header.
        for key in keys {
            if let plain = try? AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key.key) { return plain }
        }
        let named =
            sealed.count > Self.headerSize && sealed.first == Self.version
            ? " (sealed under key id \(sealed.dropFirst().prefix(4).map { String(format: "%02x", $0) }.joined()))"
            : " (sealed before key ids)"
        throw StoreError(
            .decryptionFailed,
            "sealed data opens under none of the \(keys.count) key(s) in WAINSIGHT_MASTER_KEY\(named); "
                + "add the key it was sealed with (after the current one) and restart"
        )
    }

    /// Whether `sealed` is sealed under the first key (nothing for `wainsight rekey` to do).
    public func isCurrent(_ sealed: Data) -> Bool {
        guard let (key, _) = keyed(sealed) else { return false }
        return key.id == keys[0].id
    }

    /// The key a header names, with the rest of the value.
    private func keyed(_ sealed: Data) -> (Key, Data)? {
        guard sealed.count > Self.headerSize, sealed.first == Self.version else { return nil }
        let id = sealed.dropFirst().prefix(4)
        guard let key = keys.first(where: { $0.id == id }) else { return nil }
        return (key, Data(sealed.dropFirst(Self.headerSize)))
    }
}
