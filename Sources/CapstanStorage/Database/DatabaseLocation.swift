import Foundation

/// Where the metadata database lives, parsed from `--database`.
///
/// Accepted forms: a `postgres://` or `postgresql://` URL; `sqlite:///absolute/path.db`,
/// `sqlite://relative/path.db` or a plain file path for SQLite.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    public init(parsing value: String) throws {
        if value.hasPrefix("postgres://") || value.hasPrefix("postgresql://") {
            self = .postgres(url: value)
        } else if value.hasPrefix("sqlite://") {
            let path = String(value.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw StoreError.invalidConfiguration("The SQLite URL '\(value)' names no file.") }
            self = .sqlite(path: path)
        } else if value.contains("://") {
            throw StoreError.invalidConfiguration(
                "Unsupported database URL '\(Self.redacted(value))': use postgres://user:pass@host:port/db or sqlite:///path/to/file.db."
            )
        } else {
            self = .sqlite(path: value)
        }
    }

    /// The location with any password removed, safe for logs.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite://\(path)"
        case .postgres(let url): Self.redacted(url)
        }
    }

    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}
