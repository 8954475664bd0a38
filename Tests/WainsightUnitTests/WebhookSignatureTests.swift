import Foundation
import Testing
import WhatsAppCloud

@Suite struct WebhookSignatureTests {
    static let body = Data(#"{"object":"whatsapp_business_account","entry":[]}"#.utf8)
    /// Computed with: printf '%s' BODY | openssl dgst -sha256 -hmac app-secret-1
    static let openSSLSignature = "sha256=0ca28c0f1996234eb6829e59ad3c11a18161f6eb043943d601e420c312432cdf"

    @Test func signatureMatchesOpenSSL() {
        #expect(WebhookSignatureVerifier.signature(for: Self.body, appSecret: "app-secret-1") == Self.openSSLSignature)
    }

    @Test func acceptsTheRightSignature() throws {
        let verifier = WebhookSignatureVerifier(appSecrets: ["app-secret-1"])
        #expect(try verifier.verify(body: Self.body, header: Self.openSSLSignature) == 0)
        // Upper-case hex is the same digest.
        #expect(
            try verifier.verify(body: Self.body, header: "sha256=" + Self.openSSLSignature.dropFirst(7).uppercased())
                == 0
        )
    }

    @Test func anyConfiguredSecretMayHaveSigned() throws {
        let verifier = WebhookSignatureVerifier(appSecrets: ["new-secret", "app-secret-1"])
        #expect(try verifier.verify(body: Self.body, header: Self.openSSLSignature) == 1)
    }

    @Test(arguments: [
        (nil as String?, WhatsAppCloudError.Code.missingSignature),
        ("", .missingSignature),
        ("sha1=0ca28c0f1996234eb6829e59ad3c11a18161f6eb043943d601e420c312432cdf", .malformedSignature),
        ("sha256=0ca28c", .malformedSignature),
        ("sha256=zza28c0f1996234eb6829e59ad3c11a18161f6eb043943d601e420c312432cdf", .malformedSignature),
        ("sha256=1ca28c0f1996234eb6829e59ad3c11a18161f6eb043943d601e420c312432cdf", .badSignature),
    ])
    func refusesBadHeaders(header: String?, code: WhatsAppCloudError.Code) {
        let verifier = WebhookSignatureVerifier(appSecrets: ["app-secret-1"])
        #expect(throws: WhatsAppCloudError(code, "")) { try verifier.verify(body: Self.body, header: header) }
    }

    @Test func refusesAModifiedBody() {
        let verifier = WebhookSignatureVerifier(appSecrets: ["app-secret-1"])
        var tampered = Self.body
        tampered[tampered.count - 2] = UInt8(ascii: " ")
        #expect(throws: WhatsAppCloudError(.badSignature, "")) {
            try verifier.verify(body: tampered, header: Self.openSSLSignature)
        }
    }

    @Test func refusesEverythingWithoutASecret() {
        let verifier = WebhookSignatureVerifier(appSecrets: [])
        #expect(throws: WhatsAppCloudError(.noAppSecret, "")) {
            try verifier.verify(body: Self.body, header: Self.openSSLSignature)
        }
    }

    /// Meta signs the \uXXXX-escaped form; a body that reaches us as raw UTF-8 still verifies.
    @Test func verifiesTheEscapedUnicodeForm() throws {
        let raw = Data(#"{"text":"été @ café"}"#.utf8)
        // printf '%s' '{"text":"\u00e9t\u00e9 @ caf\u00e9"}' | openssl dgst -sha256 -hmac app-secret-1
        let header = "sha256=6b4d0c1e86dae9d8b8335b6d896fe421294c0ec09b192865387c7f6e3e0af25c"
        let verifier = WebhookSignatureVerifier(appSecrets: ["app-secret-1"])
        #expect(try verifier.verify(body: raw, header: header) == 0)
    }

    @Test func handshakeEchoesTheChallenge() throws {
        let handshake = VerificationHandshake(verifyToken: "token-1")
        #expect(try handshake.respond(mode: "subscribe", token: "token-1", challenge: "1158201444") == "1158201444")
    }

    @Test(arguments: [
        ("subscribe", "token-2", "1"), ("unsubscribe", "token-1", "1"), ("subscribe", "", "1"),
        ("subscribe", "token-1", ""),
    ])
    func handshakeRefusesWrongInput(mode: String, token: String, challenge: String) {
        let handshake = VerificationHandshake(verifyToken: "token-1")
        #expect(throws: WhatsAppCloudError(.handshakeRefused, "")) {
            try handshake.respond(mode: mode, token: token, challenge: challenge)
        }
    }

    @Test func handshakeWithoutAConfiguredTokenNeverMatches() {
        let handshake = VerificationHandshake(verifyToken: "")
        #expect(throws: WhatsAppCloudError(.handshakeRefused, "")) {
            try handshake.respond(mode: "subscribe", token: "", challenge: "1")
        }
    }
}
