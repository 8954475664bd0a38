import Core
import Embed
import Normalize
import Store

extension ConfiguredEmbedder {
    /// The search the API and `wainsight search` share: the query redacted and embedded (by
    /// `embedder`; words only when it is `nil`), then fused with full-text search.
    public static func search(
        _ text: String,
        organization: OrganizationID,
        filter: SearchFilter,
        limit: Int,
        repository: some MessageSearching,
        embedder: ConfiguredEmbedder?
    ) async throws -> [SearchHit] {
        let vector = try await embedder?.embedder.embed([PIIRedactor.embeddingInput(text)]).first
        return try await repository.search(
            organization: organization,
            text: text,
            vector: vector,
            filter: filter,
            limit: limit
        )
    }
}
