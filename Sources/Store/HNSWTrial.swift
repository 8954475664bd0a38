import Core
import Foundation
import Logging
import PostgresNIO

/// A scratch pgvector table for comparing HNSW index settings (`scripts/bench-search`): load
/// vectors, build one index variant at a time, query it at an `ef_search`, drop it.
public struct HNSWTrial: Sendable {
    /// One index to try: over the vectors as stored (`vector`) or over half-precision copies of
    /// them (`halfvec`, as migration 4 builds `message_embeddings_hnsw`), with `m` and
    /// `ef_construction`.
    public struct Variant: Sendable, CustomStringConvertible {
        public var halfPrecision: Bool
        public var m: Int
        public var efConstruction: Int

        public init(halfPrecision: Bool, m: Int, efConstruction: Int) {
            self.halfPrecision = halfPrecision
            self.m = m
            self.efConstruction = efConstruction
        }

        public var description: String {
            "HNSW \(halfPrecision ? "halfvec" : "vector") m=\(m) ef_construction=\(efConstruction)"
        }

        var createSQL: String {
            let column = halfPrecision ? "(embedding::halfvec(384)) halfvec_cosine_ops" : "embedding vector_cosine_ops"
            return "CREATE INDEX bench_vectors_hnsw ON bench_vectors USING hnsw (\(column)) "
                + "WITH (m = \(m), ef_construction = \(efConstruction))"
        }

        /// The ORDER BY that walks this index, with the query vector as $2.
        var orderBy: String {
            halfPrecision ? "embedding::halfvec(384) <=> $2::halfvec(384)" : "embedding <=> $2::vector"
        }
    }

    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Makes the table anew, empty.
    public func create() async throws {
        try await client.query("CREATE EXTENSION IF NOT EXISTS vector", logger: logger)
        try await client.query("DROP TABLE IF EXISTS bench_vectors", logger: logger)
        try await client.query(
            "CREATE TABLE bench_vectors (id uuid PRIMARY KEY, organization_id uuid NOT NULL, embedding vector(384) NOT NULL)",
            logger: logger
        )
    }

    /// Inserts vectors of 384 dimensions, given row after row in `flat`, in one statement.
    public func insert(ids: [UUID], flat: [Float], organization: OrganizationID) async throws {
        try await client.query(
            """
            INSERT INTO bench_vectors (id, organization_id, embedding)
            SELECT ids.id, \(organization.rawValue), vectors.embedding
            FROM unnest(\(ids)::uuid[]) WITH ORDINALITY AS ids(id, n)
            JOIN (SELECT (i - 1) / 384 + 1 AS n, array_agg(v ORDER BY i)::vector AS embedding
                  FROM unnest(\(flat)::float4[]) WITH ORDINALITY AS f(v, i) GROUP BY (i - 1) / 384) vectors
                ON vectors.n = ids.n
            """,
            logger: logger
        )
    }

    /// Builds `variant`'s index (one maintenance worker, as much memory as it wants) and
    /// analyzes the table. - Returns: the index's size in bytes.
    public func build(_ variant: Variant) async throws -> Int64 {
        try await client.withConnection { connection in
            try await connection.query("SET maintenance_work_mem = '6GB'", logger: logger)
            try await connection.query("SET max_parallel_maintenance_workers = 1", logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: variant.createSQL), logger: logger)
        }
        try await client.query("ANALYZE bench_vectors", logger: logger)
        for try await bytes in try await client.query("SELECT pg_relation_size('bench_vectors_hnsw')", logger: logger)
            .decode(Int64.self)
        {
            return bytes
        }
        return 0
    }

    /// Runs `queries` through `variant`'s index at `efSearch` on one connection.
    /// - Parameter each: called with each query's ten nearest ids and its round trip in ms.
    public func search(
        _ queries: [[Float]],
        variant: Variant,
        efSearch: Int,
        organization: OrganizationID,
        each: ([UUID], Double) -> Void
    ) async throws {
        try await client.withConnection { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "SET hnsw.ef_search = \(efSearch)"), logger: logger)
            try await connection.query("SET hnsw.iterative_scan = relaxed_order", logger: logger)
            let sql = "SELECT id FROM bench_vectors WHERE organization_id = $1 ORDER BY \(variant.orderBy) LIMIT 10"
            for vector in queries {
                var binds = PostgresBindings()
                binds.append(organization.rawValue)
                binds.append(SearchRepository.vectorLiteral(vector))
                let started = ContinuousClock.now
                var found: [UUID] = []
                let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
                for try await id in rows.decode(UUID.self) { found.append(id) }
                each(found, (ContinuousClock.now - started).seconds * 1000)
            }
        }
    }

    public func dropIndex() async throws {
        try await client.query("DROP INDEX bench_vectors_hnsw", logger: logger)
    }

    public func dropTable() async throws {
        try await client.query("DROP TABLE bench_vectors", logger: logger)
    }
}
