import Core
import Foundation
import Testing
import WhatsAppCloud

@Suite struct GraphAPIErrorTests {
    static func body(code: Int, message: String, subcode: Int? = nil) -> Data {
        let sub = subcode.map { #","error_subcode":\#($0)"# } ?? ""
        return Data(
            #"{"error":{"message":"\#(message)","type":"OAuthException","code":\#(code)\#(sub),"error_data":{"messaging_product":"whatsapp","details":"details of \#(code)"},"fbtrace_id":"AbC123"}}"#
                .utf8
        )
    }

    @Test func readsMetasErrorBody() throws {
        let error = try #require(
            GraphAPIError(
                httpStatus: 400,
                body: Self.body(code: 131047, message: "(#131047) Re-engagement message", subcode: 2494010)
            )
        )
        #expect(error.code == 131047)
        #expect(error.subcode == 2_494_010)
        #expect(error.details == "details of 131047")
        #expect(error.fbtraceID == "AbC123")
        #expect(error.disposition == .needsTemplate)
    }

    /// The codes the outbound issue names, and their classes (api-facts.md §7).
    @Test(arguments: [
        (429, 130429, GraphAPIError.Disposition.rateLimited(after: .seconds(1))),
        (429, 131056, .rateLimited(after: .seconds(6))),
        (429, 80007, .rateLimited(after: .seconds(60))),
        (400, 131047, .needsTemplate),
        (400, 131026, .permanent),
        (400, 132001, .permanent),
        (400, 132000, .permanent),
        (400, 131050, .permanent),
        (401, 190, .permanent),
        (500, 131000, .retryable),
        (503, 131016, .retryable),
        (503, 2, .retryable),
        (502, 99999, .retryable),
        (400, 99999, .permanent),
    ])
    func classifiesForTheSender(status: Int, code: Int, expected: GraphAPIError.Disposition) throws {
        let error = try #require(GraphAPIError(httpStatus: status, body: Self.body(code: code, message: "m")))
        #expect(error.disposition == expected)
    }

    @Test func readsAFailedStatusError() throws {
        let element = try JSONValue.parse(
            Data(
                #"{"code":131047,"title":"Re-engagement message","message":"Re-engagement message","error_data":{"details":"24 hours passed"}}"#
                    .utf8
            )
        )
        let error = try #require(GraphAPIError(statusError: element))
        #expect(error.disposition == .needsTemplate)
        #expect(error.details == "24 hours passed")
    }

    @Test(arguments: ["", "<html>Bad Gateway</html>", #"{"error":"nope"}"#, #"{"message":"x"}"#])
    func otherBodiesAreNotMetaErrors(text: String) {
        #expect(GraphAPIError(httpStatus: 502, body: Data(text.utf8)) == nil)
    }
}
