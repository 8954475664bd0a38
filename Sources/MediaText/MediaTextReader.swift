import Foundation

/// How a media file's text was read.
public enum MediaTextSource: String, Sendable, CaseIterable {
    /// A PDF's text layer (poppler's `pdftotext`).
    case pdfText = "pdf_text"
    /// Optical character recognition (Tesseract): an image, or a PDF page with no text layer
    /// (a scan). A PDF any of whose pages needed it is marked `ocr`.
    case ocr
    /// A plain-text document, read as it is.
    case plainText = "plain_text"
}

/// The text inside a media file.
public struct MediaText: Sendable, Equatable {
    /// Lines as read, pages apart by a blank line; empty when the file holds no text (a photo).
    public var text: String
    public var source: MediaTextSource
    /// Pages read (1 for an image).
    public var pages: Int
    /// Whether pages or characters past the reader's limits were left out.
    public var truncated: Bool

    public init(text: String, source: MediaTextSource, pages: Int, truncated: Bool) {
        self.text = text
        self.source = source
        self.pages = pages
        self.truncated = truncated
    }
}

/// Why a file's text could not be read.
public struct MediaTextError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable {
        /// Not a type the reader reads (audio, video, office documents).
        case unsupportedType = "unsupported_type"
        /// The file is damaged, encrypted or not what its type says.
        case unreadable
        /// A tool ran longer than the reader allows.
        case timedOut = "timed_out"
        /// pdftotext, pdftoppm or tesseract is not installed.
        case toolMissing = "tool_missing"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Whether reading the same file again cannot succeed: everything but a missing tool, which
    /// an operator can install.
    public var isLasting: Bool { code != .toolMissing }

    public var description: String { "\(code.rawValue): \(message)" }
}

/// Reads the text inside inbound media: PDFs through their text layer (poppler), images and
/// scanned pages with Tesseract (English, Spanish and Portuguese data), plain text as it is.
///
/// It runs Debian's `poppler-utils` and `tesseract-ocr` (installed by scripts/setup) as child
/// processes in a scratch folder, each under a time limit, with Tesseract on one thread
/// (`OMP_THREAD_LIMIT=1`) so that readers running side by side share the cores instead of
/// fighting over them. Pages and characters are capped: a 300-page scan is read up to the cap,
/// not for an hour.
public struct MediaTextReader: Sendable {
    /// Tesseract's languages, `+`-joined; the first leads. Portuguese first read ç, ã and ê
    /// right on the tests' pages where English first did not, and lost nothing in English or
    /// Spanish.
    public var languages: String
    /// PDF pages read; later pages are left out (``MediaText/truncated``).
    public var maxPages: Int
    /// Characters kept.
    public var maxCharacters: Int
    /// How long one tool run may take before it is stopped.
    public var timeout: Duration
    /// Resolution scanned pages are rendered at for OCR.
    public var dotsPerInch: Int
    /// A PDF page whose text layer has fewer letters or digits than this is treated as a scan.
    public var scannedPageLetters: Int
    /// How long OCR of a scanned PDF's pages may take in all: pages not begun by then are left
    /// out (``MediaText/truncated``), so one long scan holds its job for bounded time.
    public var scanBudget: Duration

    public init(
        languages: String = "por+spa+eng",
        maxPages: Int = 10,
        maxCharacters: Int = 20_000,
        timeout: Duration = .seconds(60),
        dotsPerInch: Int = 200,
        scannedPageLetters: Int = 16,
        scanBudget: Duration = .seconds(40)
    ) {
        self.languages = languages
        self.maxPages = maxPages
        self.maxCharacters = maxCharacters
        self.timeout = timeout
        self.dotsPerInch = dotsPerInch
        self.scannedPageLetters = scannedPageLetters
        self.scanBudget = scanBudget
    }

    /// The MIME types read (parameters such as `; charset=` ignored).
    public static let readableTypes: Set<String> = [
        "application/pdf", "image/jpeg", "image/png", "image/webp", "image/tiff", "image/bmp", "text/plain",
    ]

    public static func reads(mimeType: String?) -> Bool {
        readableTypes.contains(bareType(mimeType))
    }

