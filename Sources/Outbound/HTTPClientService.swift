import AsyncHTTPClient
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The process's HTTP client to providers, as a service: it shuts down (after the senders, which
/// start after it) on graceful shutdown.
public struct HTTPClientService: Service {
    public let client: HTTPClient

    /// - Parameter maxConnectionsPerHost: connections kept to one provider host (HTTP/1.1 sends
    ///   one request per connection at a time, so this bounds requests in flight).
    public init(maxConnectionsPerHost: Int) {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: maxConnectionsPerHost
        )
        configuration.timeout = .init(connect: .seconds(10))
        client = HTTPClient(
            eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton),
            configuration: configuration
        )
    }

    public func run() async throws {
        try? await gracefulShutdown()
        try await shutdown()
    }

    /// Runs `body` with a new client, then closes it whether `body` threw or not (for commands,
    /// which run it without a service group: an open client must not be dropped).
    public static func withClient<Result>(
        maxConnectionsPerHost: Int,
        _ body: (HTTPClient) async throws -> Result
    ) async throws -> Result {
        let service = HTTPClientService(maxConnectionsPerHost: maxConnectionsPerHost)
        let result: Result
        do {
            result = try await body(service.client)
        } catch {
            try? await service.shutdown()
            throw error
        }
        try await service.shutdown()
        return result
    }

    /// Closes the client's connections (for commands that use it without a service group).
    public func shutdown() async throws {
        try await client.shutdown()
    }
}
