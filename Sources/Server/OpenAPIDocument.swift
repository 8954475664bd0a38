import Assist
import Core
import Extract
import Foundation
import Outbound
import Store

/// The OpenAPI 3.1 description of every HTTP route the server has, served at `GET /openapi.json`
/// so CRM integrators can generate clients and fuzz the API from it.
///
/// Written by hand from the handlers: Hummingbird keeps no schema of what a handler reads or
/// answers, and the sending handlers read a ``JSONValue``, not a Codable request type. A test
/// compares the router's routes with ``operations``, so no route goes undescribed. Names are as
/// the response encoder writes them (snake_case keys, ISO 8601 dates: see
/// ``AppRequestContext/responseEncoder``); a field a handler leaves out when it has no value is
/// optional here, never `null`, because Codable leaves out `nil` optionals. The handlers that
/// answer a ``JSONValue`` built by hand (catalog, extract, thread insights, settings) write
/// `null` instead: those fields are ``orNull(_:_:)`` here.
public enum OpenAPIDocument {
    /// Where the document is served (no API key).
    public static let path = "/openapi.json"

    /// The document.
    public static let document: JSONValue = makeDocument()

    /// The document as served: canonical JSON (sorted keys, no whitespace), encoded once, so
    /// every answer is the same bytes.
    public static let data: Data = document.canonicalData()

    /// Every documented operation, the method uppercase and the path as Hummingbird's
    /// `RouterPath` describes it (`/api/whatsapp/threads/{id}`), sorted by path then method:
    /// what a test compares with `Router.routes`.
    public static var operations: [(method: String, path: String)] {
        guard let paths = document["paths"]?.objectValue else { return [] }
        return paths.keys.sorted().flatMap { path -> [(method: String, path: String)] in
            let methods = paths[path]?.objectValue?.keys.filter { httpMethods.contains($0) } ?? []
            return methods.sorted().map { (method: $0.uppercased(), path: path) }
        }
    }

    /// Whether the document describes `method` (any case) on `path` (`/api/whatsapp/threads/{id}`).
    public static func documents(method: String, path: String) -> Bool {
        document["paths"]?[path]?[method.lowercased()] != nil
    }

    /// The keys of a Path Item Object that are operations.
    private static let httpMethods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// Types `POST /api/whatsapp/media` accepts and their largest size, from ``MediaService``.
    private static var uploadTypes: [(type: String, maxBytes: Int)] {
        MediaService.limits.sorted { $0.key < $1.key }.map { (type: $0.key, maxBytes: $0.value) }
    }
}

// MARK: - The document

extension OpenAPIDocument {
    private static func makeDocument() -> JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for route in routes() { paths[route.path, default: [:]][route.method] = route.operation }
        return .object([
            "openapi": .string("3.1.0"),
            "info": info(),
            "tags": tags(),
            "paths": .object(paths.mapValues { JSONValue.object($0) }),
            "components": components(),
        ])
    }

    private static func info() -> JSONValue {
        .object([
            "title": .string("wainsight API"),
            "version": .string("0.1.0"),
            "description": .string(
                """
                WhatsApp conversations, sending and insights for CRMs.

                Routes under `/api` need an organization's API key, as `Authorization: Bearer <key>` \
                (or `X-API-Key: <key>`), and answer only with that organization's data.

                JSON bodies use snake_case keys and ISO 8601 dates (UTC, whole seconds). A field with \
                no value is left out, never `null`, except in the catalog, extract and insights \
                answers, whose schemas say which fields are `null` when empty. Ids are UUIDs; compare \
                them case-insensitively.

                Errors answer `{"error": {"code": "...", "message": "..."}}` with their HTTP status: \
                branch on `code` (each response lists its codes, also as `x-error-codes`); `message` \
                is for people. Every response carries `X-Request-ID`.
                """
            ),
        ])
    }

    private static func tags() -> JSONValue {
        let tags: KeyValuePairs<String, String> = [
            "Health": "Whether the server and its database are up.",
            "Webhooks": "Meta's webhook endpoint: the verification handshake and signed notifications.",
            "Conversations": "Threads and their messages, read-only.",
            "Sending": "Session texts and templates through the outbox, their status, mark-read.",
            "Templates": "Message templates synced from the provider.",
            "Media": "Media uploads and signed links to media files.",
            "Search": "Hybrid search over messages, by meaning and words.",
            "Insights": """
            Language, intent and sentiment of any text; entities and BANT cues; a thread's BANT \
            qualification; the organization's insight settings.
            """,
            "Catalog": "The organization's products and competitors, which the extract stage finds in messages.",
            "Assist": """
            The LLM behind summaries, next actions and reply drafts (endpoint, key, budget, usage), and \
            the organization's knowledge snippets.
            """,
            "Documentation": "This document.",
        ]
        return .array(
            tags.map { JSONValue.object(["name": .string($0.key), "description": .string($0.value)]) }
        )
    }

    /// Every route, in the order the router registers them (`buildRouter` and the controllers).
    private static func routes() -> [(path: String, method: String, operation: JSONValue)] {
        [
            ("/health", "get", health()),
            ("/webhooks/whatsapp", "get", webhookHandshake()),
            ("/webhooks/whatsapp", "post", webhookReceive()),
            ("/api/organization", "get", organization()),
            ("/api/whatsapp/threads", "get", threads()),
            ("/api/whatsapp/threads/{id}", "get", thread()),
            ("/api/whatsapp/threads/{id}/messages", "get", threadMessages()),
            ("/api/whatsapp/threads/{id}/insights", "get", threadInsights()),
            ("/api/whatsapp/threads/{id}/summary", "get", threadSummary()),
            ("/api/whatsapp/threads/{id}/drafts", "post", threadDrafts()),
            ("/api/whatsapp/messages", "post", sendText()),
            ("/api/whatsapp/messages/template", "post", sendTemplate()),
            ("/api/whatsapp/messages/{id}", "get", outboxMessage()),
            ("/api/whatsapp/threads/{id}/read", "post", markRead()),
            ("/api/whatsapp/templates/sync", "post", syncTemplates()),
            ("/api/whatsapp/templates", "get", listTemplates()),
            ("/api/whatsapp/media", "post", uploadMedia()),
            ("/api/whatsapp/media/{id}", "get", mediaLink()),
            ("/media/{id}", "get", serveMedia()),
            ("/api/search", "get", search()),
            ("/api/insights/detect", "post", detect()),
            ("/api/catalog/products", "post", addCatalogItem(.product)),
            ("/api/catalog/products", "get", listCatalog(.product)),
            ("/api/catalog/products/{id}", "delete", deleteCatalogItem(.product)),
            ("/api/catalog/competitors", "post", addCatalogItem(.competitor)),
            ("/api/catalog/competitors", "get", listCatalog(.competitor)),
            ("/api/catalog/competitors/{id}", "delete", deleteCatalogItem(.competitor)),
            ("/api/insights/extract", "post", extract()),
            ("/api/insights/settings", "get", insightSettings()),
            ("/api/insights/settings", "put", updateInsightSettings()),
            ("/api/assist/settings", "get", assistSettings()),
            ("/api/assist/settings", "put", updateAssistSettings()),
            ("/api/assist/settings", "delete", clearAssistSettings()),
            ("/api/knowledge", "post", addKnowledge()),
            ("/api/knowledge", "get", listKnowledge()),
            ("/api/knowledge/search", "get", searchKnowledge()),
            ("/api/knowledge/{id}", "delete", deleteKnowledge()),
            (Self.path, "get", openAPI()),
        ]
    }
}

// MARK: - Operations

extension OpenAPIDocument {
    private static func health() -> JSONValue {
        operation(
            "getHealth",
            tag: "Health",
            summary: "Liveness and database check",
            description: "Answers 200 when the database answers a query. For load balancers and probes.",
            access: .anyone,
            answers: [success(200, "The server and its database are up.", "Health")],
            internalNote: "The database did not answer. Empty body."
        )
    }

    private static func webhookHandshake() -> JSONValue {
        operation(
            "verifyWebhook",
            tag: "Webhooks",
            summary: "Meta's verification handshake",
            description: """
                Meta calls this once when the callback URL is configured. With `hub.mode=subscribe` \
                and the configured verify token (WAINSIGHT_VERIFY_TOKEN), the challenge is echoed as \
                plain text.
                """,
            access: .anyone,
            parameters: [
                query("hub.mode", "Must be `subscribe`.", string(values: ["subscribe"]), required: true),
                query("hub.verify_token", "Must equal the configured verify token.", string(), required: true),
                query("hub.challenge", "Echoed back; must not be empty.", string(), required: true),
            ],
            answers: [
                Answer(
                    status: 200,
                    description: "The handshake is accepted: the body is `hub.challenge`.",
                    content: ["text/plain": .object(["schema": string()])]
                ),
                failure(
                    403,
                    [
                        "handshake_refused": """
                        no verify token is configured, `hub.mode` is not `subscribe`, `hub.verify_token` \
                        does not match, or `hub.challenge` is missing or empty
                        """
                    ]
                ),
            ],
            canFail: false
        )
    }

    private static func webhookReceive() -> JSONValue {
        operation(
            "receiveWebhook",
            tag: "Webhooks",
            summary: "Receive a signed webhook notification",
            description: """
                Meta's notifications (messages, statuses, template updates). The signature is checked \
                over the exact bytes, the body is stored durably, and only then is 200 answered; \
                ingest runs in the background. Meta calls this, not CRM clients. A signed body that \
                is not a JSON object is stored too, then answered 400.
                """,
            access: .anyone,
            parameters: [
                header(
                    "X-Hub-Signature-256",
                    """
                    `sha256=` and the lowercase or uppercase hex HMAC-SHA256 of the body under one of \
                    the configured App Secrets (WAINSIGHT_APP_SECRETS).
                    """,
                    string(pattern: "^sha256=[0-9a-fA-F]{64}$"),
                    required: true
                )
            ],
            body: jsonBody(
                "WebhookNotification",
                "At most WAINSIGHT_MAX_WEBHOOK_BYTES (4 MiB by default)."
            ),
            answers: [
                success(200, "Signed and stored.", "WebhookAck"),
                failure(
                    400,
                    ["malformed_payload": "signed, but not a JSON object; it was stored as received, do not resend"]
                ),
                failure(
                    401,
                    [
                        "missing_signature": "no `X-Hub-Signature-256` header",
                        "malformed_signature": "the header is not `sha256=` and 64 hex digits",
                        "bad_signature": "no configured App Secret produces the signature",
                        "no_app_secret": "no App Secret is configured, so no webhook can be trusted",
                    ]
                ),
                failure(
                    413,
                    ["body_too_large": "the body is larger than WAINSIGHT_MAX_WEBHOOK_BYTES"]
                ),
                failure(503, ["unavailable": "the webhook writer has stopped (the server is shutting down); retry"]),
            ]
        )
    }

    private static func organization() -> JSONValue {
        operation(
            "getOrganization",
            tag: "Conversations",
            summary: "The caller's organization",
            description: "The organization the API key belongs to, with how many rows it has.",
            access: .apiKey,
            answers: [success(200, "The organization.", "Organization")],
            internalErrors: ["internal": "the summary query returned no row"]
        )
    }

    private static func threads() -> JSONValue {
        operation(
            "listThreads",
            tag: "Conversations",
            summary: "List threads",
            description: "Threads of the organization, most recent message first (threads without one last).",
            access: .apiKey,
            parameters: [
                query(
                    "open",
                    "`true` or `1`: open threads only. Any other value, or none: every thread.",
                    boolean(defaultValue: false)
                ),
                query("contact_id", "Only this contact's threads.", uuid()),
                limit(defaultValue: 50, maximum: 200),
            ],
            answers: [
                success(200, "The threads.", "ThreadList"),
                failure(400, ["invalid_contact_id": "`contact_id` is not a UUID"]),
            ]
        )
    }

