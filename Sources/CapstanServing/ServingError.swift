/// What can go wrong in the serving domain, each case mapped to one HTTP status at the edge.
public enum ServingError: Error, Equatable, CustomStringConvertible {
    /// The deployment spec, or a request's inputs, are not acceptable (400).
    case invalidSpec(String)
    /// Inputs that do not fit the model: names, types, shapes (400).
    case invalidInput(String)
    /// No such deployment, revision or model version (404).
    case notFound(String)
    /// A model could not be fetched or loaded; the previous revision keeps serving (422).
    case modelLoadFailed(String)
    /// The deployment is in a state that forbids the action (409).
    case conflict(String)
    /// The deployment exists but nothing is loaded to answer (503).
    case unavailable(String)
    /// The model failed on inputs that fit its declared inputs (422): the model's fault, which
    /// rollout analysis counts as an error.
    case predictionFailed(String)

    public var description: String {
        switch self {
        case .invalidSpec(let m), .invalidInput(let m), .notFound(let m), .modelLoadFailed(let m), .conflict(let m),
             .unavailable(let m), .predictionFailed(let m):
            m
        }
    }
}
