import CapstanJSON
import CapstanRegistry
import CapstanServing
import CapstanStorage
import CapstanTracking
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import CapstanMonitors
@testable import CapstanHTTP

/// Runs `body` against Capstan's router in-process, on a fresh SQLite database and
/// artifact directory (or those in `directory`, to restart a server on the data another
/// left); with `auth`, as `capstan server --auth` (tokens from `client.token`).
func withServer<T: Sendable>(auth: Bool = false, maxShadowsInFlight: Int = 64, directory: URL? = nil,
                             _ body: @Sendable (TestClient) async throws -> T) async throws -> T {
    let directory = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("capstan-http-\(UUID().uuidString)")
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    let database = try await Database.open(.sqlite(path: directory.appendingPathComponent("capstan.db").path), logger: logger)
    let tracking = TrackingService(database: database, artifactRoot: "mlflow-artifacts:/")
    try await tracking.prepare()
    let registry = RegistryService(database: database)
    let artifacts = try LocalArtifactStore(root: directory.appendingPathComponent("artifacts"))
    let alerts = AlertService(database: database, externalURL: "http://capstan.test", evaluationInterval: 0, logger: logger)
    let services = ServerServices(
        database: database, tracking: tracking, registry: registry, artifacts: artifacts,
        deployments: DeploymentService(database: database, registry: registry, artifacts: artifacts, logger: logger,
                                       maxShadowsInFlight: maxShadowsInFlight),
        monitors: MonitorService(database: database, artifacts: artifacts, alerts: alerts, logger: logger),
        authenticator: auth ? TokenAuthenticator(store: TokenStore(database: database), cacheSeconds: 0) : nil
    )
    try await services.deployments.restore()
    let app = Application(router: CapstanServer.router(services, logger: logger), logger: logger)
    let predictionLog = Task { await services.deployments.log.run(interval: .milliseconds(10)) }
    let rollouts = Task { await services.deployments.runRollouts(interval: .milliseconds(20)) }
    func stop() async {
        rollouts.cancel()
        predictionLog.cancel()
        await predictionLog.value
        await database.close()
    }
    do {
        let result = try await app.test(.router) { client in
            try await body(TestClient(client: client, artifactRoot: directory.appendingPathComponent("artifacts"), authenticator: services.authenticator))
        }
        await stop()
        return result
    } catch {
        await stop()
        throw error
    }
}

/// A thin JSON client over HummingbirdTesting's client.
struct TestClient: Sendable {
    let client: any TestClientProtocol
    let artifactRoot: URL
    var authenticator: TokenAuthenticator? = nil

    /// A new token (the server must run with auth).
    func token(_ scope: AccessScope) async throws -> String {
        guard let authenticator else { throw TestFailure("the server runs without --auth") }
        return try await authenticator.create(scope: scope, name: "test").token
    }

    struct Reply: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: ByteBuffer

        var json: JSONValue { (try? JSONParser.parse(body.readableBytesView)) ?? .null }
        var text: String { String(buffer: body) }
        var errorCode: String? { if case .string(let s)? = json["error_code"] { s } else { nil } }
        var message: String { if case .string(let s)? = json["message"] { s } else { "" } }
    }

    func send(_ method: HTTPRequest.Method, _ uri: String, body: String? = nil) async throws -> Reply {
        let response = try await client.executeRequest(
            uri: uri, method: method, headers: body == nil ? [:] : [.contentType: "application/json"],
            body: body.map { ByteBuffer(string: $0) }
        )
        return Reply(status: response.status, headers: response.headers, body: response.body)
    }

    /// Any request, with the headers given and nothing added.
    func raw(_ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], body: [UInt8]? = nil) async throws -> Reply {
        let response = try await client.executeRequest(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) })
        return Reply(status: response.status, headers: response.headers, body: response.body)
    }

    func put(_ uri: String, bytes: [UInt8]) async throws -> Reply {
        let response = try await client.executeRequest(uri: uri, method: .put, headers: [:], body: ByteBuffer(bytes: bytes))
        return Reply(status: response.status, headers: response.headers, body: response.body)
    }

    func post(_ path: String, _ body: String) async throws -> Reply {
        try await send(.post, "/api/2.0/mlflow/" + path, body: body)
    }

    func get(_ pathAndQuery: String) async throws -> Reply {
        try await send(.get, "/api/2.0/mlflow/" + pathAndQuery)
    }

    /// Creates an experiment and a run in it, returning (experiment id, run id).
    func makeRun() async throws -> (String, String) {
        let experiment = try await post("experiments/create", #"{"name": "exp-\#(UUID().uuidString)"}"#)
        guard case .string(let experimentId)? = experiment.json["experiment_id"] else { throw TestFailure("no experiment id: \(experiment.text)") }
        let run = try await post("runs/create", #"{"experiment_id": "\#(experimentId)", "start_time": 1}"#)
        guard case .string(let runId)? = run.json["run"]?["info"]?["run_id"] else { throw TestFailure("no run id: \(run.text)") }
        return (experimentId, runId)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
