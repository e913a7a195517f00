import CapstanMonitoring
import CapstanMonitors
import CapstanServing
import CapstanStorage

/// `/ui`: every deployment with what it serves, the alerts now active, and every monitor
/// with its latest result — what someone on call looks at first.
struct OverviewPage {
    struct Deployment {
        var record: DeploymentRecord
        var serving: ServingSummary
        var lastEvent: DeploymentEventRecord?
    }

    var deployments: [Deployment]
    var alerts: [(rule: String, alert: AlertInstance)]
    var monitors: [MonitorSummary]
    var now: Int64

    static func load(deployments service: DeploymentService, monitors: MonitorService, now: Int64) async throws -> OverviewPage {
        var deployments: [Deployment] = []
        for record in try await service.store.deployments() {
            deployments.append(Deployment(record: record, serving: ServingSummary(record, live: service.liveRevision(record.name)),
                                          lastEvent: try await service.store.events(deployment: record.name).last))
        }
        return OverviewPage(deployments: deployments, alerts: AlertsPage.ordered(try await monitors.alerts.activeAlerts()),
                            monitors: try await MonitorSummary.load(try await monitors.store.monitors(), store: monitors.store), now: now)
    }

    func render() -> String {
        let now = self.now
        let firing = alerts.count { $0.alert.state == .firing }
        let deploymentTable = DashboardPage.table(deployments, columns: [
            TableColumn("Deployment") { DashboardNavigation.deploymentLink($0.record.name) },
            TableColumn("Status") { $0.serving.badge },
            TableColumn("Serving") { "\($0.serving.variantsText)" },
            TableColumn("Shadows") { "\($0.serving.shadowsText)" },
            TableColumn("Revision", alignment: .right) { $0.serving.revision.map { "\($0)" } ?? "–" },
            TableColumn("Last change") { deployment in
                let message: HTMLText = deployment.lastEvent.map { "<br/><span class=\"note\">\($0.message)</span>" } ?? .empty
                return "\(DashboardFormat.timeAndAge(deployment.record.lastUpdateTime, now: now))\(message)"
            },
        ], emptyMessage: "No deployments yet: apply a spec with capstan deploy")
        return DashboardPage(
            title: "Overview", navigation: DashboardNavigation.links, current: DashboardNavigation.overview,
            refreshSeconds: DashboardNavigation.refreshSeconds,
            content: [
                DashboardLayout.glance([
                    ("Deployments", "\(deployments.count)"),
                    ("Serving", "\(deployments.count { $0.serving.status == "serving" })"),
                    ("Alerts firing", firing > 0 ? DashboardPage.badge(.firing, text: "\(firing) firing") : DashboardPage.badge(.ok, text: "none")),
                    ("Monitors", "\(monitors.count)"),
                ]),
                DashboardPage.section("Deployments", id: "deployments", deploymentTable),
                DashboardPage.section("Active alerts", id: "alerts",
                                      AlertsPage.activeTable(alerts, now: now),
                                      "<p>\(DashboardPage.link("Alert history", href: DashboardNavigation.alerts))</p>"),
                DashboardPage.section("Monitors", id: "monitors", MonitorSummary.table(monitors, now: now, withDeployment: true)),
            ]).render()
    }
}
