import Core
import Foundation
import Logging
import Normalize
import PostgresNIO
import Store
import WhatsAppCloud

/// What ingest of one stored webhook did.
public struct IngestReport: Sendable, Equatable {
    public var state: WebhookEventState
    public var unroutedChanges = 0
    public var note: String?
    /// The organization of the first routed change.
    public var organization: OrganizationID?
}

/// Ingests one stored webhook: opens it, parses it, routes each change to its organization
/// (by phone_number_id, or by WABA id for account-level fields) and writes the conversation
/// rows. Runs inside the job's transaction, so its rows and the job's completion commit together.
public struct WebhookIngestor: Sendable {
    public let secretBox: SecretBox
    /// Whether ingested inbound messages get a pipeline job (false when no stage is configured).
    public let queueStages: Bool
    public let logger: Logger

    public init(secretBox: SecretBox, queueStages: Bool, logger: Logger) {
        self.secretBox = secretBox
        self.queueStages = queueStages
        self.logger = logger
    }

    /// Ingests webhook event `eventID` on `connection` (inside a transaction).
    public func ingest(eventID: Int64, on connection: PostgresConnection) async throws -> IngestReport {
        guard let (sealed, receivedAt) = try await WebhookEventStore.lock(eventID, on: connection, logger: logger)
        else {
            throw IngestError(.eventMissing, "webhook event \(eventID) does not exist")
        }
        let body = try secretBox.open(sealed)

        var report: IngestReport
        do {
            let notification = try WebhookParser.parse(body)
            report = try await ingest(notification, eventID: eventID, receivedAt: receivedAt, on: connection)
        } catch let error as WhatsAppCloudError where error.code == .malformedPayload {
            report = IngestReport(state: .unparseable, note: error.message)
            logger.info(
                "webhook not understood",
                metadata: ["webhook.event.id": "\(eventID)", "reason": "\(error.message)"]
            )
        }
        try await WebhookEventStore.markIngested(
            eventID,
            state: report.state,
            note: report.note,
            organization: report.organization,
            on: connection,
            logger: logger
        )
        return report
    }

    private struct Route {
        var organization: OrganizationID
        var account: UUID
    }

    func ingest(
        _ notification: WebhookNotification,
        eventID: Int64,
        receivedAt: Date,
        on connection: PostgresConnection
    ) async throws -> IngestReport {
        var report = IngestReport(state: .processed)
        var organization: OrganizationID?
        var unrouted: [String] = []
        for change in notification.changes {
            guard let route = try await route(change, on: connection) else {
                report.unroutedChanges += 1
                unrouted.append(change.phoneNumberID.map { "phone_number_id \($0)" } ?? "waba \(change.wabaID ?? "?")")
                continue
            }
            organization = organization ?? route.organization
            let writer = ConversationWriter(connection: connection, organization: route.organization, logger: logger)
            let fallbackTime = change.entryTime ?? receivedAt
            try await ingest(
                change,
                route: route,
                writer: writer,
                fallbackTime: fallbackTime,
                eventID: eventID,
                report: &report
            )
        }
        if notification.changes.isEmpty {
            report.note = "no entry[].changes[] in the body"
            report.state = notification.object == nil ? .unparseable : .processed
        }
        if report.unroutedChanges > 0 {
            report.state = report.unroutedChanges == notification.changes.count ? .unrouted : .partial
            report.note = "no connected account for " + Array(Set(unrouted)).sorted().joined(separator: ", ")
            logger.info(
                "webhook for an unconnected number",
                metadata: ["webhook.event.id": "\(eventID)", "wa.unrouted": "\(report.note ?? "")"]
            )
        }
        report.organization = organization
        return report
    }

    private func route(_ change: WebhookChange, on connection: PostgresConnection) async throws -> Route? {
        guard
            let (organization, account) = try await AccountRepository.owner(
                phoneNumberID: change.phoneNumberID,
                wabaID: change.wabaID,
                on: connection,
                logger: logger
            )
        else { return nil }
        return Route(organization: organization, account: account)
    }

