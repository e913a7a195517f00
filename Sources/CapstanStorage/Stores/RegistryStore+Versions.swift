import SQLKit

extension RegistryStore {
    public struct NewVersion: Sendable {
        public var name: String
        public var source: String
        public var runId: String?
        public var runLink: String?
        public var description: String?
        public var userId: String?
        public var tags: [KeyValue]
        public var modelId: String?
        public var storageLocation: String?

        public init(
            name: String, source: String, runId: String?, runLink: String?, description: String?, userId: String?,
            tags: [KeyValue], modelId: String?, storageLocation: String?
        ) {
            self.name = name
            self.source = source
            self.runId = runId
            self.runLink = runLink
            self.description = description
            self.userId = userId
            self.tags = tags
            self.modelId = modelId
            self.storageLocation = storageLocation
        }
    }

    /// Registers the next version (max + 1) of an existing model, ready at once.
    public func createVersion(_ new: NewVersion) async throws -> ModelVersion {
        let now = Clock.nowMillis()
        return try await database.write { db in
            try await Self.touchModel(name: new.name, on: db)
            let next = try await db.raw("""
                SELECT COALESCE(MAX(version), 0) + 1 AS next FROM model_versions WHERE name = \(bind: new.name)
                """).first()?.int64("next") ?? 1
            try await db.raw("""
                INSERT INTO model_versions (name, version, creation_timestamp, last_updated_timestamp, description, user_id,
                    current_stage, source, run_id, run_link, status, storage_location, model_id)
                VALUES (\(bind: new.name), \(bind: next), \(bind: now), \(bind: now), \(bind: new.description), \(bind: new.userId),
                    'None', \(bind: new.source), \(bind: new.runId), \(bind: new.runLink), 'READY', \(bind: new.storageLocation),
                    \(bind: new.modelId))
                """).run()
            for tag in RunStore.lastWins(new.tags) {
                try await Self.upsertVersionTag(name: new.name, version: next, tag: tag, on: db)
            }
            return try await Self.version(name: new.name, version: next, on: db)
        }
    }

    public func version(name: String, version: Int64) async throws -> ModelVersion {
        try await database.read { db in try await Self.version(name: name, version: version, on: db) }
    }

    static func version(name: String, version: Int64, on db: any SQLDatabase) async throws -> ModelVersion {
        guard let row = try await db.raw("""
            SELECT * FROM model_versions WHERE name = \(bind: name) AND version = \(bind: version)
            AND current_stage <> \(bind: deletedStage)
            """).first() else {
            throw StoreError.notFound("Model Version (name=\(name), version=\(version)) not found")
        }
        return try await loadVersions([try modelVersion(from: row)], on: db)[0]
    }

    private static func touchVersion(name: String, version: Int64, on db: any SQLDatabase) async throws {
        let rows = try await db.raw("""
            UPDATE model_versions SET last_updated_timestamp = \(bind: Clock.nowMillis())
            WHERE name = \(bind: name) AND version = \(bind: version) AND current_stage <> \(bind: deletedStage) RETURNING version
            """).all()
        guard !rows.isEmpty else { throw StoreError.notFound("Model Version (name=\(name), version=\(version)) not found") }
    }

    public func updateVersion(name: String, version: Int64, description: String?) async throws -> ModelVersion {
        try await database.write { db in
            try await Self.touchVersion(name: name, version: version, on: db)
            if let description {
                try await db.raw("""
                    UPDATE model_versions SET description = \(bind: description) WHERE name = \(bind: name) AND version = \(bind: version)
                    """).run()
            }
            return try await Self.version(name: name, version: version, on: db)
        }
    }

    /// Moves a version to `stage`; with `archiveExisting`, other versions in that stage
    /// move to `Archived`.
    public func transitionStage(name: String, version: Int64, stage: String, archiveExisting: Bool) async throws -> ModelVersion {
        try await database.write { db in
            try await Self.touchVersion(name: name, version: version, on: db)
            if archiveExisting {
                try await db.raw("""
                    UPDATE model_versions SET current_stage = 'Archived', last_updated_timestamp = \(bind: Clock.nowMillis())
                    WHERE name = \(bind: name) AND current_stage = \(bind: stage) AND version <> \(bind: version)
                    """).run()
            }
            try await db.raw("""
                UPDATE model_versions SET current_stage = \(bind: stage) WHERE name = \(bind: name) AND version = \(bind: version)
                """).run()
            return try await Self.version(name: name, version: version, on: db)
        }
    }