    private static func thread() -> JSONValue {
        operation(
            "getThread",
            tag: "Conversations",
            summary: "One thread",
            description: "A thread with its contact, consent, customer-care window and CRM lead.",
            access: .apiKey,
            parameters: [pathID("The thread.")],
            answers: [
                success(200, "The thread.", "Thread"),
                failure(400, ["invalid_thread_id": "the id is not a UUID"]),
                failure(404, ["not_found": "the thread does not exist in this organization"]),
            ]
        )
    }

    private static func threadMessages() -> JSONValue {
        operation(
            "listThreadMessages",
            tag: "Conversations",
            summary: "A thread's messages",
            description: """
                Messages of a thread, newest first, with what the detect stage found. Keyset-paginated: \
                pass `next_cursor` as `cursor` for the next (older) page. A thread that does not exist \
                in the organization answers an empty page.
                """,
            access: .apiKey,
            parameters: [
                pathID("The thread."),
                limit(defaultValue: 50, maximum: 200),
                query("cursor", "`next_cursor` of the previous page; opaque.", string()),
            ],
            answers: [
                success(200, "One page of messages.", "MessagePage"),
                failure(
                    400,
                    [
                        "invalid_thread_id": "the id is not a UUID",
                        "invalid_cursor": "`cursor` is not one this API returned",
                    ]
                ),
            ]
        )
    }

    private static func threadInsights() -> JSONValue {
        operation(
            "getThreadInsights",
            tag: "Insights",
            summary: "A thread's BANT qualification, intents, sentiment and entities",
            description: """
                What the pipeline concluded about a thread from its inbound messages: BANT (budget, \
                authority, need, timeline) with the evidence behind each score and the qualification \
                `stage` by the organization's thresholds, the latest intent and a count per intent, the \
                sentiment of the latest \(ConversationController<ConversationRepository>.trendLength) \
                scored messages and their average, and every entity found, oldest message first. \
                `bant`, `stage` and `updated_at` are `null` until a message of the thread was processed.
                """,
            access: .apiKey,
            parameters: [pathID("The thread.")],
            answers: [
                success(200, "The thread's insights.", "ThreadInsights"),
                failure(400, ["invalid_thread_id": "the id is not a UUID"]),
                failure(404, ["not_found": "the thread does not exist in this organization"]),
            ]
        )
    }

    private static func threadSummary() -> JSONValue {
        operation(
            "getThreadSummary",
            tag: "Insights",
            summary: "A thread's rolling summary, and what is new since an earlier one",
            description: """
                The summary is refreshed after a thread's messages are processed, once per burst \
                (`WAINSIGHT_SUMMARY_DEBOUNCE_MS` of quiet), and each refresh is a new `version`. With \
                `since` (a version, or a time) the answer's `since` summarizes only the messages after it \
                and says when the BANT stage changed. With `language` other than the stored one, the \
                summary is made now in that language from the same messages.
                """,
            access: .apiKey,
            parameters: [
                pathID("The thread."),
                query("since", "A version this API returned, or an ISO 8601 time.", string()),
                query(
                    "language",
                    "The reader's language; default the customer's.",
                    string(values: ["en", "es", "pt"])
                ),
            ],
            answers: [
                success(200, "The summary.", "ThreadSummaryAnswer"),
                failure(
                    400,
                    [
                        "invalid_thread_id": "the id is not a UUID",
                        "invalid_since": "`since` is neither a version number nor an ISO 8601 time",
                        "invalid_language": "`language` is not en, es or pt",
                    ]
                ),
                failure(
                    404,
                    [
                        "not_found": "the thread does not exist in this organization",
                        "version_not_found": "the thread has no summary of that version",
                    ]
                ),
            ]
        )
    }

    private static func threadDrafts() -> JSONValue {
        operation(
            "draftReplies",
            tag: "Assist",
            summary: "Up to three reply drafts for a rep",
            description: """
                Drafts in the customer's language from the organization's own words (a matching \
                knowledge snippet, a past human reply to a similar message) and the thread's facts (the \
                price of a product asked about, a demo at a time the customer named). Outside the 24-hour \
                window: approved templates only, parameters filled (`mode` `template`). Every draft passed \
                the guardrails (no profanity, no contact data but the customer's own, no price absent \
                from the catalog, a snippet or the customer's words, the template boundary); `withheld` \
                says what they stopped. Nothing is sent.
                """,
            access: .apiKey,
            parameters: [pathID("The thread.")],
            answers: [
                success(200, "The drafts.", "Drafts"),
                failure(400, ["invalid_thread_id": "the id is not a UUID"]),
                failure(404, ["not_found": "the thread does not exist in this organization"]),
            ]
        )
    }

    private static func sendText() -> JSONValue {
        operation(
            "sendText",
            tag: "Sending",
            summary: "Queue a session text",
            description: """
                Stores a free-form text in the outbox and answers 202; the senders deliver it. Refused \
                when the contact may not be messaged or the 24-hour customer-care window is closed (the \
                error lists the approved templates to send instead). Follow the message with \
                `GET /api/whatsapp/messages/{id}`.
                """,
            access: .apiKey,
            parameters: [parameterRef("IdempotencyKey")],
            body: jsonBody("SendTextRequest", "The recipient and the text. At most 1 MiB."),
            answers: sendAnswers(
                invalid: """
                    no recipient (`thread_id`, or `phone_number_id` and `to`), `thread_id` not a UUID, `to` \
                    not a phone number, `text` missing, blank or longer than 4,096 bytes, or an \
                    Idempotency-Key that is not 1 to 255 bytes
                    """,
                refusals: [
                    "suppressed": "the recipient is on the organization's suppression list",
                    "do_not_contact": "the CRM marked the contact do-not-contact",
                    "opted_out": "the contact opted out of messages (a typed STOP); they must opt in again",
                    "window_closed": """
                    the 24-hour customer-care window is closed (or never opened): send an approved \
                    template instead; `error.templates` lists them
                    """,
                ]
            )
        )
    }

    private static func sendTemplate() -> JSONValue {
        operation(
            "sendTemplate",
            tag: "Sending",
            summary: "Queue a template message",
            description: """
                Stores an approved template message in the outbox and answers 202; the senders deliver \
                it. The template must be synced, APPROVED in that language, and the components must \
                match its definition. Follow the message with `GET /api/whatsapp/messages/{id}`.
                """,
            access: .apiKey,
            parameters: [parameterRef("IdempotencyKey")],
            body: jsonBody("SendTemplateRequest", "The recipient and the template. At most 1 MiB."),
            answers: sendAnswers(
                invalid: """
                    no recipient (`thread_id`, or `phone_number_id` and `to`), `thread_id` not a UUID, `to` \
                    not a phone number, `template.name` or `template.language` missing, \
                    `template.components` not an array, or an Idempotency-Key that is not 1 to 255 bytes
                    """,
                refusals: [
                    "suppressed": "the recipient is on the organization's suppression list",
                    "do_not_contact": "the CRM marked the contact do-not-contact",
                    "opted_out": "the contact opted out of messages (a typed STOP); they must opt in again",
                    "marketing_opted_out": "the contact stopped marketing messages and the template is MARKETING",
                    "template_not_found": """
                    no synced template has that name and language (check the name, or run a template sync)
                    """,
                    "template_not_approved": "the template is not APPROVED (pending, rejected, paused, disabled)",
                    "template_parameters": """
                    `template.components` do not match the template's definition (count, type, names, buttons)
                    """,
                ]
            )
        )
    }

    /// What both sends answer: they share the outbox, the idempotency key and the recipient.
    private static func sendAnswers(invalid: String, refusals: KeyValuePairs<String, String>) -> [Answer] {
        [
            success(202, "Queued: the new outbox message.", "OutboxMessageEnvelope"),
            success(
                200,
                "The Idempotency-Key was used before for the same body: the first message, nothing queued.",
                "OutboxMessageEnvelope",
                headers: ["Idempotent-Replayed": headerRef("IdempotentReplayed")]
            ),
            failure(
                400,
                [
                    "invalid_json": "the body is not JSON", "invalid_request": invalid,
                    "unknown_draft": "`draft_id` names no draft of this organization, or one made for another thread",
                ]
            ),
            failure(
                404,
                [
                    "not_found": """
                    the thread does not exist in this organization, or `phone_number_id` is not connected to it
                    """
                ]
            ),
            failure(
                409,
                ["idempotency_conflict": "the Idempotency-Key was used for a different body; use a new key"]
            ),
            bare(413, "The body is larger than 1 MiB. Empty body."),
            failure(422, refusals, note: "Refused by WhatsApp's rules; nothing was queued."),
            failure(
                503,
                ["unavailable": "two sends with the same new Idempotency-Key raced and the first was not found; retry"],
                note: "Service unavailable: retry shortly."
            ),
        ]
    }

    private static func outboxMessage() -> JSONValue {
        operation(
            "getOutboxMessage",
            tag: "Sending",
            summary: "An outbox message",
            description: "A message queued through the API: where it is, its attempts, and the provider's error.",
            access: .apiKey,
            parameters: [pathID("The outbox message (`message.id` of the send's answer).")],
            answers: [
                success(200, "The outbox message.", "OutboxMessageEnvelope"),
                failure(400, ["invalid_id": "the id is not a UUID"]),
                failure(404, ["not_found": "the outbox message does not exist in this organization"]),
            ]
        )
    }

    private static func markRead() -> JSONValue {
        operation(
            "markThreadRead",
            tag: "Sending",
            summary: "Mark a thread read",
            description: """
                Marks the thread's latest inbound message read at the provider (WhatsApp marks the \
                earlier ones too), optionally showing a typing indicator. Calls the provider directly.
                """,
            access: .apiKey,
            parameters: [pathID("The thread.")],
            body: jsonBody("MarkReadRequest", "Optional (empty means the defaults). At most 1 MiB.", required: false),
            answers: [
                success(200, "Marked.", "MarkReadResult"),
                failure(
                    400,
                    [
                        "invalid_id": "the id is not a UUID",
                        "invalid_json": "the body is not empty and not JSON",
                        "invalid_request": """
                        the thread's account names a provider other than meta or 360dialog, or the \
                        provider's answer was too large
                        """,
                    ]
                ),
                failure(
                    404,
                    [
                        "not_found": """
                        the thread does not exist in this organization, has no inbound message, or its \
                        account is gone
                        """
                    ]
                ),
                bare(413, "The body is larger than 1 MiB. Empty body."),
            ] + providerFailures(),
            internalErrors: ["decryption_failed": "the account's credential does not open under the master key"]
        )
    }

    private static func syncTemplates() -> JSONValue {
        operation(
            "syncTemplates",
            tag: "Templates",
            summary: "Sync templates from the provider",
            description: """
                Pulls every page of each WhatsApp Business Account's templates (one account per WABA) \
                and stores them; templates the provider no longer lists become DELETED. Calls the \
                provider directly.
                """,
            access: .apiKey,
            parameters: [query("account_id", "Only this account's WABA. Default: every account.", uuid())],
            answers: [
                success(200, "Synced.", "TemplateSyncResult"),
                failure(
                    400,
                    [
                        "invalid_account_id": "`account_id` is not a UUID",
                        "invalid_request": """
                        an account names a provider other than meta or 360dialog, or the provider's answer \
                        was too large
                        """,
                    ]
                ),
                failure(404, ["not_found": "`account_id` is not an account of this organization"]),
            ] + providerFailures(),
            internalErrors: ["decryption_failed": "an account's credential does not open under the master key"]
        )
    }

    private static func listTemplates() -> JSONValue {
        operation(
            "listTemplates",
            tag: "Templates",
            summary: "List synced templates",
            description: "The stored templates, kept current by syncs and template webhooks.",
            access: .apiKey,
            parameters: [
                query("status", "Only templates with this status (any case), for example `approved`.", string()),
                query("waba_id", "Only this WhatsApp Business Account's templates.", string()),
            ],
            answers: [success(200, "The templates.", "TemplateList")]
        )
    }

