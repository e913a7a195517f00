/// One step of schema history.
///
/// Migrations are append-only: once shipped, a migration is never edited or removed, so a
/// data directory written by any earlier version upgrades in place. Each migration has the
/// same name on every engine; its SQL is written once with placeholders that each engine
/// fills in (`{text}` is a text column with byte-wise ordering, `{double}` a 64-bit float,
/// `{clustered}` stores a table in its primary key's order where the engine can: SQLite's
/// `WITHOUT ROWID`, so a lookup by key finds the whole row in one b-tree).
struct Migration: Sendable {
    let name: String
    let statements: [String]
    /// The one engine that needs the statements, when a change only exists on one (SQLite's
    /// columns take any type); the migration is recorded as applied on both.
    var only: Database.Engine? = nil

    func sql(for engine: Database.Engine) -> [String] {
        if let only, only != engine { return [] }
        let text = switch engine {
        case .sqlite: "TEXT"
        // Byte-wise ordering, as SQLite has, so both engines sort names identically.
        case .postgres: "TEXT COLLATE \"C\""
        }
        let clustered = engine == .sqlite ? " WITHOUT ROWID" : ""
        return statements.map {
            $0.replacingOccurrences(of: "{text}", with: text)
                .replacingOccurrences(of: "{double}", with: "DOUBLE PRECISION")
                .replacingOccurrences(of: "{clustered}", with: clustered)
        }
    }
}
