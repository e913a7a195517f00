import Testing
@testable import CapstanStorage

@Suite("--database values")
struct DatabaseLocationTests {
    @Test func parsesEachAcceptedForm() throws {
        #expect(try DatabaseLocation(parsing: "postgres://u:p@h:5432/db") == .postgres(url: "postgres://u:p@h:5432/db"))
        #expect(try DatabaseLocation(parsing: "postgresql://h/db") == .postgres(url: "postgresql://h/db"))
        #expect(try DatabaseLocation(parsing: "sqlite:///var/lib/capstan.db") == .sqlite(path: "/var/lib/capstan.db"))
        #expect(try DatabaseLocation(parsing: "data/capstan.db") == .sqlite(path: "data/capstan.db"))
    }

    @Test func refusesOtherSchemesNamingThemWithoutThePassword() {
        #expect(throws: StoreError.invalidConfiguration(
            "Unsupported database URL 'mysql://u:***@h/db': use postgres://user:pass@host:port/db or sqlite:///path/to/file.db."
        )) { try DatabaseLocation(parsing: "mysql://u:secret@h/db") }
        #expect(throws: StoreError.self) { try DatabaseLocation(parsing: "sqlite://") }
    }

    @Test func descriptionHidesThePassword() {
        #expect(DatabaseLocation.postgres(url: "postgres://u:secret@h/db").description == "postgres://u:***@h/db")
    }
}

@Suite("Driver errors")
struct DriverErrorTests {
    /// A uniqueness race (check, then insert) answers like the request that came second.
    @Test func uniquenessViolationsAreAlreadyExists() {
        let wrapped = StoreError.wrap(SQLiteError(code: 2067, message: "UNIQUE constraint failed: experiments.name"))
        guard case StoreError.alreadyExists? = wrapped as? StoreError else {
            Issue.record("expected alreadyExists, got \(wrapped)")
            return
        }
    }

    @Test func otherDriverFailuresAreServerFaults() {
        let wrapped = StoreError.wrap(SQLiteError(code: 10, message: "disk I/O error"))
        guard case StoreError.database? = wrapped as? StoreError else {
            Issue.record("expected database, got \(wrapped)")
            return
        }
    }
}
