import CBLAS
import Core
import Foundation
import Synchronization

/// Exact nearest neighbours: each organization's vectors in one contiguous row-major matrix,
/// scored against a query with one `sgemv`, top k by a partial selection. Vectors are expected
/// unit length (cosine = dot product). For small sets, and as ground truth for the HNSW index.
public final class ExactVectorIndex: VectorIndex {
    struct Shelf {
        var ids: [UUID] = []
        var rows: [UUID: Int] = [:]
        var matrix: [Float] = []
    }

    public let dimensions: Int
    private let shelves = Mutex<[OrganizationID: Shelf]>([:])

    public init(dimensions: Int) {
        self.dimensions = dimensions
    }

    public func upsert(organization: OrganizationID, id: UUID, vector: [Float]) async throws {
        upsertSync(organization: organization, id: id, vector: vector)
    }

    public func upsertSync(organization: OrganizationID, id: UUID, vector: [Float]) {
        precondition(vector.count == dimensions, "vector of \(vector.count) floats in a \(dimensions)-d index")
        shelves.withLock { shelves in
            // Mutated in place: copying the shelf out would copy its whole matrix per vector.
            Self.insert(id: id, vector: vector, dimensions: dimensions, into: &shelves[organization, default: Shelf()])
        }
    }

    private static func insert(id: UUID, vector: [Float], dimensions: Int, into shelf: inout Shelf) {
        if let row = shelf.rows[id] {
            shelf.matrix.replaceSubrange((row * dimensions)..<((row + 1) * dimensions), with: vector)
        } else {
            shelf.rows[id] = shelf.ids.count
            shelf.ids.append(id)
            shelf.matrix.append(contentsOf: vector)
        }
    }

    public func nearest(organization: OrganizationID, to vector: [Float], limit: Int) async throws -> [VectorHit] {
        nearestSync(organization: organization, to: vector, limit: limit)
    }

    public func nearestSync(organization: OrganizationID, to vector: [Float], limit: Int) -> [VectorHit] {
        precondition(vector.count == dimensions, "query of \(vector.count) floats in a \(dimensions)-d index")
        return shelves.withLock { shelves -> [VectorHit] in
            guard let shelf = shelves[organization], !shelf.ids.isEmpty, limit > 0 else { return [] }
            let count = shelf.ids.count
            var scores = [Float](repeating: 0, count: count)
            cblas_sgemv(
                CblasRowMajor,
                CblasNoTrans,
                Int32(count),
                Int32(dimensions),
                1,
                shelf.matrix,
                Int32(dimensions),
                vector,
                1,
                0,
                &scores,
                1
            )
            // Keep the best `limit` in a small sorted buffer: O(n log k).
            var best: [(Float, Int)] = []
            best.reserveCapacity(limit + 1)
            for (row, score) in scores.enumerated() {
                if best.count == limit, let worst = best.last, score <= worst.0 { continue }
                let position = best.firstIndex { $0.0 < score } ?? best.count
                best.insert((score, row), at: position)
                if best.count > limit { best.removeLast() }
            }
            return best.map { VectorHit(id: shelf.ids[$0.1], score: $0.0) }
        }
    }

    /// Vectors held for an organization.
    public func count(organization: OrganizationID) -> Int {
        shelves.withLock { $0[organization]?.ids.count ?? 0 }
    }
}
