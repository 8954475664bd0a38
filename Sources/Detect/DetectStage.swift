import Core
import Foundation

/// The pipeline stage that gives every inbound message with text (a body, a caption, a button
/// or list reply) its language, intent and sentiment from the local models. It runs after the
/// embed stage: a model that takes the message's embedding gets it.
public struct DetectStage: PipelineStage {
    public let detector: Detector
    public var name: String { "detect" }

    public init(detector: Detector) {
        self.detector = detector
    }

    public func process(_ message: StageMessage, insights: inout MessageInsights) async throws {
        guard message.direction == .inbound, let text = message.text,
            !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else { return }
        let detection = detector.detect(text, embedding: insights.embedding, embeddingModel: insights.embeddingModel)
        insights.language = detection.language
        insights.languageConfidence = detection.languageConfidence
        insights.intent = detection.intent
        insights.intentConfidence = detection.intentConfidence
        insights.sentiment = detection.sentiment
        insights.sentimentScore = detection.sentimentScore
    }
}
