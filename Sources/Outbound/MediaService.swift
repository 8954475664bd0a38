import Core
import Crypto
import Foundation
import Logging
import MediaText
import PostgresNIO
import ServiceLifecycle
import Store

/// Media files under the configured directory: uploads from the API (optionally passed on to
/// the provider), inbound media fetched with the account's credential, and signed, expiring
/// URLs to read them. Files are content-addressed: `<organization>/<sha256>`.
public struct MediaService: Sendable {
    public let client: PostgresClient
    public let directory: ProviderDirectory
    public let secretBox: SecretBox
    public let options: WainsightConfiguration.OutboundOptions
    public let logger: Logger

    public init(
        client: PostgresClient,
        directory: ProviderDirectory,
        secretBox: SecretBox,
        options: WainsightConfiguration.OutboundOptions,
        logger: Logger
    ) {
        self.client = client
        self.directory = directory
        self.secretBox = secretBox
        self.options = options
        self.logger = logger
    }

    /// MIME types WhatsApp accepts, with their size limits (shared/whatsapp/api-facts.md §6).
    public static let limits: [String: Int] = [
        "image/jpeg": 5 << 20, "image/png": 5 << 20, "image/webp": 500 << 10,
        "video/mp4": 16 << 20, "video/3gpp": 16 << 20,
        "audio/aac": 16 << 20, "audio/amr": 16 << 20, "audio/mpeg": 16 << 20, "audio/mp4": 16 << 20,
        "audio/ogg": 16 << 20,
        "application/pdf": 100 << 20, "text/plain": 100 << 20, "application/msword": 100 << 20,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": 100 << 20,
        "application/vnd.ms-excel": 100 << 20,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": 100 << 20,
        "application/vnd.ms-powerpoint": 100 << 20,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation": 100 << 20,
    ]

    /// Stores an uploaded file; with an account, also uploads it to the provider so messages
    /// and template headers can use its media id.
    /// - Throws: ``OutboundError`` `.invalidRequest` for an unsupported type or an oversized
    ///   file; provider errors from the upload.
    public func upload(
        organization: OrganizationID,
        data: Data,
        mimeType rawMimeType: String,
        filename: String?,
        accountID: UUID?
    ) async throws -> MediaBlob {
        let mimeType =
            rawMimeType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard let limit = Self.limits[mimeType] else {
            throw OutboundError(
                .invalidRequest,
                "Content-Type \(mimeType.isEmpty ? "(none)" : mimeType) is not a media type WhatsApp accepts; "
                    + "use one of " + Self.limits.keys.sorted().joined(separator: ", ")
            )
        }
        guard !data.isEmpty, data.count <= min(limit, options.maxMediaBytes) else {
            throw OutboundError(
                .invalidRequest,
                "a \(mimeType) file must be 1 to \(min(limit, options.maxMediaBytes)) bytes, got \(data.count)"
            )
        }
        let sha256 = Self.hex(SHA256.hash(data: data))
        let path = try write(data, organization: organization, sha256: sha256)
        var providerMediaID: String?
        if let accountID {
            let connection = try await directory.connection(account: accountID, organization: organization)
            providerMediaID = try await connection.provider.uploadMedia(
                data,
                mimeType: mimeType,
                filename: filename ?? "upload"
            )
        }
        return try await client.withConnection { connection in
            try await MediaRepository.insertUpload(
                organization: organization,
                account: accountID,
                providerMediaID: providerMediaID,
                mimeType: mimeType,
                filename: filename,
                sha256: sha256,
                size: data.count,
                storagePath: path,
                on: connection,
                logger: logger
            )
        }
    }

