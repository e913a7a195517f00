import Testing
@testable import CapstanStorage

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
