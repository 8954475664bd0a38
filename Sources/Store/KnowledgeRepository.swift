import Core
import Foundation
import Logging
import PostgresNIO

/// A snippet found for a query, and how well it matched.
public struct KnowledgeMatch: Sendable, Equatable {
    public var snippet: KnowledgeSnippet
    /// Cosine similarity of the embeddings when both have one; else the full-text rank.
    public var score: Double
    /// `semantic` or `lexical`.
    public var method: String
}

/// Where an organization's knowledge snippets are kept and found.
public protocol KnowledgeStoring: Sendable {
    /// Stores a snippet with the embedding of its text (when there is an embedder).
    func add(_ snippet: KnowledgeSnippet, embedding: [Float]?, model: String?, organization: OrganizationID)
        async throws
    func list(organization: OrganizationID, kind: KnowledgeSnippet.Kind?, language: String?, limit: Int)
        async throws -> [KnowledgeSnippet]
    /// - Returns: Whether it existed in the organization.
    func delete(_ id: UUID, organization: OrganizationID) async throws -> Bool
    /// The best matches for a query: by meaning when `vector` (of `model`) is given and
    /// snippets have embeddings of that model, else by words.
    func search(
        _ text: String,
        vector: [Float]?,
        model: String?,
        organization: OrganizationID,
        kind: KnowledgeSnippet.Kind?,
        language: String?,
        limit: Int
    ) async throws -> [KnowledgeMatch]
}

/// ``KnowledgeStoring`` on Postgres with pgvector.
public struct KnowledgeRepository: KnowledgeStoring {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    static let columns = "id, kind, language, title, body, tags"

    static func snippet(_ row: (UUID, String, String, String, String, [String])) -> KnowledgeSnippet {
        KnowledgeSnippet(
            id: row.0,
            kind: KnowledgeSnippet.Kind(rawValue: row.1) ?? .other,
            language: row.2,
            title: row.3,
            body: row.4,
            tags: row.5
        )
    }

    public func add(_ snippet: KnowledgeSnippet, embedding: [Float]?, model: String?, organization: OrganizationID)
        async throws
    {
        let literal = embedding.map(SearchRepository.vectorLiteral)
        try await client.query(
            """
            INSERT INTO knowledge_snippets (id, organization_id, kind, language, title, body, tags, embedding,
                embedding_model)
            VALUES (\(snippet.id), \(organization.rawValue), \(snippet.kind.rawValue), \(snippet.language),
                \(snippet.title), \(snippet.body), \(snippet.tags), \(literal)::vector, \(model))
            """,
            logger: logger
        )
    }

    public func list(organization: OrganizationID, kind: KnowledgeSnippet.Kind?, language: String?, limit: Int)
        async throws -> [KnowledgeSnippet]
    {
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.columns) FROM knowledge_snippets
            WHERE organization_id = \(organization.rawValue)
                AND (\(kind?.rawValue)::text IS NULL OR kind = \(kind?.rawValue))
                AND (\(language)::text IS NULL OR language = \(language))
            ORDER BY created_at, id LIMIT \(limit)
            """,
            logger: logger
        )
        var snippets: [KnowledgeSnippet] = []
        for try await row in rows.decode((UUID, String, String, String, String, [String]).self) {
            snippets.append(Self.snippet(row))
        }
        return snippets
    }

    public func delete(_ id: UUID, organization: OrganizationID) async throws -> Bool {
        let rows = try await client.query(
            "DELETE FROM knowledge_snippets WHERE id = \(id) AND organization_id = \(organization.rawValue) RETURNING 1",
            logger: logger
        )
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }

    public func search(
        _ text: String,
        vector: [Float]?,
        model: String?,
        organization: OrganizationID,
        kind: KnowledgeSnippet.Kind?,
        language: String?,
        limit: Int
    ) async throws -> [KnowledgeMatch] {
        let literal = vector.map(SearchRepository.vectorLiteral)
        let lexical = SearchRepository.lexicalQuery(text) ?? ""
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.columns),
                CASE WHEN \(literal)::text IS NOT NULL AND embedding IS NOT NULL AND embedding_model = \(model)
                    THEN 1 - (embedding <=> \(literal)::vector) END AS similarity,
                CASE WHEN \(lexical) <> '' THEN ts_rank_cd(search_text, to_tsquery('simple', \(lexical))) ELSE 0 END
            FROM knowledge_snippets
            WHERE organization_id = \(organization.rawValue)
                AND (\(kind?.rawValue)::text IS NULL OR kind = \(kind?.rawValue))
                AND (\(language)::text IS NULL OR language = \(language))
                AND ((\(literal)::text IS NOT NULL AND embedding IS NOT NULL AND embedding_model = \(model))
                     OR (\(lexical) <> '' AND search_text @@ to_tsquery('simple', \(lexical))))
            ORDER BY similarity DESC NULLS LAST, 8 DESC, created_at
            LIMIT \(limit)
            """,
            logger: logger
        )
        var matches: [KnowledgeMatch] = []
        for try await row in rows.decode((UUID, String, String, String, String, [String], Double?, Float).self) {
            matches.append(
                KnowledgeMatch(
                    snippet: Self.snippet((row.0, row.1, row.2, row.3, row.4, row.5)),
                    score: row.6 ?? Double(row.7),
                    method: row.6 == nil ? "lexical" : "semantic"
                )
            )
        }
        return matches
    }
}
