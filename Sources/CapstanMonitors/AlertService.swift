import CapstanJSON
import CapstanMonitoring
import CapstanServing
import CapstanStorage
import Foundation
import Logging
import Synchronization

/// Runs alert rules over the monitors' latest numbers, with Prometheus' alert states, and
/// delivers their notifications (log lines; webhooks in Alertmanager's shape).
///
/// A rule on `drift_share` sees one sample per monitor that produces it, labelled
/// `monitor` and `deployment`, plus `feature`, `slice` or `expectation` for per-series
/// metrics; what each alert looked like and whom it was sent to is kept in the history.
public final class AlertService: Sendable {
    public let store: AlertStore
    let monitors: MonitorStore
    let sender: WebhookSender
    /// Capstan's own address, put in payloads so a receiver can link back.
    let externalURL: String
    let evaluationInterval: Int64
    let logger: Logger
    let lastRound = Mutex<Int64>(0)
    /// Serializes rounds: the scheduler and `monitor run` may both ask for one.
    let round = SerialQueue()

    /// - Parameter evaluationInterval: how often rules are evaluated (Prometheus'
    ///   `evaluation_interval`), in milliseconds.
    public init(database: Database, externalURL: String, evaluationInterval: Int64 = 15_000,
                sender: WebhookSender = WebhookSender(), logger: Logger) {
        self.store = AlertStore(database: database)
        self.monitors = MonitorStore(database: database)
        self.sender = sender
        self.externalURL = externalURL
        self.evaluationInterval = evaluationInterval
        self.logger = logger
    }

    /// Creates a rule, or replaces the one with the same name, from its spec.
    public func save(_ json: JSONValue) async throws -> AlertRuleRecord {
        let rule: AlertRule
        do {
            rule = try AlertRule(spec: json)
        } catch {
            throw MonitorError.invalidSpec(error.message)
        }
        let known = Set(MonitorSpec.Kind.allCases.flatMap(\.metricNames))
        guard known.contains(rule.metric) else {
            throw MonitorError.invalidSpec("metric '\(rule.metric)' is not produced by any monitor; use one of \(known.sorted().joined(separator: ", "))")
        }
        return try await store.save(name: rule.name, spec: JSONWriter.string(json))
    }

    /// The current alerts of every rule (pending, firing and recently resolved).
    public func activeAlerts() async throws -> [(rule: String, alert: AlertInstance)] {
        try await store.rules().flatMap { record in
            ((try? Self.savedState(record))?.alerts.alerts ?? []).map { (record.name, $0) }
        }
    }

    /// Evaluates every rule when the evaluation interval has passed since the last round.
    public func evaluateDue(now: Int64) async throws {
        let due = lastRound.withLock { last in
            guard now - last >= evaluationInterval else { return false }
            last = now
            return true
        }
        if due { try await evaluateAll(now: now) }
    }

    /// Evaluates every rule now.
    public func evaluateAll(now: Int64) async throws {
        try await round.run {
            for record in try await self.store.rules() {
                do {
                    try await self.evaluate(record, now: now)
                } catch {
                    self.logger.error("alert rule evaluation failed", metadata: ["rule": "\(record.name)", "error": "\(error)"])
                }
            }
        }
    }