    private func ingest(
        _ change: WebhookChange,
        route: Route,
        writer: ConversationWriter,
        fallbackTime: Date,
        eventID: Int64,
        report: inout IngestReport
    ) async throws {
        let people = try await writePeople(change, route: route, writer: writer, fallbackTime: fallbackTime)
        try await writeMessages(
            change,
            people: people,
            route: route,
            writer: writer,
            fallbackTime: fallbackTime,
            eventID: eventID
        )
        for status in change.statuses {
            try await writer.recordStatus(status, occurredAt: status.timestamp ?? fallbackTime, eventID: eventID)
        }

        try await writeMarketingPreferences(change, writer: writer, fallbackTime: fallbackTime)
        if let wabaID = change.wabaID, let update = TemplateUpdate(field: change.field, value: change.value) {
            try await TemplateRepository.apply(
                update,
                organization: route.organization,
                wabaID: wabaID,
                occurredAt: change.entryTime ?? fallbackTime,
                on: writer.connection,
                logger: logger
            )
        }

        // Everything that is not conversation traffic is kept whole as an account event:
        // account-level fields, user preferences, value-level errors, unknown fields.
        let isTraffic = change.field == "messages" || WebhookParser.echoFields.contains(change.field)
        if !isTraffic || !change.errors.isEmpty || !change.isMessageTraffic {
            try await writer.recordAccountEvent(
                wabaID: change.wabaID,
                phoneNumberID: change.phoneNumberID,
                field: change.field,
                event: change.value["event"]?.nonEmptyString ?? change.value["status"]?.nonEmptyString
                    ?? (change.errors.isEmpty ? nil : "errors"),
                occurredAt: change.entryTime,
                payload: change.value,
                eventID: eventID
            )
        }
    }

    /// A user's stop or resume of marketing messages, as consent of the marketing scope.
    private func writeMarketingPreferences(
        _ change: WebhookChange,
        writer: ConversationWriter,
        fallbackTime: Date
    ) async throws {
        for preference in change.userPreferences where preference.category == "marketing_messages" {
            guard preference.value == "stop" || preference.value == "resume" else { continue }
            guard
                let contact = try await writer.upsertContact(
                    waID: preference.waID,
                    userID: preference.userID,
                    name: nil,
                    seenAt: nil,
                    lastSeen: nil
                )
            else { continue }
            let reference = preference.raw.canonicalData().base64EncodedString()
            try await writer.recordConsent(
                contact: contact,
                scope: .marketing,
                optedOut: preference.value == "stop",
                source: "user_preferences",
                reference: String(reference.prefix(200)),
                detail: preference.detail,
                occurredAt: preference.timestamp ?? fallbackTime
            )
        }
    }

    /// The contacts and open threads of a change's messages, keyed `wa:<wa_id>` or `user:<BSUID>`.
    private struct People {
        /// Per message of the change, its customer's key (`nil` when it names none).
        var senderKeys: [String?]
        var contacts: [String: UUID]
        var threads: [String: UUID]
    }

    /// Writes the change's contacts (with their profiles) and opens their threads.
    private func writePeople(
        _ change: WebhookChange,
        route: Route,
        writer: ConversationWriter,
        fallbackTime: Date
    ) async throws -> People {
        // Profiles first, so messages find their contact with its name.
        var profiles: [String: ContactProfile] = [:]
        for profile in change.contacts {
            if let waID = profile.waID { profiles["wa:" + waID] = profile }
            if let userID = profile.userID { profiles["user:" + userID] = profile }
        }

        // Contacts, then threads, are written in key order before any message, so concurrent
        // workers lock shared rows in one order and cannot deadlock on them.
        struct ContactUpsert {
            var key: String
            var waID: String?
            var userID: String?
            var name: String?
            var seenAt: Date?
            var lastSeen: Date?
        }
        var upserts: [ContactUpsert] = []
        var senderKeys: [String?] = []
        for message in change.messages {
            let sentAt = message.timestamp ?? fallbackTime
            let profile =
                message.customerWaID.flatMap { profiles["wa:" + $0] }
                ?? message.customerUserID.flatMap { profiles["user:" + $0] }
            let inbound = message.direction == .inbound
            let key = message.customerWaID.map { "wa:" + $0 } ?? message.customerUserID.map { "user:" + $0 }
            senderKeys.append(key)
            guard let key else { continue }
            upserts.append(
                ContactUpsert(
                    key: key,
                    waID: message.customerWaID,
                    userID: message.customerUserID ?? profile?.userID,
                    name: inbound ? profile?.name : nil,
                    seenAt: inbound ? sentAt : nil,
                    lastSeen: inbound ? sentAt : nil
                )
            )
        }
        let senders = Set(senderKeys.compactMap { $0 })
        for profile in change.contacts {
            // Profiles that came without a message of theirs (status payloads, for example).
            guard let key = profile.waID.map({ "wa:" + $0 }) ?? profile.userID.map({ "user:" + $0 }),
                !senders.contains(key)
            else { continue }
            upserts.append(
                ContactUpsert(
                    key: key,
                    waID: profile.waID,
                    userID: profile.userID,
                    name: profile.name,
                    seenAt: change.entryTime
                )
            )
        }
        var contacts: [String: UUID] = [:]
        for upsert in upserts.enumerated().sorted(by: { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }) {
            let contact = upsert.element
            contacts[contact.key] = try await writer.upsertContact(
                waID: contact.waID,
                userID: contact.userID,
                name: contact.name,
                seenAt: contact.seenAt,
                lastSeen: contact.lastSeen
            )
        }
        var threads: [String: UUID] = [:]
        for key in senders.sorted() {
            guard let contact = contacts[key] else { continue }
            threads[key] = try await writer.openThread(account: route.account, contact: contact)
        }

        return People(senderKeys: senderKeys, contacts: contacts, threads: threads)
    }

