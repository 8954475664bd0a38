import Embed
import Foundation
import Outbound
import RemoteModels
import Testing
import WainsightTesting

/// The OpenAI-compatible embedder against a fake endpoint on loopback.
@Suite struct RemoteEmbedderTests {
    @Test func vectorsComeBackInOrderUnitLengthAndBatched() async throws {
        try await FakeEmbeddingsAPI.with { fake in
            let http = HTTPClientService(maxConnectionsPerHost: 2)
            let embedder = RemoteEmbedder(
                client: http.client,
                baseURL: fake.baseURL + "/",
                model: "text-embedding-3-small",
                dimensions: 384,
                apiKey: fake.apiKey,
                batchSize: 64
            )
            let texts = (0..<70).map { "message number \($0)" }
            let vectors = try await embedder.embed(texts)
            #expect(vectors.count == 70)
            #expect(fake.requestCount == 2)
            for (text, vector) in zip(texts, vectors) {
                #expect(vector.count == 384)
                #expect(abs(vector.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
                let expected = FakeEmbeddingsAPI.vector(for: text, dimensions: 384)
                let norm = expected.reduce(0) { $0 + $1 * $1 }.squareRoot()
                #expect(zip(vector, expected).reduce(Float(0)) { $0 + $1.0 * $1.1 / norm } > 0.9999)
            }

            for (mode, fragment) in [
                (FakeEmbeddingsAPI.Mode.unauthorized, "HTTP 401: Incorrect API key"),
                (.serverError, "HTTP 500"),
                (.wrongDimensions, "not 384 floats"),
            ] {
                fake.setMode(mode)
                do {
                    _ = try await embedder.embed(["hello"])
                    Issue.record("\(mode) should fail")
                } catch let error as EmbedError {
                    #expect(error.code == .remote)
                    #expect(error.message.contains(fragment), "\(error.message)")
                }
            }
            try await http.shutdown()
        }
    }
}
