import Core

/// A nearest-neighbour index over message embeddings, always scoped to one organization.
/// The pgvector and exact in-memory implementations arrive with issue 4.
public protocol VectorIndex: Sendable {
    /// Stores (or replaces) the vector of a message.
    func upsert(organization: OrganizationID, key: String, vector: [Float]) async throws

    /// The `limit` keys nearest to `vector`, best first, with cosine similarity.
    func nearest(organization: OrganizationID, to vector: [Float], limit: Int) async throws -> [(
        key: String, score: Float
    )]
}