    private static func uploadMedia() -> JSONValue {
        let limits = uploadTypes.map { "- `\($0.type)`: \(size($0.maxBytes))" }.joined(separator: "\n")
        var content: [String: JSONValue] = [:]
        for upload in uploadTypes {
            content[upload.type] = .object(["schema": string(format: "binary")])
        }
        return operation(
            "uploadMedia",
            tag: "Media",
            summary: "Upload a media file",
            description: """
                Stores a file (the body, its type in `Content-Type`). With `account_id` it is also \
                uploaded to that account's provider, and `provider_media_id` is the id to send it with.
                """,
            access: .apiKey,
            parameters: [
                query("filename", "The file's name, kept for downloads and given to the provider.", string()),
                query("account_id", "Also upload the file to this account's provider.", uuid()),
            ],
            body: .object([
                "required": .bool(true),
                "description": .string("The file's bytes; not empty. Types WhatsApp accepts, and limits:\n\n" + limits),
                "content": .object(content),
            ]),
            answers: [
                success(201, "Stored.", "MediaEnvelope"),
                failure(
                    400,
                    [
                        "invalid_account_id": "`account_id` is not a UUID",
                        "invalid_request": """
                        the Content-Type is not a type WhatsApp accepts, the file is empty or over its type's \
                        limit, or (with `account_id`) the account names an unknown provider or the provider's \
                        answer was too large
                        """,
                    ]
                ),
                failure(404, ["not_found": "`account_id` is not an account of this organization"]),
                failure(413, ["media_too_large": "the body is over the server's media limit (100 MiB by default)"]),
                failure(503, ["unavailable": "the file's row could not be stored; retry"]),
            ] + providerFailures(),
            internalErrors: ["decryption_failed": "the account's credential does not open under the master key"]
        )
    }

    private static func mediaLink() -> JSONValue {
        operation(
            "getMedia",
            tag: "Media",
            summary: "A media file's details and a signed link",
            description: """
                An uploaded or inbound media file, with a link that serves it without an API key until \
                `expires_at` (WAINSIGHT_MEDIA_URL_TTL_SECONDS, 15 minutes by default). Ask again for a \
                fresh link.
                """,
            access: .apiKey,
            parameters: [pathID("The media file.")],
            answers: [
                success(200, "The media file.", "MediaEnvelope"),
                failure(400, ["invalid_id": "the id is not a UUID"]),
                failure(404, ["not_found": "the media file does not exist in this organization"]),
            ]
        )
    }

    private static func serveMedia() -> JSONValue {
        operation(
            "downloadMedia",
            tag: "Media",
            summary: "A media file, by signed link",
            description: """
                The file behind a signed link (`media.url` of `GET /api/whatsapp/media/{id}`). The \
                signature is the API key here: no Authorization header.
                """,
            access: .anyone,
            parameters: [
                parameter("id", in: "path", "The media file (a malformed id answers 404).", uuid(), required: true),
                query("expires", "When the link expires, in Unix seconds.", integer(), required: true),
                query("signature", "The link's signature.", string(pattern: "^[0-9a-fA-F]{64}$"), required: true),
            ],
            answers: [
                Answer(
                    status: 200,
                    description: "The file, with its type as Content-Type (`application/octet-stream` when unknown).",
                    content: ["*/*": .object(["schema": string(format: "binary")])],
                    headers: [
                        "Cache-Control": .object([
                            "description": .string("`private, max-age=60`."),
                            "required": .bool(true),
                            "schema": string(),
                        ]),
                        "Content-Disposition": .object([
                            "description": .string("`inline; filename=\"...\"` when the file has a name."),
                            "schema": string(),
                        ]),
                    ]
                ),
                failure(
                    404,
                    [
                        "not_found": """
                        the link is malformed, its signature is wrong, it has expired, the file does not \
                        exist, or it has not been downloaded yet; ask the API for a new link
                        """
                    ]
                ),
            ]
        )
    }

    private static func search() -> JSONValue {
        let dateFilter: JSONValue = .object([
            "anyOf": .array([
                string(
                    "A date-time without fractional seconds, with its offset: `2025-01-31T09:30:00Z`.",
                    format: "date-time",
                    pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})$"
                ),
                string("A date, from its start in UTC: `2025-01-31`.", format: "date"),
            ])
        ])
        return operation(
            "search",
            tag: "Search",
            summary: "Search messages",
            description: """
                Hybrid search over the organization's messages: by meaning (the query's embedding \
                against each message's) fused with full-text rank. Without a configured embedder, by \
                words only (`mode` is `lexical`).
                """,
            access: .apiKey,
            parameters: [
                query("q", "The search text; not blank.", string(), required: true),
                query("from", "Only messages sent at or after this time.", dateFilter),
                query("to", "Only messages sent before or at this time.", dateFilter),
                query("contact_id", "Only this contact's messages.", uuid()),
                query("thread_id", "Only this thread's messages.", uuid()),
                query("direction", "Only messages this way.", string(values: ["inbound", "outbound"])),
                query("intent", "Only messages the detect stage gave this intent.", string()),
                limit(defaultValue: 20, maximum: 100),
            ],
            answers: [
                success(200, "The hits, best first.", "SearchResults"),
                failure(
                    400,
                    [
                        "missing_query": "`q` is missing or blank",
                        "invalid_from": "`from` is not an ISO 8601 date or date-time (no fractional seconds)",
                        "invalid_to": "`to` is not an ISO 8601 date or date-time (no fractional seconds)",
                        "invalid_contact_id": "`contact_id` is not a UUID",
                        "invalid_thread_id": "`thread_id` is not a UUID",
                        "invalid_direction": "`direction` is not inbound or outbound",
                    ]
                ),
            ],
            internalNote: "An unexpected error (for example, embedding the query failed). Empty body."
        )
    }

    private static func detect() -> JSONValue {
        operation(
            "detectInsights",
            tag: "Insights",
            summary: "Language, intent and sentiment of texts",
            description: """
                Runs the pipeline's local models on any text (a note, an e-mail, a message from another \
                channel). `{"text": ...}` answers one detection; `{"texts": [...]}` answers \
                `{"results": [...]}` in the same order. Each text is read up to its first 4,096 characters.
                """,
            access: .apiKey,
            body: jsonBody("DetectRequest", "One text, or up to 1,000."),
            answers: [
                Answer(
                    status: 200,
                    description: "A `Detection` for `text`; a `DetectionList` for `texts`.",
                    content: json(.object(["oneOf": .array([ref("Detection"), ref("DetectionList")])]))
                ),
                failure(
                    400,
                    [
                        "invalid_body": #"not `{"text": ...}` or `{"texts": [...]}` JSON, or 0 or over 1,000 texts"#,
                        "empty_text": "a text is blank",
                    ]
                ),
                failure(
                    503,
                    ["models_missing": "the language, intent and sentiment models are missing (WAINSIGHT_MODELS_DIR)"],
                    note: "Service unavailable."
                ),
            ]
        )
    }

    private static func addCatalogItem(_ kind: CatalogItem.Kind) -> JSONValue {
        let name = kind.rawValue
        return operation(
            "add\(name.capitalized)",
            tag: "Catalog",
            summary: "Add a \(name)",
            description: """
                Adds a \(name) to the organization's catalog. The extract stage finds it in messages \
                from then on, by its name or an alias, as a `\(name)` entity; \
                messages already processed keep what they had until `wainsight backfill --redo extract`.
                """,
            access: .apiKey,
            body: jsonBody("CatalogItemRequest", "The \(name). At most 64 KiB."),
            answers: [
                success(201, "Added: the stored \(name).", "CatalogItem"),
                failure(
                    400,
                    [
                        "invalid_json": "the body is not JSON",
                        "invalid_body": "the body is not a JSON object",
                        "invalid_item": """
                        `name` is not a string of 1 to 200 characters, `aliases` not an array of at most 50 \
                        such strings, `sku` not 1 to 64 characters, `list_price` not a number of 0 or more, \
                        `currency` not a three-letter ISO 4217 code, or a `list_price` without `currency`
                        """,
                    ]
                ),
                failure(
                    409,
                    ["conflict": "the organization has a \(name) of that name already (case aside)"]
                ),
                failure(413, ["body_too_large": "the body is larger than 64 KiB"]),
            ]
        )
    }

    private static func listCatalog(_ kind: CatalogItem.Kind) -> JSONValue {
        let name = kind.rawValue
        return operation(
            "list\(name.capitalized)s",
            tag: "Catalog",
            summary: "List \(name)s",
            description: "The organization's \(name)s, by name (case aside), in `\(name)s`.",
            access: .apiKey,
            answers: [success(200, "The \(name)s.", "CatalogList")]
        )
    }

    private static func deleteCatalogItem(_ kind: CatalogItem.Kind) -> JSONValue {
        let name = kind.rawValue
        return operation(
            "delete\(name.capitalized)",
            tag: "Catalog",
            summary: "Remove a \(name)",
            description: """
                Removes a \(name) from the catalog: new messages no longer match it. Entities already \
                stored on messages stay.
                """,
            access: .apiKey,
            parameters: [pathID("The \(name) (`id` of the add's answer).")],
            answers: [
                bare(204, "Removed. Empty body."),
                failure(400, ["invalid_id": "the id is not a UUID"]),
                failure(404, ["not_found": "no \(name) has that id in this organization"]),
            ]
        )
    }

    private static func extract() -> JSONValue {
        operation(
            "extractEntities",
            tag: "Insights",
            summary: "Entities and BANT cues of any text",
            description: """
                Runs the pipeline's extract stage on any text: the entities it holds (times, durations, \
                money, quantities, percentages, e-mail addresses, phone numbers, URLs, companies, roles, \
                the organization's products and competitors) and its BANT cues. Relative times \
                ("tomorrow at 3") resolve against `reference_time` in `timezone`. Offsets count \
                Unicode scalars. Nothing is stored.
                """,
            access: .apiKey,
            body: jsonBody("ExtractRequest", "The text, and what to resolve it against. At most 64 KiB."),
            answers: [
                success(200, "What the text holds.", "ExtractResult"),
                failure(
                    400,
                    [
                        "invalid_json": "the body is not JSON",
                        "invalid_body": """
                        the body is not a JSON object, `text` is missing, blank or longer than 4,096 \
                        characters, `reference_time` is not an ISO 8601 instant, or `timezone` is not an \
                        IANA time zone
                        """,
                    ]
                ),
                failure(413, ["body_too_large": "the body is larger than 64 KiB"]),
            ]
        )
    }

    private static func insightSettings() -> JSONValue {
        operation(
            "getInsightSettings",
            tag: "Insights",
            summary: "The organization's insight settings",
            description: """
                The time zone relative times resolve in (`null`: each contact's phone country decides) \
                and the overall BANT scores from which a thread is `engaged` and `qualified`.
                """,
            access: .apiKey,
            answers: [success(200, "The settings.", "InsightSettings")]
        )
    }

    private static func updateInsightSettings() -> JSONValue {
        operation(
            "updateInsightSettings",
            tag: "Insights",
            summary: "Change the organization's insight settings",
            description: """
                Changes what the body gives; what it leaves out keeps its value. New thresholds apply \
                to threads as their next message is processed; `wainsight backfill` draws every \
                thread's BANT stage again under them. A new time zone applies to messages extracted \
                from then on.
                """,
            access: .apiKey,
            body: jsonBody("InsightSettingsUpdate", "The settings to change. At most 16 KiB."),
            answers: [
                success(200, "The settings, changed.", "InsightSettings"),
                failure(
                    400,
                    [
                        "invalid_json": "the body is not JSON",
                        "invalid_body": "the body is not a JSON object",
                        "invalid_settings": """
                        `timezone` is not an IANA time zone nor `null`, `bant` is not an object, a \
                        threshold is not a number from 0 to 1, or `engaged_threshold` would be above \
                        `qualified_threshold`
                        """,
                    ]
                ),
                failure(413, ["body_too_large": "the body is larger than 16 KiB"]),
            ]
        )
    }

    private static func assistSettings() -> JSONValue {
        operation(
            "getAssistSettings",
            tag: "Assist",
            summary: "Where the organization's LLM calls go, their budget and today's usage",
            description: """
                `source` says which endpoint answers: the organization's own (`organization`), the \
                server's default (`default`, from `WAINSIGHT_LLM_URL`), or none (`local`: the local path \
                answers everything). The key is never returned, only whether one is set.
                """,
            access: .apiKey,
            answers: [success(200, "The settings.", "AssistSettings")]
        )
    }

    private static func updateAssistSettings() -> JSONValue {
        operation(
            "updateAssistSettings",
            tag: "Assist",
            summary: "Set the organization's LLM endpoint, key and budget",
            description: """
                A `preset` fills the endpoint and its token prices; fields given override it. \
                Without a preset, `base_url` and `model` are needed unless already set. A left-out \
                `api_key` keeps the stored one while `base_url` stays the same (a key never follows \
                the settings to another host); `null` removes it. The key is sealed with the master \
                key at rest. Over its `daily_token_budget` (tokens, UTC day) an organization's calls \
                go to the local path.
                """,
            access: .apiKey,
            body: jsonBody("AssistSettingsUpdate", "The settings. At most 16 KiB."),
            answers: [
                success(200, "The settings, changed.", "AssistSettings"),
                failure(
                    400,
                    [
                        "invalid_json": "the body is not JSON",
                        "invalid_body": "the body is not a JSON object",
                        "invalid_settings": """
                        a field is not an assist setting, `base_url` is not an http(s) URL, `model` is not \
                        1 to 200 characters, a price is negative, the budget is not a whole number from 0 \
                        to 1,000,000,000, or no endpoint is named
                        """,
                        "unknown_preset": "`preset` names no preset (the answer's `presets` lists them)",
                        "api_key_required": "the preset is a hosted model and no `api_key` is given",
                    ]
                ),
                failure(413, ["body_too_large": "the body is larger than 16 KiB"]),
            ]
        )
    }

    /// A knowledge snippet's `kind`.
    private static var snippetKind: JSONValue { string(values: KnowledgeSnippet.Kind.allCases.map(\.rawValue)) }

    private static func addKnowledge() -> JSONValue {
        operation(
            "addKnowledgeSnippet",
            tag: "Assist",
            summary: "Add a knowledge snippet",
            description: """
                A price, an answer to an objection, an FAQ or a policy, in one language, that drafts and \
                next actions draw on. Its title and body are embedded (redacted first) when an embedder \
                is configured, so search finds it by meaning; by words otherwise.
                """,
            access: .apiKey,
            body: jsonBody("KnowledgeSnippetInput", "The snippet. At most 64 KiB."),
            answers: [
                success(201, "The snippet, with its id.", "KnowledgeSnippet"),
                failure(
                    400,
                    [
                        "invalid_json": "the body is not JSON",
                        "invalid_body": "the body is not a JSON object",
                        "invalid_snippet": """
                        `kind` is not one of the kinds, `language` is not an ISO 639-1 code, `title` is not \
                        1 to 200 characters, `body` not 1 to 4,000, or `tags` not at most 20 short strings
                        """,
                    ]
                ),
                failure(413, ["body_too_large": "the body is larger than 64 KiB"]),
            ]
        )
    }

    private static func listKnowledge() -> JSONValue {
        operation(
            "listKnowledgeSnippets",
            tag: "Assist",
            summary: "The organization's knowledge snippets",
            description: "Oldest first, filtered by `kind` and `language`.",
            access: .apiKey,
            parameters: [
                query("kind", "Only this kind.", snippetKind),
                query("language", "Only this language.", string()),
                limit(defaultValue: 100, maximum: 500),
            ],
            answers: [
                success(200, "The snippets.", "KnowledgeSnippetList"),
                failure(400, ["invalid_kind": "`kind` is not one of the kinds"]),
            ]
        )
    }

    private static func searchKnowledge() -> JSONValue {
        operation(
            "searchKnowledgeSnippets",
            tag: "Assist",
            summary: "The snippets that best answer a text",
            description: """
                By meaning (cosine similarity of the redacted query's embedding) when an embedder is \
                configured and the snippets were embedded by the same model; by words otherwise. Best first.
                """,
            access: .apiKey,
            parameters: [
                query("q", "The text to answer, 1 to 2,000 characters.", string(), required: true),
                query("kind", "Only this kind.", snippetKind),
                query("language", "Only this language.", string()),
                limit(defaultValue: 5, maximum: 20),
            ],
            answers: [
                success(200, "The matches.", "KnowledgeMatches"),
                failure(
                    400,
                    [
                        "invalid_query": "`q` is missing or longer than 2,000 characters",
                        "invalid_kind": "`kind` is not one of the kinds",
                    ]
                ),
            ]
        )
    }

    private static func deleteKnowledge() -> JSONValue {
        operation(
            "deleteKnowledgeSnippet",
            tag: "Assist",
            summary: "Remove a knowledge snippet",
            description: "Drafts and next actions no longer draw on it.",
            access: .apiKey,
            parameters: [pathID("The snippet.")],
            answers: [
                bare(204, "Removed. Empty body."),
                failure(400, ["invalid_id": "the id is not a UUID"]),
                failure(404, ["not_found": "no snippet has that id in this organization"]),
            ]
        )
    }

    private static func clearAssistSettings() -> JSONValue {
        operation(
            "clearAssistSettings",
            tag: "Assist",
            summary: "Remove the organization's LLM settings",
            description: "The server's default applies again, or the local path when there is none. Usage is kept.",
            access: .apiKey,
            answers: [success(200, "The settings now in force.", "AssistSettings")]
        )
    }

    private static func openAPI() -> JSONValue {
        operation(
            "getOpenAPIDocument",
            tag: "Documentation",
            summary: "This document",
            description: "The OpenAPI 3.1 description of every route, to generate clients and fuzz the API from.",
            access: .anyone,
            answers: [
                Answer(
                    status: 200,
                    description: "The OpenAPI document.",
                    content: json(schema("object", nil))
                )
            ],
            canFail: false
        )
    }

    /// What an operation that calls the provider can also answer.
    private static func providerFailures() -> [Answer] {
        [
            failure(
                502,
                [
                    "provider_error": "the provider refused; `error.provider_code` is Meta's error code",
                    "transport_error": "the provider could not be reached",
                    "unreadable_response": "the provider answered success with a body its API does not document",
                    "unexpected_status": "the provider answered an HTTP error without its error body (a proxy?)",
                ],
                note: "The provider failed."
            ),
            failure(504, ["timeout": "the provider did not answer in time"], note: "The provider timed out."),
        ]
    }
}

