import Core
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOFoundationCompat
import ServiceLifecycle
import Synchronization

/// A stand-in for Meta's Graph API and 360dialog's relay, on loopback, for tests and the
/// outbound benchmark. It checks every request the way the providers document it (path,
/// credential header, body shape) and answers like them, including their real error bodies;
/// failures can be scripted per recipient or injected at random.
///
/// Meta: `POST /{version}/{phone_number_id}/messages|media`, `GET /{version}/{media_id}`,
/// `GET /{version}/{waba_id}/message_templates` (paged), with `Authorization: Bearer`.
/// 360dialog: `POST /messages|media`, `GET /{media_id}`, `GET /v1/configs/templates`, with
/// `D360-API-KEY`. Media bytes: `GET /whatsapp_business/attachments/?mid=…` with either credential.
public final class FakeGraphAPI: Sendable {
    /// An error the fake answers instead of accepting.
    public enum Failure: Sendable, Equatable {
        /// Meta's error body with this HTTP status and code.
        case graph(status: Int, code: Int, message: String)
        /// No answer for `delay`, then a 503 (the message is not accepted).
        case stall(Duration)
        /// A bare HTTP status with a non-Meta body (a proxy in the way).
        case bare(status: Int)

        public static let reEngagement = Failure.graph(status: 400, code: 131047, message: "Re-engagement message")
        public static let undeliverable = Failure.graph(status: 400, code: 131026, message: "Message undeliverable")
        public static let throughput = Failure.graph(
            status: 429,
            code: 130429,
            message: "Rate limit hit: Cloud API message throughput has been reached"
        )
        public static let pairRate = Failure.graph(
            status: 429,
            code: 131056,
            message: "(Business Account, Consumer Account) pair rate limit hit"
        )
        public static let templateMissing = Failure.graph(
            status: 404,
            code: 132001,
            message: "Template name does not exist in the translation"
        )
        public static let serviceUnavailable = Failure.graph(status: 503, code: 131016, message: "Service unavailable")
        public static let internalError = Failure.graph(status: 500, code: 131000, message: "Something went wrong")
    }

    /// A message the fake accepted.
    public struct Accepted: Sendable, Equatable {
        public var phoneNumberID: String
        public var to: String
        public var type: String
        public var callbackData: String?
        public var wamid: String
        public var body: JSONValue
        public var at: Double
    }

    /// Random failures for the benchmark: each send fails transiently with probability
    /// `transient` (a mix of 5xx, 130429, 131056 and stalls); a message whose callback data hashes
    /// under `permanent` always fails with 131026.
    public struct Chaos: Sendable {
        public var transient: Double
        public var permanent: Double
        public var stall: Duration
        public var seed: UInt64

        public init(transient: Double, permanent: Double, stall: Duration = .seconds(3), seed: UInt64 = 42) {
            self.transient = transient
            self.permanent = permanent
            self.stall = stall
            self.seed = seed
        }
    }

    struct State {
        var port: Int?
        var tokens: [String: String] = [:]  // phone_number_id -> Meta bearer token
        var dialogKeys: [String: String] = [:]  // D360-API-KEY -> phone_number_id
        var wabas: [String: [JSONValue]] = [:]  // waba -> templates
        var script: [String: [Failure]] = [:]  // recipient -> failures, in order
        var chaos: Chaos?
        var random = SplitMix64(seed: 42)
        var accepted: [Accepted] = []
        var reads: [String] = []
        var rejected: [Int: Int] = [:]
        var requests = 0
        /// When each valid send request arrived, per number (accepted or refused).
        var attempts: [String: [Double]] = [:]
        var invalid: [String] = []
        var media: [String: (mimeType: String, data: Data)] = [:]
        /// Media lookups wait this long before answering; `nil`: they answer at once.
        var mediaStall: Duration?
        var stalledMediaLookups = 0
        var nextID = 0
    }

    let state = Mutex(State())
    public let version: String
    /// Templates per page on Meta's listing (small, so tests cross pages).
    public let templatePageSize: Int
    let clock = ContinuousClock()
    let started: ContinuousClock.Instant

