import Foundation

/// Files beside and inside the repository that tests read: `../shared/nlp/...` and the model
/// folders `scripts/setup` fills.
public enum SharedData {
    /// The repository root (from this file's path, so tests work from any directory).
    public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// A file under `../shared/nlp/`.
    public static func nlp(_ relative: String) throws -> URL {
        let url = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/nlp/\(relative)")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: url.path])
        }
        return url
    }

    /// models/minilm, where scripts/setup puts the MiniLM weights.
    public static var miniLMDirectory: URL { repositoryRoot.appendingPathComponent("models/minilm") }
}
