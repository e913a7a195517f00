/// An alert rule as the store keeps it: spec and evaluation state are JSON owned by the
/// monitoring domain; the state survives restarts, so a `for` in progress is not lost.
public struct AlertRuleRecord: Sendable, Equatable {
    public var name: String
    public var spec: String
    public var state: String?
    public var creationTime: Int64
    public var lastUpdateTime: Int64

    public init(name: String, spec: String, state: String?, creationTime: Int64, lastUpdateTime: Int64) {
        self.name = name
        self.spec = spec
        self.state = state
        self.creationTime = creationTime
        self.lastUpdateTime = lastUpdateTime
    }
}

/// A change of an alert's state, or a notification about it, for the alert history.
public struct AlertEventRecord: Sendable, Equatable {
    public var rule: String
    /// The alert's label-set fingerprint (Prometheus'); for a notification, the channel it
    /// went through (`log`, `webhook`), so each channel's outcome is kept.
    public var fingerprint: String
    /// The alert's labels as a JSON object.
    public var labels: String
    /// `pending`, `firing`, `resolved`, `inactive`, or `notified` / `notify_failed`.
    public var kind: String
    public var value: Double?
    public var message: String?
    public var time: Int64

    public init(rule: String, fingerprint: String, labels: String, kind: String, value: Double?, message: String?, time: Int64) {
        self.rule = rule
        self.fingerprint = fingerprint
        self.labels = labels
        self.kind = kind
        self.value = value
        self.message = message
        self.time = time
    }
}
