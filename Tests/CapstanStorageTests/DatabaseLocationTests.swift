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
