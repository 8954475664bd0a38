import Core
import Foundation

/// A message and how close it is to a query (cosine similarity, 1 = same direction).
public struct VectorHit: Sendable, Equatable {
    public var id: UUID
    public var score: Float

    public init(id: UUID, score: Float) {
        self.id = id
        self.score = score
    }
}

/// A nearest-neighbour index over message embeddings, always scoped to one organization:
/// ``ExactVectorIndex`` (in memory, BLAS, the ground truth) and the pgvector HNSW index in Store.
public protocol VectorIndex: Sendable {
    /// Stores (or replaces) the vector of a message.
    func upsert(organization: OrganizationID, id: UUID, vector: [Float]) async throws

    /// The `limit` messages nearest to `vector`, best first.
    func nearest(organization: OrganizationID, to vector: [Float], limit: Int) async throws -> [VectorHit]
}