    public init(version: String = "v23.0", templatePageSize: Int = 2) {
        self.version = version
        self.templatePageSize = templatePageSize
        self.started = clock.now
    }

    // MARK: Set-up

    public var baseURL: String { "http://127.0.0.1:\(state.withLock { $0.port ?? 0 })" }

    /// Accepts `token` for `phoneNumberID` (Meta) and `dialogKey` as its 360dialog key.
    public func register(phoneNumberID: String, token: String, dialogKey: String? = nil) {
        state.withLock {
            $0.tokens[phoneNumberID] = token
            if let dialogKey { $0.dialogKeys[dialogKey] = phoneNumberID }
        }
    }

    public func setTemplates(waba: String, _ templates: [JSONValue]) {
        state.withLock { $0.wabas[waba] = templates }
    }

    /// The next sends to `recipient` fail with these, in order; then they succeed.
    public func script(_ recipient: String, _ failures: [Failure]) {
        state.withLock { $0.script[recipient, default: []] += failures }
    }

    public func setChaos(_ chaos: Chaos?) {
        state.withLock {
            $0.chaos = chaos
            $0.random = SplitMix64(seed: chaos?.seed ?? 42)
        }
    }

    /// Media lookups (`GET /{version}/{media_id}`) hang for `delay` first; `nil` ends that.
    public func stallMediaLookups(_ delay: Duration?) {
        state.withLock { $0.mediaStall = delay }
    }

    /// Stores a media file that inbound webhooks can name.
    public func addMedia(id: String, mimeType: String, data: Data) {
        state.withLock { $0.media[id] = (mimeType, data) }
    }

    // MARK: What happened

    public var accepted: [Accepted] { state.withLock { $0.accepted } }
    public var reads: [String] { state.withLock { $0.reads } }
    /// Refused sends by Meta error code (0 for bare statuses and stalls).
    public var rejected: [Int: Int] { state.withLock { $0.rejected } }
    /// Requests that broke the documented protocol (wrong path, credential or body): should stay empty.
    public var invalidRequests: [String] { state.withLock { $0.invalid } }
    public var requestCount: Int { state.withLock { $0.requests } }
    /// Media lookups that were made to hang (see ``stallMediaLookups(_:)``).
    public var stalledMediaLookups: Int { state.withLock { $0.stalledMediaLookups } }
    public func mediaData(id: String) -> Data? { state.withLock { $0.media[id]?.data } }

    // MARK: Running

