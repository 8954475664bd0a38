import Assist
import Core
import Foundation
import Hummingbird
import Pipeline
import Store

/// `POST /api/whatsapp/threads/{id}/drafts` — up to three reply drafts for a rep, each with its
/// text, language, mode (a session text, or an approved template with its parameters outside
/// the 24-hour window), sources and guardrail results. Nothing is sent: the rep sends a draft,
/// edited or not, through the sending API and its compliance guard.
public struct DraftController: Sendable {
    public let service: DraftService
    /// Every draft shown is kept, so a send naming it (`draft_id`) records its use.
    public let store: any DraftStoring

    public init(service: DraftService, store: any DraftStoring) {
        self.service = service
        self.store = store
    }

    public func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("/whatsapp/threads/{id}/drafts", use: drafts)
    }

    @Sendable func drafts(_ request: Request, context: AppRequestContext) async throws -> Response {
        let org = try context.requireOrganization()
        let thread = try context.uuidParameter(code: "invalid_thread_id", what: "thread id")
        guard let (drafts, withheld) = try await service.drafts(thread: thread, organization: org) else {
            throw APIError(
                .notFound,
                code: "not_found",
                message: "thread \(thread) does not exist in this organization"
            )
        }
        for draft in drafts {
            try await store.save(
                id: draft.id,
                thread: thread,
                organization: org,
                method: "local",
                mode: draft.mode,
                language: draft.language,
                text: draft.text,
                template: draft.templateName.map { ($0, draft.templateLanguage ?? draft.language) },
                parameters: draft.parameters,
                sources: .array(draft.sources)
            )
        }
        return .json(
            .object([
                "thread_id": .string(thread.uuidString.lowercased()),
                "method": "local",
                "drafts": .array(drafts.map(\.json)),
                // What the guardrails stopped: where it came from and why, never its text.
                "withheld": .array(
                    withheld.map { draft in
                        .object([
                            "sources": .array(draft.sources),
                            "failed": .array(draft.guardrails.filter { !$0.passed }.map(\.json)),
                        ])
                    }
                ),
            ])
        )
    }
}
