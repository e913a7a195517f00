import Foundation
import Testing
import Logging
@testable import CapstanStorage

/// The engines every store test runs against: SQLite always, PostgreSQL when
/// `CAPSTAN_TEST_POSTGRES_URL` names a server (CI starts one with scripts/start-postgres).
enum TestEngine: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    static var available: [TestEngine] {
        ProcessInfo.processInfo.environment["CAPSTAN_TEST_POSTGRES_URL"].map { $0.isEmpty ? [.sqlite] : [.sqlite, .postgres] } ?? [.sqlite]
    }

    var testDescription: String { rawValue }

    /// Opens a migrated database: a new SQLite file, or the shared PostgreSQL test database
    /// (tests there use unique names and never assume an empty database).
    func open() async throws -> Database {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("capstan-test-\(UUID().uuidString)").appendingPathComponent("capstan.db").path
            return try await Database.open(.sqlite(path: path), logger: logger)
        case .postgres:
            let url = ProcessInfo.processInfo.environment["CAPSTAN_TEST_POSTGRES_URL"]!
            return try await Database.open(.postgres(url: url), logger: logger)
        }
    }

    /// Runs `body` with a fresh database and closes it afterwards.
    func with<T: Sendable>(_ body: (Database) async throws -> T) async throws -> T {
        let database = try await open()
        do {
            let result = try await body(database)
            await database.close()
            return result
        } catch {
            await database.close()
            throw error
        }
    }
}

func unique(_ prefix: String) -> String {
    "\(prefix)-\(UUID().uuidString.prefix(8))"
}
