/// One alert of a rule: the rule's condition for one label set, with the times Prometheus
/// keeps for it (`rules.Alert`). Times are milliseconds since the epoch.
public struct AlertInstance: Sendable, Equatable {
    /// The sample's labels with the rule's labels over them and `alertname`; the identity.
    public var labels: [String: String]
    /// Rendered at the latest evaluation where the condition held.
    public var annotations: [String: String]
    /// `pending`, `firing` or `resolved`.
    public var state: AlertState
    /// The metric's value at the latest evaluation where the condition held.
    public var value: Double
    /// When the condition started holding (the `for` clock starts here).
    public var activeAt: Int64
    /// When the alert started firing (Alertmanager's `startsAt`).
    public var firedAt: Int64?
    /// When a firing alert resolved (Alertmanager's `endsAt`).
    public var resolvedAt: Int64?
    /// When the condition cleared on a firing alert held up by `keep_firing_for`.
    public var keepFiringSince: Int64?

    public init(labels: [String: String], annotations: [String: String], state: AlertState, value: Double, activeAt: Int64,
                firedAt: Int64? = nil, resolvedAt: Int64? = nil, keepFiringSince: Int64? = nil) {
        self.labels = labels
        self.annotations = annotations
        self.state = state
        self.value = value
        self.activeAt = activeAt
        self.firedAt = firedAt
        self.resolvedAt = resolvedAt
        self.keepFiringSince = keepFiringSince
    }

    /// 16 hex digits, as Alertmanager prints the label set's fingerprint.
    public var fingerprint: String { AlertLabels.fingerprintHex(labels) }
}