    /// Runs a fake on an ephemeral loopback port for the duration of `body`.
    public static func with<Result: Sendable>(
        version: String = "v23.0",
        _ body: (FakeGraphAPI) async throws -> Result
    ) async throws -> Result {
        let fake = FakeGraphAPI(version: version)
        let app = fake.application(host: "127.0.0.1", port: 0)
        let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: Logger(label: "fake-graph"))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            defer { tasks.cancelAll() }
            for _ in 0..<500 where fake.state.withLock({ $0.port == nil }) {
                try await Task.sleep(for: .milliseconds(10))
            }
            let result = try await body(fake)
            await group.triggerGracefulShutdown()
            return result
        }
    }

    /// The fake as a Hummingbird application (the benchmark runs it as its own process).
    public func application(host: String, port: Int, logger: Logger = Logger(label: "fake-graph"))
        -> some ApplicationProtocol
    {
        let router = Router()
        router.post("/{a}/{b}/messages") { request, context in
            try await self.meta(request, context, operation: "messages")
        }
        router.post("/{a}/{b}/media") { request, context in
            try await self.meta(request, context, operation: "media")
        }
        router.get("/{a}/{b}/message_templates") { request, context in
            try await self.metaTemplates(request, context)
        }
        router.get("/{a}/{b}") { request, context in
            _ = try self.metaPhone(request, context)
            try self.authorizedMetaAnyNumber(request)
            return try await self.mediaInfo(request, id: context.parameters.get("b") ?? "")
        }
        router.post("/messages") { request, _ in
            try await self.send(request, phone: try self.dialogPhone(request), version: nil)
        }
        router.post("/media") { request, _ in
            try await self.upload(request, phone: try self.dialogPhone(request))
        }
        router.get("/v1/configs/templates") { request, _ in
            try await self.dialogTemplates(request, phone: try self.dialogPhone(request))
        }
        router.get("/whatsapp_business/attachments/") { request, _ in
            try await self.download(request)
        }
        router.get("/{a}") { request, context in
            _ = try self.dialogPhone(request)
            return try await self.mediaInfo(request, id: context.parameters.get("a") ?? "")
        }
        router.get("/_fake/stats") { _, _ in self.stats() }
        router.get("/_fake/accepted") { _, _ in
            Self.json(
                .array(
                    self.accepted.map {
                        [
                            "callback": $0.callbackData.map(JSONValue.string) ?? .null,
                            "phone_number_id": .string($0.phoneNumberID), "at": .number($0.at),
                        ]
                    }
                )
            )
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "fake-graph"),
            onServerRunning: { channel in
                self.state.withLock { $0.port = channel.localAddress?.port }
            },
            logger: logger
        )
    }

    // MARK: Protocol checks

    struct Refusal: Error, HTTPResponseError {
        var status: HTTPResponse.Status
        var code: Int
        var message: String
        func response(from request: Request, context: some RequestContext) throws -> Response {
            FakeGraphAPI.error(status: Int(status.code), code: code, message: message)
        }
    }

    static func error(status: Int, code: Int, message: String) -> Response {
        let body: JSONValue = [
            "error": [
                "message": .string("(#\(code)) \(message)"), "type": "OAuthException", "code": .number(Double(code)),
                "error_data": ["messaging_product": "whatsapp", "details": .string(message)],
                "fbtrace_id": "AbCdEfFake",
            ]
        ]
        return json(body, status: HTTPResponse.Status(code: status))
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: value.canonicalData()))
        )
    }

    private func invalid(_ what: String, status: HTTPResponse.Status = .badRequest, code: Int = 100) -> Refusal {
        state.withLock { $0.invalid.append(what) }
        return Refusal(status: status, code: code, message: what)
    }

    /// Meta: the path's version must be the pinned one and the bearer token the number's.
    private func metaPhone(_ request: Request, _ context: some RequestContext) throws -> String? {
        guard context.parameters.get("a") == version else {
            throw invalid("unknown API version \(context.parameters.get("a") ?? "")", status: .notFound)
        }
        return context.parameters.get("b")
    }

    private func authorizedMeta(_ request: Request, phone: String) throws {
        let header = request.headers[.authorization] ?? ""
        let expected = state.withLock { $0.tokens[phone] }
        guard let expected else { throw invalid("unknown phone_number_id \(phone)", status: .notFound, code: 100) }
        guard header == "Bearer \(expected)" else {
            throw invalid("bad Authorization header for \(phone)", status: .unauthorized, code: 190)
        }
    }

    private func dialogPhone(_ request: Request) throws -> String {
        guard let key = request.headers[HTTPField.Name("D360-API-KEY")!],
            let phone = state.withLock({ $0.dialogKeys[key] })
        else {
            throw invalid("missing or unknown D360-API-KEY", status: .unauthorized, code: 0)
        }
        return phone
    }

    private func meta(_ request: Request, _ context: some RequestContext, operation: String) async throws -> Response {
        guard let phone = try metaPhone(request, context) else { throw invalid("no phone_number_id") }
        try authorizedMeta(request, phone: phone)
        return operation == "media"
            ? try await upload(request, phone: phone) : try await send(request, phone: phone, version: version)
    }

    // MARK: Messages

    private func send(_ request: Request, phone: String, version: String?) async throws -> Response {
        state.withLock { $0.requests += 1 }
        guard request.headers[.contentType]?.hasPrefix("application/json") == true else {
            throw invalid("Content-Type must be application/json")
        }
        let body = try JSONValue.parse(Data(buffer: try await request.body.collect(upTo: 1 << 20)))
        guard body["messaging_product"]?.stringValue == "whatsapp" else {
            throw invalid("messaging_product must be whatsapp")
        }
        if body["status"]?.stringValue == "read" {
            guard let id = body["message_id"]?.nonEmptyString else { throw invalid("message_id is required") }
            state.withLock { $0.reads.append(id) }
            return Self.json(["success": true])
        }
        guard let to = body["to"]?.nonEmptyString else { throw invalid("to is required") }
        guard let type = body["type"]?.stringValue else { throw invalid("type is required") }
        switch type {
        case "text":
            guard body["text"]?["body"]?.nonEmptyString != nil else { throw invalid("text.body is required") }
        case "template":
            guard body["template"]?["name"]?.nonEmptyString != nil,
                body["template"]?["language"]?["code"]?.nonEmptyString != nil
            else { throw invalid("template.name and template.language.code are required") }
            if let components = body["template"]?["components"], components.arrayValue == nil {
                throw invalid("template.components must be an array")
            }
        default:
            guard body[type] != nil else { throw invalid("a \(type) message needs its \(type) object") }
        }
        let arrived = elapsed()
        state.withLock { $0.attempts[phone, default: []].append(arrived) }
        if let failure = nextFailure(recipient: to, callback: body["biz_opaque_callback_data"]?.stringValue) {
            return try await answer(failure)
        }
        let accepted = state.withLock { state -> Accepted in
            state.nextID += 1
            let wamid = "wamid.FAKE\(String(format: "%010d", state.nextID))"
            let record = Accepted(
                phoneNumberID: phone,
                to: to,
                type: type,
                callbackData: body["biz_opaque_callback_data"]?.stringValue,
                wamid: wamid,
                body: body,
                at: arrived
            )
            state.accepted.append(record)
            return record
        }
        return Self.json([
            "messaging_product": "whatsapp",
            "contacts": [["input": .string(to), "wa_id": .string(to)]],
            "messages": [["id": .string(accepted.wamid), "message_status": "accepted"]],
        ])
    }

    private func elapsed() -> Double {
        (clock.now - started).seconds
    }

    private func nextFailure(recipient: String, callback: String?) -> Failure? {
        state.withLock { state in
            if var queued = state.script[recipient], !queued.isEmpty {
                let failure = queued.removeFirst()
                state.script[recipient] = queued
                return failure
            }
            guard let chaos = state.chaos else { return nil }
            let key = callback ?? recipient
            let digest = SHA256.hash(data: Data(key.utf8))
            let bucket = digest.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            if Double(bucket) / Double(UInt32.max) < chaos.permanent { return .undeliverable }
            guard state.random.nextDouble() < chaos.transient else { return nil }
            switch state.random.next() % 6 {
            case 0: return .internalError
            case 1: return .serviceUnavailable
            case 2: return .throughput
            case 3: return .pairRate
            case 4: return .bare(status: 502)
            default: return .stall(chaos.stall)
            }
        }
    }

    private func answer(_ failure: Failure) async throws -> Response {
        switch failure {
        case .graph(let status, let code, let message):
            state.withLock { $0.rejected[code, default: 0] += 1 }
            return Self.error(status: status, code: code, message: message)
        case .stall(let delay):
            state.withLock { $0.rejected[0, default: 0] += 1 }
            try await Task.sleep(for: delay)
            return Self.error(status: 503, code: 131016, message: "Service unavailable")
        case .bare(let status):
            state.withLock { $0.rejected[0, default: 0] += 1 }
            return Response(
                status: HTTPResponse.Status(code: status),
                headers: [.contentType: "text/html"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "<html>Bad Gateway</html>"))
            )
        }
    }

    // MARK: Media

    private func upload(_ request: Request, phone: String) async throws -> Response {
        guard let type = request.headers[.contentType], type.hasPrefix("multipart/form-data; boundary=") else {
            throw invalid("media upload must be multipart/form-data")
        }
        let boundary = String(type.dropFirst("multipart/form-data; boundary=".count))
        let body = Data(buffer: try await request.body.collect(upTo: 64 << 20))
        guard let parts = Self.multipart(body, boundary: boundary),
            parts["messaging_product"]?.data == Data("whatsapp".utf8),
            let file = parts["file"], let mimeType = file.contentType
        else {
            throw invalid("media upload needs messaging_product=whatsapp and a file part with its Content-Type")
        }
        let id = state.withLock { state -> String in
            state.nextID += 1
            let id = "media\(state.nextID)"
            state.media[id] = (mimeType, file.data)
            return id
        }
        return Self.json(["id": .string(id)])
    }

    private func authorizedMetaAnyNumber(_ request: Request) throws {
        let header = request.headers[.authorization] ?? ""
        guard state.withLock({ $0.tokens.values.contains { header == "Bearer \($0)" } }) else {
            throw invalid("bad Authorization header", status: .unauthorized, code: 190)
        }
    }

    private func mediaInfo(_ request: Request, id: String) async throws -> Response {
        let stall = state.withLock { state in
            if state.mediaStall != nil { state.stalledMediaLookups += 1 }
            return state.mediaStall
        }
        if let stall { try await Task.sleep(for: stall) }
        guard let media = state.withLock({ $0.media[id] }) else {
            return Self.error(
                status: 404,
                code: 100,
                message: "Unsupported get request. Object with ID '\(id)' does not exist"
            )
        }
        let hash = Data(SHA256.hash(data: media.data)).base64EncodedString()
        return Self.json([
            "messaging_product": "whatsapp",
            "url": .string("\(baseURL)/whatsapp_business/attachments/?mid=\(id)&ext=1700000000&hash=fake"),
            "mime_type": .string(media.mimeType), "sha256": .string(hash),
            "file_size": .number(Double(media.data.count)), "id": .string(id),
        ])
    }

    private func download(_ request: Request) async throws -> Response {
        let authorized: Bool = state.withLock { state in
            if let key = request.headers[HTTPField.Name("D360-API-KEY")!] { return state.dialogKeys[key] != nil }
            let header = request.headers[.authorization] ?? ""
            return state.tokens.values.contains { header == "Bearer \($0)" }
        }
        guard authorized else {
            throw invalid("media download without the credential", status: .unauthorized, code: 190)
        }
        guard let id = request.uri.queryParameters["mid"].map(String.init), let media = state.withLock({ $0.media[id] })
        else { return Self.error(status: 404, code: 100, message: "media not found") }
        return Response(
            status: .ok,
            headers: [.contentType: media.mimeType],
            body: ResponseBody(byteBuffer: ByteBuffer(data: media.data))
        )
    }

    // MARK: Templates

    private func metaTemplates(_ request: Request, _ context: some RequestContext) async throws -> Response {
        guard context.parameters.get("a") == version, let waba = context.parameters.get("b") else {
            throw invalid("unknown API version", status: .notFound)
        }
        let header = request.headers[.authorization] ?? ""
        guard state.withLock({ $0.tokens.values.contains { header == "Bearer \($0)" } }) else {
            throw invalid("bad Authorization header for template listing", status: .unauthorized, code: 190)
        }
        let query = request.uri.queryParameters
        guard query["fields"] != nil else { throw invalid("template listing without fields=") }
        let all = state.withLock { $0.wabas[waba] ?? [] }
        let offset = query["after"].flatMap { Int(String($0)) } ?? 0
        let page = Array(all.dropFirst(offset).prefix(templatePageSize))
        var paging: [String: JSONValue] = [
            "cursors": ["before": .string(String(offset)), "after": .string(String(offset + page.count))]
        ]
        if offset + page.count < all.count {
            paging["next"] = .string(
                "\(baseURL)/\(version)/\(waba)/message_templates?fields=name&limit=\(templatePageSize)&after=\(offset + page.count)"
            )
        }
        return Self.json(["data": .array(page), "paging": .object(paging)])
    }

    private func dialogTemplates(_ request: Request, phone: String) async throws -> Response {
        let waba = state.withLock { state in state.wabas.keys.sorted().first { _ in true } }
        let all = state.withLock { $0.wabas[waba ?? ""] ?? [] }
        let query = request.uri.queryParameters
        let offset = query["offset"].flatMap { Int(String($0)) } ?? 0
        let limit = min(templatePageSize, query["limit"].flatMap { Int(String($0)) } ?? 1000)
        let page = Array(all.dropFirst(offset).prefix(limit))
        return Self.json([
            "waba_templates": .array(page), "count": .number(Double(page.count)), "total": .number(Double(all.count)),
            "offset": .number(Double(offset)), "limit": .number(Double(limit)),
        ])
    }

    // MARK: Stats (for the benchmark, which runs the fake as its own process)

    private func stats() -> Response {
        let (accepted, rejected, requests, invalid, attempts) = state.withLock {
            ($0.accepted, $0.rejected, $0.requests, $0.invalid, $0.attempts)
        }
        var perNumber: [String: JSONValue] = [:]
        let acceptedByNumber = Dictionary(grouping: accepted, by: \.phoneNumberID)
        for (phone, times) in attempts {
            // Requests (accepted or refused) in the busiest one-second window: the provider's
            // throughput cap counts every request.
            let sorted = times.sorted()
            var busiest = 0
            var end = 0
            for start in sorted.indices {
                while end < sorted.count && sorted[end] < sorted[start] + 1 { end += 1 }
                busiest = max(busiest, end - start)
            }
            perNumber[phone] = [
                "accepted": .number(Double(acceptedByNumber[phone]?.count ?? 0)),
                "requests": .number(Double(sorted.count)), "first_at": .number(sorted.first ?? 0),
                "last_at": .number(sorted.last ?? 0), "max_requests_per_second": .number(Double(busiest)),
                // When 90% of the requests had come: the rate before the retry tail.
                "p90_at": .number(sorted.isEmpty ? 0 : sorted[(sorted.count * 9) / 10]),
            ]
        }
        var byCallback: [String: Int] = [:]
        for record in accepted { byCallback[record.callbackData ?? record.wamid, default: 0] += 1 }
        let duplicates = byCallback.filter { $0.value > 1 }.keys.sorted()
        return Self.json([
            "requests": .number(Double(requests)), "accepted": .number(Double(accepted.count)),
            "distinct_accepted": .number(Double(byCallback.count)),
            "duplicates": .array(duplicates.map { .string($0) }),
            "rejected": .object(
                Dictionary(uniqueKeysWithValues: rejected.map { (String($0.key), .number(Double($0.value))) })
            ),
            "invalid": .array(invalid.map { .string($0) }), "per_number": .object(perNumber),
        ])
    }

    // MARK: Helpers

    struct Part {
        var data: Data
        var contentType: String?
    }

    /// A minimal multipart/form-data reader (the fake's own check of what adapters send).
    static func multipart(_ body: Data, boundary: String) -> [String: Part]? {
        let delimiter = Data("--\(boundary)".utf8)
        var parts: [String: Part] = [:]
        var chunks: [Data] = []
        var rest = body[...]
        while let range = rest.range(of: delimiter) {
            chunks.append(Data(rest[rest.startIndex..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        for chunk in chunks.dropFirst() {
            guard let split = chunk.range(of: Data("\r\n\r\n".utf8)) else { continue }
            let head = String(decoding: chunk[chunk.startIndex..<split.lowerBound], as: UTF8.self)
            var data = Data(chunk[split.upperBound...])
            if data.suffix(2) == Data("\r\n".utf8) { data.removeLast(2) }
            guard let nameRange = head.range(of: "name=\"") else { continue }
            let name = String(head[nameRange.upperBound...].prefix { $0 != "\"" })
            let type = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-type:") }
                .map { $0.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces) }
            parts[name] = Part(data: data, contentType: type)
        }
        return parts.isEmpty ? nil : parts
    }
}
