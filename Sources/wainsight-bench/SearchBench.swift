import ArgumentParser
import CBLAS
import Core
import Embed
import Foundation
import Logging
import PostgresNIO
import Store
import VectorIndex
import WainsightTesting

/// Recall and latency of the pgvector HNSW index against the exact BLAS index, at a given
/// number of vectors: real tweets embedded with MiniLM, plus generated neighbours of them
/// (mixes of two real vectors with noise) up to the size; queries are other real tweets.
struct SearchSpeed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search-speed",
        abstract: "recall@10 and query latency of pgvector HNSW against exact search (scripts/bench-search)."
    )
    @Option(help: "Vectors in the index.") var size = 100_000
    @Option(help: "Real texts embedded as the base of the set.") var real = 20_000
    @Option(help: "Queries (real texts not in the set).") var queries = 1000
    @Option(help: "hnsw.ef_search values to measure, comma-separated.") var efSearch = "40,100,200,400"
    @Option(
        help: """
            HNSW indexes to build and measure one after another on the same rows, comma-separated \
            TYPE:M:EF_CONSTRUCTION (TYPE vector or halfvec; halfvec indexes embedding::halfvec(384) as \
            migration 4 does).
            """
    )
    var indexes = "halfvec:24:100"
    @Option(help: "Texts the set is built from, one per line.") var input: String
    @Option(help: "Texts the queries come from.") var queryInput: String
    @Option(help: "Folder with MiniLM.") var model = "models/minilm"

    func run() async throws {
        let logger = benchLogger()
        let texts = try String(contentsOfFile: input, encoding: .utf8).split(separator: "\n").prefix(real).map(
            String.init
        )
        let queryTexts = try String(contentsOfFile: queryInput, encoding: .utf8).split(separator: "\n").prefix(queries)
            .map(String.init)
        openblas_set_num_threads(1)
        let embedder = try MiniLMEmbedder(directory: URL(fileURLWithPath: model), batchSize: 64, workers: 2)
        let embedStart = ContinuousClock.now
        let base = embedder.embedSync(texts)
        let queryVectors = embedder.embedSync(queryTexts)
        say(
            String(
                format: "embedded %d real texts and %d queries in %.1f s",
                base.count,
                queryVectors.count,
                (ContinuousClock.now - embedStart).seconds
            )
        )

        // Generated neighbours: 0.7·a + 0.3·b + noise, normalized (fixed seed).
        var generator = SplitMix64(seed: 7)
        let dimensions = 384
        var flat = [Float]()
        flat.reserveCapacity(size * dimensions)
        for vector in base.prefix(size) { flat += vector }
        while flat.count < size * dimensions {
            let a = base[Int(generator.next() % UInt64(base.count))]
            let b = base[Int(generator.next() % UInt64(base.count))]
            var mixed = (0..<dimensions).map { 0.7 * a[$0] + 0.3 * b[$0] + Float(generator.gaussian() * 0.02) }
            let norm = mixed.reduce(0) { $0 + $1 * $1 }.squareRoot()
            mixed = mixed.map { $0 / norm }
            flat += mixed
        }
        let organization = OrganizationID(UUID())
        let exact = ExactVectorIndex(dimensions: dimensions)
        var ids: [UUID] = []
        for row in 0..<size {
            let id = UUID()
            ids.append(id)
            exact.upsertSync(
                organization: organization,
                id: id,
                vector: Array(flat[(row * dimensions)..<((row + 1) * dimensions)])
            )
        }

        let vectorIDs = ids
        let values = flat
        try await Database.withClient(url: try databaseURL(), maxConnections: 2, logger: logger) { client in
            var clock = ContinuousClock.now
            try await client.query("CREATE EXTENSION IF NOT EXISTS vector", logger: logger)
            try await client.query("DROP TABLE IF EXISTS bench_vectors", logger: logger)
            try await client.query(
                "CREATE TABLE bench_vectors (id uuid PRIMARY KEY, organization_id uuid NOT NULL, embedding vector(384) NOT NULL)",
                logger: logger
            )
            let batch = 1000
            var start = 0
            while start < size {
                let end = min(size, start + batch)
                let chunkIDs = Array(vectorIDs[start..<end])
                let chunk = Array(values[(start * dimensions)..<(end * dimensions)])
                try await client.query(
                    """
                    INSERT INTO bench_vectors (id, organization_id, embedding)
                    SELECT ids.id, \(organization.rawValue), vectors.embedding
                    FROM unnest(\(chunkIDs)::uuid[]) WITH ORDINALITY AS ids(id, n)
                    JOIN (SELECT (i - 1) / 384 + 1 AS n, array_agg(v ORDER BY i)::vector AS embedding
                          FROM unnest(\(chunk)::float4[]) WITH ORDINALITY AS f(v, i) GROUP BY (i - 1) / 384) vectors
                        ON vectors.n = ids.n
                    """,
                    logger: logger
                )
                start = end
            }
            say(String(format: "%d vectors loaded in %.1f s", size, (ContinuousClock.now - clock).seconds))

            // Exact answers (BLAS scan) and their cost.
            clock = ContinuousClock.now
            let truth = queryVectors.map { exact.nearestSync(organization: organization, to: $0, limit: 10).map(\.id) }
            let exactMS = (ContinuousClock.now - clock).seconds * 1000 / Double(queryVectors.count)
            say(String(format: "  exact BLAS scan: %.2f ms per query (in process)", exactMS))

            for variant in try indexes.split(separator: ",").map(IndexVariant.init) {
                clock = ContinuousClock.now
                try await client.withConnection { connection in
                    try await connection.query("SET maintenance_work_mem = '6GB'", logger: logger)
                    try await connection.query("SET max_parallel_maintenance_workers = 1", logger: logger)
                    try await connection.query(PostgresQuery(unsafeSQL: variant.createSQL), logger: logger)
                }
                try await client.query("ANALYZE bench_vectors", logger: logger)
                var indexBytes: Int64 = 0
                for try await bytes in try await client.query(
                    "SELECT pg_relation_size('bench_vectors_hnsw')",
                    logger: logger
                ).decode(Int64.self) { indexBytes = bytes }
                say(
                    "  \(variant): "
                        + String(
                            format: "built in %.1f s, %.0f MB",
                            (ContinuousClock.now - clock).seconds,
                            Double(indexBytes) / 1_048_576
                        )
                )
                for ef in efSearch.split(separator: ",").compactMap({ Int($0) }) {
                    try await measure(
                        variant: variant,
                        efSearch: ef,
                        client: client,
                        organization: organization,
                        queryVectors: queryVectors,
                        truth: truth,
                        logger: logger
                    )
                }
                try await client.query("DROP INDEX bench_vectors_hnsw", logger: logger)
            }
            try await client.query("DROP TABLE bench_vectors", logger: logger)
        }
    }
}

