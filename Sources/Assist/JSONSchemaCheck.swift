import Core
import Foundation

/// Checks a value against the subset of JSON Schema that structured answers use: `type`
/// (one or a list), `properties`, `required`, `additionalProperties: false`, `enum`,
/// `minLength`/`maxLength`, `minimum`/`maximum`, `items`, `minItems`/`maxItems`. Endpoints that
/// claim to enforce `response_format` do not all do so (llama.cpp's grammar, vLLM's guided
/// decoding and hosted models differ), so every answer is checked here too.
public enum JSONSchemaCheck {
    /// What is wrong with `value`, each with its path (`$.drafts[0].text`); empty when valid.
    public static func problems(_ value: JSONValue, schema: JSONValue, path: String = "$") -> [String] {
        var problems: [String] = []
        check(value, schema, path, &problems)
        return problems
    }

    private static func check(_ value: JSONValue, _ schema: JSONValue, _ path: String, _ problems: inout [String]) {
        if let types = schema["type"].flatMap(typeNames), !types.contains(where: { matches(value, $0) }) {
            problems.append("\(path) must be \(types.joined(separator: " or ")), not \(name(of: value))")
            return
        }
        if let options = schema["enum"]?.arrayValue, !options.contains(value) {
            let listed = options.compactMap(\.stringValue).joined(separator: ", ")
            problems.append("\(path) must be one of \(listed)")
        }
        switch value {
        case .string(let text):
            let length = text.count
            if let most = schema["maxLength"]?.exactIntValue, length > most {
                problems.append("\(path) is \(length) characters, at most \(most) allowed")
            }
            if let least = schema["minLength"]?.exactIntValue, length < least {
                problems.append("\(path) is \(length) characters, at least \(least) needed")
            }
        case .number(let number):
            if let least = schema["minimum"]?.doubleValue, number < least {
                problems.append("\(path) is \(number), below \(least)")
            }
            if let most = schema["maximum"]?.doubleValue, number > most {
                problems.append("\(path) is \(number), above \(most)")
            }
        case .array(let elements):
            if let most = schema["maxItems"]?.exactIntValue, elements.count > most {
                problems.append("\(path) has \(elements.count) items, at most \(most) allowed")
            }
            if let least = schema["minItems"]?.exactIntValue, elements.count < least {
                problems.append("\(path) has \(elements.count) items, at least \(least) needed")
            }
            if let items = schema["items"] {
                for (index, element) in elements.enumerated() { check(element, items, "\(path)[\(index)]", &problems) }
            }
        case .object(let members):
            let properties = schema["properties"]?.objectValue ?? [:]
            for key in (schema["required"]?.arrayValue ?? []).compactMap(\.stringValue) where members[key] == nil {
                problems.append("\(path).\(key) is missing")
            }
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                if let property = properties[key] {
                    check(member, property, "\(path).\(key)", &problems)
                } else if schema["additionalProperties"]?.boolValue == false {
                    problems.append("\(path).\(key) is not a field of this schema")
                }
            }
        default:
            break
        }
    }

    private static func typeNames(_ type: JSONValue) -> [String]? {
        if let one = type.stringValue { return [one] }
        return type.arrayValue?.compactMap(\.stringValue)
    }

    private static func matches(_ value: JSONValue, _ type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null),
            ("number", .number):
            return true
        case ("integer", .number(let number)): return number.rounded() == number
        default: return false
        }
    }

    private static func name(of value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