// MARK: - Components

extension OpenAPIDocument {
    private static func components() -> JSONValue {
        .object([
            "schemas": .object(schemas()),
            "parameters": .object([
                "RequestID": header(
                    "X-Request-ID",
                    "An id for this request, to find it in the server's logs; answered back as `X-Request-ID`.",
                    string()
                ),
                "IdempotencyKey": header(
                    "Idempotency-Key",
                    """
                    Makes the send safe to retry. A key used before in the organization with the same JSON \
                    body (key order and spacing aside) answers 200 with the first message and \
                    `Idempotent-Replayed: true`, and queues nothing; with a different body, 409 \
                    `idempotency_conflict`. 1 to 255 bytes.
                    """,
                    .object([
                        "type": .string("string"),
                        "minLength": .number(1),
                        "maxLength": .number(255),
                    ])
                ),
            ]),
            "headers": .object([
                "RequestID": .object([
                    "description": .string(
                        "The request's id: the caller's `X-Request-ID` when given, else one the server made."
                    ),
                    "required": .bool(true),
                    "schema": string(),
                ]),
                "IdempotentReplayed": .object([
                    "description": .string("`true` when the answer is a replay of an earlier send with the same key."),
                    "required": .bool(true),
                    "schema": string(values: ["true"]),
                ]),
            ]),
            "securitySchemes": .object([
                "apiKey": .object([
                    "type": .string("http"),
                    "scheme": .string("bearer"),
                    "bearerFormat": .string("wsk_ and 40 letters and digits"),
                    "description": .string("An organization's API key (`wainsight org create` prints one)."),
                ]),
                "apiKeyHeader": .object([
                    "type": .string("apiKey"),
                    "in": .string("header"),
                    "name": .string("X-API-Key"),
                    "description": .string("The same API key, for clients that cannot set Authorization."),
                ]),
            ]),
        ])
    }

