import Core
import Foundation

/// The pipeline stage that gives every inbound message with text (a body, a caption, a button
/// or list reply, the text inside an image or document) its language, intent and sentiment from the local models. It runs after the
/// embed stage: a model that takes the message's embedding gets it.
public struct DetectStage: PipelineStage {
    public let detector: Detector
    public var name: String { "detect" }

    public init(detector: Detector) {
        self.detector = detector
    }

    public func process(_ message: StageMessage, insights: inout MessageInsights) async throws {
        var batch = [insights]
        try await process([message], insights: &batch)
        insights = batch[0]
    }

    /// Backfill's batches: the texts that share an embedding model (or have none) are detected
    /// together, so the tuned sentiment encoder runs once per group.
    public func process(_ messages: [StageMessage], insights: inout [MessageInsights]) async throws {
        // A caption and the text inside its media are read together: a photographed price list
        // with no caption still has a language and an intent.
        let texts = messages.map { $0.direction == .inbound ? $0.readableText() : nil }
        let wanted = messages.indices.filter { texts[$0] != nil }
        let groups = Dictionary(grouping: wanted) { index in
            insights[index].embedding == nil ? nil : insights[index].embeddingModel
        }
        for (model, indices) in groups.sorted(by: { ($0.key ?? "") < ($1.key ?? "") }) {
            let detections = await detector.detectOffThePool(
                indices.map { texts[$0] ?? "" },
                embeddings: model == nil ? nil : indices.map { insights[$0].embedding ?? [] },
                embeddingModel: model,
                lane: .background
            )
            for (index, detection) in zip(indices, detections) { Self.record(detection, in: &insights[index]) }
        }
    }

    static func record(_ detection: Detection, in insights: inout MessageInsights) {
        insights.language = detection.language
        insights.languageConfidence = detection.languageConfidence
        insights.intent = detection.intent
        insights.intentConfidence = detection.intentConfidence
        insights.sentiment = detection.sentiment
        insights.sentimentScore = detection.sentimentScore
    }
}
