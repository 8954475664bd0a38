import Core
import Extract
import Foundation
import Store
import Synchronization

/// Each organization's catalog for the extract stage, read from the store and kept for
/// `lifetime`: a product added through the API is matched from the next message after that
/// (in every process), without a query per message.
public final class StoredCatalogs: CatalogSource {
    public let store: any CatalogStoring
    public let lifetime: Duration
    private let cache = Mutex<[OrganizationID: (loaded: ContinuousClock.Instant, catalog: Catalog)]>([:])

    public init(store: any CatalogStoring, lifetime: Duration = .seconds(30)) {
        self.store = store
        self.lifetime = lifetime
    }

    public func catalog(for organization: OrganizationID) async throws -> Catalog {
        let now = ContinuousClock.now
        if let cached = cache.withLock({ $0[organization] }), now - cached.loaded < lifetime { return cached.catalog }
        let catalog = Catalog(items: try await store.items(organization: organization, kind: nil))
        cache.withLock { $0[organization] = (now, catalog) }
        return catalog
    }

    /// Forgets an organization's catalog, so this process matches a change at once.
    public func invalidate(_ organization: OrganizationID) {
        cache.withLock { $0[organization] = nil }
    }
}
