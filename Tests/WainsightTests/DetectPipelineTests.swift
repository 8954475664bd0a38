import Core
import Embed
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingest
import ModelTraining
import NIOCore
import NIOFoundationCompat
import Normalize
import Pipeline
import PostgresNIO
import Server
import Testing
import WainsightTesting

@testable import Detect

/// The detect stage on ingested messages, what the thread API shows of it, and
/// POST /api/insights/detect, on the real database over HTTP.
@Suite struct DetectPipelineTests {
    static let phone = "444"
    static var modelsDirectory: URL { SharedData.repositoryRoot.appendingPathComponent("models") }

    /// Stores each text as an inbound message to ``phone`` (ids `wamid.<idPrefix><index>`, a
    /// second apart, in order) and runs the pipeline over them.
    static func ingest(_ texts: [String], idPrefix: String, harness: IngestHarness) async throws {
        let now = Int(Date().timeIntervalSince1970)
        try await harness.store(
            texts.enumerated().map { index, text in
                Payloads.text(
                    to: phone,
                    from: "55119000001\(index)",
                    id: "wamid.\(idPrefix)\(index)",
                    at: now - 60 + index,
                    body: text
                )
            }
        )
        _ = try await harness.drain()
    }

    /// With the committed intent-minilm, a message embedded by MiniLM (the embed stage runs
    /// first in the configured pipeline) gets its intent from the n-grams and the embedding; a
    /// vector of another model is never fed to it. The committed sentiment-minilm reads the
    /// vector of MiniLM with its top layers tuned for sentiment, which the detector computes from
    /// the text whatever embedding the message has. The pipeline and the API answer the same.
    @Test func intentAndSentimentTakeTheMessagesMiniLMEmbedding() async throws {
        let embedder = try MiniLMEmbedder(directory: SharedData.miniLMDirectory)
        let detector = try Detector(directory: DetectPipelineTests.modelsDirectory, miniLM: embedder)
        let joined = try #require(detector.sentimentWithEmbedding)
        // It names the layers file it was trained with, which loading checked.
        #expect(Detector.tunedLayersSHA256(joined.embeddingModel)?.count == 64)
        let tuned = try #require(detector.sentimentEncoder)
        let joinedIntent = try #require(detector.intentWithEmbedding)
        #expect(detector.embeddingModel == MiniLMEmbedder.modelName)
        // Described by a summary: services holding them are described at start-up.
        #expect(String(describing: detector).count < 300, "\(String(describing: detector).prefix(300))")
        #expect(String(describing: embedder).count < 100)
        // Without MiniLM the n-gram sentiment model answers.
        let withoutMiniLM = try Detector(directory: DetectPipelineTests.modelsDirectory)
        #expect(withoutMiniLM.sentimentEncoder == nil)
        let texts = [
            "honestly the onboarding was a mess but your support team saved us",
            "not sure this is worth the price, let me think about it",
            "Obrigado! Chegou tudo certinho 🙏",
        ]
        let vectors = try await embedder.embed(texts.map(PIIRedactor.embeddingInput))
        for (text, vector) in zip(texts, vectors) {
            let features = detector.reader.features(text)
            let sentimentVector = try #require(tuned.embedSync([PIIRedactor.embeddingInput(text)]).first)
            // The tuned layers make a vector of their own, not the message's embedding.
            #expect(zip(sentimentVector, vector).reduce(Float(0)) { $0 + $1.0 * $1.1 } < 0.99)
            let probabilities = joined.probabilities(features, embedding: sentimentVector)
            let with = detector.detect(text, embedding: vector, embeddingModel: MiniLMEmbedder.modelName)
            #expect(with.sentiment == joined.labels[Softmax.argmax(probabilities)])
            let positive = try #require(joined.labels.firstIndex(of: "positive"))
            let negative = try #require(joined.labels.firstIndex(of: "negative"))
            #expect(abs(with.sentimentScore - Double(probabilities[positive] - probabilities[negative])) < 1e-6)
            let intent = joinedIntent.classify(features, embedding: vector)
            #expect(with.intent == intent.label && with.intentConfidence == intent.confidence)
            // Another model's vector, or none: the n-gram intent model answers, and sentiment
            // still comes from the tuned layers.
            let otherModel = detector.detect(text, embedding: vector, embeddingModel: "text-embedding-3-small")
            let plain = detector.detect(text)
            #expect(otherModel == plain)
            #expect(plain.sentimentScore == with.sentimentScore)
            // The embedding and the tuned layers move the answers, so the checks below can tell.
            let ngrams = withoutMiniLM.detect(text)
            #expect(abs(with.sentimentScore - ngrams.sentimentScore) > 1e-3, "\(text)")
            #expect(abs(with.intentConfidence - plain.intentConfidence) > 1e-3, "\(text)")
        }

        try await TestDatabase.with { url, client in
            let harness = try IngestHarness(
                client: client,
                stages: [
                    EmbedStage(embedder: embedder, model: MiniLMEmbedder.modelName), DetectStage(detector: detector),
                ]
            )
            let (organization, apiKey) = try await harness.organization()
            _ = try await harness.connect(organization, phoneNumberID: Self.phone, wabaID: "waba-detect-minilm")
            try await Self.ingest(texts, idPrefix: "M", harness: harness)
            let expected = zip(texts, vectors).map { text, vector in
                detector.detect(text, embedding: vector, embeddingModel: MiniLMEmbedder.modelName)
            }
            let order = "FROM whatsapp_messages ORDER BY provider_msg_id"
            #expect(try await harness.rows("SELECT ai_sentiment \(order)") == expected.map(\.sentiment))
            #expect(try await harness.rows("SELECT ai_intent \(order)") == expected.map(\.intent))
            let scores = try await harness.rows("SELECT ai_sentiment_score \(order)").compactMap(Double.init)
            #expect(scores.count == 3)
            for (score, detection) in zip(scores, expected) { #expect(abs(score - detection.sentimentScore) < 1e-3) }

            let configuration = IngestHarness.apiConfiguration(
                databaseURL: url,
                embedding: .init(mode: .minilm, miniLMDirectory: SharedData.miniLMDirectory.path),
                modelsDirectory: DetectPipelineTests.modelsDirectory.path
            )
            let app = try await buildApplication(configuration: configuration, runWorker: false, logger: harness.logger)
            try await app.test(.live) { http in
                let response = try await http.execute(
                    uri: "/api/insights/detect",
                    method: .post,
                    headers: [.authorization: "Bearer \(apiKey)", .contentType: "application/json"],
                    body: ByteBuffer(string: #"{"texts": ["\#(texts[0])", "\#(texts[1])"]}"#)
                )
                #expect(response.status == .ok)
                let results = try JSONValue.parse(Data(buffer: response.body))["results"]?.arrayValue ?? []
                #expect(results.map { $0["sentiment"]?.stringValue } == expected.prefix(2).map(\.sentiment))
                #expect(results.map { $0["intent"]?.stringValue } == expected.prefix(2).map(\.intent))
                for (result, detection) in zip(results, expected) {
                    #expect(abs((result["sentiment_score"]?.doubleValue ?? 9) - detection.sentimentScore) < 1e-3)
                }
            }
        }
    }

    /// A sentiment-minilm that reads tuned layers, installed without its layers file or with
    /// another run's, is refused with the command that makes it (not silently answered by
    /// other layers or another model).
    @Test func aTunedSentimentModelWithoutItsLayersIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("detect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in Detector.modelNames + [Detector.sentimentWithEmbeddingName] {
            try FileManager.default.copyItem(
                at: Detector.modelURL(name, in: DetectPipelineTests.modelsDirectory),
                to: Detector.modelURL(name, in: folder)
            )
        }
        for name in TextReader.fileNames {
            try FileManager.default.copyItem(
                at: DetectPipelineTests.modelsDirectory.appendingPathComponent(name),
                to: folder.appendingPathComponent(name)
            )
        }
        let miniLM = try MiniLMEmbedder(directory: SharedData.miniLMDirectory)
        let error = try #require(throws: DetectError.self) { try Detector(directory: folder, miniLM: miniLM) }
        #expect(error.code == .modelMissing)
        #expect(error.message.contains("wainsight train sentiment --embeddings"))
        // Layers of another run (here MiniLM's own top two) are refused as well.
        try SafeTensors.encoded(miniLM.encoder.layerDeltas(miniLM.encoder.topLayers(2)))
            .write(to: folder.appendingPathComponent(Detector.tunedSentimentLayersFile))
        let other = try #require(throws: DetectError.self) { try Detector(directory: folder, miniLM: miniLM) }
        #expect(other.code == .invalidModel)
        #expect(other.message.contains("is not the file sentiment-minilm was trained with"))
        // Without MiniLM the layers are not read: the n-gram model answers.
        #expect(try Detector(directory: folder).sentimentEncoder == nil)
    }

    /// Embed runs before detect only when a detect model takes the embedder's vectors: an
    /// outage of any other embedder never holds up language, intent and sentiment. Extract
    /// always runs before embed (which masks the contact data it found).
    @Test func embedRunsFirstOnlyWhenDetectReadsItsVectors() throws {
        let detector = try Detector(directory: DetectPipelineTests.modelsDirectory)
        let miniLM = try MiniLMEmbedder(directory: SharedData.miniLMDirectory)
        let local = ConfiguredStages(
            detector: detector,
            embedder: ConfiguredEmbedder(embedder: miniLM, model: MiniLMEmbedder.modelName)
        )
        #expect(local.stages.map(\.name) == ["extract", "embed", "detect"])
        // The stage embeds on the background lane; the configured embedder (requests') stays interactive.
        let stageEmbedder = (local.stages.first { $0 is EmbedStage } as? EmbedStage)?.embedder as? MiniLMEmbedder
        #expect(stageEmbedder?.lane == .background)
        #expect((local.embedder?.embedder as? MiniLMEmbedder)?.lane == .interactive)
        let remote = ConfiguredStages(
            detector: detector,
            embedder: ConfiguredEmbedder(embedder: miniLM, model: "text-embedding-3-small")
        )
        #expect(remote.stages.map(\.name) == ["detect", "extract", "embed"])
        #expect(ConfiguredStages(detector: detector, embedder: nil).stages.map(\.name) == ["detect", "extract"])
    }

    /// A detect stage that runs after the embed stage was done in an earlier run (a retry, a
    /// backfill with new models) reads the stored embedding, so it answers as the live pipeline
    /// does; the unchanged vector is not written again.
    @Test func aLaterDetectStageReadsTheStoredEmbedding() async throws {
        let embedder = try MiniLMEmbedder(directory: SharedData.miniLMDirectory)
        let detector = try Detector(directory: DetectPipelineTests.modelsDirectory, miniLM: embedder)
        let embed = EmbedStage(embedder: embedder, model: MiniLMEmbedder.modelName)
        try await TestDatabase.with { _, client in
            let harness = try IngestHarness(client: client, stages: [embed])
            let (organization, _) = try await harness.organization()
            _ = try await harness.connect(organization, phoneNumberID: Self.phone, wabaID: "waba-detect-later")
            let text = "the demo was great but the price is way too high for us"
            try await Self.ingest([text], idPrefix: "L", harness: harness)
            let id = try #require(try await harness.rows("SELECT id FROM whatsapp_messages").first.flatMap(UUID.init))
            let written = try await harness.rows("SELECT created_at FROM message_embeddings")
            #expect(written.count == 1)

            let runner = StageRunner(stages: [embed, DetectStage(detector: detector)], logger: harness.logger)
            _ = try await client.withConnection { try await runner.run(messageID: id, on: $0) }
            let vector = try #require(try await embedder.embed([PIIRedactor.embeddingInput(text)]).first)
            let expected = detector.detect(text, embedding: vector, embeddingModel: MiniLMEmbedder.modelName)
            // The intent model with the embedding answers differently from the n-grams alone here.
            let plain = detector.detect(text)
            #expect(abs(expected.intentConfidence - plain.intentConfidence) > 1e-3)
            let stored =
                try await harness.rows(
                    "SELECT ai_intent_confidence || ' ' || ai_sentiment_score FROM whatsapp_messages"
                )
                .first?.split(separator: " ").compactMap { Double($0) } ?? []
            #expect(stored.count == 2)
            #expect(abs((stored.first ?? 9) - expected.intentConfidence) < 1e-4)
            #expect(abs((stored.last ?? 9) - expected.sentimentScore) < 1e-4)
            #expect(try await harness.rows("SELECT created_at FROM message_embeddings") == written)
        }
    }

    /// Backfill runs the stages a message missed; `redo` runs a stage again on messages that
    /// had it (new models for the history), within one organization; an unknown stage is refused.
    @Test func backfillRedoesDetectOverTheHistory() async throws {
        let embedder = try MiniLMEmbedder(directory: SharedData.miniLMDirectory)
        let detector = try Detector(directory: DetectPipelineTests.modelsDirectory, miniLM: embedder)
        try await TestDatabase.with { _, client in
            // First without embeddings: the n-gram intent model answers.
            let harness = try IngestHarness(client: client, stages: [DetectStage(detector: detector)])
            let (organization, _) = try await harness.organization()
            _ = try await harness.connect(organization, phoneNumberID: Self.phone, wabaID: "waba-backfill")
            let texts = ["the demo was great but the price is way too high for us", "can you send me the invoice?"]
            try await Self.ingest(texts, idPrefix: "B", harness: harness)
            // Intent confidences tell the models apart: intent-minilm reads the stored embedding.
            func scores() async throws -> [Double] {
                try await harness.rows("SELECT ai_intent_confidence FROM whatsapp_messages ORDER BY provider_msg_id")
                    .compactMap(Double.init)
            }
            func close(_ a: [Double], _ b: [Double]) -> Bool {
                a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < 1e-4 }
            }
            let plain = texts.map { detector.detect($0).intentConfidence }
            #expect(close(try await scores(), plain))

            let backfill = StageBackfill(
                client: client,
                runner: StageRunner(
                    stages: [
                        EmbedStage(embedder: embedder, model: MiniLMEmbedder.modelName),
                        DetectStage(detector: detector),
                    ],
                    logger: harness.logger
                )
            )
            // Embeddings are new: they run; detect was done and keeps its answers.
            #expect(try await backfill.pending(organization: organization) == 2)
            #expect(try await backfill.run(organization: organization, batch: 1) == 2)
            #expect(try await backfill.pending(organization: organization) == 0)
            #expect(close(try await scores(), plain))
            #expect(try await harness.count("SELECT count(*) FROM message_embeddings") == 2)

            // Another organization's scope clears nothing here; this one's runs detect again.
            #expect(try await backfill.forget(["detect"], organization: OrganizationID(UUID())).cleared == 0)
            let redone = try await backfill.forget(["detect"], organization: organization)
            #expect(redone.stages == ["detect"] && redone.cleared == 2)
            #expect(try await backfill.run(organization: organization) == 2)
            let vectors = try await embedder.embed(texts.map(PIIRedactor.embeddingInput))
            let joined = zip(texts, vectors).map { text, vector in
                detector.detect(text, embedding: vector, embeddingModel: MiniLMEmbedder.modelName).intentConfidence
            }
            #expect(!close(joined, plain))
            #expect(close(try await scores(), joined))
            // Backfill detects its batch together; each message still gets its own answer.
            let sentiments = try await harness.rows(
                "SELECT ai_sentiment_score FROM whatsapp_messages ORDER BY provider_msg_id"
            )
            .compactMap(Double.init)
            #expect(close(sentiments, texts.map { detector.detect($0).sentimentScore }))
            // The stages after a redone one run again too: detect reads the embedding.
            let again = try await backfill.forget(["embed"], organization: organization)
            #expect(again.stages == ["embed", "detect"] && again.cleared == 4)
            #expect(try await backfill.run(organization: organization) == 2)
            #expect(close(try await scores(), joined))

            await #expect(throws: IngestError.self) { try await backfill.forget(["summarize"], organization: nil) }
        }
    }

