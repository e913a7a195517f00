import ArgumentParser
import CapstanHTTP
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
            CAPSTAN_DATA_DIR, CAPSTAN_DATABASE and CAPSTAN_ARTIFACTS.
            """
    )

    @Option(help: "Interface to listen on.")
    var host: String = ProcessInfo.processInfo.environment["CAPSTAN_HOST"] ?? "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port: Int = Int(ProcessInfo.processInfo.environment["CAPSTAN_PORT"] ?? "") ?? 5050

    @Option(name: .customLong("data-dir"), help: "Directory for the default SQLite database and artifacts.")
    var dataDirectory: String = ProcessInfo.processInfo.environment["CAPSTAN_DATA_DIR"] ?? "./capstan-data"

    @Option(name: .customLong("database"), help: "Metadata database: postgres://user:pass@host:port/db, or sqlite:///path/file.db (default: <data-dir>/capstan.db).")
    var databaseOption: String?

    @Option(name: .customLong("artifacts"), help: "Artifact store: a local directory or file:// URL (default: <data-dir>/artifacts).")
    var artifactsOption: String?

    var database: String? { databaseOption ?? ProcessInfo.processInfo.environment["CAPSTAN_DATABASE"] }
    var artifacts: String? { artifactsOption ?? ProcessInfo.processInfo.environment["CAPSTAN_ARTIFACTS"] }

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = ProcessInfo.processInfo.environment["CAPSTAN_LOG_LEVEL"] ?? "info"

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be between 1 and 65535, got \(port).") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("Unknown --log-level '\(logLevel)'.") }
        if let database { _ = try Self.location(database) }
        if let artifacts, artifacts.contains("://"), !artifacts.hasPrefix("file://") {
            throw ValidationError("Unsupported --artifacts '\(artifacts)': use a local directory or a file:// URL.")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "capstan")
        let dataURL = URL(fileURLWithPath: dataDirectory)
        let location = try database.map(Self.location) ?? .sqlite(path: dataURL.appendingPathComponent("capstan.db").path)
        let artifactRoot = artifacts.map { $0.hasPrefix("file://") ? URL(string: $0)!.path : $0 }
            .map(URL.init(fileURLWithPath:)) ?? dataURL.appendingPathComponent("artifacts")

        logger.info("Opening \(location)")
        let db = try await Database.open(location, logger: logger)
        let tracking = TrackingService(database: db, artifactRoot: "mlflow-artifacts:/")
        let registry = RegistryService(database: db)
        let artifactStore = try LocalArtifactStore(root: artifactRoot)
        let deployments = DeploymentService(database: db, registry: registry, artifacts: artifactStore, logger: logger)
        let services = ServerServices(
            database: db, tracking: tracking, registry: registry, artifacts: artifactStore, deployments: deployments
        )
        // The prediction log's writer; stopped after the server, so it writes the last entries.
        let predictionLog = Task { await deployments.log.run() }
        // Canary rollouts move on their own: every second, due steps are analysed.
        let rollouts = Task { await deployments.runRollouts() }
        func stopLog() async {
            rollouts.cancel()
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

    static func location(_ value: String) throws -> DatabaseLocation {
        do {
            return try DatabaseLocation(parsing: value)
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
