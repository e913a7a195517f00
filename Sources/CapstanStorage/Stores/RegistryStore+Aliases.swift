import SQLKit

extension RegistryStore {
    /// Points `alias` at an existing version, moving it if it pointed elsewhere.
    public func setAlias(name: String, alias: String, version: Int64) async throws {
        try await database.write { db in
            try await Self.touchModel(name: name, on: db)
            _ = try await Self.version(name: name, version: version, on: db)
            try await db.raw("""
                INSERT INTO registered_model_aliases (name, alias, version) VALUES (\(bind: name), \(bind: alias), \(bind: version))
                ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version
                """).run()
        }
    }

    /// Removes `alias`; a no-op when it is not set.
    public func deleteAlias(name: String, alias: String) async throws {
        try await database.write { db in
            try await Self.touchModel(name: name, on: db)
            try await db.raw("DELETE FROM registered_model_aliases WHERE name = \(bind: name) AND alias = \(bind: alias)").run()
        }
    }

    /// The version `alias` points at.
    public func version(name: String, alias: String) async throws -> ModelVersion {
        try await database.read { db in
            _ = try await Self.model(name: name, on: db)
            guard let row = try await db.raw("""
                SELECT version FROM registered_model_aliases WHERE name = \(bind: name) AND alias = \(bind: alias)
                """).first() else {
                throw StoreError.invalidParameter("Registered model alias \(alias) not found.")
            }
            return try await Self.version(name: name, version: try row.int64("version"), on: db)
        }
    }

    /// The highest live version of a model.
    public func newestVersion(name: String) async throws -> ModelVersion {
        try await database.read { db in
            _ = try await Self.model(name: name, on: db)
            guard let row = try await db.raw("""
                SELECT MAX(version) AS version FROM model_versions WHERE name = \(bind: name) AND current_stage <> \(bind: Self.deletedStage)
                """).first(), let version = try row.optionalInt64("version") else {
                throw StoreError.notFound("Registered Model with name=\(name) has no versions")
            }
            return try await Self.version(name: name, version: version, on: db)
        }
    }
}
