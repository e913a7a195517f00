/// One change of an alert's state at an evaluation, a row for the alert history.
public struct AlertTransition: Sendable, Equatable {
    /// The rule's name (the `alertname` label).
    public var rule: String
    /// The alert's labels, `alertname` included.
    public var labels: [String: String]
    /// The alert's identity, 16 hex digits (see ``AlertLabels/fingerprint(_:)``).
    public var fingerprint: String
    public var from: AlertState
    public var to: AlertState
    /// Milliseconds since the epoch.
    public var at: Int64
    /// The metric's value at the change; for a resolution or a cleared pending alert, the
    /// last value seen while the condition held.
    public var value: Double

    public init(rule: String, labels: [String: String], fingerprint: String, from: AlertState, to: AlertState, at: Int64, value: Double) {
        self.rule = rule
        self.labels = labels
        self.fingerprint = fingerprint
        self.from = from
        self.to = to
        self.at = at
        self.value = value
    }
}
