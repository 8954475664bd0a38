import Detect
import Embed
import Foundation
import Hummingbird
import Logging
import NIOCore
import Normalize
import Pipeline

/// `POST /api/insights/detect` — language, intent and sentiment of arbitrary text for the CRM
/// (a note, an e-mail, a message from another channel), from the same local models the
/// pipeline uses, with the same embedding when a model takes one. Body `{"text": "..."}` or
/// `{"texts": ["...", ...]}` (at most 1,000, none blank; each read up to 4,096 characters).
public struct InsightsController: Sendable {
    public let detector: Detector?
    /// The pipeline's embedder; its vectors are used when a model takes that embedder's.
    public let embedder: ConfiguredEmbedder?
    public let logger: Logger

    public init(detector: Detector?, embedder: ConfiguredEmbedder? = nil, logger: Logger) {
        self.detector = detector
        self.embedder = embedder
        self.logger = logger
    }

    /// Characters of each text that are read (WhatsApp's own limit for a text message).
    static let maximumCharacters = 4_096

    public func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("/insights/detect", use: detect)
    }

    struct DetectRequest: Decodable {
        var text: String?
        var texts: [String]?
    }

    @Sendable func detect(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try context.requireOrganization()
        guard let detector else {
            throw APIError(
                .serviceUnavailable,
                code: "models_missing",
                message: "the language, intent and sentiment models are not installed (see WAINSIGHT_MODELS_DIR)"
            )
        }
        let body: DetectRequest
        do {
            body = try await request.decode(as: DetectRequest.self, context: context)
        } catch {
            throw APIError(
                .badRequest,
                code: "invalid_body",
                message: "expected {\"text\": \"...\"} or {\"texts\": [...]}"
            )
        }
        let texts = body.texts ?? body.text.map { [$0] } ?? []
        guard !texts.isEmpty, texts.count <= 1_000 else {
            throw APIError(.badRequest, code: "invalid_body", message: "give 1 to 1,000 texts as text or texts")
        }
        if let blank = texts.firstIndex(where: { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) {
            throw APIError(
                .badRequest,
                code: "empty_text",
                message: "text \(blank + 1) is empty: there is nothing to detect"
            )
        }
        // A WhatsApp text is at most 4,096 characters; longer input is read up to that, which
        // also bounds the work one request can ask for.
        let bounded = texts.map { $0.count > Self.maximumCharacters ? String($0.prefix(Self.maximumCharacters)) : $0 }
        // Detection's own keys (language_confidence, ...) are already snake case, which stays.
        let encoder = JSONEncoder.api
        var embeddings: [[Float]]?
        if let embedder, detector.takesVectors(from: embedder.model) {
            // Without vectors the n-gram models answer, as detect does for a message without one.
            // (An embedder gives one vector per text or throws.)
            do {
                embeddings = try await embedder.embedder.embed(bounded.map(PIIRedactor.embeddingInput))
            } catch {
                logger.info("embedding failed; the n-gram models answer", metadata: ["error": "\(error)"])
            }
        }
        let results = await detector.detectOffThePool(bounded, embeddings: embeddings, embeddingModel: embedder?.model)
        let data: Data
        if body.texts == nil, let first = results.first {
            data = try encoder.encode(first)
        } else {
            data = try encoder.encode(["results": results])
        }
        return Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