    private static func schemas() -> [String: JSONValue] {
        var schemas: [String: JSONValue] = [:]

        // Errors
        schemas["Error"] = object(
            "Every error with a body. Branch on `error.code`; `error.message` is for people.",
            required: ["error"],
            ["error": ref("ErrorDetail")]
        )
        schemas["ErrorDetail"] = object(
            nil,
            required: ["code", "message"],
            [
                "code": string("Stable and machine-readable; each response lists the codes it can carry."),
                "message": string("What went wrong and what to do instead; the wording may change."),
                "templates": array(
                    ref("TemplateChoice"),
                    """
                    Only with `window_closed`: the number's approved templates to send instead, those in \
                    the thread's language first. Empty when none is synced.
                    """
                ),
                "provider_code": integer("Only when the provider refused with a Graph API error: its code."),
            ]
        )
        schemas["TemplateChoice"] = object(
            "An approved template a refused session message could use instead.",
            required: ["name", "language", "category"],
            [
                "name": string(),
                "language": string("For example `en_US`."),
                "category": string("MARKETING, UTILITY or AUTHENTICATION; empty when unknown."),
            ]
        )

        // Health and webhooks
        schemas["Health"] = object(nil, required: ["status"], ["status": string(values: ["ok"])])
        schemas["WebhookAck"] = object(nil, required: ["status"], ["status": string(values: ["stored"])])
        schemas["WebhookNotification"] = object(
            "A notification as Meta sends it (`object`, `entry`); stored whole, whatever it holds.",
            closed: false,
            [:]
        )

        // Conversations
        schemas["Organization"] = object(
            "The caller's organization and how many rows it has.",
            required: ["id", "accounts", "contacts", "threads", "messages"],
            [
                "id": uuid(),
                "accounts": integer("Connected WhatsApp numbers.", minimum: 0),
                "contacts": integer("WhatsApp contacts.", minimum: 0),
                "threads": integer("Conversation threads.", minimum: 0),
                "messages": integer("Messages, both ways.", minimum: 0),
            ]
        )
        schemas["ThreadSummary"] = object(
            "A thread as listed.",
            required: ["id", "contact_id", "opt_in_status", "is_open"],
            [
                "id": uuid(),
                "contact_id": uuid(),
                "wa_id": string("The contact's WhatsApp id (phone digits); absent for one known by user id only."),
                "profile_name": string("The contact's WhatsApp profile name."),
                "opt_in_status": string("The contact's consent.", values: ["unknown", "opted_in", "opted_out"]),
                "last_message_at": dateTime("The latest message, either way."),
                "care_window_expires_at": dateTime("When the 24-hour customer-care window closes or closed."),
                "is_open": boolean(),
            ]
        )
        schemas["ThreadList"] = object(nil, required: ["threads"], ["threads": array(ref("ThreadSummary"))])
        schemas["Thread"] = object(
            "A thread with its contact, consent and customer-care window.",
            required: [
                "id", "account_id", "phone_number_id", "contact_id", "opt_in_status", "marketing_opted_out",
                "do_not_contact", "care_window_open", "is_open", "message_count",
            ],
            [
                "id": uuid(),
                "account_id": uuid("The connected number the conversation is on."),
                "phone_number_id": string("Meta's id of that number."),
                "contact_id": uuid(),
                "wa_id": string("The contact's WhatsApp id (phone digits); absent for one known by user id only."),
                "user_id": string("The contact's business-scoped user id, when Meta gave one."),
                "profile_name": string("The contact's WhatsApp profile name."),
                "opt_in_status": string("The contact's consent.", values: ["unknown", "opted_in", "opted_out"]),
                "marketing_opted_out": boolean("The contact stopped marketing messages."),
                "do_not_contact": boolean("The CRM marked the contact do-not-contact: every send is refused."),
                "lead_id": uuid("The CRM lead of the thread."),
                "last_message_at": dateTime("The latest message, either way."),
                "last_inbound_at": dateTime("The contact's latest message."),
                "care_window_expires_at": dateTime("When the 24-hour customer-care window closes or closed."),
                "care_window_open": boolean("Whether a session (free-form) text may be sent now; else a template."),
                "is_open": boolean(),
                "message_count": integer(nil, minimum: 0),
            ]
        )
        schemas["Message"] = object(
            "A message of a thread, either way.",
            required: ["id", "provider_message_id", "direction", "type", "sent_at"],
            [
                "id": uuid(),
                "provider_message_id": string("WhatsApp's message id (wamid)."),
                "direction": string(values: ["inbound", "outbound"]),
                "type": string("The message type as Meta names it: `text`, `image`, `interactive`, `reaction`, ..."),
                "text": string("The text (a media message's caption), as last edited."),
                "status": string("An outbound message's latest delivery status: sent, delivered, read, failed, ..."),
                "reaction": string("The latest reaction emoji on the message."),
                "sent_at": dateTime(),
                "media_text": ref("MediaText"),
                "insights": ref("MessageInsights"),
            ]
        )
        schemas["MediaText"] = object(
            """
            The text inside an inbound image or document, read once its file is downloaded; absent for \
            other messages and until it was read. It goes through the stages beside the caption and is \
            found by search.
            """,
            [
                "text": string("What was read; empty when the file holds no text (a photo)."),
                "source": string(
                    "How: the PDF's text layer, OCR (an image or a scanned page), or a plain-text file.",
                    values: ["pdf_text", "ocr", "plain_text"]
                ),
                "error": string("Why the file could not be read (then `text` and `source` are absent)."),
            ]
        )
        schemas["MessageInsights"] = object(
            "What the detect and extract stages found; absent until they ran (inbound messages with text).",
            [
                "language": string("ISO 639-1 code, or `unknown`."),
                "language_confidence": number(nil, minimum: 0, maximum: 1),
                "intent": string("The sales intent; `other` when unsure."),
                "intent_confidence": number(nil, minimum: 0, maximum: 1),
                "sentiment": string("`negative`, `neutral` or `positive`."),
                "sentiment_score": number("P(positive) - P(negative).", minimum: -1, maximum: 1),
                "entities": array(
                    ref("Entity"),
                    "What the extract stage found, in order of `start`; absent until it ran."
                ),
            ]
        )
        schemas["MessagePage"] = object(
            nil,
            required: ["messages"],
            [
                "messages": array(ref("Message"), "Newest first."),
                "next_cursor": string("Pass as `cursor` for the next (older) page; absent on the last page."),
            ]
        )

        // Sending
        schemas["SendTextRequest"] = withRecipient(
            object(
                "A session text. The recipient is `thread_id`, or `phone_number_id` and `to`.",
                required: ["text"],
                closed: false,
                alternatives: recipientForms,
                [
                    "text": string("Not blank; at most 4,096 bytes of UTF-8."),
                    "reply_to": string("The wamid of a message to reply to (quoted)."),
                    "preview_url": boolean("Whether WhatsApp shows a preview of the first link.", defaultValue: false),
                    "draft_id": uuid("The reply draft this text came from: recorded as used as it was, or edited."),
                ]
            )
        )
        schemas["SendTemplateRequest"] = withRecipient(
            object(
                "A template message. The recipient is `thread_id`, or `phone_number_id` and `to`.",
                required: ["template"],
                closed: false,
                alternatives: recipientForms,
                [
                    "template": ref("TemplateRequest"),
                    "draft_id": uuid("The reply draft this template came from: recorded as used as it was, or edited."),
                ]
            )
        )
        schemas["TemplateRequest"] = object(
            "Which template, and its parameters.",
            required: ["name", "language"],
            closed: false,
            [
                "name": string("The template's name; not empty."),
                "language": .object([
                    "description": .string("The language code (`en_US`), or the Graph API's `{\"code\": \"en_US\"}`."),
                    "anyOf": .array([
                        string(),
                        object(nil, required: ["code"], closed: false, ["code": string()]),
                    ]),
                ]),
                "components": array(
                    ref("TemplateComponent"),
                    "The parameters, as the Graph API takes them; checked against the template's definition."
                ),
            ]
        )
        schemas["TemplateComponent"] = object(
            "The parameters of one part of the template; passed to the Graph API as given.",
            required: ["type"],
            closed: false,
            [
                "type": string("Which part (any case).", values: ["header", "body", "button"]),
                "parameters": array(ref("TemplateParameter")),
                "index": integer("For a button: its position in the template, from 0.", minimum: 0),
                "sub_type": string(
                    "For a button: its type as the template defines it (any case).",
                    values: ["url", "copy_code", "quick_reply", "flow"]
                ),
            ]
        )
        schemas["TemplateParameter"] = object(
            """
            One parameter; passed to the Graph API as given. The header takes `text` parameters, or one \
            of its format (`image`, `video`, `document` with a `link` or an uploaded `id`; `location`); \
            the body `text`, `currency` or `date_time`.
            """,
            required: ["type"],
            closed: false,
            [
                "type": string(),
                "text": string("For `text`: the value; not empty in the body."),
                "parameter_name": string("For a template with NAMED parameters: the body variable this fills."),
                "image": ref("MediaReference"),
                "video": ref("MediaReference"),
                "document": ref("MediaReference"),
            ]
        )
        schemas["MediaReference"] = .object([
            "type": .string("object"),
            "description": .string("A media file by `link` (a public URL) or `id` (`provider_media_id` of an upload)."),
            "properties": .object(["link": string(format: "uri"), "id": string()]),
            "anyOf": .array([
                .object(["required": .array([.string("link")])]),
                .object(["required": .array([.string("id")])]),
            ]),
        ])
        schemas["OutboxMessage"] = object(
            "A message sent through the API, as the outbox keeps it.",
            required: ["id", "status", "attempts", "thread_id", "account_id", "recipient", "kind", "created_at"],
            [
                "id": uuid(),
                "status": string(
                    """
                    Once the provider accepted it, its delivery status (sent, delivered, read, played, \
                    failed); before, the outbox state: queued (waiting, maybe for a retry), sending, \
                    failed (permanently) or dead (retries spent).
                    """
                ),
                "attempts": integer("Send attempts so far.", minimum: 0),
                "thread_id": uuid(),
                "account_id": uuid("The number it is sent from."),
                "recipient": string("The recipient's WhatsApp id (digits)."),
                "kind": string(values: ["text", "template"]),
                "template_name": string(),
                "template_language": string(),
                "provider_message_id": string("WhatsApp's message id (wamid), once the provider accepted it."),
                "error_code": integer("The provider's error code, when it failed."),
                "error_message": string("The provider's error, when it failed."),
                "last_error": string("The latest transient error, while it is retried."),
                "next_attempt_at": dateTime("While queued: when the next attempt is due."),
                "created_at": dateTime(),
                "sent_at": dateTime("When the provider accepted it."),
                "idempotency_key": string("The Idempotency-Key it was sent with."),
            ]
        )
        schemas["OutboxMessageEnvelope"] = object(nil, required: ["message"], ["message": ref("OutboxMessage")])
        schemas["MarkReadRequest"] = object(
            nil,
            closed: false,
            ["typing_indicator": boolean("Also show the contact a typing indicator.", defaultValue: false)]
        )
        schemas["MarkReadResult"] = object(
            nil,
            required: ["marked_message_id"],
            ["marked_message_id": string("The wamid marked read: the thread's latest inbound message.")]
        )

        // Templates
        schemas["TemplateSyncResult"] = object(
            nil,
            required: ["templates"],
            [
                "templates": schema(
                    "object",
                    "Templates stored, per WhatsApp Business Account id.",
                    ["additionalProperties": integer(nil, minimum: 0)]
                )
            ]
        )
        schemas["Template"] = object(
            "A message template as last synced or announced by webhook.",
            required: ["waba_id", "name", "language", "status", "components", "updated_at"],
            [
                "waba_id": string("The WhatsApp Business Account it belongs to."),
                "name": string(),
                "language": string("For example `en_US`."),
                "status": string(
                    """
                    As Meta reports it (APPROVED, PENDING, REJECTED, PAUSED, DISABLED, ...); DELETED when a \
                    sync no longer finds it.
                    """
                ),
                "category": string("MARKETING, UTILITY or AUTHENTICATION."),
                "parameter_format": string("POSITIONAL (`{{1}}`) or NAMED (`{{first_name}}`)."),
                "components": array(
                    schema("object", nil),
                    "The definition as Meta gives it: HEADER, BODY, FOOTER and BUTTONS components."
                ),
                "quality_score": string("Meta's quality score."),
                "rejected_reason": string("Why Meta rejected it."),
                "updated_at": dateTime(),
            ]
        )
        schemas["TemplateList"] = object(nil, required: ["templates"], ["templates": array(ref("Template"))])

        // Media
        schemas["Media"] = object(
            "A media file: a contact's (inbound, fetched from the provider) or an upload (outbound).",
            required: ["id", "direction"],
            [
                "id": uuid(),
                "direction": string(values: ["inbound", "outbound"]),
                "mime_type": string(),
                "filename": string(),
                "size": integer("Bytes.", minimum: 0),
                "sha256": string("SHA-256 of the file: lowercase hex once the file is here; before, as Meta gave it."),
                "provider_media_id": string(
                    "The provider's media id: Meta's for inbound media; for an upload to an account, the id to send."
                ),
                "url": string(
                    """
                    A path on this server that serves the file without an API key until `expires_at` \
                    (`/media/{id}?expires=...&signature=...`). Absent until the file is here.
                    """
                ),
                "expires_at": dateTime("When `url` stops working."),
                "download_error": string("Why fetching an inbound file failed (it is retried)."),
            ]
        )
        schemas["MediaEnvelope"] = object(nil, required: ["media"], ["media": ref("Media")])

        // Search
        schemas["SearchHit"] = object(
            "A message that matched.",
            required: ["message_id", "direction", "snippet", "sent_at", "score"],
            [
                "message_id": uuid(),
                "thread_id": uuid(),
                "contact_id": uuid(),
                "wa_id": string("The contact's WhatsApp id (phone digits)."),
                "profile_name": string("The contact's WhatsApp profile name."),
                "direction": string(values: ["inbound", "outbound"]),
                "text": string(),
                "snippet": string(
                    """
                    The text around the matching words, which are marked `**like this**`; its first 160 \
                    characters when the query has no words.
                    """
                ),
                "sent_at": dateTime(),
                "score": number("Reciprocal rank fusion of the two rankings; higher is better."),
                "semantic_rank": integer("Rank by meaning, 1 the nearest; absent when not among them.", minimum: 1),
                "lexical_rank": integer("Rank by words; absent when not among the full-text matches.", minimum: 1),
            ]
        )
        schemas["SearchResults"] = object(
            nil,
            required: ["query", "mode", "hits"],
            [
                "query": string("The search text, trimmed."),
                "mode": string("`lexical` when no embedder is configured.", values: ["hybrid", "lexical"]),
                "hits": array(ref("SearchHit"), "Best first."),
            ]
        )

        // Insights
        schemas["DetectRequest"] = object(
            "`text` for one text, `texts` for several (`texts` wins when both are given).",
            closed: false,
            alternatives: [["text"], ["texts"]],
            [
                "text": string("Not blank."),
                "texts": array(string("Not blank."), nil, minItems: 1, maxItems: 1_000),
            ]
        )
        schemas["Detection"] = object(
            "What the local models say of one text; the same answers the pipeline stores for messages.",
            required: [
                "language", "language_confidence", "intent", "intent_confidence", "sentiment", "sentiment_score",
            ],
            [
                "language": string("ISO 639-1 code, or `unknown` when the text is too short or mixed to say."),
                "language_confidence": number(nil, minimum: 0, maximum: 1),
                "intent": string("The sales intent; `other` when unsure."),
                "intent_confidence": number(nil, minimum: 0, maximum: 1),
                "sentiment": string("`negative`, `neutral` or `positive`."),
                "sentiment_score": number("P(positive) - P(negative).", minimum: -1, maximum: 1),
            ]
        )
        schemas["DetectionList"] = object(
            nil,
            required: ["results"],
            ["results": array(ref("Detection"), "One per text, in order.")]
        )
        schemas["Entity"] = entity(inThread: false)
        schemas["ThreadEntity"] = entity(inThread: true)
        schemas["BANTCue"] = object(
            """
            A phrase that says something of a BANT dimension without being an entity ("what's the \
            price", "I need to check with my boss", "no rush"), in English, Spanish or Portuguese.
            """,
            required: ["kind", "start", "end", "text"],
            [
                "kind": string(
                    """
                    `budget_mention` and `price_question` (budget), `decides` and `needs_approval` \
                    (authority), `need`, `interest` and `not_interested` (need), `urgency` and `no_rush` \
                    (timeline).
                    """,
                    values: BANTCue.Kind.allCases.map(\.rawValue)
                ),
                "start": integer("Offset of the first Unicode scalar of the phrase.", minimum: 0),
                "end": integer("Offset just after its last Unicode scalar (exclusive).", minimum: 0),
                "text": string("The phrase as written."),
            ]
        )
        schemas["ExtractRequest"] = object(
            "A text and what to resolve it against.",
            required: ["text"],
            closed: false,
            [
                "text": string("Not blank; at most 4,096 characters."),
                "reference_time": orNull(
                    string(
                        "The instant \"now\" means, ISO 8601 with its offset (`2026-03-10T14:00:00Z`). Default: now."
                    )
                ),
                "timezone": orNull(
                    string(
                        """
                        IANA time zone relative times resolve in (`America/Sao_Paulo`). Default: the \
                        organization's, else UTC.
                        """
                    )
                ),
                "language": string(
                    "ISO 639-1 code (`en`, `es`, `pt`) of the text, to try only its phrases. Default: every language."
                ),
                "region": string(
                    "ISO 3166 region (`US`, `BR`): decides whether 2/3 is February 3 or March 2."
                ),
            ]
        )
        schemas["ExtractResult"] = object(
            "What a text holds. Nothing is stored.",
            required: ["entities", "bant_cues", "reference_time", "timezone"],
            [
                "entities": array(ref("Entity"), "In order of `start`."),
                "bant_cues": array(ref("BANTCue"), "In order of `start`."),
                "reference_time": dateTime("The instant relative times resolved against."),
                "timezone": string("The IANA time zone they resolved in."),
            ]
        )
        schemas["InsightSettings"] = object(
            "The organization's insight settings.",
            required: ["timezone", "bant"],
            [
                "timezone": orNull(
                    string(
                        """
                        IANA time zone of the organization's contacts, for relative times; `null`: each \
                        contact's phone country decides (UTC when it does not).
                        """
                    )
                ),
                "bant": object(
                    "The overall BANT scores from which a thread's stage is `engaged`, then `qualified`.",
                    required: ["engaged_threshold", "qualified_threshold"],
                    [
                        "engaged_threshold": number("Default 0.25.", minimum: 0, maximum: 1),
                        "qualified_threshold": number(
                            "Default 0.55; not below `engaged_threshold`.",
                            minimum: 0,
                            maximum: 1
                        ),
                    ]
                ),
            ]
        )
        schemas["AssistSettings"] = object(
            "The LLM an organization's assist calls use, its budget and today's usage.",
            required: [
                "source", "preset", "base_url", "model", "api_key_set", "input_cost_per_million",
                "output_cost_per_million", "daily_token_budget", "usage_today", "presets",
            ],
            [
                "source": string("Which settings are in force.", values: ["organization", "default", "local"]),
                "preset": orNull(string("The preset the organization's settings started from.")),
                "base_url": orNull(string("The endpoint's root; `/v1/chat/completions` is appended.")),
                "model": orNull(string()),
                "api_key_set": boolean("Whether a key is stored (it is never returned)."),
                "input_cost_per_million": orNull(number("US dollars per million prompt tokens.", minimum: 0)),
                "output_cost_per_million": orNull(number("US dollars per million completion tokens.", minimum: 0)),
                "daily_token_budget": integer("Tokens a UTC day before calls go to the local path.", minimum: 0),
                "usage_today": object(
                    "What the organization's calls used today (UTC).",
                    required: ["prompt_tokens", "completion_tokens", "calls", "fallbacks", "cost_usd"],
                    [
                        "prompt_tokens": integer(nil, minimum: 0),
                        "completion_tokens": integer(nil, minimum: 0),
                        "calls": integer("Calls the endpoint answered.", minimum: 0),
                        "fallbacks": integer(
                            "Calls the local path answered instead (endpoint failing, over budget).",
                            minimum: 0
                        ),
                        "cost_usd": number("At the settings' token prices.", minimum: 0),
                    ]
                ),
                "presets": array(
                    object(
                        nil,
                        required: ["name", "summary", "base_url", "model", "needs_key"],
                        [
                            "name": string(), "summary": string(), "base_url": string(), "model": string(),
                            "needs_key": boolean(),
                        ]
                    ),
                    "Endpoints people run: a hosted GPT-4o mini, Llama-3.1-8B behind vLLM or Ollama, llama.cpp."
                ),
            ]
        )
        let snippetProperties: KeyValuePairs<String, JSONValue> = [
            "id": uuid(),
            "kind": snippetKind,
            "language": string("ISO 639-1: en, es, pt, ..."),
            "title": string("1 to 200 characters."),
            "body": string("1 to 4,000 characters."),
            "tags": array(string(), "At most 20."),
        ]
        schemas["KnowledgeSnippet"] = object(
            "An organization's own answer, in one language.",
            required: ["id", "kind", "language", "title", "body", "tags"],
            snippetProperties
        )
        schemas["KnowledgeSnippetInput"] = object(
            "A new snippet.",
            required: ["kind", "language", "title", "body"],
            closed: false,
            [
                "kind": snippetKind,
                "language": string("ISO 639-1: en, es, pt, ..."),
                "title": string("1 to 200 characters."),
                "body": string("1 to 4,000 characters."),
                "tags": array(string(), "At most 20 of 1 to 50 characters."),
            ]
        )
        schemas["KnowledgeSnippetList"] = object(
            nil,
            required: ["snippets"],
            ["snippets": array(ref("KnowledgeSnippet"))]
        )
        schemas["KnowledgeMatches"] = object(
            nil,
            required: ["query", "matches"],
            [
                "query": string(),
                "matches": array(
                    object(
                        "A snippet, how well it matched and how.",
                        required: ["id", "kind", "language", "title", "body", "tags", "score", "method"],
                        [
                            "id": uuid(),
                            "kind": snippetKind,
                            "language": string(), "title": string(), "body": string(), "tags": array(string()),
                            "score": number("Cosine similarity (semantic) or full-text rank (lexical)."),
                            "method": string(values: ["semantic", "lexical"]),
                        ]
                    ),
                    "Best first."
                ),
            ]
        )
        schemas["AssistSettingsUpdate"] = object(
            "The organization's LLM settings.",
            closed: false,
            [
                "preset": orNull(string("A preset's name (see `presets`).")),
                "base_url": string("An OpenAI-compatible endpoint's root, such as https://api.openai.com."),
                "model": string("The model name the endpoint knows."),
                "api_key": orNull(string("Sent as a bearer token; `null` removes the stored one.")),
                "input_cost_per_million": number("US dollars per million prompt tokens.", minimum: 0),
                "output_cost_per_million": number("US dollars per million completion tokens.", minimum: 0),
                "daily_token_budget": orNull(
                    integer("Tokens a UTC day; `null` takes the server's default.", minimum: 0, maximum: 1_000_000_000)
                ),
            ]
        )
        schemas["InsightSettingsUpdate"] = object(
            "The settings to change; a field left out keeps its value.",
            closed: false,
            [
                "timezone": orNull(string("An IANA time zone (`America/Sao_Paulo`); `null` clears it.")),
                "bant": object(
                    "The thresholds to change; after the change `engaged_threshold` must not be above `qualified_threshold`.",
                    closed: false,
                    [
                        "engaged_threshold": number(nil, minimum: 0, maximum: 1),
                        "qualified_threshold": number(nil, minimum: 0, maximum: 1),
                    ]
                ),
            ]
        )
        schemas["ThreadInsights"] = object(
            "What the pipeline concluded about a thread from its inbound messages.",
            required: [
                "thread_id", "stage", "bant", "updated_at", "intent", "sentiment", "entities", "summary",
                "next_actions",
            ],
            [
                "thread_id": uuid(),
                "stage": orNull(
                    string(
                        "The qualification by the overall BANT score and the organization's thresholds.",
                        values: ["unqualified", "engaged", "qualified"]
                    )
                ),
                "bant": orNull(ref("BANT"), "`null` until a message of the thread was processed."),
                "updated_at": orNull(dateTime("When `bant` was last concluded.")),
                "intent": object(
                    nil,
                    required: ["latest", "counts"],
                    [
                        "latest": orNull(
                            object(
                                "The latest inbound message with an intent; `null` when none has one.",
                                required: ["message_id", "sent_at", "intent", "confidence"],
                                [
                                    "message_id": uuid(),
                                    "sent_at": dateTime(),
                                    "intent": string(),
                                    "confidence": orNull(number(nil, minimum: 0, maximum: 1)),
                                ]
                            )
                        ),
                        "counts": schema(
                            "object",
                            "How many inbound messages have each intent.",
                            ["additionalProperties": integer(nil, minimum: 1)]
                        ),
                    ]
                ),
                "sentiment": object(
                    nil,
                    required: ["trend", "average"],
                    [
                        "trend": array(
                            object(
                                nil,
                                required: ["message_id", "sent_at", "sentiment", "score"],
                                [
                                    "message_id": uuid(),
                                    "sent_at": dateTime(),
                                    "sentiment": string("`negative`, `neutral` or `positive`."),
                                    "score": orNull(
                                        number("P(positive) - P(negative).", minimum: -1, maximum: 1)
                                    ),
                                ]
                            ),
                            """
                            The latest \(ConversationController<ConversationRepository>.trendLength) inbound \
                            messages with a sentiment, oldest first.
                            """
                        ),
                        "average": orNull(
                            number(
                                "The mean score of every inbound message with one; `null` when none has.",
                                minimum: -1,
                                maximum: 1
                            )
                        ),
                    ]
                ),
                "entities": array(ref("ThreadEntity"), "Every inbound message's entities, oldest message first."),
                "summary": orNull(ref("StoredSummary"), "The latest rolling summary; `null` until one was made."),
                "next_actions": array(ref("NextAction"), "Every rule that fires, most pressing first."),
            ]
        )
        schemas["NextAction"] = object(
            "A suggested action, why, what its rule read, and the messages behind it.",
            required: ["kind", "score", "reason", "inputs", "evidence"],
            [
                "kind": string(values: NextAction.Kind.allCases.map(\.rawValue)),
                "score": number("How pressing, 0 to 1; the list is ranked by it.", minimum: 0, maximum: 1),
                "reason": string("Why, in a sentence."),
                "inputs": object("What the rule read, by name.", closed: false, [:]),
                "evidence": array(uuid(), "The messages behind it."),
            ]
        )
        schemas["ThreadSummaryDocument"] = object(
            """
            A thread's summary: a few sentences (`text`), what the customer wants, the facts, objections, \
            the business's commitments and the customer's unanswered questions (each quoting its message).
            """,
            required: ["language", "method", "text", "wants", "facts", "objections", "commitments", "open_questions"],
            closed: false,
            [
                "language": string(values: ["en", "es", "pt"]),
                "method": string("`local` (made in the process) or `llm`.", values: ["local", "llm"]),
                "text": string("The turns that say most, English ones in the third person, at most 60 words."),
                "wants": array(string(), "From the customer's intents, in `language`."),
                "facts": object(
                    "Products, quantities, amounts, dates and competitors as written; BANT levels and stage.",
                    closed: false,
                    [:]
                ),
                "objections": array(ref("QuotedMessage")),
                "commitments": array(ref("QuotedMessage"), "What the business promised (\"I'll send\", \"te envío\")."),
                "open_questions": array(ref("QuotedMessage"), "The customer's questions with no reply after them."),
            ]
        )
        let guardrail = object(
            nil,
            required: ["name", "passed", "detail"],
            [
                "name": string(values: ["profanity", "pii", "prices", "template_boundary"]),
                "passed": boolean(),
                "detail": orNull(string("What failed.")),
            ]
        )
        schemas["Drafts"] = object(
            "Reply drafts for a thread.",
            required: ["thread_id", "method", "drafts", "withheld"],
            [
                "thread_id": uuid(),
                "method": string("`local` (made in the process) or `llm`.", values: ["local", "llm"]),
                "drafts": array(
                    object(
                        nil,
                        required: ["id", "text", "language", "mode", "sources", "guardrails"],
                        [
                            "id": uuid(),
                            "text": string(),
                            "language": string(),
                            "mode": string(values: ["session", "template"]),
                            "template": object(
                                "With mode `template`: what to send.",
                                required: ["name", "language", "parameters"],
                                ["name": string(), "language": string(), "parameters": array(string())]
                            ),
                            "sources": array(
                                object(
                                    nil,
                                    required: ["kind", "id"],
                                    [
                                        "kind": string(values: ["snippet", "past_reply", "catalog", "template", "rule"]
                                        ),
                                        "id": string(),
                                    ]
                                )
                            ),
                            "guardrails": array(guardrail),
                        ]
                    ),
                    "At most three, best first."
                ),
                "withheld": array(
                    object(
                        "A draft the guardrails stopped: where it came from and why (never its text).",
                        required: ["sources", "failed"],
                        ["sources": array(object(nil, closed: false, [:])), "failed": array(guardrail)]
                    )
                ),
            ]
        )
        schemas["QuotedMessage"] = object(
            nil,
            required: ["message_id", "sent_at", "text"],
            ["message_id": uuid(), "sent_at": dateTime(), "text": string("At most 280 characters.")]
        )
        schemas["SummaryCovers"] = object(
            "The messages a summary version covers: up to which, and how many.",
            required: ["last_message_id", "last_message_at", "messages"],
            ["last_message_id": uuid(), "last_message_at": dateTime(), "messages": integer(nil, minimum: 1)]
        )
        schemas["StoredSummary"] = object(
            "A stored version of a thread's summary.",
            required: ["version", "covers", "created_at", "summary"],
            [
                "version": integer(nil, minimum: 1),
                "covers": ref("SummaryCovers"),
                "created_at": dateTime(),
                "summary": ref("ThreadSummaryDocument"),
            ]
        )
        schemas["ThreadSummaryAnswer"] = object(
            "The thread's summary: the stored version, or one made now (`version` then the latest stored, or `null`).",
            required: ["thread_id", "version", "summary"],
            [
                "thread_id": uuid(),
                "version": orNull(integer(nil, minimum: 1)),
                "covers": ref("SummaryCovers"),
                "created_at": dateTime(),
                "summary": ref("ThreadSummaryDocument"),
                "since": object(
                    "What the messages after `since` say.",
                    required: ["version", "after", "new_messages", "summary"],
                    [
                        "version": orNull(integer(nil, minimum: 1)),
                        "after": dateTime("The last message the earlier version covered, or the time given."),
                        "new_messages": integer(nil, minimum: 0),
                        "summary": orNull(ref("ThreadSummaryDocument")),
                        "stage_changed": object(nil, required: ["from", "to"], ["from": string(), "to": string()]),
                    ]
                ),
            ]
        )
        schemas["BANT"] = object(
            """
            Budget, authority, need and timeline, each scored 0 to 1 from what the inbound messages \
            say, the overall score (their mean) and the stage it gives. Each dimension may carry \
            more fields than listed.
            """,
            required: ["budget", "authority", "need", "timeline", "overall", "stage"],
            closed: false,
            [
                "budget": bantDimension(
                    """
                    `stated` (an amount: 0.9, with `amount`, the money entity's value), `implied` (talks of \
                    budget or asks a price: 0.5), `none` (0).
                    """
                ),
                "authority": bantDimension(
                    """
                    `decision_maker` (an owner, executive or director, or "I decide": 0.7 and up), \
                    `influencer` (a manager or staff, or one who must consult someone: 0.3 and up), \
                    `unknown`. `role` is the role entity's value; `needs_approval` is `true` when the \
                    customer must consult someone.
                    """
                ),
                "need": bantDimension(
                    """
                    `clear` (a pain, use case or catalog product with context: 0.7 and up), `vague` \
                    (interest only: 0.3 and up), `none`. `products` and `competitors` list the catalog \
                    items named.
                    """
                ),
                "timeline": bantDimension(
                    """
                    `defined` (a date within 120 days, or urgency: 0.9), `vague` (a later date or "no \
                    rush": 0.4), `none` (0). `target` is the time entity's value.
                    """
                ),
                "overall": number("The mean of the four scores.", minimum: 0, maximum: 1),
                "stage": string(values: ["unqualified", "engaged", "qualified"]),
                "inbound_messages": integer("How many inbound messages it was drawn from.", minimum: 0),
                "thresholds": object(
                    "The organization's thresholds it was drawn with.",
                    closed: false,
                    [
                        "engaged": number(nil, minimum: 0, maximum: 1),
                        "qualified": number(nil, minimum: 0, maximum: 1),
                    ]
                ),
            ]
        )
        schemas["BANTEvidence"] = object(
            "Where a message says what a score rests on.",
            required: ["message_id", "start", "end", "text", "kind"],
            closed: false,
            [
                "message_id": uuid(),
                "start": integer("Unicode scalar offset in the message's text (or in its media text).", minimum: 0),
                "end": integer("Exclusive.", minimum: 0),
                "text": string(),
                "kind": string("The entity type (`money`, `role`, `time`, ...) or the BANT cue kind."),
                "source": string(
                    "`media_text` when found in the text inside the message's image or document; absent for its own text.",
                    values: ["media_text"]
                ),
            ]
        )

        // Catalog
        schemas["CatalogItem"] = object(
            "A product or competitor of the organization.",
            required: ["id", "kind", "name", "aliases", "sku", "list_price", "currency"],
            [
                "id": uuid(),
                "kind": string(values: CatalogItem.Kind.allCases.map(\.rawValue)),
                "name": string(),
                "aliases": array(string(), "Other names it is found by."),
                "sku": orNull(string()),
                "list_price": orNull(number("In `currency`.", minimum: 0)),
                "currency": orNull(string("ISO 4217 code, uppercase.", pattern: "^[A-Z]{3}$")),
            ]
        )
        schemas["CatalogItemRequest"] = object(
            """
            A product or competitor. Strings are trimmed; a `null` optional field is as if left out. \
            Names are unique per kind in the organization, case aside.
            """,
            required: ["name"],
            closed: false,
            [
                "name": string("1 to 200 characters."),
                "aliases": array(string("1 to 200 characters."), "Other names to find it by.", maxItems: 50),
                "sku": string("1 to 64 characters."),
                "list_price": number("0 or more; needs `currency`.", minimum: 0),
                "currency": string("ISO 4217 code (`BRL`, `usd`: any case).", pattern: "^[A-Za-z]{3}$"),
            ]
        )
        schemas["CatalogList"] = object(
            "`products` from the products route, `competitors` from the competitors route.",
            alternatives: [["products"], ["competitors"]],
            [
                "products": array(ref("CatalogItem"), "By name, case aside."),
                "competitors": array(ref("CatalogItem"), "By name, case aside."),
            ]
        )
        return schemas
    }

