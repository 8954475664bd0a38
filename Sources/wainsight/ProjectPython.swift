import ArgumentParser
import Foundation

/// The project's Python (.venv, made by scripts/setup), for the scripts the evaluations compare
/// against (dateparser, price-parser, rouge-score).
enum ProjectPython {
    static let python = ".venv/bin/python"

    /// Runs `script` with `arguments` and returns what it printed.
    /// - Throws: `ValidationError` naming what is missing or how the script exited.
    static func run(_ script: String, _ arguments: [String]) throws -> Data {
        guard FileManager.default.isExecutableFile(atPath: python), FileManager.default.fileExists(atPath: script)
        else {
            throw ValidationError("\(python) or \(script) is missing (run scripts/setup from the repository)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("\(script) exited with \(process.terminationStatus)")
        }
        return data
    }
}