    @Test func inboundTextsGetTheirInsightsAndTheAPIShowsThem() async throws {
        let detector = try Detector(directory: DetectPipelineTests.modelsDirectory)
        try await TestDatabase.with { url, client in
            let harness = try IngestHarness(client: client, stages: [DetectStage(detector: detector)])
            let (organization, apiKey) = try await harness.organization()
            _ = try await harness.connect(organization, phoneNumberID: Self.phone, wabaID: "waba-detect")
            let texts = ["Quanto custa o plano anual?", "STOP, remove me from your list", "¿Tienen demo gratis?"]
            try await Self.ingest(texts, idPrefix: "D", harness: harness)
            let stored = try await harness.rows(
                "SELECT provider_msg_id || ' ' || ai_language || ' ' || ai_intent || ' ' || ai_sentiment FROM whatsapp_messages ORDER BY provider_msg_id"
            )
            let expected = texts.map { detector.detect($0) }
            #expect(
                stored == expected.enumerated().map { "wamid.D\($0) \($1.language) \($1.intent) \($1.sentiment)" }
            )
            #expect(expected[0].language == "pt" && expected[0].intent == "pricing")
            #expect(
                try await harness.count(
                    "SELECT count(*) FROM message_stage_runs WHERE stage = 'detect' AND state = 'done'"
                )
                    == 3
            )

