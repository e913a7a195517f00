import CapstanJSON

/// How a rule's alerts become notifications: Alertmanager's route settings, one route per
/// rule (the rule's `notify` block), so each rule is a route that matches exactly its own
/// alerts (its group keys read `{}/{alertname="<rule>"}:{…}`).
///
/// ```json
/// "notify": {"group_by": ["alertname", "monitor"], "group_wait": "30s", "group_interval": "5m",
///            "repeat_interval": "4h", "send_resolved": true,
///            "channels": ["log", {"webhook": {"url": "https://hooks.example/alerts"}}]}
/// ```
///
/// Defaults are Alertmanager's (30s, 5m, 4h, send_resolved true) except `group_by`:
/// Alertmanager groups everything a route matches into one group, which here would make
/// every deployment's drift one incident. The default groups by `alertname`, `deployment`
/// and `monitor`, so one monitor's drifting features are one notification and two
/// monitors drifting are two. A label an alert lacks is left out of its group labels, as in
/// Alertmanager. `["..."]` groups by every label (no aggregation).
public struct AlertRoute: Sendable, Equatable {
    public enum Grouping: Sendable, Equatable {
        /// Alerts agreeing on these labels share a group.
        case labels([String])
        /// Every distinct label set is its own group (`group_by: ['...']`).
        case all
    }

    public static let defaultGroupBy = ["alertname", "deployment", "monitor"]

    /// The receiver name the webhook payload carries (`receiver`); the rule's name by default.
    public var receiver: String
    public var groupBy: Grouping
    /// Wait before a new group's first notification, so alerts firing together go out together.
    public var groupWaitMilliseconds: Int64
    /// At most one notification per group per interval; changes wait for the next tick.
    public var groupIntervalMilliseconds: Int64
    /// Re-send an unchanged firing group after this long (in effect rounded up to a multiple
    /// of the group interval, since groups are only looked at on their ticks).
    public var repeatIntervalMilliseconds: Int64
    /// Whether resolved alerts are notified.
    public var sendResolved: Bool
    public var channels: [AlertChannel]

    public init(receiver: String, groupBy: Grouping = .labels(AlertRoute.defaultGroupBy),
                groupWaitMilliseconds: Int64 = 30_000, groupIntervalMilliseconds: Int64 = 300_000,
                repeatIntervalMilliseconds: Int64 = 14_400_000, sendResolved: Bool = true,
                channels: [AlertChannel] = [.log]) {
        self.receiver = receiver
        self.groupBy = groupBy
        self.groupWaitMilliseconds = groupWaitMilliseconds
        self.groupIntervalMilliseconds = groupIntervalMilliseconds
        self.repeatIntervalMilliseconds = repeatIntervalMilliseconds
        self.sendResolved = sendResolved
        self.channels = channels
    }

    /// The labels of `labels` that decide its group.
    public func groupLabels(of labels: [String: String]) -> [String: String] {
        switch groupBy {
        case .all: return labels
        case .labels(let names): return labels.filter { names.contains($0.key) }
        }
    }

    /// Reads a `notify` block; absent settings take the defaults above.
    public init(spec: SpecObject, ruleName: String) throws(SpecError) {
        try spec.rejectUnknown(["receiver", "group_by", "group_wait", "group_interval", "repeat_interval", "send_resolved", "channels"])
        self.init(receiver: try spec.optionalString("receiver") ?? ruleName)
        if spec.has("group_by") {
            var names: [String] = []
            for (index, item) in try spec.array("group_by").enumerated() {
                guard case .string(let name) = item, name == "..." || AlertLabels.isValidName(name) else {
                    throw SpecError("\(spec.field("group_by"))[\(index)] must be a label name (letters, digits, _) or \"...\"")
                }
                guard !names.contains(name) else { throw SpecError("\(spec.field("group_by")) names '\(name)' twice") }
                names.append(name)
            }
            if names.contains("...") {
                guard names.count == 1 else { throw SpecError("\(spec.field("group_by")): \"...\" (group by every label) must stand alone") }
                groupBy = .all
            } else {
                groupBy = .labels(names)
            }
        }
        groupWaitMilliseconds = try spec.milliseconds("group_wait", default: groupWaitMilliseconds, allowZero: true)
        groupIntervalMilliseconds = try spec.milliseconds("group_interval", default: groupIntervalMilliseconds, allowZero: false)
        repeatIntervalMilliseconds = try spec.milliseconds("repeat_interval", default: repeatIntervalMilliseconds, allowZero: false)
        sendResolved = try spec.optionalBool("send_resolved") ?? true
        if spec.has("channels") {
            let items = try spec.array("channels")
            guard !items.isEmpty else { throw SpecError("\(spec.field("channels")) must list at least one channel (log or webhook)") }
            var channels: [AlertChannel] = []
            for (index, item) in items.enumerated() {
                channels.append(try AlertChannel(spec: item, field: "\(spec.field("channels"))[\(index)]"))
            }
            self.channels = channels
        }
    }
}