    /// An ``Entity`` as stored on a message, or (`inThread`) as the thread insights list it,
    /// with its message.
    private static func entity(inThread: Bool) -> JSONValue {
        let properties: KeyValuePairs<String, JSONValue> = [
            "type": string(values: EntityType.allCases.map(\.rawValue)),
            "text": string("The span as written."),
            "start": integer("Offset of the span's first Unicode scalar in the text.", minimum: 0),
            "end": integer("Offset just after its last Unicode scalar (exclusive).", minimum: 0),
            "value": entityValue(),
            "confidence": number("How sure the extractor is.", minimum: 0, maximum: 1),
            "source": string(
                "`media_text` when found in the message's media text (offsets count in it); absent for its own text.",
                values: ["media_text"]
            ),
        ]
        var required = ["type", "text", "start", "end", "value", "confidence"]
        var schema =
            object(
                """
                A fact found in a text. `start` and `end` count Unicode scalars (code points, not UTF-16 \
                units nor grapheme clusters): the span is the text's scalars `start..<end`. Contact data \
                (`email`, `phone`, `url`) is found before redaction and is never embedded nor sent to an LLM.
                """,
                required: [],
                properties
            ).objectValue ?? [:]
        if inThread {
            var all = schema["properties"]?.objectValue ?? [:]
            all["message_id"] = uuid("The inbound message it was found in.")
            schema["properties"] = .object(all)
            required.append("message_id")
        }
        schema["required"] = .array(required.map(JSONValue.string))
        return .object(schema)
    }