            let configuration = IngestHarness.apiConfiguration(
                databaseURL: url,
                embedding: .init(mode: .none),
                modelsDirectory: DetectPipelineTests.modelsDirectory.path
            )
            let app = try await buildApplication(configuration: configuration, runWorker: false, logger: harness.logger)
            try await app.test(.live) { http in
                let auth: HTTPFields = [.authorization: "Bearer \(apiKey)", .contentType: "application/json"]
                let thread = try #require(
                    try await harness.rows("SELECT thread_id FROM whatsapp_messages WHERE provider_msg_id = 'wamid.D0'")
                        .first
                )
                let page = try await http.execute(
                    uri: "/api/whatsapp/threads/\(thread)/messages",
                    method: .get,
                    headers: auth
                )
                let messages = try JSONValue.parse(Data(buffer: page.body))["messages"]
                #expect(messages?[0]?["insights"]?["language"]?.stringValue == "pt")
                #expect(messages?[0]?["insights"]?["intent"]?.stringValue == "pricing")
                #expect(messages?[0]?["insights"]?["intent_confidence"]?.doubleValue != nil)

                let one = try await http.execute(
                    uri: "/api/insights/detect",
                    method: .post,
                    headers: auth,
                    body: ByteBuffer(string: #"{"text": "Can I get a demo next week?"}"#)
                )
                #expect(one.status == .ok)
                let answer = try JSONValue.parse(Data(buffer: one.body))
                let direct = detector.detect("Can I get a demo next week?")
                #expect(answer["language"]?.stringValue == direct.language)
                #expect(answer["intent"]?.stringValue == direct.intent)
                #expect(answer["sentiment_score"]?.doubleValue != nil)

                let many = try await http.execute(
                    uri: "/api/insights/detect",
                    method: .post,
                    headers: auth,
                    body: ByteBuffer(string: #"{"texts": ["hola", "obrigado!"]}"#)
                )
                #expect(try JSONValue.parse(Data(buffer: many.body))["results"]?.arrayValue?.count == 2)

                let bad = try await http.execute(
                    uri: "/api/insights/detect",
                    method: .post,
                    headers: auth,
                    body: ByteBuffer(string: #"{"texts": []}"#)
                )
                #expect(bad.status == .badRequest)
                let blank = try await http.execute(
                    uri: "/api/insights/detect",
                    method: .post,
                    headers: auth,
                    body: ByteBuffer(string: #"{"texts": ["ok", "  "]}"#)
                )
                #expect(blank.status == .badRequest)
                #expect(try JSONValue.parse(Data(buffer: blank.body))["error"]?["code"]?.stringValue == "empty_text")
                let anonymous = try await http.execute(
                    uri: "/api/insights/detect",
                    method: .post,
                    headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: #"{"text": "hi"}"#)
                )
                #expect(anonymous.status == .unauthorized)
            }
        }
    }
}
