import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import WhatsAppCloud

/// What one connection saw.
struct ConnectionResult: Sendable {
    var latenciesNanos: [UInt64] = []
    var statuses: [Int: Int] = [:]
    /// SHA-256 of every body answered 200, to check each one is stored.
    var acknowledged: [Data] = []
    /// Messages in acknowledged bodies.
    var acknowledgedMessages = 0
    /// SHA-256 → message count of every body written, answered or not.
    var sent: [Data: Int] = [:]
    /// Requests that got no answer (connection refused or dropped, e.g. while the server restarts).
    var transportErrors = 0
}

/// A closed-loop load: each connection sends a signed webhook, waits for the answer, repeats,
/// until the deadline. Keep-alive HTTP/1.1 on loopback, as Meta's webhook delivery is.
struct LoadRun: Sendable {
    var host: String
    var port: Int
    var connections: Int
    var duration: Duration
    var appSecret: String
    var templates: BodyTemplates

    func run() async -> [ConnectionResult] {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let deadline = ContinuousClock.now + duration
        let results = await withTaskGroup(of: ConnectionResult.self) { tasks in
            for connection in 0..<connections {
                tasks.addTask { await drive(connection: connection, until: deadline, group: group) }
            }
            var results: [ConnectionResult] = []
            for await result in tasks { results.append(result) }
            return results
        }
        try? await group.shutdownGracefully()
        return results
    }

    private func drive(connection: Int, until deadline: ContinuousClock.Instant, group: any EventLoopGroup) async
        -> ConnectionResult
    {
        var result = ConnectionResult()
        var sequence = connection
        let key = SymmetricKey(data: Data(appSecret.utf8))
        while ContinuousClock.now < deadline {
            do {
                let channel = try await ClientBootstrap(group: group).connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                            wrappingChannelSynchronously: channel
                        )
                    }
                }
                try await channel.executeThenClose { inbound, outbound in
                    var responses = inbound.makeAsyncIterator()
                    while ContinuousClock.now < deadline {
                        let (body, messages) = templates.body(sequence)
                        let mac = HMAC<SHA256>.authenticationCode(for: body, using: key)
                        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/webhooks/whatsapp")
                        head.headers.add(name: "Host", value: "\(host):\(port)")
                        head.headers.add(name: "Content-Type", value: "application/json")
                        head.headers.add(name: "Content-Length", value: String(body.count))
                        head.headers.add(
                            name: "X-Hub-Signature-256",
                            value: "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
                        )
                        let hash = Data(SHA256.hash(data: body))
                        result.sent[hash] = messages
                        let started = DispatchTime.now().uptimeNanoseconds
                        try await outbound.write(contentsOf: [
                            .head(head), .body(.byteBuffer(ByteBuffer(bytes: body))), .end(nil),
                        ])
                        var status = 0
                        reading: while let part = try await responses.next() {
                            switch part {
                            case .head(let response): status = Int(response.status.code)
                            case .body: continue
                            case .end: break reading
                            }
                        }
                        guard status != 0 else { throw ChannelError.eof }
                        result.latenciesNanos.append(DispatchTime.now().uptimeNanoseconds - started)
                        result.statuses[status, default: 0] += 1
                        if status == 200 {
                            result.acknowledged.append(hash)
                            result.acknowledgedMessages += messages
                        }
                        sequence += connections
                    }
                }
            } catch {
                // Refused or dropped: the request (if any was sent) is not acknowledged.
                result.transportErrors += 1
                sequence += connections
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        return result
    }
}
