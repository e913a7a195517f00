import CapstanMonitors
import CapstanStorage

/// A monitor in a list: its kind, schedule, latest evaluation and the one number that says
/// most about it (drift share, failed expectations, accuracy, error rate).
struct MonitorSummary {
    var record: MonitorRecord
    var latest: MonitorEvaluationRecord?

    /// The metric a list shows for each kind; performance shows the first of its scores.
    static func headlineMetrics(kind: String) -> [String] {
        switch MonitorSpec.Kind(rawValue: kind) {
        case .drift?: ["drift_share"]
        case .dataQuality?: ["failed_expectations"]
        case .performance?: ["accuracy", "f1", "mae", "rmse", "r2"]
        case .operational?: ["error_rate"]
        case nil: []
        }
    }

    var headline: (metric: String, value: Double)? {
        guard let latest else { return nil }
        for metric in Self.headlineMetrics(kind: record.kind) {
            if let point = latest.points.first(where: { $0.metric == metric && $0.series.isEmpty }) {
                return (metric, point.value)
            }
        }
        return nil
    }

    static func load(_ records: [MonitorRecord], store: MonitorStore) async throws -> [MonitorSummary] {
        var summaries: [MonitorSummary] = []
        for record in records {
            summaries.append(MonitorSummary(record: record, latest: try await store.evaluations(monitor: record.name, limit: 1).first))
        }
        return summaries
    }

    /// A table of monitors; `withDeployment` adds the deployment column (lists across deployments).
    static func table(_ monitors: [MonitorSummary], now: Int64, withDeployment: Bool) -> HTMLText {
        var columns: [TableColumn<MonitorSummary>] = [
            TableColumn("Monitor") { DashboardNavigation.monitorLink($0.record.name) },
        ]
        if withDeployment {
            columns.append(TableColumn("Deployment") { DashboardNavigation.deploymentLink($0.record.deployment) })
        }
        columns += [
            TableColumn("Kind") { "\($0.record.kind)" },
            TableColumn("Every") { "\(DashboardFormat.duration(seconds: Double($0.record.intervalMilliseconds) / 1000))" },
            TableColumn("Latest status") { $0.latest.map { DashboardBadges.evaluation($0.status) } ?? "<span class=\"note\">not run yet</span>" },
            TableColumn("Latest value") { summary in
                summary.headline.map { "\($0.metric) = \(DashboardFormat.number($0.value))" } ?? .empty
            },
            TableColumn("Evaluated") { summary in summary.latest.map { "\(DashboardFormat.timeAndAge($0.time, now: now))" } ?? .empty },
        ]
        return DashboardPage.table(monitors, columns: columns, emptyMessage: "No monitors")
    }
}
