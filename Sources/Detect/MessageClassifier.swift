/// A local text classifier (language, intent or sentiment) computed with BLAS. The trained
/// models arrive with issue 5; nothing here classifies yet.
public protocol MessageClassifier: Sendable {
    /// The labels this classifier can answer with.
    var labels: [String] { get }

    /// The most likely label of `text` and its calibrated probability.
    func classify(_ text: String) -> (label: String, confidence: Double)
}
