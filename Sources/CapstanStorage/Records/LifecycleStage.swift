/// Whether an experiment, run or logged model is live or soft-deleted (restorable).
public enum LifecycleStage: String, Sendable, Equatable {
    case active
    case deleted
}

/// Which lifecycle stages a search returns, as MLflow's `ViewType`.
public enum ViewType: String, Sendable, CaseIterable {
    case activeOnly = "ACTIVE_ONLY"
    case deletedOnly = "DELETED_ONLY"
    case all = "ALL"

    /// MLflow's numeric enum values, which old clients may send instead of names.
    public init?(number: Int) {
        switch number {
        case 1: self = .activeOnly
        case 2: self = .deletedOnly
        case 3: self = .all
        default: return nil
        }
    }

    var stages: [LifecycleStage] {
        switch self {
        case .activeOnly: [.active]
        case .deletedOnly: [.deleted]
        case .all: [.active, .deleted]
        }
    }
}
