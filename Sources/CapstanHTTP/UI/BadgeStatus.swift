/// The states a status badge shows: health of a deployment or rollout (`ok`, `warning`) and
/// the life of an alert (`pending` → `firing` → `resolved`). A fixed set, so every state has
/// a style and a badge never depends on free text for its colour.
public enum BadgeStatus: String, Sendable, CaseIterable {
    case ok
    case warning
    case firing
    case resolved
    case pending

    /// The text on the badge.
    public var label: String {
        switch self {
        case .ok: "OK"
        case .warning: "Warning"
        case .firing: "Firing"
        case .resolved: "Resolved"
        case .pending: "Pending"
        }
    }
}