    /// An entity's `value`: its shape depends on `type`.
    private static func entityValue() -> JSONValue {
        let examples: [JSONValue] = [
            ["type": "value", "value": "2026-03-11T15:00:00.000-03:00", "grain": "hour"],
            [
                "type": "interval",
                "from": ["value": "2026-03-16T00:00:00.000-03:00", "grain": "day"],
                "to": ["value": "2026-03-21T00:00:00.000-03:00", "grain": "day"],
            ],
            ["value": 2, "unit": "week", "normalized": ["value": 1_209_600, "unit": "second"]],
            ["type": "value", "value": 2500, "unit": "BRL"],
            ["value": 50, "unit": "seat"],
            ["value": 15],
            ["value": "ana@example.com"],
            ["value": "head of sales", "seniority": "director", "department": "sales", "subject": "self"],
            [
                "id": "6f1c1a52-0d7e-4d55-9a63-2f1f0b6f7a10", "name": "Pro plan", "sku": "PRO-1", "list_price": 99,
                "currency": "USD",
            ],
        ]
        return schema(
            "object",
            """
            The resolved value; its shape depends on `type`:

            - `time`: as Duckling, `{"type": "value", "value": "2026-03-11T15:00:00.000-03:00", \
            "grain": "hour"}` (an instant with its offset, and the unit it is precise to), or \
            `{"type": "interval", "from": {"value", "grain"}, "to": {"value", "grain"}}`; an open \
            interval has one side.
            - `duration`: `{"value": 2, "unit": "week", "normalized": {"value": 1209600, "unit": "second"}}`.
            - `money`: `{"type": "value", "value": 2500, "unit": "BRL"}` (an ISO 4217 code), or \
            `{"type": "interval", "from": {"value", "unit"}, "to": {"value", "unit"}}`; optionally \
            `period` and `approximate`.
            - `quantity`: `{"value": 50, "unit": "seat"}`.
            - `percentage`: `{"value": 15}`.
            - `email`, `phone`, `url`: `{"value": "..."}`.
            - `company`: `{"value", "source"}` (where it was found).
            - `role`: `{"value", "seniority", "department"?, "subject"}`; `subject` is `self` (the \
            writer's role) or `other`.
            - `product`, `competitor`: the catalog item, `{"id", "name", "sku"?, "list_price"?, "currency"?}`.
            """,
            ["examples": .array(examples)]
        )
    }

    /// One BANT dimension: its score, level and evidence, and what else it found.
    private static func bantDimension(_ levels: String) -> JSONValue {
        object(
            "Levels: " + levels,
            required: ["score", "level", "evidence"],
            closed: false,
            [
                "score": number(nil, minimum: 0, maximum: 1),
                "level": string(),
                "evidence": array(ref("BANTEvidence"), "The latest first, at most five."),
            ]
        )
    }

    /// `schema`, or `null`: the hand-built answers write `null` where Codable would leave the
    /// field out.
    private static func orNull(_ schema: JSONValue, _ description: String? = nil) -> JSONValue {
        guard var object = schema.objectValue else { return schema }
        if case .string(let type)? = object["type"] {
            object["type"] = .array([.string(type), .string("null")])
            if let values = object["enum"]?.arrayValue { object["enum"] = .array(values + [.null]) }
            if let description { object["description"] = .string(description) }
            return .object(object)
        }
        var either: [String: JSONValue] = ["anyOf": .array([schema, .object(["type": .string("null")])])]
        if let description { either["description"] = .string(description) }
        return .object(either)
    }

