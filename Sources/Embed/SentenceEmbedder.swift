/// Turns texts into unit-length sentence vectors: ``MiniLMEmbedder`` (local, OpenBLAS) or
/// ``RemoteEmbedder`` (an OpenAI-compatible endpoint).
public protocol SentenceEmbedder: Sendable {
    /// Length of every vector this embedder returns.
    var dimensions: Int { get }

    /// One vector per text, in order.
    func embed(_ texts: [String]) async throws -> [[Float]]
}
