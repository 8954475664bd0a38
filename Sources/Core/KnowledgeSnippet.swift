import Foundation

/// An organization's own answer a rep or a draft can use: a price, an answer to an objection,
/// an FAQ, a policy; in one language.
public struct KnowledgeSnippet: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case pricing, objection, faq, policy, other
    }

    public var id: UUID
    public var kind: Kind
    /// ISO 639-1 (`en`, `es`, `pt`).
    public var language: String
    public var title: String
    public var body: String
    public var tags: [String]

    public init(id: UUID, kind: Kind, language: String, title: String, body: String, tags: [String] = []) {
        self.id = id
        self.kind = kind
        self.language = language
        self.title = title
        self.body = body
        self.tags = tags
    }
}
