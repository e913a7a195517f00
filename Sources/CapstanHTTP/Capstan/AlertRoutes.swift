import CapstanJSON
import CapstanMonitoring
import CapstanMonitors
import CapstanStorage
import Hummingbird
import Logging

/// Alert rules and alerts over HTTP: rules from specs, the alerts now active, and the
/// history of their states and notifications.
struct AlertRoutes<Context: RequestContext> {
    let alerts: AlertService
    let logger: Logger
    static var prefix: String { "/api/capstan/v1/alerts" }

    func register(on router: Router<Context>) {
        let alerts = self.alerts, logger = self.logger
        router.post(RouterPath(Self.prefix + "/rules")) { request, _ in
            await CapstanAPIError.respond(request, logger: logger) {
                let body = try await request.body.collect(upTo: DeploymentRoutes<Context>.maxSpecBytes)
                return Self.json(try await alerts.save(try JSONParser.parse(body.readableBytesView)))
            }
        }
        router.get(RouterPath(Self.prefix + "/rules")) { request, _ in
            await CapstanAPIError.respond(request, logger: logger) {
                .object([("rules", .array(try await alerts.store.rules().map(Self.json)))])
            }
        }
        router.get(RouterPath(Self.prefix + "/rules/:name")) { request, context in
            await CapstanAPIError.respond(request, logger: logger) {
                Self.json(try await alerts.store.rule(name: try context.parameters.require("name")))
            }
        }
        router.delete(RouterPath(Self.prefix + "/rules/:name")) { request, context in
            await CapstanAPIError.respond(request, logger: logger) {
                try await alerts.store.delete(name: try context.parameters.require("name"))
                return .object([])
            }
        }
        router.get(RouterPath(Self.prefix)) { request, _ in
            await CapstanAPIError.respond(request, logger: logger) {
                .object([("alerts", .array(try await alerts.activeAlerts().map { Self.json($0.alert, rule: $0.rule) }))])
            }
        }
        router.get(RouterPath(Self.prefix + "/history")) { request, _ in
            await CapstanAPIError.respond(request, logger: logger) {
                let query = request.uri.queryParameters
                let events = try await alerts.store.events(
                    rule: query["rule"].map(String.init), since: try MonitorRoutes<Context>.integer(request, "since", default: 0, max: .max),
                    limit: Int(try MonitorRoutes<Context>.integer(request, "limit", default: 100, max: 10_000)))
                return .object([("events", .array(events.map(Self.json)))])
            }
        }
    }

    static func json(_ rule: AlertRuleRecord) -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("name", rule.name)
        object.set("spec", (try? JSONParser.parse(Array(rule.spec.utf8))) ?? .string(rule.spec))
        object.set("creation_time", rule.creationTime)
        object.set("last_update_time", rule.lastUpdateTime)
        return object.value
    }

    static func json(_ alert: AlertInstance, rule: String) -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("rule", rule)
        object.set("state", alert.state.rawValue)
        object.set("labels", .object(alert.labels.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
        object.set("annotations", .object(alert.annotations.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
        object.set("value", .double(alert.value))
        object.set("active_at", alert.activeAt)
        object.set("fired_at", alert.firedAt)
        object.set("resolved_at", alert.resolvedAt)
        object.set("fingerprint", alert.fingerprint)
        return object.value
    }

    static func json(_ event: AlertEventRecord) -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("rule", event.rule)
        object.set("kind", event.kind)
        object.set("fingerprint", event.fingerprint)
        object.set("labels", (try? JSONParser.parse(Array(event.labels.utf8))) ?? .object([]))
        object.set("value", event.value.map(JSONValue.double) ?? .null)
        object.set("message", event.message)
        object.set("time", event.time)
        return object.value
    }
}
