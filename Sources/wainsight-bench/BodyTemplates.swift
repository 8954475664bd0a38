import Core
import Foundation
import WainsightTesting

/// Corpus payloads turned into templates that give a different, valid body for every sequence
/// number: each message and status id gets the number appended, and every change value gets a
/// `bench_seq` member, so no two requests are byte-identical (identical bodies would collapse
/// onto one stored event, and the stored-equals-acknowledged check could not hold).
struct BodyTemplates: Sendable {
    private struct Template: Sendable {
        /// Body bytes between the places where the sequence number goes.
        var segments: [[UInt8]]
        /// Distinct message ids in the payload (so the run knows how many rows to expect).
        var messages: Int
    }

    private static let placeholder = Array("__SEQ__".utf8)
    private let templates: [Template]

    init(payloads: [Corpus.Payload]) throws {
        templates = try payloads.map { payload in
            var json = try JSONValue.parse(payload.body)
            var messageIDs = Set<String>()
            json = Self.stamp(json, messageIDs: &messageIDs)
            let bytes = Array(json.canonicalData())
            return Template(segments: Self.split(bytes), messages: messageIDs.count)
        }
    }

    var count: Int { templates.count }

    /// The body for sequence number `sequence` and how many messages it carries.
    func body(_ sequence: Int) -> (body: [UInt8], messages: Int) {
        let template = templates[sequence % templates.count]
        let number = Array(String(sequence).utf8)
        var body: [UInt8] = []
        body.reserveCapacity(template.segments.reduce(0) { $0 + $1.count } + number.count * template.segments.count)
        for (index, segment) in template.segments.enumerated() {
            if index > 0 { body.append(contentsOf: number) }
            body.append(contentsOf: segment)
        }
        return (body, template.messages)
    }

    private static func stamp(_ json: JSONValue, messageIDs: inout Set<String>) -> JSONValue {
        guard case .object(var root) = json, case .array(let entries) = root["entry"] ?? .null else { return json }
        root["entry"] = .array(
            entries.map { entry in
                guard case .object(var entryObject) = entry, case .array(let changes) = entryObject["changes"] ?? .null
                else { return entry }
                entryObject["changes"] = .array(
                    changes.map { change in
                        guard case .object(var changeObject) = change,
                            case .object(var value) = changeObject["value"] ?? .null
                        else { return change }
                        for key in ["messages", "statuses", "message_echoes"] {
                            guard case .array(let items) = value[key] ?? .null else { continue }
                            value[key] = .array(
                                items.map { item in
                                    guard case .object(var object) = item, let id = object["id"]?.stringValue else {
                                        return item
                                    }
                                    if key != "statuses" { messageIDs.insert(id) }
                                    object["id"] = .string(id + "-" + String(decoding: placeholder, as: UTF8.self))
                                    return .object(object)
                                }
                            )
                        }
                        value["bench_seq"] = .string(String(decoding: placeholder, as: UTF8.self))
                        changeObject["value"] = .object(value)
                        return .object(changeObject)
                    }
                )
                return .object(entryObject)
            }
        )
        return .object(root)
    }

    private static func split(_ bytes: [UInt8]) -> [[UInt8]] {
        var segments: [[UInt8]] = []
        var current: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if index + placeholder.count <= bytes.count,
                Array(bytes[index..<(index + placeholder.count)]) == placeholder
            {
                segments.append(current)
                current = []
                index += placeholder.count
            } else {
                current.append(bytes[index])
                index += 1
            }
        }
        segments.append(current)
        return segments
    }
}
