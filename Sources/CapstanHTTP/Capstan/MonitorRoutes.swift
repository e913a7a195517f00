import CapstanJSON
import CapstanMonitors
import CapstanStorage
import Hummingbird
import Logging

/// Monitors over HTTP: create from a spec, list, inspect their evaluations and time series,
/// run one now, delete.
struct MonitorRoutes<Context: RequestContext> {
    let monitors: MonitorService
    let logger: Logger
    static var prefix: String { "/api/capstan/v1/monitors" }

    func register(on router: Router<Context>) {
        let monitors = self.monitors, logger = self.logger
        router.post(RouterPath(Self.prefix)) { request, _ in
            await CapstanAPIError.respond(request, logger: logger) {
                let body = try await request.body.collect(upTo: DeploymentRoutes<Context>.maxSpecBytes)
                return Self.json(try await monitors.save(try JSONParser.parse(body.readableBytesView)), latest: nil)
            }
        }
        router.get(RouterPath(Self.prefix)) { request, _ in
            await CapstanAPIError.respond(request, logger: logger) {
                let deployment = request.uri.queryParameters["deployment"].map(String.init)
                var items: [JSONValue] = []
                for monitor in try await monitors.store.monitors(deployment: deployment) {
                    let latest = try await monitors.store.evaluations(monitor: monitor.name, limit: 1).first
                    items.append(Self.json(monitor, latest: latest))
                }
                return .object([("monitors", .array(items))])
            }
        }
        router.get(RouterPath(Self.prefix + "/:name")) { request, context in
            await CapstanAPIError.respond(request, logger: logger) {
                let monitor = try await monitors.store.monitor(name: try context.parameters.require("name"))
                let latest = try await monitors.store.evaluations(monitor: monitor.name, limit: 1).first
                return Self.json(monitor, latest: latest)
            }
        }
        router.delete(RouterPath(Self.prefix + "/:name")) { request, context in
            await CapstanAPIError.respond(request, logger: logger) {
                try await monitors.store.delete(name: try context.parameters.require("name"))
                return .object([])
            }
        }
        router.post(RouterPath(Self.prefix + "/:name/run")) { request, context in
            await CapstanAPIError.respond(request, logger: logger) {
                let monitor = try await monitors.store.monitor(name: try context.parameters.require("name"))
                let evaluation = try await monitors.evaluate(monitor)
                try await monitors.alerts.evaluateAll(now: Clock.nowMillis())
                return Self.json(evaluation, withResult: true)
            }
        }
        router.get(RouterPath(Self.prefix + "/:name/evaluations")) { request, context in
            await CapstanAPIError.respond(request, logger: logger) {
                let name = try context.parameters.require("name")
                let limit = try Self.integer(request, "limit", default: 20, max: 1000)
                let evaluations = try await monitors.store.evaluations(monitor: name, limit: Int(limit))
                return .object([("evaluations", .array(evaluations.map { Self.json($0, withResult: true) }))])
            }
        }
        router.get(RouterPath(Self.prefix + "/:name/points")) { request, context in
            await CapstanAPIError.respond(request, logger: logger) {
                let name = try context.parameters.require("name")
                _ = try await monitors.store.monitor(name: name)
                guard let metric = request.uri.queryParameters["metric"].map(String.init), !metric.isEmpty else {
                    throw CapstanAPIError(status: .badRequest, code: "INVALID_PARAMETER", message: "Give the metric: ?metric=drift_share")
                }
                let points = try await monitors.store.points(
                    monitor: name, metric: metric, series: request.uri.queryParameters["series"].map(String.init),
                    since: try Self.integer(request, "since", default: 0, max: .max))
                return .object([("points", .array(points.map { point in
                    .object([("series", .string(point.series)), ("time", .int(point.time)), ("value", .double(point.value))])
                }))])
            }
        }
    }

    static func integer(_ request: Request, _ key: String, default value: Int64, max: Int64) throws -> Int64 {
        guard let text = request.uri.queryParameters[key[...]] else { return value }
        guard let number = Int64(text), number >= 0 else {
            throw CapstanAPIError(status: .badRequest, code: "INVALID_PARAMETER", message: "\(key) must be a non-negative integer, got '\(text)'")
        }
        return min(number, max)
    }

    static func json(_ monitor: MonitorRecord, latest: MonitorEvaluationRecord?) -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("name", monitor.name)
        object.set("deployment", monitor.deployment)
        object.set("kind", monitor.kind)
        object.set("spec", (try? JSONParser.parse(Array(monitor.spec.utf8))) ?? .string(monitor.spec))
        object.set("schedule_seconds", .double(Double(monitor.intervalMilliseconds) / 1000))
        object.set("next_run_time", monitor.nextRunTime)
        object.set("creation_time", monitor.creationTime)
        object.set("last_update_time", monitor.lastUpdateTime)
        object.set("latest_evaluation", latest.map { json($0, withResult: false) } ?? .null)
        return object.value
    }

    static func json(_ evaluation: MonitorEvaluationRecord, withResult: Bool) -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("monitor", evaluation.monitor)
        object.set("time", evaluation.time)
        object.set("window_start", evaluation.windowStart)
        object.set("window_end", evaluation.windowEnd)
        object.set("predictions", evaluation.rowCount)
        object.set("status", evaluation.status.rawValue)
        object.set("message", evaluation.message.map(JSONValue.string) ?? .null)
        if !evaluation.points.isEmpty {
            object.set("metrics", .array(evaluation.points.map { point in
                .object([("metric", .string(point.metric)), ("series", .string(point.series)), ("value", .double(point.value))])
            }))
        }
        if withResult { object.set("result", (try? JSONParser.parse(Array(evaluation.result.utf8))) ?? .null) }
        return object.value
    }
}
