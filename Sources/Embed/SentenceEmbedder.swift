/// Turns texts into unit-length sentence vectors. Implementations (local MiniLM on OpenBLAS, a
/// remote OpenAI-compatible endpoint) arrive with issue 4; nothing here computes vectors yet.
public protocol SentenceEmbedder: Sendable {
    /// Length of every vector this embedder returns.
    var dimensions: Int { get }

    /// One vector per text, in order.
    func embed(_ texts: [String]) async throws -> [[Float]]
}
