import PostgresNIO


/// Errors raised by the stores. Messages are written for the person who sent the request
/// and never carry stored values beyond the identifiers the caller supplied.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// The named entity does not exist (or is hidden because it was deleted).
    case notFound(String)
    /// An entity with the same identity exists already.
    case alreadyExists(String)
    /// The request is well formed but not acceptable (bad value, bad token, bad filter).
    case invalidParameter(String)
    /// The entity is in a state that forbids the change (for example, a deleted run).
    case invalidState(String)
    /// The server was started with an unusable `--database` or `--artifacts` value.
    case invalidConfiguration(String)
    /// The database driver failed. This is a server fault, not a user error.
    case database(String)

    public var description: String {
        switch self {
        case .notFound(let message), .alreadyExists(let message), .invalidParameter(let message),
             .invalidState(let message), .invalidConfiguration(let message), .database(let message):
            message
        }
    }

    /// Turns driver errors into ``StoreError/database(_:)``; passes every other error through.
    static func wrap(_ error: any Error) -> any Error {
        switch error {
        case is SQLiteError, is PSQLError:
            StoreError.database(String(reflecting: error))
        default:
            error
        }
    }
}
