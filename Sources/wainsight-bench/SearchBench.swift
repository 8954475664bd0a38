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
            let trial = HNSWTrial(client: client, logger: logger)
            var clock = ContinuousClock.now
            try await trial.create()
            let batch = 1000
            var start = 0
            while start < size {
                let end = min(size, start + batch)
                try await trial.insert(
                    ids: Array(vectorIDs[start..<end]),
                    flat: Array(values[(start * dimensions)..<(end * dimensions)]),
                    organization: organization
                )
                start = end
            }
            say(String(format: "%d vectors loaded in %.1f s", size, (ContinuousClock.now - clock).seconds))

            // Exact answers (BLAS scan) and their cost.
            clock = ContinuousClock.now
            let truth = queryVectors.map { exact.nearestSync(organization: organization, to: $0, limit: 10).map(\.id) }
            let exactMS = (ContinuousClock.now - clock).seconds * 1000 / Double(queryVectors.count)
            say(String(format: "  exact BLAS scan: %.2f ms per query (in process)", exactMS))

            for variant in try indexes.split(separator: ",").map(HNSWTrial.Variant.init(argument:)) {
                clock = ContinuousClock.now
                let indexBytes = try await trial.build(variant)
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
                        trial: trial,
                        organization: organization,
                        queryVectors: queryVectors,
                        truth: truth
                    )
                }
                try await trial.dropIndex()
            }
            try await trial.dropTable()
        }
    }
}

extension SearchSpeed {
    /// Runs every query once at `efSearch` and prints recall@10 against the exact answers and
    /// the round-trip latency percentiles.
    func measure(
        variant: HNSWTrial.Variant,
        efSearch: Int,
        trial: HNSWTrial,
        organization: OrganizationID,
        queryVectors: [[Float]],
        truth: [[UUID]]
    ) async throws {
        var latencies: [Double] = []
        var recall = 0.0
        var expected = truth.makeIterator()
        try await trial.search(queryVectors, variant: variant, efSearch: efSearch, organization: organization) {
            found,
            milliseconds in
            let answer = expected.next() ?? []
            latencies.append(milliseconds)
            recall += Double(Set(found).intersection(answer).count) / Double(max(1, answer.count))
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

extension HNSWTrial.Variant {
    /// Reads `TYPE:M:EF_CONSTRUCTION` (for example `halfvec:24:100`) from `--indexes`.
    init(argument text: Substring) throws {
        let parts = text.split(separator: ":")
        guard parts.count == 3, ["vector", "halfvec"].contains(parts[0]), let m = Int(parts[1]),
            let efConstruction = Int(parts[2])
        else {
            throw ValidationError("--indexes: '\(text)' is not TYPE:M:EF_CONSTRUCTION (for example halfvec:24:100)")
        }
        self.init(halfPrecision: parts[0] == "halfvec", m: m, efConstruction: efConstruction)
    }
}

/// A line to standard output, unbuffered, so a log file shows progress as it happens.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
