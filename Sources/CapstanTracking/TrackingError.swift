/// Errors of the tracking rules (MLflow's validation), raised before anything is stored.
public enum TrackingError: Error, Equatable, CustomStringConvertible {
    /// A value breaks one of MLflow's limits or formats; the message says which and how.
    case invalidParameter(String)

    public var description: String {
        switch self {
        case .invalidParameter(let message): message
        }
    }
}