extension SearchSpeed {
    /// Runs every query once at `efSearch` and prints recall@10 against the exact answers and
    /// the round-trip latency percentiles.
    func measure(
        variant: IndexVariant,
        efSearch: Int,
        client: PostgresClient,
        organization: OrganizationID,
        queryVectors: [[Float]],
        truth: [[UUID]],
        logger: Logger
    ) async throws {
        var latencies: [Double] = []
        var recall = 0.0
        try await client.withConnection { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "SET hnsw.ef_search = \(efSearch)"), logger: logger)
            try await connection.query("SET hnsw.iterative_scan = relaxed_order", logger: logger)
            let sql = "SELECT id FROM bench_vectors WHERE organization_id = $1 ORDER BY \(variant.orderBy) LIMIT 10"
            for (vector, expected) in zip(queryVectors, truth) {
                var binds = PostgresBindings()
                binds.append(organization.rawValue)
                binds.append(SearchRepository.vectorLiteral(vector))
                let started = ContinuousClock.now
                var found: [UUID] = []
                let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
                for try await id in rows.decode(UUID.self) { found.append(id) }
                latencies.append((ContinuousClock.now - started).seconds * 1000)
                recall += Double(Set(found).intersection(expected).count) / Double(max(1, expected.count))
            }
        }
        latencies.sort()
        func percentile(_ p: Double) -> Double {
            latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
        }
        say(
            String(
                format: "    ef_search=%d: recall@10 %.4f, latency p50 %.2f ms, p99 %.2f ms (%d queries, round trip)",
                efSearch,
                recall / Double(queryVectors.count),
                percentile(0.5),
                percentile(0.99),
                queryVectors.count
            )
        )
    }
}

/// One HNSW index to build on `bench_vectors`: over the vectors as stored, or over
/// half-precision copies of them (as migration 4 builds `message_embeddings_hnsw`).
struct IndexVariant: CustomStringConvertible {
    var halfPrecision: Bool
    var m: Int
    var efConstruction: Int

    init(_ text: Substring) throws {
        let parts = text.split(separator: ":")
        guard parts.count == 3, ["vector", "halfvec"].contains(parts[0]), let m = Int(parts[1]),
            let efConstruction = Int(parts[2])
        else {
            throw ValidationError("--indexes: '\(text)' is not TYPE:M:EF_CONSTRUCTION (for example halfvec:24:100)")
        }
        halfPrecision = parts[0] == "halfvec"
        self.m = m
        self.efConstruction = efConstruction
    }

    var description: String {
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

/// A line to standard output, unbuffered, so a log file shows progress as it happens.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