    /// The two ways a send names its recipient (`OutboundService.Recipient`).
    private static let recipientForms = [["thread_id"], ["phone_number_id", "to"]]

    /// A send's schema with the recipient fields both sends read.
    private static func withRecipient(_ send: JSONValue) -> JSONValue {
        var object = send.objectValue ?? [:]
        var properties = object["properties"]?.objectValue ?? [:]
        properties["thread_id"] = uuid("The thread to send in. When given, `phone_number_id` and `to` are ignored.")
        properties["phone_number_id"] = string("Meta's id of a number connected to the organization, to send from.")
        properties["to"] = string(
            "The recipient's number in international form: 6 to 20 digits, with or without a leading `+`.",
            pattern: "^\\+?[0-9]{6,20}$"
        )
        object["properties"] = .object(properties)
        return .object(object)
    }
}

// MARK: - Building blocks

extension OpenAPIDocument {
    /// One answer an operation gives: its status, what it means, its body and headers, and for
    /// an error the codes `error.code` can hold.
    private struct Answer {
        var status: Int
        var description: String
        /// Media type to Media Type Object; empty for an answer without a body.
        var content: [String: JSONValue] = [:]
        var headers: [String: JSONValue] = [:]
        var codes: [(code: String, meaning: String)] = []
    }

    /// Who may call an operation.
    private enum Access {
        /// An organization's API key (``APIKeyMiddleware``): every route under `/api`.
        case apiKey
        /// Anyone: health, webhooks (Meta signs them), signed media links, this document.
        case anyone
    }

    /// An Operation Object. Every operation takes `X-Request-ID`; one under `/api` also answers
    /// 401 and the API-wide 404; one that can fail unexpectedly answers 500.
    private static func operation(
        _ id: String,
        tag: String,
        summary: String,
        description: String,
        access: Access,
        parameters: [JSONValue] = [],
        body: JSONValue? = nil,
        answers: [Answer],
        internalErrors: KeyValuePairs<String, String> = [:],
        internalNote: String? = nil,
        canFail: Bool = true
    ) -> JSONValue {
        var all = answers
        if access == .apiKey {
            all.append(
                failure(
                    401,
                    [
                        "missing_api_key": "no `Authorization: Bearer <key>` (nor `X-API-Key`) header, or an empty key",
                        "invalid_api_key": "the API key is unknown or revoked",
                        "unauthenticated": "the route was reached without authentication (a server bug)",
                    ],
                    note: "No valid API key."
                )
            )
            all.append(
                failure(404, ["not_found": "no such route under `/api` (unknown path, or a method it lacks)"])
            )
        }
        if canFail {
            all.append(
                failure(
                    500,
                    internalErrors,
                    note: internalNote
                        ?? """
                        An unexpected error. Errors of the store answer the JSON error (with the message \
                        `internal error`); others, such as the database being unreachable, an empty body.
                        """
                )
            )
        }
        var operation: [String: JSONValue] = [
            "operationId": .string(id),
            "tags": .array([.string(tag)]),
            "summary": .string(summary),
            "description": .string(description),
            "parameters": .array([parameterRef("RequestID")] + parameters),
            "responses": responses(all),
        ]
        switch access {
        case .apiKey:
            operation["security"] = .array([
                .object(["apiKey": .array([])]),
                .object(["apiKeyHeader": .array([])]),
            ])
        case .anyone:
            operation["security"] = .array([])
        }
        if let body { operation["requestBody"] = body }
        return .object(operation)
    }

    /// The Responses Object: answers of one status merged (a route's own 404 with the API-wide
    /// one), each with the `X-Request-ID` header and, for errors, their codes listed.
    private static func responses(_ answers: [Answer]) -> JSONValue {
        var merged: [Int: Answer] = [:]
        for answer in answers {
            guard var existing = merged[answer.status] else {
                merged[answer.status] = answer
                continue
            }
            for (code, meaning) in answer.codes {
                if let index = existing.codes.firstIndex(where: { $0.code == code }) {
                    existing.codes[index].meaning += "; or " + meaning
                } else {
                    existing.codes.append((code: code, meaning: meaning))
                }
            }
            existing.headers.merge(answer.headers) { own, _ in own }
            if existing.content.isEmpty { existing.content = answer.content }
            merged[answer.status] = existing
        }
        var responses: [String: JSONValue] = [:]
        for (status, answer) in merged {
            var description = answer.description
            if !answer.codes.isEmpty {
                description +=
                    "\n\nError codes (`error.code`):\n\n"
                    + answer.codes.map { "- `\($0.code)`: \($0.meaning)" }.joined(separator: "\n")
            }
            var headers = answer.headers
            headers["X-Request-ID"] = headerRef("RequestID")
            var response: [String: JSONValue] = [
                "description": .string(description),
                "headers": .object(headers),
            ]
            if !answer.content.isEmpty { response["content"] = .object(answer.content) }
            if !answer.codes.isEmpty {
                response["x-error-codes"] = .array(answer.codes.map { JSONValue.string($0.code) })
            }
            responses[String(status)] = .object(response)
        }
        return .object(responses)
    }

    /// A JSON answer whose body is the component schema `schema`.
    private static func success(
        _ status: Int,
        _ description: String,
        _ schema: String,
        headers: [String: JSONValue] = [:]
    ) -> Answer {
        Answer(status: status, description: description, content: json(ref(schema)), headers: headers)
    }

    /// An error answer: the JSON error body, and the codes it can carry with what each means.
    private static func failure(_ status: Int, _ codes: KeyValuePairs<String, String>, note: String? = nil) -> Answer {
        Answer(
            status: status,
            description: note ?? reason(status),
            content: json(ref("Error")),
            codes: codes.map { (code: $0.key, meaning: $0.value) }
        )
    }

    /// An answer without a body.
    private static func bare(_ status: Int, _ description: String) -> Answer {
        Answer(status: status, description: description)
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 400: return "Bad request."
        case 401: return "Unauthorized."
        case 403: return "Forbidden."
        case 404: return "Not found."
        case 409: return "Conflict."
        case 413: return "Content too large."
        case 422: return "Unprocessable content."
        case 500: return "Internal server error."
        case 502: return "Bad gateway."
        case 503: return "Service unavailable: retry shortly."
        case 504: return "Gateway timeout."
        default: return "HTTP \(status)."
        }
    }

    /// A JSON Request Body Object whose schema is the component `schema`.
    private static func jsonBody(_ schema: String, _ description: String, required: Bool = true) -> JSONValue {
        .object([
            "description": .string(description),
            "required": .bool(required),
            "content": .object(json(ref(schema))),
        ])
    }

    private static func json(_ schema: JSONValue) -> [String: JSONValue] {
        ["application/json": .object(["schema": schema])]
    }

    // MARK: Parameters

    private static func parameter(
        _ name: String,
        in location: String,
        _ description: String,
        _ schema: JSONValue,
        required: Bool = false
    ) -> JSONValue {
        .object([
            "name": .string(name),
            "in": .string(location),
            "description": .string(description),
            "required": .bool(required),
            "schema": schema,
        ])
    }

    private static func query(_ name: String, _ description: String, _ schema: JSONValue, required: Bool = false)
        -> JSONValue
    {
        parameter(name, in: "query", description, schema, required: required)
    }

    private static func header(_ name: String, _ description: String, _ schema: JSONValue, required: Bool = false)
        -> JSONValue
    {
        parameter(name, in: "header", description, schema, required: required)
    }

    /// The `{id}` of a path; the handlers answer 400 when it is not a UUID.
    private static func pathID(_ description: String) -> JSONValue {
        parameter("id", in: "path", description, uuid(), required: true)
    }

    /// `limit`: the handlers clamp it to 1...maximum and ignore a value that is not an integer.
    private static func limit(defaultValue: Int, maximum: Int) -> JSONValue {
        query(
            "limit",
            "How many to answer, 1 to \(maximum); a value outside is clamped, one that is not an integer ignored.",
            integer(minimum: 1, maximum: maximum, defaultValue: defaultValue)
        )
    }

    // MARK: References

    private static func ref(_ schema: String) -> JSONValue {
        .object(["$ref": .string("#/components/schemas/\(schema)")])
    }

    private static func parameterRef(_ name: String) -> JSONValue {
        .object(["$ref": .string("#/components/parameters/\(name)")])
    }

    private static func headerRef(_ name: String) -> JSONValue {
        .object(["$ref": .string("#/components/headers/\(name)")])
    }

    // MARK: Schemas

    /// A schema of `type`, with `extra` keywords.
    private static func schema(_ type: String, _ description: String?, _ extra: [String: JSONValue] = [:])
        -> JSONValue
    {
        var schema = extra
        schema["type"] = .string(type)
        if let description { schema["description"] = .string(description) }
        return .object(schema)
    }

    private static func string(
        _ description: String? = nil,
        format: String? = nil,
        pattern: String? = nil,
        values: [String]? = nil
    ) -> JSONValue {
        var extra: [String: JSONValue] = [:]
        if let format { extra["format"] = .string(format) }
        if let pattern { extra["pattern"] = .string(pattern) }
        if let values { extra["enum"] = .array(values.map(JSONValue.string)) }
        return schema("string", description, extra)
    }

    /// A UUID. The handlers read either case; responses carry what Foundation's encoder writes.
    private static func uuid(_ description: String? = nil) -> JSONValue {
        string(description, format: "uuid")
    }

    /// A time as the response encoder writes it: ISO 8601 in UTC, whole seconds.
    private static func dateTime(_ description: String? = nil) -> JSONValue {
        string(description, format: "date-time")
    }

    private static func integer(
        _ description: String? = nil,
        minimum: Int? = nil,
        maximum: Int? = nil,
        defaultValue: Int? = nil
    ) -> JSONValue {
        var extra: [String: JSONValue] = [:]
        if let minimum { extra["minimum"] = .number(Double(minimum)) }
        if let maximum { extra["maximum"] = .number(Double(maximum)) }
        if let defaultValue { extra["default"] = .number(Double(defaultValue)) }
        return schema("integer", description, extra)
    }

    private static func number(_ description: String? = nil, minimum: Int? = nil, maximum: Int? = nil) -> JSONValue {
        var extra: [String: JSONValue] = [:]
        if let minimum { extra["minimum"] = .number(Double(minimum)) }
        if let maximum { extra["maximum"] = .number(Double(maximum)) }
        return schema("number", description, extra)
    }

    private static func boolean(_ description: String? = nil, defaultValue: Bool? = nil) -> JSONValue {
        var extra: [String: JSONValue] = [:]
        if let defaultValue { extra["default"] = .bool(defaultValue) }
        return schema("boolean", description, extra)
    }

    private static func array(
        _ items: JSONValue,
        _ description: String? = nil,
        minItems: Int? = nil,
        maxItems: Int? = nil
    ) -> JSONValue {
        var extra: [String: JSONValue] = ["items": items]
        if let minItems { extra["minItems"] = .number(Double(minItems)) }
        if let maxItems { extra["maxItems"] = .number(Double(maxItems)) }
        return schema("array", description, extra)
    }

    /// An object schema. Answers are `closed` (no field beyond those listed), so a contract test
    /// catches a field added to a view and not here; request bodies are open, as the handlers
    /// ignore fields they do not read. `alternatives` are sets of fields one of which must be given.
    private static func object(
        _ description: String?,
        required: [String] = [],
        closed: Bool = true,
        alternatives: [[String]] = [],
        _ properties: KeyValuePairs<String, JSONValue>
    ) -> JSONValue {
        var extra: [String: JSONValue] = [:]
        if !alternatives.isEmpty {
            extra["anyOf"] = .array(
                alternatives.map { JSONValue.object(["required": .array($0.map(JSONValue.string))]) }
            )
        }
        if !properties.isEmpty {
            extra["properties"] = .object(Dictionary(properties.map { ($0.key, $0.value) }) { first, _ in first })
        }
        if !required.isEmpty { extra["required"] = .array(required.map(JSONValue.string)) }
        if closed { extra["additionalProperties"] = .bool(false) }
        return schema("object", description, extra)
    }

    private static func size(_ bytes: Int) -> String {
        bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes >> 10) KiB"
    }
}
