import CapstanMonitors
import CapstanRegistry
import CapstanServing
import CapstanStorage
import CapstanTracking
import Hummingbird
import Logging
import NIOCore

/// Everything the HTTP surface serves, wired once by the app.
public struct ServerServices: Sendable {
    public let database: Database
    public let tracking: TrackingService
    public let registry: RegistryService
    public let artifacts: any ArtifactStore
    public let deployments: DeploymentService
    public let monitors: MonitorService
    public let gateway: GatewaySettings
    public let metrics: GatewayMetrics
    /// Set with `--auth`: every route but the probes then needs a token.
    public let authenticator: TokenAuthenticator?

    public init(database: Database, tracking: TrackingService, registry: RegistryService, artifacts: any ArtifactStore,
                deployments: DeploymentService, monitors: MonitorService, gateway: GatewaySettings = GatewaySettings(), metrics: GatewayMetrics = GatewayMetrics(),
                authenticator: TokenAuthenticator? = nil) {
        self.database = database
        self.tracking = tracking
        self.registry = registry
        self.artifacts = artifacts
        self.deployments = deployments
        self.monitors = monitors
        self.gateway = gateway
        self.metrics = metrics
        self.authenticator = authenticator
    }
}

/// Builds Capstan's router: the MLflow REST API, the artifact proxy, deployments and their
/// inference protocols (Open Inference Protocol v2, MLflow scoring), the dashboard at `/ui`,
/// and operational routes.
public enum CapstanServer {
    /// The version of Capstan itself.
    public static let version = "0.1.0"
    /// The MLflow server version whose API Capstan serves.
    public static let mlflowCompatibleVersion = "3.6.0"

    public static func router<Context: RequestContext>(
        _ services: ServerServices, context: Context.Type = BasicRequestContext.self, logger: Logger
    ) -> Router<Context> {
        let router = Router(context: Context.self)
        if let authenticator = services.authenticator {
            router.add(middleware: AuthMiddleware<Context>(authenticator: authenticator, logger: logger))
        }
        let api = MLflowEndpoints(router: router, logger: logger)
        ExperimentRoutes<Context>(tracking: services.tracking).register(api)
        RunRoutes<Context>(tracking: services.tracking).register(api)
        LoggedModelRoutes<Context>(tracking: services.tracking, artifacts: services.artifacts).register(api)
        RegistryRoutes<Context>(registry: services.registry).register(api)
        ArtifactRoutes<Context>(artifacts: services.artifacts, tracking: services.tracking, logger: logger)
            .register(on: router, api: api)
        DeploymentRoutes<Context>(deployments: services.deployments, logger: logger).register(on: router)
        PredictionLogRoutes<Context>(deployments: services.deployments, logger: logger).register(on: router)
        RolloutRoutes<Context>(deployments: services.deployments, logger: logger).register(on: router)
        ReportRoutes<Context>(deployments: services.deployments, logger: logger).register(on: router)
        MonitorRoutes<Context>(monitors: services.monitors, logger: logger).register(on: router)
        AlertRoutes<Context>(alerts: services.monitors.alerts, logger: logger).register(on: router)
        DashboardRoutes<Context>(deployments: services.deployments, monitors: services.monitors, logger: logger).register(on: router)
        OpenInferenceRoutes<Context>(deployments: services.deployments, gateway: services.gateway, metrics: services.metrics, logger: logger).register(on: router)
        ScoringRoutes<Context>(deployments: services.deployments, gateway: services.gateway, metrics: services.metrics, logger: logger).register(on: router)
        let deployments = services.deployments, metrics = services.metrics
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: await metrics.render(deployments))))
        }
        OperationalRoutes<Context>(database: services.database, mlflowVersion: mlflowCompatibleVersion, capstanVersion: version)
            .register(on: router)
        return router
    }
}
