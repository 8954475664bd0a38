import Core
import Foundation
import Testing
import WainsightTesting

@Suite struct JSONValueTests {
    /// The byte-level reader agrees with Foundation's JSONDecoder on every corpus payload.
    @Test func readerAgreesWithJSONDecoderOnTheCorpus() throws {
        for payload in try Corpus.all() {
            let fast = try JSONValue.parse(payload.body)
            let reference = try JSONDecoder().decode(JSONValue.self, from: payload.body)
            #expect(fast == reference, "\(payload.name)")
            // Canonical form parses back to the same value, and is stable.
            #expect(try JSONValue.parse(fast.canonicalData()) == fast)
            #expect(fast.canonicalData() == reference.canonicalData())
        }
    }

    @Test func escapesAndUnicode() throws {
        let value = try JSONValue.parse(Data(#"{"a":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \n\t","b":"été 😀"}"#.utf8))
        #expect(value["a"]?.stringValue == "café 😀 \"q\" \\ / \n\t")
        #expect(value["b"]?.stringValue == "été 😀")
    }

    @Test func numbersBoolsAndNull() throws {
        let value = try JSONValue.parse(Data(#"[0, -1.5, 1e3, 1749854575, true, false, null]"#.utf8))
        #expect(
            value
                == .array([
                    .number(0), .number(-1.5), .number(1000), .number(1_749_854_575), .bool(true), .bool(false), .null,
                ])
        )
    }

    @Test func canonicalFormSortsKeysAndDropsWhitespace() throws {
        let a = try JSONValue.parse(Data(#"{ "b": 1, "a": {"y": [1, 2], "x": "s"} }"#.utf8))
        let b = try JSONValue.parse(Data(#"{"a":{"x":"s","y":[1,2]},"b":1}"#.utf8))
        #expect(a.canonicalData() == b.canonicalData())
        #expect(String(decoding: a.canonicalData(), as: UTF8.self) == #"{"a":{"x":"s","y":[1,2]},"b":1}"#)
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "{\"a\":}", "tru", "\"unterminated", "\"bad \\x escape\"", "1 2", "\"\\ud800\"",
        "-",
        "{\"a\":1,}", "\"tab\there\"",
    ])
    func invalidInputIsRefused(text: String) {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(Data(text.utf8)) }
    }

    @Test func deepNestingIsRefusedNotACrash() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(Data(deep.utf8)) }
    }
}
