/// Turns texts into unit-length sentence vectors: ``MiniLMEmbedder`` (local, OpenBLAS) or
/// ``RemoteEmbedder`` (an OpenAI-compatible endpoint).
public protocol SentenceEmbedder: Sendable {
    /// Length of every vector this embedder returns.
    var dimensions: Int { get }

    /// One vector per text, in order.
    func embed(_ texts: [String]) async throws -> [[Float]]

    /// This embedder for work nobody waits on (the embed stage, backfill): a local one computes
    /// on the background lane (`WorkLane`, in Core), so requests are not queued behind it.
    func forBackgroundWork() -> any SentenceEmbedder
}

extension SentenceEmbedder {
    /// Itself: an embedder that does not compute here has no lane to choose.
    public func forBackgroundWork() -> any SentenceEmbedder { self }
}