    /// Fetches an inbound media file from the provider (inside the download job's transaction),
    /// checks it against the sha256 Meta announced, and stores it.
    /// - Returns: The file's MIME type.
    @discardableResult
    public func fetch(blobID: UUID, on connection: PostgresConnection) async throws -> String? {
        let blob = try await MediaRepository.blob(id: blobID, organization: nil, on: connection, logger: logger)
        guard blob.storagePath == nil else { return blob.mimeType }
        guard let mediaID = blob.providerMediaID, let accountID = blob.accountID else {
            throw OutboundError(.invalidRequest, "media \(blobID) has no provider id or account to fetch it with")
        }
        let provider = try await directory.connection(account: accountID).provider
        let info = try await provider.mediaInfo(id: mediaID)
        let data = try await provider.download(info, maxBytes: options.maxMediaBytes)
        let sha256 = Self.hex(SHA256.hash(data: data))
        if let announced = blob.sha256 ?? info.sha256, let expected = Self.normalizedSHA256(announced),
            expected != sha256
        {
            throw OutboundError(.mediaIntegrity, "media \(mediaID) has sha256 \(sha256), Meta announced \(expected)")
        }
        let path = try write(data, organization: blob.organizationID, sha256: sha256)
        try await MediaRepository.recordDownload(
            id: blobID,
            storagePath: path,
            size: data.count,
            mimeType: info.mimeType,
            sha256: sha256,
            on: connection,
            logger: logger
        )
        return blob.mimeType ?? info.mimeType
    }

    /// Where a stored file is on disk.
    public func file(at storagePath: String) -> URL {
        URL(fileURLWithPath: options.mediaDirectory).appendingPathComponent(storagePath)
    }

    // MARK: Signed URLs

    /// A path that serves the file without an API key until `expiresAt`.
    public func signedPath(for blob: MediaBlob, now: Date = Date()) -> (path: String, expiresAt: Date) {
        let lifetime = Double(options.mediaURLLifetime.components.seconds)
        let expires = Int((now.timeIntervalSince1970 + lifetime).rounded(.down))
        let signature = Self.hex(
            secretBox.authenticationCode(
                for: Data("\(blob.id.uuidString.lowercased())|\(expires)".utf8),
                purpose: "media-url"
            )
        )
        return (
            "/media/\(blob.id.uuidString.lowercased())?expires=\(expires)&signature=\(signature)",
            Date(timeIntervalSince1970: Double(expires))
        )
    }

    /// Checks a signed URL and reads its file.
    /// - Throws: ``OutboundError`` `.notFound` for a bad or expired signature (nothing is
    ///   revealed about which), or a file that is not here yet.
    public func open(id: UUID, expires: Int, signature: String, now: Date = Date()) async throws -> (MediaBlob, Data) {
        let expected = secretBox.authenticationCode(
            for: Data("\(id.uuidString.lowercased())|\(expires)".utf8),
            purpose: "media-url"
        )
        guard let given = Self.bytes(hex: signature), given.count == expected.count,
            zip(given, expected).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0, Double(expires) > now.timeIntervalSince1970
        else {
            throw OutboundError(.notFound, "this media link is invalid or has expired; ask the API for a new one")
        }
        let blob = try await client.withConnection { connection in
            try await MediaRepository.blob(id: id, organization: nil, on: connection, logger: logger)
        }
        guard let path = blob.storagePath else {
            throw OutboundError(.notFound, "media \(id) has not been downloaded yet")
        }
        return (blob, try Data(contentsOf: file(at: path)))
    }

    // MARK: Files

    private func write(_ data: Data, organization: OrganizationID, sha256: String) throws -> String {
        let relative = "\(organization.rawValue.uuidString.lowercased())/\(sha256)"
        let root = URL(fileURLWithPath: options.mediaDirectory)
        let folder = root.appendingPathComponent(organization.rawValue.uuidString.lowercased())
        let file = root.appendingPathComponent(relative)
        if FileManager.default.fileExists(atPath: file.path) { return relative }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // Write then rename, so a reader never sees half a file.
        let temporary = folder.appendingPathComponent(".\(sha256).\(UUID().uuidString)")
        try data.write(to: temporary)
        _ = try? FileManager.default.removeItem(at: file)
        try FileManager.default.moveItem(at: temporary, to: file)
        return relative
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func bytes(hex: String) -> [UInt8]? {
        guard hex.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }

    /// Meta's sha256 as lowercase hex, whether it came as hex or base64; `nil` when it is neither
    /// (test fixtures carry placeholders).
    static func normalizedSHA256(_ value: String) -> String? {
        if value.count == 64, let bytes = bytes(hex: value.lowercased()), bytes.count == 32 {
            return value.lowercased()
        }
        if let data = Data(base64Encoded: value), data.count == 32 { return hex(data) }
        return nil
    }
}

/// Fetches inbound media in the background (job kind `download_media`), before Meta's ids
/// expire, then reads the text inside images and documents (job kind `read_media_text`).
public struct MediaFetcher: Service {
    public let queue: JobQueue
    public let media: MediaService
    public let reader: MediaTextReader
    public let logger: Logger

