import CapstanMonitoring
import CapstanStorage

/// The badge each state the dashboard shows gets, in one place so a state looks the same
/// on every page.
enum DashboardBadges {
    static func alert(_ state: AlertState) -> HTMLText {
        switch state {
        case .pending: DashboardPage.badge(.pending)
        case .firing: DashboardPage.badge(.firing)
        case .resolved: DashboardPage.badge(.resolved)
        case .inactive: DashboardPage.badge(.ok, text: "inactive")
        }
    }

    /// An alert history event's kind: a state, or a notification's outcome.
    static func alertEvent(_ kind: String) -> HTMLText {
        if let state = AlertState(rawValue: kind) { return alert(state) }
        switch kind {
        case "notified": return DashboardPage.badge(.ok, text: "notified")
        case "notify_failed": return DashboardPage.badge(.warning, text: "notify failed")
        default: return DashboardPage.badge(.pending, text: kind)
        }
    }

    static func evaluation(_ status: MonitorEvaluationRecord.Status) -> HTMLText {
        switch status {
        case .ok: DashboardPage.badge(.ok, text: "ok")
        case .skipped: DashboardPage.badge(.pending, text: "skipped")
        case .failed: DashboardPage.badge(.firing, text: "failed")
        }
    }

    static func revision(_ state: DeploymentRevisionRecord.State) -> HTMLText {
        switch state {
        case .active: DashboardPage.badge(.ok, text: "active")
        case .pending: DashboardPage.badge(.pending, text: "pending")
        case .superseded: DashboardPage.badge(.resolved, text: "superseded")
        case .failed: DashboardPage.badge(.firing, text: "failed")
        }
    }
}
