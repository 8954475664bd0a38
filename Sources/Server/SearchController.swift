import Core
import Embed
import Foundation
import Hummingbird
import Logging
import Normalize
import Pipeline
import Store

/// `GET /api/search?q=…` — hybrid search over the organization's messages: meaning (the query's
/// embedding against every message's, pgvector HNSW) fused with words (full text), with
/// filters `from`, `to` (ISO 8601), `contact_id`, `thread_id`, `direction`, `intent`, `limit`.
public struct SearchController<Search: MessageSearching>: Sendable {
    public let search: Search
    public let embedder: ConfiguredEmbedder?
    public let logger: Logger

    public init(search: Search, embedder: ConfiguredEmbedder?, logger: Logger) {
        self.search = search
        self.embedder = embedder
        self.logger = logger
    }

    public func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/search", use: run)
    }

    struct Hit: Codable, Sendable {
        @LowercaseID var messageID: UUID
        @OptionalLowercaseID var threadID: UUID?
        @OptionalLowercaseID var contactID: UUID?
        var waID: String?
        var profileName: String?
        var direction: String
        var text: String?
        var snippet: String
        var sentAt: Date
        var score: Double
        var semanticRank: Int?
        var lexicalRank: Int?
    }

    struct Results: ResponseEncodable {
        var query: String
        /// `hybrid`, or `lexical` when no embedder is configured.
        var mode: String
        var hits: [Hit]
    }

    @Sendable func run(_ request: Request, context: AppRequestContext) async throws -> Results {
        let org = try context.requireOrganization()
        let query = request.uri.queryParameters
        guard let text = query["q"].map(String.init)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty
        else {
            throw APIError(.badRequest, code: "missing_query", message: "give the search text as q=")
        }
        let filter = try Self.filter(from: query)
        let limit = min(100, max(1, query["limit"].flatMap { Int(String($0)) } ?? 20))
        let hits = try await ConfiguredEmbedder.search(
            text,
            organization: org,
            filter: filter,
            limit: limit,
            repository: search,
            embedder: embedder
        )
        return Results(
            query: text,
            mode: embedder == nil ? "lexical" : "hybrid",
            hits: hits.map {
                Hit(
                    messageID: $0.messageID,
                    threadID: $0.threadID,
                    contactID: $0.contactID,
                    waID: $0.waID,
                    profileName: $0.profileName,
                    direction: $0.direction,
                    text: $0.text,
                    snippet: $0.snippet,
                    sentAt: $0.sentAt,
                    score: $0.score,
                    semanticRank: $0.semanticRank,
                    lexicalRank: $0.lexicalRank
                )
            }
        )
    }

    static func filter(from query: Parameters) throws -> SearchFilter {
        func date(_ key: String) throws -> Date? {
            guard let raw = query[Substring(key)].map(String.init) else { return nil }
            let formatter = ISO8601DateFormatter()
            if let date = formatter.date(from: raw) { return date }
            formatter.formatOptions = [.withFullDate]
            guard let date = formatter.date(from: raw) else {
                throw APIError(.badRequest, code: "invalid_\(key)", message: "\(key) must be an ISO 8601 date or time")
            }
            return date
        }
        func uuid(_ key: String) throws -> UUID? {
            guard let raw = query[Substring(key)].map(String.init) else { return nil }
            guard let id = UUID(uuidString: raw) else {
                throw APIError(.badRequest, code: "invalid_\(key)", message: "\(key) must be a UUID")
            }
            return id
        }
        let direction = query["direction"].map(String.init)
        if let direction, direction != "inbound", direction != "outbound" {
            throw APIError(.badRequest, code: "invalid_direction", message: "direction is inbound or outbound")
        }
        return SearchFilter(
            from: try date("from"),
            to: try date("to"),
            contactID: try uuid("contact_id"),
            threadID: try uuid("thread_id"),
            direction: direction,
            intent: query["intent"].map(String.init)
        )
    }
}
