import Core
import Embed
import Foundation
import Hummingbird
import Normalize
import Pipeline
import Store

/// The organization's knowledge snippets (prices, answers to objections, FAQs, policies) that
/// drafts and next actions draw on: `POST/GET /api/knowledge`, `DELETE /api/knowledge/{id}`,
/// and `GET /api/knowledge/search?q=` (by meaning with the configured embedder, else by words).
public struct KnowledgeController<Repository: KnowledgeStoring>: Sendable {
    public let repository: Repository
    public let embedder: ConfiguredEmbedder?

    public init(repository: Repository, embedder: ConfiguredEmbedder?) {
        self.repository = repository
        self.embedder = embedder
    }

    public func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("/knowledge", use: add)
        group.get("/knowledge", use: list)
        group.get("/knowledge/search", use: search)
        group.delete("/knowledge/{id}", use: delete)
    }

    /// Body `{"kind", "language", "title", "body", "tags"?}`; 201 with the snippet.
    @Sendable func add(_ request: Request, context: AppRequestContext) async throws -> Response {
        let org = try context.requireOrganization()
        let body = try await request.jsonObject(maxBytes: 64 * 1024)
        func invalid(_ message: String) -> APIError { APIError(.badRequest, code: "invalid_snippet", message: message) }
        guard let kind = body["kind"]?.stringValue.flatMap(KnowledgeSnippet.Kind.init(rawValue:)) else {
            throw invalid(
                "kind must be one of \(KnowledgeSnippet.Kind.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        guard let language = body["language"]?.stringValue, language.count == 2,
            language.allSatisfy({ $0.isASCII && $0.isLowercase })
        else { throw invalid("language must be an ISO 639-1 code such as en, es or pt") }
        guard let title = body["title"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines),
            (1...200).contains(title.count)
        else { throw invalid("title must be 1 to 200 characters") }
        guard let text = body["body"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines),
            (1...4000).contains(text.count)
        else { throw invalid("body must be 1 to 4,000 characters") }
        var tags: [String] = []
        if let value = body["tags"] {
            let list = (value.arrayValue ?? []).compactMap { tag -> String? in
                if case .string(let text) = tag { return text } else { return nil }
            }
            guard value.arrayValue?.count == list.count, list.count <= 20,
                list.allSatisfy({ (1...50).contains($0.count) })
            else { throw invalid("tags must be at most 20 strings of 1 to 50 characters") }
            tags = list
        }
        let snippet = KnowledgeSnippet(id: UUID(), kind: kind, language: language, title: title, body: text, tags: tags)
        // The organization's own text, redacted all the same before it is embedded.
        let vector = try await embedder?.embedder.embed([PIIRedactor.embeddingInput(title + "\n" + text)]).first
        try await repository.add(
            snippet,
            embedding: vector,
            model: vector == nil ? nil : embedder?.model,
            organization: org
        )
        return .json(Self.json(snippet), status: .created)
    }

    /// `kind=`, `language=`, `limit=` (1–500, default 100); oldest first.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let org = try context.requireOrganization()
        let (kind, language) = try Self.filters(request)
        let limit = min(500, max(1, request.uri.queryParameters["limit"].flatMap { Int(String($0)) } ?? 100))
        let snippets = try await repository.list(organization: org, kind: kind, language: language, limit: limit)
        return .json(.object(["snippets": .array(snippets.map(Self.json))]))
    }

    /// `q=` (required), `kind=`, `language=`, `limit=` (1–20, default 5): best first.
    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        let org = try context.requireOrganization()
        guard let query = request.uri.queryParameters["q"].map(String.init), !query.isEmpty, query.count <= 2_000 else {
            throw APIError(.badRequest, code: "invalid_query", message: "q must be 1 to 2,000 characters")
        }
        let (kind, language) = try Self.filters(request)
        let limit = min(20, max(1, request.uri.queryParameters["limit"].flatMap { Int(String($0)) } ?? 5))
        let vector = try await embedder?.embedder.embed([PIIRedactor.embeddingInput(query)]).first
        let matches = try await repository.search(
            query,
            vector: vector,
            model: embedder?.model,
            organization: org,
            kind: kind,
            language: language,
            limit: limit
        )
        return .json(
            .object([
                "query": .string(query),
                "matches": .array(
                    matches.map { match in
                        var object = Self.json(match.snippet).objectValue ?? [:]
                        object["score"] = .number((match.score * 10_000).rounded() / 10_000)
                        object["method"] = .string(match.method)
                        return .object(object)
                    }
                ),
            ])
        )
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let org = try context.requireOrganization()
        let id = try context.uuidParameter(code: "invalid_id", what: "snippet id")
        guard try await repository.delete(id, organization: org) else {
            throw APIError(.notFound, code: "not_found", message: "snippet \(id) does not exist in this organization")
        }
        return Response(status: .noContent)
    }

    static func filters(_ request: Request) throws -> (KnowledgeSnippet.Kind?, String?) {
        let query = request.uri.queryParameters
        var kind: KnowledgeSnippet.Kind?
        if let raw = query["kind"].map(String.init) {
            guard let parsed = KnowledgeSnippet.Kind(rawValue: raw) else {
                throw APIError(
                    .badRequest,
                    code: "invalid_kind",
                    message:
                        "kind must be one of \(KnowledgeSnippet.Kind.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            kind = parsed
        }
        return (kind, query["language"].map(String.init))
    }

    static func json(_ snippet: KnowledgeSnippet) -> JSONValue {
        [
            "id": .string(snippet.id.uuidString.lowercased()), "kind": .string(snippet.kind.rawValue),
            "language": .string(snippet.language), "title": .string(snippet.title), "body": .string(snippet.body),
            "tags": .array(snippet.tags.map(JSONValue.string)),
        ]
    }
}
