import ArgumentParser
import CapstanStorage
import Foundation

/// Where Capstan keeps its data: shared by `server` and the commands that work on the
/// database directly (`tokens`).
struct StorageOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Directory for the default SQLite database and artifacts.")
    var dataDirectory: String = ProcessInfo.processInfo.environment["CAPSTAN_DATA_DIR"] ?? "./capstan-data"

    @Option(name: .customLong("database"), help: "Metadata database: postgres://user:pass@host:port/db, or sqlite:///path/file.db (default: <data-dir>/capstan.db).")
    var databaseOption: String?

    @Option(name: .customLong("artifacts"), help: "Artifact store: a local directory or file:// URL (default: <data-dir>/artifacts).")
    var artifactsOption: String?

    var database: String? { databaseOption ?? ProcessInfo.processInfo.environment["CAPSTAN_DATABASE"] }
    var artifacts: String? { artifactsOption ?? ProcessInfo.processInfo.environment["CAPSTAN_ARTIFACTS"] }

    func check() throws {
        if let database { _ = try Self.location(database) }
        if let artifacts, artifacts.contains("://"), !artifacts.hasPrefix("file://") {
            throw ValidationError("Unsupported --artifacts '\(artifacts)': use a local directory or a file:// URL.")
        }
    }

    func location() throws -> DatabaseLocation {
        try database.map(Self.location)
            ?? .sqlite(path: URL(fileURLWithPath: dataDirectory).appendingPathComponent("capstan.db").path)
    }

    func artifactRoot() -> URL {
        artifacts.map { $0.hasPrefix("file://") ? URL(string: $0)!.path : $0 }.map(URL.init(fileURLWithPath:))
            ?? URL(fileURLWithPath: dataDirectory).appendingPathComponent("artifacts")
    }

    static func location(_ value: String) throws -> DatabaseLocation {
        do {
            return try DatabaseLocation(parsing: value)
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
