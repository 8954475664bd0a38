import Foundation

/// The real webhook payloads in `../shared/whatsapp/corpus` (beside the repository), or in
/// `WAINSIGHT_CORPUS_DIR` when set.
public enum Corpus {
    public struct Payload: Sendable {
        /// Path relative to the corpus folder, e.g. `pywa/text_1.json`.
        public var name: String
        public var body: Data
    }

    public static func directory() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["WAINSIGHT_CORPUS_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        // Sources/WainsightTesting/Corpus.swift → repository root → ../shared
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let candidate = root.deletingLastPathComponent().appendingPathComponent("shared/whatsapp/corpus")
        guard FileManager.default.fileExists(atPath: candidate.path) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: candidate.path])
        }
        return candidate
    }

    /// Every payload, sorted by name.
    public static func all() throws -> [Payload] {
        let base = try directory()
        var payloads: [Payload] = []
        for folder in try FileManager.default.contentsOfDirectory(atPath: base.path).sorted() {
            let dir = base.appendingPathComponent(folder)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDirectory), isDirectory.boolValue
            else {
                continue
            }
            for file in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
            where file.hasSuffix(".json") {
                payloads.append(
                    Payload(name: "\(folder)/\(file)", body: try Data(contentsOf: dir.appendingPathComponent(file)))
                )
            }
        }
        return payloads
    }

    /// One payload by name.
    public static func payload(_ name: String) throws -> Payload {
        let url = try directory().appendingPathComponent(name)
        return Payload(name: name, body: try Data(contentsOf: url))
    }
}

/// The demo conversations in `data/demo/` that `scripts/run` ingests.
public enum DemoData {
    /// The business number and WABA the demo bodies are addressed to.
    public static let phoneNumberID = "109876543210001"
    public static let wabaID = "209876543210001"

    public static func all() throws -> [Corpus.Payload] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let dir = root.appendingPathComponent("data/demo")
        return try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted().filter { $0.hasSuffix(".json") }
            .map { Corpus.Payload(name: $0, body: try Data(contentsOf: dir.appendingPathComponent($0))) }
    }
}
