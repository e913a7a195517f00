import CapstanJSON

/// What a rule remembers between evaluations: its pending, firing and recently resolved
/// alerts. The server saves it as JSON after each evaluation (``json``) and reads it back
/// (``init(json:)``), so a restart keeps each alert's `for` progress, as Prometheus restores
/// it from `ALERTS_FOR_STATE`, and its firing and resolution times.
public struct AlertRuleState: Sendable, Equatable {
    /// The rule's name.
    public var rule: String
    /// Ordered by fingerprint, so equal states encode identically.
    public var alerts: [AlertInstance]
    /// The latest evaluation's time (milliseconds since the epoch), nil before the first.
    public var evaluatedAt: Int64?

    public init(rule: String, alerts: [AlertInstance] = [], evaluatedAt: Int64? = nil) {
        self.rule = rule
        self.alerts = alerts.sorted { $0.fingerprint < $1.fingerprint }
        self.evaluatedAt = evaluatedAt
    }

    public var firing: [AlertInstance] { alerts.filter { $0.state == .firing } }
    public var pending: [AlertInstance] { alerts.filter { $0.state == .pending } }
    public var resolved: [AlertInstance] { alerts.filter { $0.state == .resolved } }

    /// The state as JSON: `{"rule", "evaluated_at", "alerts": [{"labels", "annotations",
    /// "state", "value", "active_at", "fired_at", "resolved_at", "keep_firing_since"}]}`,
    /// absent times left out.
    public var json: JSONValue {
        var root = JSONObjectBuilder()
        root.set("rule", .string(rule))
        root.set("evaluated_at", evaluatedAt)
        root.set("alerts", .array(alerts.map { alert in
            var object = JSONObjectBuilder()
            object.set("labels", SavedStateReader.encode(alert.labels))
            object.set("annotations", SavedStateReader.encode(alert.annotations))
            object.set("state", .string(alert.state.rawValue))
            object.set("value", .double(alert.value))
            object.set("active_at", .int(alert.activeAt))
            object.set("fired_at", alert.firedAt)
            object.set("resolved_at", alert.resolvedAt)
            object.set("keep_firing_since", alert.keepFiringSince)
            return object.value
        }))
        return root.value
    }

    /// Reads state written by ``json``.
    /// - Throws: ``AlertingError/invalidState(_:)`` naming the field that does not decode.
    public init(json: JSONValue) throws(AlertingError) {
        let root = try SavedStateReader(json, path: "")
        var alerts: [AlertInstance] = []
        for (index, item) in try root.array("alerts").enumerated() {
            let object = try SavedStateReader(item, path: "alerts[\(index)]")
            let stateName = try object.string("state")
            guard let state = AlertState(rawValue: stateName), state != .inactive else {
                throw AlertingError.invalidState("\(object.field("state")) must be pending, firing or resolved, got '\(stateName)'")
            }
            alerts.append(AlertInstance(
                labels: try object.stringMap("labels"), annotations: try object.stringMap("annotations"), state: state,
                value: try object.double("value"), activeAt: try object.int("active_at"), firedAt: try object.optionalInt("fired_at"),
                resolvedAt: try object.optionalInt("resolved_at"), keepFiringSince: try object.optionalInt("keep_firing_since")))
        }
        self.init(rule: try root.string("rule"), alerts: alerts, evaluatedAt: try root.optionalInt("evaluated_at"))
    }
}
