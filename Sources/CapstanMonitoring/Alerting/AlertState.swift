/// Where an alert is in its life, as Prometheus names the states. `inactive` is only ever a
/// transition's end point: an alert that is neither pending, firing nor recently resolved is
/// not kept.
public enum AlertState: String, Sendable, CaseIterable {
    /// Not alerting (a transition's `from` for a new alert, `to` for a cleared pending one).
    case inactive
    /// The condition holds but has not held for the rule's `for` yet; nothing is sent.
    case pending
    /// The condition has held long enough (or `keep_firing_for` is holding it up).
    case firing
    /// Was firing and stopped; kept for 15 minutes so the resolution reaches receivers.
    case resolved
}
