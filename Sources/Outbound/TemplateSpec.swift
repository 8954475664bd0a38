import Core
import Foundation

/// What parameters a template's definition asks for, and the check of a send's components
/// against it (Meta refuses a mismatch with 132000/132012, after the message was queued; we
/// refuse before).
public struct TemplateSpec: Sendable, Equatable {
    /// Parameters the header needs: none, the text variables, or one media/location parameter.
    public enum Header: Sendable, Equatable {
        case none
        case text(variables: [String])
        /// `image`, `video`, `document` or `location`.
        case media(String)
    }

    /// A button that takes a parameter.
    public struct Button: Sendable, Equatable {
        public var index: Int
        /// Graph API sub_type: `url`, `copy_code`, `quick_reply`, `flow`.
        public var subType: String
        /// Whether a send must supply its parameter (a URL with a variable, a copy code).
        public var required: Bool
    }

    public var header: Header
    /// Body variables in order of first use (`1`, `2`, … or names).
    public var bodyVariables: [String]
    public var named: Bool
    public var buttons: [Button]

    /// Reads a definition's components (`HEADER`, `BODY`, `FOOTER`, `BUTTONS`).
    public init(components: [JSONValue], parameterFormat: String?) {
        named = parameterFormat?.uppercased() == "NAMED"
        header = .none
        bodyVariables = []
        buttons = []
        for component in components {
            switch component["type"]?.stringValue?.uppercased() {
            case "HEADER":
                let format = component["format"]?.stringValue?.uppercased() ?? "TEXT"
                if format == "TEXT" {
                    let variables = Self.variables(in: component["text"]?.stringValue ?? "")
                    header = variables.isEmpty ? .none : .text(variables: variables)
                } else {
                    header = .media(format.lowercased())
                }
            case "BODY":
                bodyVariables = Self.variables(in: component["text"]?.stringValue ?? "")
            case "BUTTONS":
                for (index, button) in (component["buttons"]?.arrayValue ?? []).enumerated() {
                    switch button["type"]?.stringValue?.uppercased() {
                    case "URL":
                        let dynamic = !Self.variables(in: button["url"]?.stringValue ?? "").isEmpty
                        if dynamic { buttons.append(Button(index: index, subType: "url", required: true)) }
                    case "COPY_CODE":
                        buttons.append(Button(index: index, subType: "copy_code", required: true))
                    case "QUICK_REPLY":
                        buttons.append(Button(index: index, subType: "quick_reply", required: false))
                    case "FLOW":
                        buttons.append(Button(index: index, subType: "flow", required: false))
                    default:
                        break
                    }
                }
            default:
                break
            }
        }
    }

