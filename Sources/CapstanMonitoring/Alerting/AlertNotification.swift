/// A notification the grouping decided is due: one group's alerts, to be sent to every
/// channel of the rule's route (``AlertmanagerWebhook`` builds the webhook body).
public struct AlertNotification: Sendable, Equatable {
    /// Why Alertmanager's dedup stage lets a notification through (`notify.NotifyReason`),
    /// sent as `notification_reason`.
    public enum Reason: String, Sendable {
        case firstNotification = "first notification"
        case newAlertsInGroup = "new alerts added"
        case newResolvedAlerts = "some alerts resolved"
        case allAlertsResolved = "all alerts resolved"
        case repeatIntervalElapsed = "repeat interval elapsed"
    }

    public var receiver: String
    /// Alertmanager's group key, `{}/{alertname="<rule>"}:{<group labels>}`; a receiver may
    /// use it to thread notifications of one incident.
    public var groupKey: String
    public var groupLabels: [String: String]
    public var reason: Reason
    /// The group's alerts at the flush, firing and (when the route sends resolutions)
    /// resolved, ordered by labels.
    public var alerts: [GroupedAlert]
    /// When the flush happened (milliseconds since the epoch).
    public var at: Int64

    public init(receiver: String, groupKey: String, groupLabels: [String: String], reason: Reason, alerts: [GroupedAlert], at: Int64) {
        self.receiver = receiver
        self.groupKey = groupKey
        self.groupLabels = groupLabels
        self.reason = reason
        self.alerts = alerts
        self.at = at
    }

    /// `firing` when any alert still fires, else `resolved`.
    public var status: String { alerts.contains { !$0.isResolved } ? "firing" : "resolved" }

    public var firingCount: Int { alerts.count { !$0.isResolved } }

    /// A one-line summary for the log channel, after Alertmanager's default title:
    /// `[FIRING:2] feature_drift m1 prod (first notification)`.
    public var summary: String {
        let head = status == "firing" ? "[FIRING:\(firingCount)]" : "[RESOLVED]"
        let values = AlertLabels.sortedNames(groupLabels).map { groupLabels[$0]! }
        return ([head] + values).joined(separator: " ") + " (\(reason.rawValue))"
    }
}
