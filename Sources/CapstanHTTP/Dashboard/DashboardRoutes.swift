import CapstanMonitors
import Foundation
import CapstanServing
import CapstanStorage
import Hummingbird
import Logging
import NIOCore

/// The dashboard at `/ui`: server-rendered HTML pages with inline SVG charts, no script and
/// nothing fetched from elsewhere. GET only; the pages read the same services the API does,
/// so with `--auth` they need a token like any other route.
struct DashboardRoutes<Context: RequestContext> {
    let deployments: DeploymentService
    let monitors: MonitorService
    let logger: Logger

    func register(on router: Router<Context>) {
        let deployments = self.deployments, monitors = self.monitors, logger = self.logger
        router.get("/ui") { request, _ in
            await Self.respond(request, logger: logger) {
                try await OverviewPage.load(deployments: deployments, monitors: monitors, now: Clock.nowMillis()).render()
            }
        }
        router.get("/ui/deployments/:name") { request, context in
            await Self.respond(request, logger: logger) {
                let now = Clock.nowMillis()
                let window = try DashboardWindow(hours: request.uri.queryParameters["hours"], now: now)
                return try await DeploymentPage.load(try Self.name(context), window: window,
                                                     deployments: deployments, monitors: monitors).render()
            }
        }
        router.get("/ui/monitors/:name") { request, context in
            await Self.respond(request, logger: logger) {
                let now = Clock.nowMillis()
                let window = try DashboardWindow(hours: request.uri.queryParameters["hours"], now: now)
                return try await MonitorPage.load(try Self.name(context), window: window, monitors: monitors).render()
            }
        }
        router.get("/ui/alerts") { request, _ in
            await Self.respond(request, logger: logger) {
                try await AlertsPage.load(alerts: monitors.alerts, now: Clock.nowMillis()).render()
            }
        }
        // Any other page under /ui: a page that says so, not the API's JSON error.
        router.get("/ui/**") { request, _ in
            await Self.respond(request, logger: logger) {
                throw DashboardError.notFound("There is no dashboard page at \(request.uri.path).")
            }
        }
    }

    /// The `{name}` path segment, percent-decoded: links to pages percent-encode names.
    static func name(_ context: Context) throws -> String {
        let raw = try context.parameters.require("name")
        return raw.removingPercentEncoding ?? raw
    }

    /// Renders a page, or an error page with the status the failure maps to: unknown names
    /// are 404, bad query parameters 400. Server failures are logged and shown without
    /// their details.
    static func respond(_ request: Request, logger: Logger, _ render: () async throws -> String) async -> Response {
        do {
            return html(try await render(), status: .ok)
        } catch {
            let page: ErrorPage
            switch error {
            case DashboardError.badRequest(let message):
                page = ErrorPage(status: .badRequest, message: message)
            case DashboardError.notFound(let message):
                page = ErrorPage(status: .notFound, message: message)
            default:
                let apiError = CapstanAPIError(error)
                if apiError.status.code >= 500 {
                    logger.error("\(request.method) \(request.uri.path) failed: \(String(reflecting: error))")
                    page = ErrorPage(status: apiError.status, message: "The page could not be made; the server log says why.")
                } else {
                    page = ErrorPage(status: apiError.status, message: apiError.message)
                }
            }
            return html(page.render(), status: page.status)
        }
    }

    static func html(_ document: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: document)))
    }
}
