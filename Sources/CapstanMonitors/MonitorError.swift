/// Why a monitor cannot be created or evaluated.
public enum MonitorError: Error, Equatable, CustomStringConvertible {
    /// The spec is not acceptable (400).
    case invalidSpec(String)
    /// The data does not fit the spec: a reference that cannot be read, columns that do not
    /// match. The evaluation is stored as failed with this message.
    case invalidData(String)

    public var description: String {
        switch self {
        case .invalidSpec(let message), .invalidData(let message): message
        }
    }
}
