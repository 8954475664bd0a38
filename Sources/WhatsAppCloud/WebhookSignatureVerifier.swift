import Crypto
import Foundation

/// Checks `X-Hub-Signature-256` over the exact bytes Meta sent.
///
/// The signature is HMAC-SHA256 keyed with the App Secret over the raw body, as lowercase hex
/// after `sha256=`. Several secrets may be configured so one can be rotated without dropping
/// webhooks; any of them may match. Comparison is constant-time (swift-crypto's
/// `isValidAuthenticationCode`). If the raw bytes do not verify and the body holds non-ASCII
/// bytes, the check is repeated over the `\uXXXX`-escaped form Meta documents signing.
public struct WebhookSignatureVerifier: Sendable {
    private let keys: [SymmetricKey]

    public init(appSecrets: [String]) {
        self.keys = appSecrets.map { SymmetricKey(data: Data($0.utf8)) }
    }

    /// Whether any secret is configured.
    public var isConfigured: Bool { !keys.isEmpty }

    /// Verifies `header` against `body`.
    /// - Returns: The index of the App Secret that signed the body.
    /// - Throws: ``WhatsAppCloudError`` with `.noAppSecret`, `.missingSignature`,
    ///   `.malformedSignature` or `.badSignature`.
    @discardableResult
    public func verify(body: some ContiguousBytes, header: String?) throws -> Int {
        guard isConfigured else {
            throw WhatsAppCloudError(.noAppSecret, "no App Secret is configured (set WAINSIGHT_APP_SECRETS)")
        }
        guard let header, !header.isEmpty else {
            throw WhatsAppCloudError(.missingSignature, "X-Hub-Signature-256 header is missing")
        }
        guard let digest = Self.parseHeader(header) else {
            throw WhatsAppCloudError(.malformedSignature, "X-Hub-Signature-256 must be sha256= and 64 hex digits")
        }
        let matched: Int? = body.withUnsafeBytes { raw in
            if let index = match(digest, raw) { return index }
            guard raw.contains(where: { $0 > 0x7F }) else { return nil }
            let escaped = Self.escapeUnicode(raw)
            return escaped.withUnsafeBytes { match(digest, $0) }
        }
        guard let matched else {
            throw WhatsAppCloudError(.badSignature, "X-Hub-Signature-256 does not match the body under any App Secret")
        }
        return matched
    }

    private func match(_ digest: [UInt8], _ body: UnsafeRawBufferPointer) -> Int? {
        keys.firstIndex { HMAC<SHA256>.isValidAuthenticationCode(digest, authenticating: body, using: $0) }
    }

    /// The signature header for `body` under `appSecret`, as Meta would send it.
    public static func signature(for body: some DataProtocol, appSecret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(appSecret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    static func parseHeader(_ header: String) -> [UInt8]? {
        let prefix = "sha256="
        guard header.hasPrefix(prefix) else { return nil }
        let hex = Array(header.utf8.dropFirst(prefix.utf8.count))
        guard hex.count == 64 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(32)
        var index = 0
        while index < 64 {
            guard let high = hexValue(hex[index]), let low = hexValue(hex[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Every character outside ASCII as lowercase `\uXXXX` UTF-16 escapes.
    static func escapeUnicode(_ raw: UnsafeRawBufferPointer) -> [UInt8] {
        let text = String(decoding: raw, as: UTF8.self)
        var out = [UInt8]()
        out.reserveCapacity(raw.count + raw.count / 2)
        for unit in text.utf16 {
            if unit < 0x80 {
                out.append(UInt8(unit))
            } else {
                out.append(contentsOf: Array(String(format: "\\u%04x", unit).utf8))
            }
        }
        return out
    }
}
