import ArgumentParser
import CapstanHTTP
import CapstanMonitors
import CapstanRegistry
import CapstanServing
import CapstanStorage
import CapstanTracking
import Foundation
import Hummingbird
import Logging

/// `capstan server`: serves the MLflow REST API, the artifact proxy and the registry.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Start the tracking and registry server.",
        discussion: """
            With no options, keeps everything under ./capstan-data: a SQLite database and an artifact \
            directory, created on first start. Point the mlflow client at it with \
            MLFLOW_TRACKING_URI=http://127.0.0.1:5050. Options fall back to CAPSTAN_HOST, CAPSTAN_PORT, \
            CAPSTAN_DATA_DIR, CAPSTAN_DATABASE, CAPSTAN_ARTIFACTS and CAPSTAN_AUTH=1. Without --auth anyone who \
            can reach the port can do anything, so the server listens on 127.0.0.1 unless --host says otherwise.
            """
    )

    @Option(help: "Interface to listen on.")
    var host: String = ProcessInfo.processInfo.environment["CAPSTAN_HOST"] ?? "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port: Int = Int(ProcessInfo.processInfo.environment["CAPSTAN_PORT"] ?? "") ?? 5050

    @OptionGroup var storage: StorageOptions

    @Flag(help: "Require Authorization: Bearer TOKEN on every route but the health probes (create tokens with capstan tokens create).")
    var auth = ProcessInfo.processInfo.environment["CAPSTAN_AUTH"] == "1"

    @Option(name: .customLong("rule-interval"), help: "Seconds between evaluations of alert rules (Prometheus' evaluation_interval).")
    var ruleInterval: Double = Double(ProcessInfo.processInfo.environment["CAPSTAN_RULE_INTERVAL"] ?? "") ?? 15

    @Option(name: .customLong("external-url"), help: "The address people reach this server at, for links in alert notifications (default: http://HOST:PORT).")
    var externalURL: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = ProcessInfo.processInfo.environment["CAPSTAN_LOG_LEVEL"] ?? "info"

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be between 1 and 65535, got \(port).") }
        guard ruleInterval >= 0.1, ruleInterval <= 86_400 else { throw ValidationError("--rule-interval must be from 0.1 to 86400 seconds.") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("Unknown --log-level '\(logLevel)'.") }
        try storage.check()
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = DeferredMetadataLogHandler(StreamLogHandler.standardError(label: label))
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "capstan")
        let location = try storage.location()
        let artifactRoot = storage.artifactRoot()

        logger.info("Opening \(location)")
        let db = try await Database.open(location, logger: logger)
        let tracking = TrackingService(database: db, artifactRoot: "mlflow-artifacts:/")
        let registry = RegistryService(database: db)
        let artifactStore = try LocalArtifactStore(root: artifactRoot)
        let deployments = DeploymentService(database: db, registry: registry, artifacts: artifactStore, logger: logger)
        let alerts = AlertService(database: db, externalURL: externalURL ?? "http://\(host):\(port)",
                                  evaluationInterval: Int64(ruleInterval * 1000), logger: logger)
        let monitors = MonitorService(database: db, artifacts: artifactStore, alerts: alerts, logger: logger)
        let services = ServerServices(
            database: db, tracking: tracking, registry: registry, artifacts: artifactStore, deployments: deployments, monitors: monitors,
            authenticator: auth ? TokenAuthenticator(store: TokenStore(database: db)) : nil
        )
        // The prediction log's writer; stopped after the server, so it writes the last entries.
        let predictionLog = Task { await deployments.log.run() }
        // Canary rollouts move on their own: every second, due steps are analysed.
        let rollouts = Task { await deployments.runRollouts() }
        // Monitors run on their schedules, alert rules after them (leased through the
        // database, so replicas share the work).
        let monitoring = Task { await monitors.run() }
        func stopLog() async {
            monitoring.cancel()
            rollouts.cancel()
            await monitoring.value
            await rollouts.value
            predictionLog.cancel()
            await predictionLog.value
        }
        do {
            try await tracking.prepare()
            // Every deployment's active revision loads before the first request is taken.
            try await deployments.restore()
            let app = Application(
                router: CapstanServer.router(services, logger: logger),
                configuration: .init(address: .hostname(host, port: port), serverName: "capstan"),
                logger: logger
            )
            logger.info("Artifacts in \(artifactRoot.path); serving on http://\(host):\(port)")
            if auth {
                logger.info("Authentication is on: every route but the health probes needs Authorization: Bearer TOKEN.")
            } else if ["127.0.0.1", "localhost", "::1"].contains(host) {
                logger.notice("Authentication is off; listening on loopback only, so only this machine can connect. Use --auth before --host 0.0.0.0.")
            } else {
                logger.warning("Authentication is off and the server listens on \(host): anyone who can reach it can read, change and delete everything. Start it with --auth.")
            }
            // Runs until SIGINT or SIGTERM; in-flight requests finish before it returns.
            try await app.runService()
        } catch {
            await stopLog()
            await db.close()
            throw error
        }
        await stopLog()
        await db.close()
        logger.info("Stopped; database closed.")
    }
}
