import Assist
import Core
import Embed
import Extract
import Foundation
import Logging
import Normalize
import PostgresNIO
import Store

/// Reply drafts for a thread on the local path: gathers what the composer needs (the thread's
/// window and customer, the organization's snippets that match the customer's last words, its
/// past human replies to similar messages, its catalog and approved templates), and what the
/// guardrails allow (the amounts in the catalog, the snippets and the customer's own words; the
/// customer's own contact data).
public struct DraftService: Sendable {
    public let client: PostgresClient
    public let catalogs: any CatalogSource
    public let knowledge: any KnowledgeStoring
    public let templates: TemplateRepository
    public let embedder: ConfiguredEmbedder?
    public let composer: DraftComposer
    public let logger: Logger

    public init(
        client: PostgresClient,
        catalogs: any CatalogSource,
        knowledge: any KnowledgeStoring,
        templates: TemplateRepository,
        embedder: ConfiguredEmbedder?,
        composer: DraftComposer = DraftComposer(),
        logger: Logger
    ) {
        self.client = client
        self.catalogs = catalogs
        self.knowledge = knowledge
        self.templates = templates
        self.embedder = embedder
        self.composer = composer
        self.logger = logger
    }

    /// - Returns: `nil` when the thread is not the organization's.
    public func drafts(thread: UUID, organization: OrganizationID, now: Date = Date()) async throws
        -> (drafts: [Draft], withheld: [Draft])?
    {
        guard
            let context = try await client.withConnection({ connection in
                try await DraftRepository.context(
                    thread: thread,
                    organization: organization,
                    on: connection,
                    logger: logger
                )
            })
        else { return nil }
        let catalog = try await catalogs.catalog(for: organization)
        let last = context.lastInbound
        let language = last?.language ?? "en"
        var snippets: [DraftInput.Snippet] = []
        var pastReplies: [DraftInput.PastReply] = []
        if let last {
            let vector =
                context.lastInboundVector?.model == embedder?.model
                ? context.lastInboundVector?.vector
                : try await embedder?.embedder.embed([PIIRedactor.embeddingInput(last.text)]).first
            snippets = try await knowledge.search(
                last.text,
                vector: vector,
                model: embedder?.model,
                organization: organization,
                kind: nil,
                language: nil,
                limit: 5
            ).map {
                DraftInput.Snippet(
                    id: $0.snippet.id,
                    kind: $0.snippet.kind,
                    language: $0.snippet.language,
                    body: $0.snippet.body,
                    score: $0.score,
                    semantic: $0.method == "semantic"
                )
            }
            if let vector, let model = embedder?.model {
                pastReplies = try await client.withConnection { connection in
                    try await DraftRepository.pastReplies(
                        near: vector,
                        model: model,
                        organization: organization,
                        excludingThread: thread,
                        limit: 5,
                        on: connection,
                        logger: logger
                    )
                }.map { DraftInput.PastReply(messageID: $0.messageID, text: $0.text, similarity: $0.similarity) }
            }
        }
        let productIDs = Set(
            context.customerEntities.compactMap { entity in
                entity["type"]?.stringValue == "product" ? entity["value"]?["id"]?.stringValue?.lowercased() : nil
            }
        )
        let products = catalog.items.filter { productIDs.contains($0.id.uuidString.lowercased()) }
        let times = context.customerEntities.suffix(10).compactMap { entity in
            entity["type"]?.stringValue == "time" ? entity["text"]?.stringValue : nil
        }
        let input = DraftInput(
            language: language,
            customerName: context.contactName.map { String($0.split(separator: " ").first ?? Substring($0)) },
            windowOpen: context.careWindowExpiresAt.map { $0 > now } ?? false,
            intent: last?.intent,
            products: products,
            times: Array(times.suffix(1)),
            pastReplies: pastReplies,
            snippets: snippets,
            templates: try await templates.list(organization: organization).filter(\.isApproved)
        )
        let allowed = Guardrails.context(
            catalog: catalog,
            snippetBodies: snippets.map(\.body),
            customerEntities: context.customerEntities,
            contactPhone: context.contactPhone,
            windowOpen: input.windowOpen
        )
        return composer.drafts(input, context: allowed)
    }
}
