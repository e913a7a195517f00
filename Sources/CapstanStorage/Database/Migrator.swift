import SQLKit

/// Applies the pending migrations of ``Migrations/all`` in order, all in one transaction, so
/// an upgrade either completes or leaves the schema as it was.
struct Migrator {
    let database: Database
    var migrations: [Migration] = Migrations.all

    func migrate() async throws {
        let engine = database.engine
        try await database.write { db in
            if engine == .postgres {
                // Replicas starting together must not race: the first one migrates, the
                // others wait here and then find nothing left to do.
                try await db.raw("SELECT pg_advisory_xact_lock(7461636170)").run()
            }
            try await db.raw("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)
                """).run()
            let applied = Set(try await db.raw("SELECT name FROM schema_migrations").all().map {
                try $0.decode(column: "name", as: String.self)
            })
            for migration in migrations where !applied.contains(migration.name) {
                for statement in migration.sql(for: engine) {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                try await db.raw("""
                    INSERT INTO schema_migrations (name, applied_at) VALUES (\(bind: migration.name), \(bind: Clock.nowMillis()))
                    """).run()
                database.logger.info("Applied migration \(migration.name)")
            }
        }
    }
}
