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

    /// Turns driver errors into ``StoreError``; passes every other error through.
    ///
    /// A uniqueness violation means a concurrent request created the same entity between
    /// our check and our insert: the caller gets the same answer as if it had come second.
    static func wrap(_ error: any Error) -> any Error {
        let duplicate = StoreError.alreadyExists("The entity already exists: a concurrent request created it first.")
        switch error {
        case let error as SQLiteError:
            // SQLITE_CONSTRAINT_PRIMARYKEY and SQLITE_CONSTRAINT_UNIQUE.
            return error.code == 1555 || error.code == 2067 ? duplicate : StoreError.database(String(reflecting: error))
        case let error as PSQLError:
            return error.serverInfo?[.sqlState] == "23505" ? duplicate : StoreError.database(String(reflecting: error))
        default:
            return error
        }
    }
}