    func evaluate(_ record: AlertRuleRecord, now: Int64) async throws {
        let rule = try AlertRule(spec: JSONParser.parse(Array(record.spec.utf8)))
        var saved = try Self.savedState(record)
        let samples = try await monitors.latestPoints(metric: rule.metric).map { point -> AlertSample in
            var labels = ["monitor": point.monitor, "deployment": point.deployment]
            if !point.point.series.isEmpty {
                labels[MonitorSpec.Kind(rawValue: point.kind)?.seriesLabel ?? "series"] = point.point.series
            }
            return AlertSample(labels: labels, value: point.point.value)
        }
        let evaluation = try AlertEvaluator.evaluate(rule, samples: samples, state: saved.alerts, at: now)
        saved.alerts = evaluation.state
        let notifications = saved.groups.update(alerts: evaluation.state.alerts, route: rule.route, at: now)
        var events = evaluation.transitions.map { transition in
            AlertEventRecord(rule: rule.name, fingerprint: transition.fingerprint, labels: JSONWriter.string(Self.json(transition.labels)),
                             kind: transition.to.rawValue, value: transition.value,
                             message: "\(transition.from.rawValue) → \(transition.to.rawValue)", time: now)
        }
        for transition in evaluation.transitions {
            logger.info("alert \(transition.to.rawValue)", metadata: [
                "alert": "\(rule.name)", "labels": "\(AlertLabels.describe(transition.labels))", "value": "\(transition.value)",
            ])
        }
        try await store.saveState(rule: rule.name, state: JSONWriter.string(saved.json), events: events)
        events = []
        for notification in notifications {
            for channel in rule.route.channels {
                events.append(await deliver(notification, via: channel, rule: rule))
            }
        }
        if !events.isEmpty { try await store.append(events) }
    }

    /// Sends one notification through one channel; the history records the outcome.
    func deliver(_ notification: AlertNotification, via channel: AlertChannel, rule: AlertRule) async -> AlertEventRecord {
        let groupLabels = JSONWriter.string(Self.json(notification.groupLabels))
        switch channel {
        case .log:
            let now = Clock.nowMillis()
            let severity = notification.alerts.first?.labels["severity"]
            let level: Logger.Level = notification.status == "resolved" ? .info : severity == "critical" ? .critical : .warning
            logger.log(level: level, "\(notification.summary)", metadata: ["receiver": "\(notification.receiver)", "group": "\(notification.groupKey)"])
            return AlertEventRecord(rule: rule.name, fingerprint: "log", labels: groupLabels, kind: "notified", value: nil,
                                    message: "log: \(notification.status), \(notification.alerts.count) alert(s)", time: now)
        case .webhook(let url, let maxAlerts):
            let payload = AlertmanagerWebhook.payload(notification, externalURL: externalURL,
                                                      generatorURL: externalURL + "/ui/alerts", maxAlerts: maxAlerts)
            do {
                guard let target = URL(string: url) else { throw WebhookSender.Failure(description: "\(url) is not a URL") }
                let status = try await sender.post(JSONWriter.bytes(payload), to: target)
                let now = Clock.nowMillis()
                return AlertEventRecord(rule: rule.name, fingerprint: "webhook", labels: groupLabels, kind: "notified", value: nil,
                                        message: "webhook \(URL(string: url)?.host ?? "?"): \(notification.status), \(notification.alerts.count) alert(s), HTTP \(status)", time: now)
            } catch {
                let now = Clock.nowMillis()
                logger.error("alert notification failed", metadata: ["rule": "\(rule.name)", "error": "\(error)"])
                return AlertEventRecord(rule: rule.name, fingerprint: "webhook", labels: groupLabels, kind: "notify_failed", value: nil,
                                        message: "\(error)", time: now)
            }
        }
    }

    /// A rule's saved state: its alerts (Prometheus' side) and its notification groups
    /// (Alertmanager's side).
    struct SavedState {
        var alerts: AlertRuleState
        var groups: AlertGrouping

        var json: JSONValue { .object([("alerts", alerts.json), ("groups", groups.json)]) }
    }

    static func savedState(_ record: AlertRuleRecord) throws -> SavedState {
        guard let text = record.state, case .object(let fields) = try JSONParser.parse(Array(text.utf8)) else {
            return SavedState(alerts: AlertRuleState(rule: record.name), groups: AlertGrouping(rule: record.name))
        }
        let object = JSONValue.object(fields)
        return SavedState(alerts: try AlertRuleState(json: object["alerts"] ?? .null),
                          groups: try AlertGrouping(json: object["groups"] ?? .null))
    }

    static func json(_ labels: [String: String]) -> JSONValue {
        .object(labels.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
    }
}