    /// Deletes a version and the aliases pointing at it. Its number is not reused.
    public func deleteVersion(name: String, version: Int64) async throws {
        try await database.write { db in
            try await Self.touchVersion(name: name, version: version, on: db)
            try await db.raw("""
                UPDATE model_versions SET current_stage = \(bind: Self.deletedStage) WHERE name = \(bind: name) AND version = \(bind: version)
                """).run()
            try await db.raw("DELETE FROM model_version_tags WHERE name = \(bind: name) AND version = \(bind: version)").run()
            try await db.raw("DELETE FROM registered_model_aliases WHERE name = \(bind: name) AND version = \(bind: version)").run()
        }
    }

    /// The highest version in each of `stages`, in the order of `stages`.
    public func latestVersions(name: String, stages: [String]) async throws -> [ModelVersion] {
        try await database.read { db in
            let model = try await Self.model(name: name, on: db)
            return stages.compactMap { stage in model.latestVersions.first { $0.currentStage == stage } }
        }
    }

    public func setVersionTag(name: String, version: Int64, tag: KeyValue) async throws {
        try await database.write { db in
            try await Self.touchVersion(name: name, version: version, on: db)
            try await Self.upsertVersionTag(name: name, version: version, tag: tag, on: db)
        }
    }

    public func deleteVersionTag(name: String, version: Int64, key: String) async throws {
        try await database.write { db in
            try await Self.touchVersion(name: name, version: version, on: db)
            try await db.raw("""
                DELETE FROM model_version_tags WHERE name = \(bind: name) AND version = \(bind: version) AND key = \(bind: key)
                """).run()
        }
    }

    private static func upsertVersionTag(name: String, version: Int64, tag: KeyValue, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO model_version_tags (name, version, key, value) VALUES (\(bind: name), \(bind: version), \(bind: tag.key), \(bind: tag.value))
            ON CONFLICT (name, version, key) DO UPDATE SET value = excluded.value
            """).run()
    }

    /// Fills in tags and aliases of many versions.
    static func loadVersions(_ versions: [ModelVersion], on db: any SQLDatabase) async throws -> [ModelVersion] {
        guard !versions.isEmpty else { return [] }
        var tags: [String: [KeyValue]] = [:]
        var aliases: [String: [String]] = [:]
        func id(_ name: String, _ version: Int64) -> String { "\(version)/\(name)" }
        for chunk in chunked(Array(Set(versions.map(\.name)))) {
            let names = Array(chunk)
            for row in try await db.raw("""
                SELECT name, version, key, value FROM model_version_tags WHERE name IN (\(binds: names)) ORDER BY name, version, key
                """).all() {
                tags[id(try row.string("name"), try row.int64("version")), default: []].append(
                    KeyValue(key: try row.string("key"), value: try row.string("value"))
                )
            }
            for row in try await db.raw("""
                SELECT name, version, alias FROM registered_model_aliases WHERE name IN (\(binds: names)) ORDER BY alias
                """).all() {
                aliases[id(try row.string("name"), try row.int64("version")), default: []].append(try row.string("alias"))
            }
        }
        return versions.map { version in
            var version = version
            version.tags = tags[id(version.name, version.version)] ?? []
            version.aliases = aliases[id(version.name, version.version)] ?? []
            return version
        }
    }

    static func modelVersion(from row: any SQLRow) throws -> ModelVersion {
        ModelVersion(
            name: try row.string("name"),
            version: try row.int64("version"),
            creationTimestamp: try row.int64("creation_timestamp"),
            lastUpdatedTimestamp: try row.int64("last_updated_timestamp"),
            description: try row.optionalString("description"),
            userId: try row.optionalString("user_id"),
            currentStage: try row.string("current_stage"),
            source: try row.string("source"),
            runId: try row.optionalString("run_id"),
            runLink: try row.optionalString("run_link"),
            status: try row.string("status"),
            statusMessage: try row.optionalString("status_message"),
            storageLocation: try row.optionalString("storage_location"),
            modelId: try row.optionalString("model_id"),
            tags: [], aliases: []
        )
    }
}