    /// Reads the text of the file at `file`.
    /// - Throws: ``MediaTextError``.
    public func read(file: URL, mimeType: String?) async throws -> MediaText {
        let type = Self.bareType(mimeType)
        guard Self.readableTypes.contains(type) else {
            throw MediaTextError(
                .unsupportedType,
                "\(type.isEmpty ? "a file of no type" : type) holds no readable text"
            )
        }
        guard FileManager.default.isReadableFile(atPath: file.path) else {
            throw MediaTextError(.unreadable, "\(file.path) is missing or cannot be opened")
        }
        switch type {
        case "application/pdf": return try await readPDF(file)
        case "text/plain": return try readPlainText(file)
        default:
            return try await withScratch { folder in
                let (text, truncated) = cap(try await recognize(file, in: folder))
                return MediaText(text: text, source: .ocr, pages: 1, truncated: truncated)
            }
        }
    }

    // MARK: Formats

    private func readPDF(_ file: URL) async throws -> MediaText {
        try await withScratch { folder in
            let layer = folder.appendingPathComponent("layer.txt")
            try await run(
                "pdftotext",
                ["-enc", "UTF-8", "-l", "\(maxPages)", file.path, layer.path],
                in: folder,
                package: "poppler-utils"
            )
            // pdftotext ends every page with a form feed.
            var pages = String(decoding: (try? Data(contentsOf: layer)) ?? Data(), as: UTF8.self)
                .components(separatedBy: "\u{0C}")
            if pages.last?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == true { pages.removeLast() }
            var scanned = false
            var outOfTime = false
            let clock = ContinuousClock()
            let start = clock.now
            for index in pages.indices where Self.letterCount(pages[index]) < scannedPageLetters {
                guard clock.now - start < scanBudget else {
                    pages.removeSubrange(index...)
                    outOfTime = true
                    break
                }
                let page = index + 1
                let prefix = folder.appendingPathComponent("page")
                try await run(
                    "pdftoppm",
                    [
                        "-f", "\(page)", "-l", "\(page)", "-r", "\(dotsPerInch)", "-gray", "-png", "-singlefile",
                        file.path, prefix.path,
                    ],
                    in: folder,
                    package: "poppler-utils"
                )
                pages[index] = try await recognize(prefix.appendingPathExtension("png"), in: folder)
                scanned = true
            }
            let total = try await pageCount(file, in: folder)
            let (text, cut) = cap(pages.map(Self.tidy).filter { !$0.isEmpty }.joined(separator: "\n\n"))
            return MediaText(
                text: text,
                source: scanned ? .ocr : .pdfText,
                pages: pages.count,
                truncated: cut || outOfTime || total > pages.count
            )
        }
    }

    private func readPlainText(_ file: URL) throws -> MediaText {
        let data = try Data(contentsOf: file)
        let (text, truncated) = cap(Self.tidy(String(decoding: data, as: UTF8.self)))
        return MediaText(text: text, source: .plainText, pages: 1, truncated: truncated)
    }

    /// Tesseract's reading of one image.
    private func recognize(_ image: URL, in folder: URL) async throws -> String {
        let base = folder.appendingPathComponent("ocr")
        try await run(
            "tesseract",
            [image.path, base.path, "-l", languages],
            in: folder,
            package: "tesseract-ocr (with tesseract-ocr-eng, -spa and -por)",
            environment: ["OMP_THREAD_LIMIT": "1"]
        )
        let output = base.appendingPathExtension("txt")
        defer { try? FileManager.default.removeItem(at: output) }
        return Self.mendOCR(Self.tidy(String(decoding: try Data(contentsOf: output), as: UTF8.self)))
    }

    /// Tesseract puts a space after the `@` of an e-mail address ("sales@ acme.example"); joined
    /// again, the extract stage finds the address and the embed stage masks it.
    static func mendOCR(_ text: String) -> String {
        var mended = ""
        var previous: Character?
        var pendingAt = false
        for character in text {
            if pendingAt {
                pendingAt = false
                if character == " " { continue }
            }
            if character == "@", previous?.isLetter == true || previous?.isNumber == true { pendingAt = true }
            mended.append(character)
            previous = character
        }
        return mended
    }

