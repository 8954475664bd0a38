import Core
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Store
import WhatsAppCloud

/// `GET` and `POST /webhooks/whatsapp`: the verification handshake, and signed webhooks stored
/// durably before the 200.
public struct WebhookController: Sendable {
    public let handshake: VerificationHandshake
    public let verifier: WebhookSignatureVerifier
    public let secretBox: SecretBox
    public let writer: WebhookEventWriter
    /// Largest body accepted; larger ones get 413.
    public let maxBodyBytes: Int

    public init(
        handshake: VerificationHandshake,
        verifier: WebhookSignatureVerifier,
        secretBox: SecretBox,
        writer: WebhookEventWriter,
        maxBodyBytes: Int
    ) {
        self.handshake = handshake
        self.verifier = verifier
        self.secretBox = secretBox
        self.writer = writer
        self.maxBodyBytes = maxBodyBytes
    }

    static let signatureHeader = HTTPField.Name("X-Hub-Signature-256")!

    public func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(use: verify)
        group.post(use: receive)
    }

    @Sendable func verify(_ request: Request, context: AppRequestContext) throws -> Response {
        let query = request.uri.queryParameters
        let challenge = try handshake.respond(
            mode: query["hub.mode"].map(String.init),
            token: query["hub.verify_token"].map(String.init),
            challenge: query["hub.challenge"].map(String.init)
        )
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: challenge))
        )
    }

    @Sendable func receive(_ request: Request, context: AppRequestContext) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw APIError(
                .contentTooLarge,
                code: "body_too_large",
                message: "webhook bodies are limited to \(maxBodyBytes) bytes"
            )
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBodyBytes)
        } catch {
            throw APIError(
                .contentTooLarge,
                code: "body_too_large",
                message: "webhook bodies are limited to \(maxBodyBytes) bytes"
            )
        }
        // One copy of the body serves the signature check, the seal and the JSON check.
        let bytes = Data(body.readableBytesView)
        try verifier.verify(body: bytes, header: request.headers[Self.signatureHeader])

        // Signed: from here on the body is kept whatever it holds, then answered.
        try await writer.store(try SealedWebhook(body: bytes, secretBox: secretBox))
        guard Self.isJSONObject(bytes) else {
            context.logger.info("signed webhook is not a JSON object; stored as received")
            throw WhatsAppCloudError(.malformedPayload, "body is not a JSON object; it was stored as received")
        }
        return Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: Self.ok)
        )
    }

    private static let ok = ByteBuffer(string: #"{"status":"stored"}"#)

    /// The same parser ingest uses, so the 400 here and the `unparseable` state there agree.
    static func isJSONObject(_ bytes: Data) -> Bool {
        (try? JSONValue.parse(bytes))?.objectValue != nil
    }
}