    /// Writes the change's messages, then their media and any consent keyword.
    private func writeMessages(
        _ change: WebhookChange,
        people: People,
        route: Route,
        writer: ConversationWriter,
        fallbackTime: Date,
        eventID: Int64
    ) async throws {
        for (message, key) in zip(change.messages, people.senderKeys) {
            let sentAt = message.timestamp ?? fallbackTime
            let inbound = message.direction == .inbound
            let contact = key.flatMap { people.contacts[$0] }
            let thread = key.flatMap { people.threads[$0] }

            let write = try await writer.upsertMessage(message, thread: thread, sentAt: sentAt, eventID: eventID)
            switch write {
            case .inserted(let id):
                try await afterNewContent(message, id: id, replaced: false, writer: writer, route: route)
            case .replaced(let id, let previousThread, let previousTarget):
                if let thread { try await writer.recomputeThread(thread) }
                if let previousThread, previousThread != thread { try await writer.recomputeThread(previousThread) }
                if let previousTarget, previousTarget != message.targetMessageID {
                    try await writer.applyAmendments(to: previousTarget)
                }
                try await afterNewContent(message, id: id, replaced: true, writer: writer, route: route)
            case .unchanged:
                break
            }

            // Media and consent follow every payload, winner or not, so replays in any order agree.
            if let mediaID = message.mediaID {
                try await writer.recordMedia(
                    id: mediaID,
                    account: route.account,
                    mimeType: message.mediaMimeType,
                    sha256: message.mediaSHA256
                )
            }
            if inbound, let contact, let text = message.text, let match = ConsentKeywords.match(text) {
                try await writer.recordConsent(
                    contact: contact,
                    scope: .all,
                    optedOut: match.request == .optOut,
                    source: "inbound_keyword",
                    reference: message.id,
                    detail: match.phrase,
                    occurredAt: sentAt
                )
            }
        }

    }

    /// Follow-ups when a message's content is new: the message it amends, statuses waiting
    /// for it, and the pipeline job.
    private func afterNewContent(
        _ message: WAMessage,
        id: UUID,
        replaced: Bool,
        writer: ConversationWriter,
        route: Route
    ) async throws {
        if let target = message.targetMessageID {
            try await writer.applyAmendments(to: target)
        } else if replaced {
            // A fresh insert derived this already; a replacement overwrote it.
            try await writer.applyAmendments(to: message.id)
        }
        if message.direction == .outbound { try await writer.applyStatuses(to: message.id) }
        // Every message with content gets the stages (echoes of the business's own messages too);
        // each stage decides what it handles.
        if queueStages, message.targetMessageID == nil {
            try await JobQueue.enqueue(
                .runStages,
                refUUIDs: [id],
                organization: route.organization,
                on: writer.connection,
                logger: logger
            )
        }
    }
}
