import Foundation

/// A UUID that a response writes in lowercase. Foundation's encoder writes `uuidString`
/// (uppercase), while the organization's id, paths, logs and callback data are lowercase: an
/// integrator comparing ids as strings must see one spelling.
@propertyWrapper
struct LowercaseID: Codable, Sendable, Equatable {
    var wrappedValue: UUID

    init(wrappedValue: UUID) { self.wrappedValue = wrappedValue }

    init(from decoder: any Decoder) throws {
        wrappedValue = try decoder.singleValueContainer().decode(UUID.self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrappedValue.uuidString.lowercased())
    }
}

/// ``LowercaseID`` for an optional id; an absent id leaves its key out, as plain optionals do.
@propertyWrapper
struct OptionalLowercaseID: Codable, Sendable, Equatable {
    var wrappedValue: UUID?

    init(wrappedValue: UUID?) { self.wrappedValue = wrappedValue }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(UUID.self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let id = wrappedValue { try container.encode(id.uuidString.lowercased()) } else { try container.encodeNil() }
    }
}

extension KeyedEncodingContainer {
    mutating func encode(_ value: OptionalLowercaseID, forKey key: Key) throws {
        try encodeIfPresent(value.wrappedValue?.uuidString.lowercased(), forKey: key)
    }
}

extension KeyedDecodingContainer {
    func decode(_ type: OptionalLowercaseID.Type, forKey key: Key) throws -> OptionalLowercaseID {
        OptionalLowercaseID(wrappedValue: try decodeIfPresent(UUID.self, forKey: key))
    }
}
