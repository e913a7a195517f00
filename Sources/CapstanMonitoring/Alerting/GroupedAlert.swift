/// An alert as Alertmanager holds and sends it: labels, annotations and its time span.
/// Times are milliseconds since the epoch.
public struct GroupedAlert: Sendable, Equatable {
    public var labels: [String: String]
    public var annotations: [String: String]
    /// When it started firing (Prometheus sends `FiredAt` as `startsAt`).
    public var startsAt: Int64
    /// When it resolved; nil while firing.
    public var endsAt: Int64?

    public init(labels: [String: String], annotations: [String: String], startsAt: Int64, endsAt: Int64? = nil) {
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
    }

    /// A firing or resolved rule alert as Prometheus would send it; nil for a pending one,
    /// which is never sent.
    public init?(_ alert: AlertInstance) {
        switch alert.state {
        case .firing: self.init(labels: alert.labels, annotations: alert.annotations, startsAt: alert.firedAt ?? alert.activeAt)
        case .resolved:
            self.init(labels: alert.labels, annotations: alert.annotations, startsAt: alert.firedAt ?? alert.activeAt,
                      endsAt: alert.resolvedAt ?? alert.activeAt)
        case .pending, .inactive: return nil
        }
    }

    public var isResolved: Bool { endsAt != nil }
    public var fingerprint: String { AlertLabels.fingerprintHex(labels) }
}
