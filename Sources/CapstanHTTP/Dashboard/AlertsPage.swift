import CapstanJSON
import CapstanMonitoring
import CapstanMonitors
import CapstanStorage

/// `/ui/alerts`: the alerts now active (firing first) with their labels, value and summary,
/// the rules, and the history of state changes and notifications.
struct AlertsPage {
    static let historyLimit = 200

    var alerts: [(rule: String, alert: AlertInstance)]
    var rules: [AlertRuleRecord]
    var history: [AlertEventRecord]
    var now: Int64

    static func load(alerts: AlertService, now: Int64) async throws -> AlertsPage {
        AlertsPage(alerts: ordered(try await alerts.activeAlerts()), rules: try await alerts.store.rules(),
                   history: try await alerts.store.events(limit: historyLimit), now: now)
    }

    /// Firing, then pending, then resolved; the longest-standing first within each.
    static func ordered(_ alerts: [(rule: String, alert: AlertInstance)]) -> [(rule: String, alert: AlertInstance)] {
        func rank(_ state: AlertState) -> Int { [.firing: 0, .pending: 1, .resolved: 2][state] ?? 3 }
        return alerts.sorted {
            (rank($0.alert.state), $0.alert.activeAt, $0.rule) < (rank($1.alert.state), $1.alert.activeAt, $1.rule)
        }
    }

    /// Labels that name a deployment or monitor link to its page; the rest are plain chips.
    static func labelCell(_ labels: [String: String]) -> HTMLText {
        var links: [HTMLText] = []
        if let deployment = labels["deployment"] { links.append("deployment \(DashboardNavigation.deploymentLink(deployment))") }
        if let monitor = labels["monitor"] { links.append("monitor \(DashboardNavigation.monitorLink(monitor))") }
        let rest = DashboardFormat.labels(labels, skipping: ["alertname", "deployment", "monitor"])
        return HTMLText.joined(links + (rest == .empty ? [] : [rest]), separator: "<br/>")
    }

    /// The active alerts as a table (also on the overview).
    static func activeTable(_ alerts: [(rule: String, alert: AlertInstance)], now: Int64) -> HTMLText {
        DashboardPage.table(alerts, columns: [
            TableColumn("State") { DashboardBadges.alert($0.alert.state) },
            TableColumn("Rule") { "\($0.rule)" },
            TableColumn("Labels") { labelCell($0.alert.labels) },
            TableColumn("Value", alignment: .right) { "\(DashboardFormat.number($0.alert.value))" },
            TableColumn("Since") { item in
                let alert = item.alert
                switch alert.state {
                case .firing: return "firing since \(DashboardFormat.timeAndAge(alert.firedAt ?? alert.activeAt, now: now))"
                case .resolved: return "resolved \(DashboardFormat.timeAndAge(alert.resolvedAt ?? alert.activeAt, now: now))"
                default: return "pending since \(DashboardFormat.timeAndAge(alert.activeAt, now: now))"
                }
            },
            TableColumn("Summary") { "\($0.alert.annotations["summary"] ?? $0.alert.annotations["description"] ?? "")" },
        ], emptyMessage: "No active alerts")
    }

    func render() -> String {
        let now = self.now
        let ruleTable = DashboardPage.table(rules, columns: [
            TableColumn("Rule") { "\($0.name)" },
            TableColumn("Condition") { rule in "<code>\(Self.specText(rule, "condition"))</code>" },
            TableColumn("For") { rule in "\(Self.specText(rule, "for"))" },
            TableColumn("Created") { "\(DashboardFormat.timeAndAge($0.creationTime, now: now))" },
        ], emptyMessage: "No alert rules")
        let historyTable = DashboardPage.table(history, columns: [
            TableColumn("Time") { "\(DashboardFormat.time($0.time))" },
            TableColumn("Rule") { "\($0.rule)" },
            TableColumn("Event") { DashboardBadges.alertEvent($0.kind) },
            TableColumn("Labels") { Self.labelCell(Self.labels($0.labels)) },
            TableColumn("Value", alignment: .right) { $0.value.map { "\(DashboardFormat.number($0))" } ?? .empty },
            TableColumn("Message") { "\($0.message ?? "")" },
        ], caption: history.count == Self.historyLimit ? "The latest \(Self.historyLimit) events" : nil, emptyMessage: "No alert events yet")
        return DashboardPage(
            title: "Alerts", navigation: DashboardNavigation.links, current: DashboardNavigation.alerts,
            refreshSeconds: DashboardNavigation.refreshSeconds,
            content: [
                DashboardLayout.glance([
                    ("Firing", "\(alerts.count { $0.alert.state == .firing })"),
                    ("Pending", "\(alerts.count { $0.alert.state == .pending })"),
                    ("Resolved (recently)", "\(alerts.count { $0.alert.state == .resolved })"),
                    ("Rules", "\(rules.count)"),
                ]),
                DashboardPage.section("Active alerts", id: "active", Self.activeTable(alerts, now: now)),
                DashboardPage.section("Rules", id: "rules", ruleTable),
                DashboardPage.section("History", id: "history", historyTable),
            ]).render()
    }

    static func specText(_ rule: AlertRuleRecord, _ key: String) -> String {
        guard let spec = try? JSONParser.parse(Array(rule.spec.utf8)), let value = spec[key] else { return "" }
        return DashboardFormat.json(value)
    }

    static func labels(_ json: String) -> [String: String] {
        guard case .object(let members)? = try? JSONParser.parse(Array(json.utf8)) else { return [:] }
        var labels: [String: String] = [:]
        for (key, value) in members { labels[key] = DashboardFormat.json(value) }
        return labels
    }
}