    /// `{{1}}`, `{{ name }}` … in order of first use, each once.
    static func variables(in text: String) -> [String] {
        var found: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), !found.contains(name) {
                found.append(name)
            }
            rest = rest[close.upperBound...]
        }
        return found
    }

    private static let bodyTypes: Set<String> = ["text", "currency", "date_time"]

    /// Checks a send's components against the definition.
    /// - Throws: ``OutboundError`` `.templateParameters` saying what is expected and what came.
    public func validate(_ components: [JSONValue]) throws {
        var sawHeader = false
        var sawBody = false
        var sawButtons: Set<Int> = []
        for component in components {
            guard let type = component["type"]?.stringValue?.lowercased() else {
                throw Self.fail("every component needs a type (header, body or button)")
            }
            let parameters = component["parameters"]?.arrayValue ?? []
            switch type {
            case "header":
                sawHeader = true
                try validateHeader(parameters)
            case "body":
                sawBody = true
                try validateBody(parameters)
            case "button":
                sawButtons.insert(try validateButton(component, parameters))
            default:
                throw Self.fail("unknown component type \(type); use header, body or button")
            }
        }
        try checkNothingMissing(sawHeader: sawHeader, sawBody: sawBody, sawButtons: sawButtons)
    }

    private static func fail(_ message: String) -> OutboundError { OutboundError(.templateParameters, message) }

    /// The header's parameters: text ones for each variable, or one media parameter.
    private func validateHeader(_ parameters: [JSONValue]) throws {
        switch header {
        case .none:
            throw Self.fail("this template's header takes no parameters, got \(parameters.count)")
        case .text(let variables):
            guard parameters.count == variables.count else {
                throw Self.fail("header expects \(variables.count) text parameter(s), got \(parameters.count)")
            }
            for parameter in parameters where parameter["type"]?.stringValue != "text" {
                throw Self.fail(
                    "header parameters must be of type text, got \(parameter["type"]?.stringValue ?? "none")"
                )
            }
        case .media(let format):
            guard parameters.count == 1, let parameter = parameters.first else {
                throw Self.fail("header expects one \(format) parameter, got \(parameters.count)")
            }
            guard parameter["type"]?.stringValue == format else {
                throw Self.fail(
                    "header expects a \(format) parameter, got \(parameter["type"]?.stringValue ?? "none")"
                )
            }
            if format != "location", parameter[format]?["link"] == nil, parameter[format]?["id"] == nil {
                throw Self.fail("the header \(format) needs a link or an uploaded media id")
            }
        }
    }

    /// The body's parameters: one per variable, of a body type, named as defined when named.
    private func validateBody(_ parameters: [JSONValue]) throws {
        guard parameters.count == bodyVariables.count else {
            throw Self.fail(
                "body expects \(bodyVariables.count) parameter(s) ("
                    + bodyVariables.map { "{{\($0)}}" }.joined(separator: ", ") + "), got \(parameters.count)"
            )
        }
        for (position, parameter) in parameters.enumerated() {
            let kind = parameter["type"]?.stringValue ?? "none"
            guard Self.bodyTypes.contains(kind) else {
                throw Self.fail("body parameter \(position + 1) must be text, currency or date_time, got \(kind)")
            }
            if kind == "text", parameter["text"]?.stringValue?.isEmpty != false {
                throw Self.fail("body parameter \(position + 1) has an empty text")
            }
        }
        if named {
            let names = Set(parameters.compactMap { $0["parameter_name"]?.stringValue })
            guard names == Set(bodyVariables) else {
                throw Self.fail(
                    "body parameters must be named " + bodyVariables.joined(separator: ", ")
                        + " (parameter_name), got " + names.sorted().joined(separator: ", ")
                )
            }
        }
    }

    /// A button component: a defined button with parameters, of its sub-type.
    /// - Returns: The button's index.
    private func validateButton(_ component: JSONValue, _ parameters: [JSONValue]) throws -> Int {
        guard let index = component["index"]?.intValue else {
            throw Self.fail("a button component needs its index (the button's position, from 0)")
        }
        let subType = component["sub_type"]?.stringValue?.lowercased() ?? ""
        guard let button = buttons.first(where: { $0.index == index }) else {
            throw Self.fail("button \(index) of this template takes no parameters")
        }
        guard button.subType == subType else {
            throw Self.fail("button \(index) is a \(button.subType) button, got sub_type \(subType)")
        }
        if button.required, parameters.count != 1 {
            throw Self.fail("button \(index) (\(button.subType)) expects one parameter, got \(parameters.count)")
        }
        return index
    }

    /// Every part the definition needs a parameter for was given.
    private func checkNothingMissing(sawHeader: Bool, sawBody: Bool, sawButtons: Set<Int>) throws {
        if case .none = header {
        } else if !sawHeader {
            throw Self.fail("this template's header needs its parameter(s)")
        }
        if !bodyVariables.isEmpty, !sawBody {
            throw Self.fail("body expects \(bodyVariables.count) parameter(s), got none")
        }
        for button in buttons where button.required && !sawButtons.contains(button.index) {
            throw Self.fail("button \(button.index) (\(button.subType)) needs its parameter")
        }
    }
}
