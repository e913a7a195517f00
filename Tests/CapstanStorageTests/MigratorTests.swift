import SQLKit
import Testing
@testable import CapstanStorage

@Suite("Schema migrations")
struct MigratorTests {
    /// A database written by an older version gains the newer migrations and keeps its data.
    @Test(arguments: TestEngine.available)
    func olderDatabasesUpgradeInPlace(engine: TestEngine) async throws {
        try await engine.with { db in
            let table = "upgrade_probe_\(unique("t").replacingOccurrences(of: "-", with: "_"))"
            let first = Migration(name: "\(table)_1", statements: ["CREATE TABLE \(table) (id BIGINT PRIMARY KEY, name {text})"])
            let second = Migration(name: "\(table)_2", statements: ["ALTER TABLE \(table) ADD COLUMN note {text}"])
            try await Migrator(database: db, migrations: [first]).migrate()
            try await db.write { sql in try await sql.raw("INSERT INTO \(unsafeRaw: table) (id, name) VALUES (1, 'kept')").run() }
            try await Migrator(database: db, migrations: [first, second]).migrate()
            try await Migrator(database: db, migrations: [first, second]).migrate()  // idempotent
            let row = try await db.read { sql in try await sql.raw("SELECT name, note FROM \(unsafeRaw: table)").first() }
            #expect(try row?.string("name") == "kept")
            #expect(try row?.optionalString("note") == nil)
            try await db.write { sql in
                try await sql.raw("DROP TABLE \(unsafeRaw: table)").run()
                try await sql.raw("DELETE FROM schema_migrations WHERE name LIKE \(bind: table + "%")").run()
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func reopeningAMigratedDatabaseChangesNothing(engine: TestEngine) async throws {
        try await engine.with { db in
            let names = Migrations.all.map(\.name)
            let applied = try await db.read { sql in
                try await sql.raw("SELECT name, applied_at FROM schema_migrations WHERE name IN (\(binds: names))").all()
                    .map { "\(try $0.string("name"))@\(try $0.int64("applied_at"))" }.sorted()
            }
            try await Migrator(database: db).migrate()
            let again = try await db.read { sql in
                try await sql.raw("SELECT name, applied_at FROM schema_migrations WHERE name IN (\(binds: names))").all()
                    .map { "\(try $0.string("name"))@\(try $0.int64("applied_at"))" }.sorted()
            }
            #expect(applied.count == names.count)
            #expect(applied == again)
        }
    }
}