    /// The PDF's page count from `pdfinfo` (to tell whether pages were left out).
    private func pageCount(_ file: URL, in folder: URL) async throws -> Int {
        let info = folder.appendingPathComponent("info.txt")
        try await run("pdfinfo", [file.path], in: folder, package: "poppler-utils", standardOutput: info)
        let lines = String(decoding: (try? Data(contentsOf: info)) ?? Data(), as: UTF8.self).split(separator: "\n")
        for line in lines where line.hasPrefix("Pages:") {
            return Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        return 0
    }

    // MARK: Text

    /// Lines without trailing blanks, no runs of more than one empty line, no form feeds.
    static func tidy(_ text: String) -> String {
        var lines: [Substring] = []
        for raw in text.replacingOccurrences(of: "\u{0C}", with: "\n").split(
            separator: "\n",
            omittingEmptySubsequences: false
        ) {
            var line = raw
            while let last = line.last, last.isWhitespace { line.removeLast() }
            if line.isEmpty, lines.last?.isEmpty ?? true { continue }
            lines.append(line)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    static func letterCount(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + (CharacterSet.alphanumerics.contains($1) ? 1 : 0) }
    }

    /// At most ``maxCharacters``, cut at a line's end where one is near.
    private func cap(_ text: String) -> (String, Bool) {
        guard text.count > maxCharacters else { return (text, false) }
        var kept = String(text.prefix(maxCharacters))
        if let newline = kept.lastIndex(of: "\n"), kept.distance(from: newline, to: kept.endIndex) < 500 {
            kept = String(kept[..<newline])
        }
        return (kept, true)
    }

    static func bareType(_ mimeType: String?) -> String {
        (mimeType ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }

    // MARK: Processes

    private func withScratch<T>(_ body: (URL) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "wainsight-media-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await body(folder)
    }

    /// Runs `tool` to its end, or stops it after ``timeout``.
    /// - Throws: `.toolMissing` when it is not on PATH; `.unreadable` with the first lines of
    ///   what it said when it fails; `.timedOut`.
    private func run(
        _ tool: String,
        _ arguments: [String],
        in folder: URL,
        package: String,
        environment: [String: String] = [:],
        standardOutput: URL? = nil
    ) async throws {
        guard let executable = Self.locate(tool) else {
            throw MediaTextError(
                .toolMissing,
                "\(tool) is not installed; install Debian's \(package) (scripts/setup does)"
            )
        }
        let errors = folder.appendingPathComponent("\(tool).stderr")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let errorHandle = try FileHandle(forWritingTo: errors)
        defer { try? errorHandle.close() }
        var outputHandle: FileHandle?
        if let standardOutput {
            _ = FileManager.default.createFile(atPath: standardOutput.path, contents: nil)
            outputHandle = try FileHandle(forWritingTo: standardOutput)
        }
        defer { try? outputHandle?.close() }

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outputHandle ?? FileHandle.nullDevice
        process.standardError = errorHandle
        try Task.checkCancellation()
        let watchdog = Watchdog(process)
        // A cancelled read (the process shutting down) stops its tool at once.
        let status: Int32 = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
                do {
                    try process.run()
                    watchdog.arm(after: timeout)
                } catch {
                    process.terminationHandler = nil
                    continuation.resume(throwing: MediaTextError(.toolMissing, "\(tool) could not start: \(error)"))
                }
            }
        } onCancel: {
            watchdog.stop()
        }
        watchdog.disarm()
        try Task.checkCancellation()
        if watchdog.stopped {
            throw MediaTextError(.timedOut, "\(tool) ran longer than \(timeout) and was stopped")
        }
        guard status == 0 else {
            let said = String(decoding: (try? Data(contentsOf: errors)) ?? Data(), as: UTF8.self)
                .split(separator: "\n").prefix(3).joined(separator: "; ")
            throw MediaTextError(.unreadable, "\(tool) exited with \(status)\(said.isEmpty ? "" : ": \(said)")")
        }
    }

    static func locate(_ tool: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(tool)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }
}

/// Stops a child process that ran too long (or whose read was cancelled), and remembers
/// whether it did.
private final class Watchdog: @unchecked Sendable {
    private let process: Process
    private let lock = NSLock()
    private var didStop = false
    private var timer: Task<Void, Never>?

    init(_ process: Process) { self.process = process }

    /// Stops the process after `timeout` unless it ended or ``disarm()`` came first.
    func arm(after timeout: Duration) {
        let timer = Task {
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            self.stop()
        }
        lock.withLock { self.timer = timer }
    }

    func disarm() {
        lock.withLock { timer }?.cancel()
    }

    func stop() {
        lock.withLock {
            guard process.isRunning else { return }
            didStop = true
            process.terminate()
        }
    }

    var stopped: Bool { lock.withLock { didStop } }
}
