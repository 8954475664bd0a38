import Core
import Foundation
import Testing
import WainsightTesting
import WhatsAppCloud

@Suite struct WebhookParserTests {
    @Test func everyCorpusPayloadParses() throws {
        let payloads = try Corpus.all()
        #expect(payloads.count >= 100)
        var types = Set<String>()
        var fields = Set<String>()
        var statuses = Set<String>()
        for payload in payloads {
            let notification = try WebhookParser.parse(payload.body)
            #expect(notification.object == "whatsapp_business_account", "\(payload.name)")
            #expect(!notification.changes.isEmpty, "\(payload.name) has no changes")
            for change in notification.changes {
                fields.insert(change.field)
                for message in change.messages {
                    types.insert(message.type)
                    #expect(!message.id.isEmpty)
                }
                for status in change.statuses { statuses.insert(status.status.rawValue) }
            }
        }
        // Every inbound type and status the corpus holds is recognised, not lumped as unknown.
        let expectedTypes: Set<String> = [
            "text", "image", "video", "audio", "document", "sticker", "location", "contacts", "interactive", "button",
            "reaction", "order", "system", "unsupported", "edit", "revoke",
        ]
        #expect(expectedTypes.isSubset(of: types), "missing: \(expectedTypes.subtracting(types))")
        #expect(Set(["sent", "delivered", "read", "failed", "played"]).isSubset(of: statuses))
        #expect(
            Set(["messages", "account_update", "message_template_status_update", "user_preferences"]).isSubset(
                of: fields
            )
        )
    }

    @Test func locationWithoutATypeKeyIsInferred() throws {
        let body = Data(
            #"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"9"},"messages":[{"from":"1","id":"wamid.L","timestamp":1700000000,"location":{"latitude":1.5,"longitude":2.5,"name":"HQ"}}]}}]}]}"#
                .utf8
        )
        let message = try #require(try WebhookParser.parse(body).changes.first?.messages.first)
        #expect(message.type == "location")
        #expect(message.text == "HQ")
        #expect(message.timestamp == Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test func batchedBodiesKeepEveryPart() throws {
        let body = Data(
            #"""
            {"object":"whatsapp_business_account","entry":[
             {"id":"A","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"1"},
               "messages":[{"from":"5","id":"m1","timestamp":"1","type":"text","text":{"body":"hi"}},
                           {"from":"6","id":"m2","timestamp":"2","type":"text","text":{"body":"yo"}}]}},
                                {"field":"messages","value":{"metadata":{"phone_number_id":"1"},
               "statuses":[{"id":"s1","status":"sent","timestamp":"3"},{"id":"s2","status":"read","timestamp":"4"}]}}]},
             {"id":"B","changes":[{"field":"account_update","value":{"event":"VERIFIED_ACCOUNT"}}]}]}
            """#.utf8
        )
        let notification = try WebhookParser.parse(body)
        #expect(notification.changes.count == 3)
        #expect(notification.changes[0].messages.map(\.id) == ["m1", "m2"])
        #expect(notification.changes[1].statuses.map(\.messageID) == ["s1", "s2"])
        #expect(notification.changes[2].wabaID == "B")
        #expect(notification.changes[2].phoneNumberID == nil)
    }

    @Test func reactionsAndEditsNameTheirTarget() throws {
        let reaction = try #require(
            try WebhookParser.parse(Corpus.payload("pywa/reaction_1.json").body).changes.first?.messages.first
        )
        #expect(reaction.type == "reaction")
        #expect(reaction.targetMessageID != nil)
        let edit = try #require(
            try WebhookParser.parse(Corpus.payload("pywa/edit_1.json").body).changes.first?.messages.first
        )
        #expect(edit.targetMessageID == "wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=")
        #expect(edit.text == "Updated image caption")
    }

    @Test func statusRanksOnlyMoveForward() {
        let order: [MessageStatus] = [.sent, .delivered, .read, .played, .failed]
        #expect(order.map(\.rank) == order.map(\.rank).sorted())
        #expect(MessageStatus("deleted").rank == 0)
    }

    @Test(arguments: ["", "[]", "not json", "{\"object\": "])
    func nonObjectsAreRefused(text: String) {
        #expect(throws: WhatsAppCloudError(.malformedPayload, "")) { try WebhookParser.parse(Data(text.utf8)) }
    }

    @Test func unknownShapesAreKeptNotRefused() throws {
        let notification = try WebhookParser.parse(Data(#"{"hello":"world"}"#.utf8))
        #expect(notification.changes.isEmpty)
        #expect(notification.object == nil)
    }
}
