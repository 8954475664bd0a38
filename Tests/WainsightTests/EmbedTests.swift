import Core
import Embed
import Foundation
import Testing
import WainsightTesting

/// MiniLM in Swift against the reference sentence-transformers output.
@Suite struct EmbedTests {
    struct Reference {
        var text: String
        var ids: [Int32]
        var embedding: [Float]
    }

    static func references() throws -> [Reference] {
        let text = try String(contentsOf: try SharedData.nlp("minilm_ref.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let json = try JSONValue.parse(Data(line.utf8))
            return Reference(
                text: json["text"]?.stringValue ?? "",
                ids: json["input_ids"]?.arrayValue?.compactMap { $0.intValue.map(Int32.init) } ?? [],
                embedding: json["embedding"]?.arrayValue?.compactMap { $0.doubleValue.map(Float.init) } ?? []
            )
        }
    }

    static let embedder: Result<MiniLMEmbedder, any Error> = Result {
        try MiniLMEmbedder(directory: SharedData.miniLMDirectory)
    }

    @Test func tokenIdsMatchTheReferenceTokenizerExactly() throws {
        let embedder = try Self.embedder.get()
        let references = try Self.references()
        #expect(references.count == 200)
        var mismatches: [String] = []
        for reference in references where embedder.tokenizer.encode(reference.text) != reference.ids {
            mismatches.append(reference.text)
        }
        #expect(mismatches.isEmpty, "token ids differ for: \(mismatches.prefix(5))")
    }

    @Test func embeddingsMatchTheReferenceToCosine0_9999() throws {
        let embedder = try Self.embedder.get()
        let references = try Self.references()
        let vectors = embedder.embedSync(references.map(\.text))
        var worst: (Float, String) = (1, "")
        for (reference, vector) in zip(references, vectors) {
            #expect(vector.count == 384)
            let cosine = zip(reference.embedding, vector).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            if cosine < worst.0 { worst = (cosine, reference.text) }
        }
        #expect(worst.0 >= 0.9999, "lowest cosine \(worst.0) for: \(worst.1.prefix(80))")
        // One at a time gives the same vectors as a batch (no padding leaks between sentences).
        let single = embedder.embedSync([references[7].text])[0]
        let cosine = zip(single, vectors[7]).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        #expect(cosine > 0.99999)
        // Slices encoded concurrently give the vectors of the whole batch, in order.
        let parallel = try MiniLMEmbedder(directory: SharedData.miniLMDirectory, batchSize: 32, workers: 2)
        let sliced = parallel.embedSync(references.prefix(40).map(\.text))
        let agreement = zip(sliced, vectors.prefix(40)).map { pair in
            zip(pair.0, pair.1).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        }
        #expect(sliced.count == 40 && agreement.allSatisfy { $0 > 0.99999 })
    }

    @Test func longTextsAreTruncatedTo256Tokens() throws {
        let embedder = try Self.embedder.get()
        let ids = embedder.tokenizer.encode(String(repeating: "discount on annual plans ", count: 200))
        #expect(ids.count == 256)
        #expect(ids.first == embedder.tokenizer.classifierID && ids.last == embedder.tokenizer.separatorID)
    }
}
