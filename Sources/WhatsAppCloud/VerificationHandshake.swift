/// The `GET` handshake Meta sends when a callback URL is configured:
/// `hub.mode=subscribe&hub.verify_token=...&hub.challenge=...`.
public struct VerificationHandshake: Sendable {
    private let verifyToken: [UInt8]?

    /// - Parameter verifyToken: The configured token; `nil` or empty refuses every handshake.
    public init(verifyToken: String?) {
        if let verifyToken, !verifyToken.isEmpty {
            self.verifyToken = Array(verifyToken.utf8)
        } else {
            self.verifyToken = nil
        }
    }

    /// The challenge to echo when the mode and token are right.
    /// - Throws: ``WhatsAppCloudError`` `.handshakeRefused` otherwise.
    public func respond(mode: String?, token: String?, challenge: String?) throws -> String {
        guard let verifyToken else {
            throw WhatsAppCloudError(.handshakeRefused, "no verify token is configured (set WAINSIGHT_VERIFY_TOKEN)")
        }
        guard mode == "subscribe", let token, Self.constantTimeEqual(Array(token.utf8), verifyToken) else {
            throw WhatsAppCloudError(.handshakeRefused, "hub.mode must be subscribe and hub.verify_token must match")
        }
        guard let challenge, !challenge.isEmpty else {
            throw WhatsAppCloudError(.handshakeRefused, "hub.challenge is missing")
        }
        return challenge
    }

    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
