import AsyncHTTPClient
import Core
import Hummingbird
import Logging
import Outbound
import PostgresNIO
import Server
import Store
import Testing
import WainsightTesting

/// The OpenAPI document served at /openapi.json against the routes the router serves.
@Suite struct OpenAPIDocumentTests {
    /// Every route the router serves is in the OpenAPI document, with its method.
    @Test func everyRouteIsDocumented() throws {
        let logger = Logger(label: "wainsight.test")
        // The router is only built and listed here: the client never connects.
        let client = PostgresClient(
            configuration: .init(host: "127.0.0.1", username: "none", password: nil, database: nil, tls: .disable)
        )
        let configuration = WainsightConfiguration(masterKey: IngestHarness.testMasterKey)
        let secretBox = try SecretBox(masterKey: IngestHarness.testMasterKey)
        let router = buildRouter(
            configuration: configuration,
            client: client,
            secretBox: secretBox,
            writer: WebhookEventWriter(store: WebhookEventStore(client: client, logger: logger)),
            outbound: OutboundParts(
                configuration: configuration,
                client: client,
                httpClient: .shared,
                secretBox: secretBox,
                logger: logger
            ),
            embedder: nil,
            detector: nil,
            logger: logger
        )
        #expect(router.routes.count >= 19)
        for route in router.routes {
            #expect(
                OpenAPIDocument.documents(method: route.method.rawValue, path: route.path.description),
                "\(route.method) \(route.path) is served but missing from /openapi.json"
            )
        }
        #expect(OpenAPIDocument.document["openapi"]?.stringValue == "3.1.0")
    }
}