    public init(queue: JobQueue, media: MediaService, reader: MediaTextReader = MediaTextReader(), logger: Logger) {
        self.queue = queue
        self.media = media
        self.reader = reader
        self.logger = logger
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await loop()
        } onGracefulShutdown: { [queue] in
            queue.shutdown.begin()
        }
        logger.info("media fetcher stopped")
        try? await gracefulShutdown()  // its own turn (see IngestWorker.run)
    }

    private func loop() async throws {
        while !Task.isCancelled && !queue.shutdown.isDraining {
            do {
                if try await drainOnce() == 0 { try await Task.sleep(for: .milliseconds(500)) }
            } catch is CancellationError {
                return
            } catch  where Task.isCancelled {
                return
            } catch {
                logger.error("media fetch batch failed", metadata: ["error": "\(String(reflecting: error))"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Runs the download jobs that are ready now, then one text-reading job (a scan takes
    /// seconds: one at a time keeps it well inside its lease). - Returns: How many ran.
    @discardableResult
    public func drainOnce() async throws -> Int {
        let downloads = try await queue.process(kinds: [.downloadMedia], limit: 4) { connection, job in
            guard let blobID = job.refUUID else { return .done }
            do {
                let mimeType = try await media.fetch(blobID: blobID, on: connection)
                if MediaTextReader.reads(mimeType: mimeType) {
                    try await JobQueue.enqueue(
                        .readMediaText,
                        refUUIDs: [blobID],
                        organization: job.organizationID,
                        on: connection,
                        logger: logger
                    )
                }
                return .done
            } catch let error as OutboundError {
                try? await MediaRepository.recordDownloadError(
                    id: blobID,
                    error: error.description,
                    client: media.client,
                    logger: logger
                )
                return .retry(reason: error.description)
            }
        }
        let reads = try await queue.process(kinds: [.readMediaText], limit: 1) { connection, job in
            guard let blobID = job.refUUID else { return .done }
            return try await readText(blobID, on: connection)
        }
        return downloads + reads
    }

    /// Reads the text of a downloaded file onto the messages that show it. A file that cannot
    /// be read has the reason recorded and is done with (a damaged file stays damaged); only a
    /// missing tool is retried, until the queue's attempts run out.
    private func readText(_ blobID: UUID, on connection: PostgresConnection) async throws -> JobOutcome {
        let blob = try await MediaRepository.blob(id: blobID, organization: nil, on: connection, logger: logger)
        guard let path = blob.storagePath,
            !(try await MediaRepository.messagesShowing(blob, on: connection, logger: logger)).isEmpty
        else { return .done }
        let started = ContinuousClock.now
        do {
            let read = try await reader.read(file: media.file(at: path), mimeType: blob.mimeType)
            let messages = try await MediaRepository.recordMediaText(
                blob,
                text: read.text,
                source: read.source.rawValue,
                error: nil,
                on: connection,
                logger: logger
            )
            logger.info(
                "media text read",
                metadata: [
                    "media.id": "\(blobID)", "source": "\(read.source.rawValue)", "pages": "\(read.pages)",
                    "characters": "\(read.text.count)", "truncated": "\(read.truncated)",
                    "messages": "\(messages.count)",
                    "duration": "\(ContinuousClock.now - started)",
                ]
            )
            return .done
        } catch let error as MediaTextError {
            try await MediaRepository.recordMediaText(
                blob,
                text: nil,
                source: nil,
                error: error.description,
                on: connection,
                logger: logger
            )
            logger.info("media text unreadable", metadata: ["media.id": "\(blobID)", "error": "\(error)"])
            return error.isLasting ? .done : .retry(reason: error.description)
        }
    }
}
