import SQLKit

/// The model registry: registered models, their numbered versions, tags and aliases.
///
/// Deleted versions stay in the table in an internal stage, so version numbers are never
/// reused, as in MLflow's SQL store.
public struct RegistryStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The stage MLflow gives deleted versions; never shown to clients.
    static let deletedStage = "Deleted_Internal"

    public func createModel(name: String, description: String?, tags: [KeyValue]) async throws -> RegisteredModel {
        let now = Clock.nowMillis()
        return try await database.write { db in
            if try await db.raw("SELECT 1 AS one FROM registered_models WHERE name = \(bind: name)").first() != nil {
                throw StoreError.alreadyExists("Registered Model (name=\(name)) already exists.")
            }
            try await db.raw("""
                INSERT INTO registered_models (name, creation_timestamp, last_updated_timestamp, description)
                VALUES (\(bind: name), \(bind: now), \(bind: now), \(bind: description))
                """).run()
            for tag in RunStore.lastWins(tags) {
                try await KeyValueTable.registeredModelTags.upsert(tag, owner: name, on: db)
            }
            return try await Self.model(name: name, on: db)
        }
    }

    public func model(name: String) async throws -> RegisteredModel {
        try await database.read { db in try await Self.model(name: name, on: db) }
    }

    static func model(name: String, on db: any SQLDatabase) async throws -> RegisteredModel {
        guard let row = try await db.raw("SELECT * FROM registered_models WHERE name = \(bind: name)").first() else {
            throw StoreError.notFound("Registered Model with name=\(name) not found")
        }
        return try await loadModels([try registeredModel(from: row)], on: db)[0]
    }

    /// Locks the model's row for the rest of the transaction (PostgreSQL) and bumps its
    /// update time; fails when the model does not exist.
    static func touchModel(name: String, on db: any SQLDatabase) async throws {
        let rows = try await db.raw("""
            UPDATE registered_models SET last_updated_timestamp = \(bind: Clock.nowMillis()) WHERE name = \(bind: name) RETURNING name
            """).all()
        guard !rows.isEmpty else { throw StoreError.notFound("Registered Model with name=\(name) not found") }
    }

    public func updateModel(name: String, description: String?) async throws -> RegisteredModel {
        try await database.write { db in
            try await Self.touchModel(name: name, on: db)
            if let description {
                try await db.raw("UPDATE registered_models SET description = \(bind: description) WHERE name = \(bind: name)").run()
            }
            return try await Self.model(name: name, on: db)
        }
    }

    /// Renames a model and everything that refers to it by name.
    public func renameModel(name: String, to newName: String) async throws -> RegisteredModel {
        try await database.write { db in
            try await Self.touchModel(name: name, on: db)
            if newName != name,
               try await db.raw("SELECT 1 AS one FROM registered_models WHERE name = \(bind: newName)").first() != nil {
                throw StoreError.alreadyExists("Registered Model (name=\(newName)) already exists.")
            }
            for table in ["registered_models", "registered_model_tags", "registered_model_aliases", "model_versions", "model_version_tags"] {
                try await db.raw("UPDATE \(ident: table) SET name = \(bind: newName) WHERE name = \(bind: name)").run()
            }
            return try await Self.model(name: newName, on: db)
        }
    }

    /// Deletes a model with its versions, tags and aliases.
    public func deleteModel(name: String) async throws {
        try await database.write { db in
            try await Self.touchModel(name: name, on: db)
            for table in ["registered_model_tags", "registered_model_aliases", "model_version_tags", "model_versions", "registered_models"] {
                try await db.raw("DELETE FROM \(ident: table) WHERE name = \(bind: name)").run()
            }
        }
    }

    public func setModelTag(name: String, tag: KeyValue) async throws {
        try await database.write { db in
            try await Self.touchModel(name: name, on: db)
            try await KeyValueTable.registeredModelTags.upsert(tag, owner: name, on: db)
        }
    }

    public func deleteModelTag(name: String, key: String) async throws {
        try await database.write { db in
            try await Self.touchModel(name: name, on: db)
            try await KeyValueTable.registeredModelTags.delete(key: key, owner: name, on: db)
        }
    }

    static func loadModels(_ models: [RegisteredModel], on db: any SQLDatabase) async throws -> [RegisteredModel] {
        let names = models.map(\.name)
        let tags = try await KeyValueTable.registeredModelTags.load(owners: names, on: db)
        var aliases: [String: [ModelAlias]] = [:]
        var latest: [String: [ModelVersion]] = [:]
        for chunk in chunked(names) {
            let list = Array(chunk)
            for row in try await db.raw("""
                SELECT name, alias, version FROM registered_model_aliases WHERE name IN (\(binds: list)) ORDER BY alias
                """).all() {
                aliases[try row.string("name"), default: []].append(
                    ModelAlias(alias: try row.string("alias"), version: try row.int64("version"))
                )
            }
            let versions = try await db.raw("""
                SELECT v.* FROM model_versions v
                JOIN (SELECT name, current_stage, MAX(version) AS version FROM model_versions
                      WHERE name IN (\(binds: list)) AND current_stage <> \(bind: deletedStage)
                      GROUP BY name, current_stage) top
                  ON top.name = v.name AND top.version = v.version
                ORDER BY v.version
                """).all().map(modelVersion(from:))
            for version in try await loadVersions(versions, on: db) {
                latest[version.name, default: []].append(version)
            }
        }
        return models.map { model in
            var model = model
            model.tags = tags[model.name] ?? []
            model.aliases = aliases[model.name] ?? []
            model.latestVersions = latest[model.name] ?? []
            return model
        }
    }

    static func registeredModel(from row: any SQLRow) throws -> RegisteredModel {
        RegisteredModel(
            name: try row.string("name"),
            creationTimestamp: try row.int64("creation_timestamp"),
            lastUpdatedTimestamp: try row.int64("last_updated_timestamp"),
            description: try row.optionalString("description"),
            tags: [], aliases: [], latestVersions: []
        )
    }
}
