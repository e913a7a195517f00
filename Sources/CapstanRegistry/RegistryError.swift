/// Errors of the registry rules, raised before anything is stored.
public enum RegistryError: Error, Equatable, CustomStringConvertible {
    /// A name, stage, alias, version or source breaks MLflow's rules; the message says how.
    case invalidParameter(String)

    public var description: String {
        switch self {
        case .invalidParameter(let message): message
        }
    }
}
