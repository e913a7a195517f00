import SQLKit

/// Experiments and their tags.
///
/// Ids are integers handed out by a counter row, rendered as strings (as MLflow's SQL
/// store does); `"0"` is the default experiment.
public struct ExperimentStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Creates the default experiment `"0"` named `Default` if it does not exist yet.
    public func ensureDefaultExperiment(artifactLocation: String) async throws {
        let now = Clock.nowMillis()
        try await database.write { db in
            try await db.raw("""
                INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                VALUES (0, 'Default', \(bind: artifactLocation), 'active', \(bind: now), \(bind: now))
                ON CONFLICT (experiment_id) DO NOTHING
                """).run()
            try await db.raw("""
                INSERT INTO id_sequences (name, next_value) VALUES ('experiments', 1) ON CONFLICT (name) DO NOTHING
                """).run()
        }
    }

    /// Creates an experiment and returns its id.
    ///
    /// - Parameter artifactLocation: the location to use, given the new id (so the default
    ///   `<root>/<id>` can be derived).
    /// - Throws: ``StoreError/alreadyExists(_:)`` when the name is taken, even by a deleted experiment.
    public func create(
        name: String, tags: [KeyValue], artifactLocation: @escaping @Sendable (String) -> String
    ) async throws -> String {
        let now = Clock.nowMillis()
        return try await database.write { db in
            if try await db.raw("SELECT 1 AS one FROM experiments WHERE name = \(bind: name)").first() != nil {
                throw StoreError.alreadyExists("Experiment(name=\(name)) already exists.")
            }
            let id = try await Self.nextId(on: db)
            try await db.raw("""
                INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                VALUES (\(bind: id), \(bind: name), \(bind: artifactLocation(String(id))), 'active', \(bind: now), \(bind: now))
                """).run()
            for tag in tags {
                try await KeyValueTable.experimentTags.upsert(tag, owner: id, on: db)
            }
            return String(id)
        }
    }

    private static func nextId(on db: any SQLDatabase) async throws -> Int64 {
        guard let row = try await db.raw("""
            UPDATE id_sequences SET next_value = next_value + 1 WHERE name = 'experiments' RETURNING next_value - 1 AS id
            """).first() else {
            throw StoreError.database("The experiment id sequence is missing.")
        }
        return try row.int64("id")
    }

    /// Returns the experiment, deleted or not.
    public func get(id: String) async throws -> Experiment {
        try await database.read { db in try await Self.get(id: id, on: db) }
    }

    static func get(id: String, on db: any SQLDatabase) async throws -> Experiment {
        guard let number = Int64(id),
              let row = try await db.raw("SELECT * FROM experiments WHERE experiment_id = \(bind: number)").first() else {
            throw StoreError.notFound("No Experiment with id=\(id) exists")
        }
        var experiment = try Self.experiment(from: row)
        experiment.tags = try await KeyValueTable.experimentTags.load(owners: [number], on: db)[number] ?? []
        return experiment
    }

    /// Returns the experiment with this name, preferring an active one.
    public func get(name: String) async throws -> Experiment {
        try await database.read { db in
            guard let row = try await db.raw("""
                SELECT experiment_id FROM experiments WHERE name = \(bind: name)
                ORDER BY CASE WHEN lifecycle_stage = 'active' THEN 0 ELSE 1 END LIMIT 1
                """).first() else {
                throw StoreError.notFound("Could not find experiment with name '\(name)'")
            }
            return try await Self.get(id: String(try row.int64("experiment_id")), on: db)
        }
    }

    /// Searches experiments with MLflow's grammar (`name`, `creation_time`,
    /// `last_update_time`, `tags.<key>`).
    public func search(
        filter: [FilterClause], orderBy: [OrderKey], viewType: ViewType, maxResults: Int, pageToken: String?
    ) async throws -> Page<Experiment> {
        let window = try PageWindow(size: maxResults, token: pageToken)
        var conditions: [SQLQueryString] = ["e.lifecycle_stage IN (\(binds: viewType.stages.map(\.rawValue)))"]
        for clause in filter {
            conditions.append(try Self.condition(for: clause))
        }
        var order: [SQLQueryString] = []
        for key in orderBy {
            guard key.entity == .attribute,
                  let column = ["name": "name", "experiment_id": "experiment_id", "creation_time": "creation_time",
                                "last_update_time": "last_update_time"][key.key] else {
                throw StoreError.invalidParameter("Invalid order_by entity: \(key.key)")
            }
            order.append("e.\(ident: column) \(unsafeRaw: key.ascending ? "ASC" : "DESC")")
        }
        if orderBy.isEmpty { order.append("e.creation_time DESC") }
        order.append("e.experiment_id ASC")
        let query: SQLQueryString = """
            SELECT e.* FROM experiments e WHERE \(SQLCondition.joinedWithAnd(conditions))
            ORDER BY \(order.joined(separator: ", ")) \(window.limitClause)
            """
        return try await database.read { db in
            try await window.page(try await db.raw(query).all().map(Self.experiment(from:))) { experiments in
                let tags = try await KeyValueTable.experimentTags.load(owners: experiments.compactMap { Int64($0.id) }, on: db)
                return experiments.map { experiment in
                    var experiment = experiment
                    experiment.tags = tags[Int64(experiment.id) ?? -1] ?? []
                    return experiment
                }
            }
        }
    }

    private static func condition(for clause: FilterClause) throws -> SQLQueryString {
        switch clause.entity {
        case .attribute:
            switch clause.key {
            case "name":
                try SQLCondition.require(clause, in: ComparisonOperator.string, what: "attribute")
                return try SQLCondition.string("e.name", clause.comparison, clause.value)
            case "creation_time", "last_update_time":
                try SQLCondition.require(clause, in: ComparisonOperator.numeric, what: "attribute")
                return SQLCondition.number("e.\(ident: clause.key)", clause.comparison, try SQLCondition.numericValue(clause, what: "attribute"))
            default:
                throw StoreError.invalidParameter(
                    "Invalid attribute key '\(clause.key)' specified. Valid keys are '['name', 'creation_time', 'last_update_time']'"
                )
            }
        case .tag:
            try SQLCondition.require(clause, in: ComparisonOperator.string, what: "tag")
            let match = try SQLCondition.string("t.value", clause.comparison, clause.value)
            return """
                EXISTS (SELECT 1 FROM experiment_tags t WHERE t.experiment_id = e.experiment_id AND t.key = \(bind: clause.key) AND \(match))
                """
        default:
            throw StoreError.invalidParameter("Invalid entity type '\(clause.entity.rawValue)'. Valid values are ['attribute', 'tag'].")
        }
    }

    /// Soft-deletes the experiment and its runs.
    public func delete(id: String) async throws {
        try await setLifecycle(id: id, to: .deleted)
    }

    /// Restores a deleted experiment and its runs.
    public func restore(id: String) async throws {
        try await setLifecycle(id: id, to: .active)
    }

    private func setLifecycle(id: String, to stage: LifecycleStage) async throws {
        let now = Clock.nowMillis()
        let deletedTime: Int64? = stage == .deleted ? now : nil
        try await database.write { db in
            let experiment = try await Self.get(id: id, on: db)
            guard let number = Int64(experiment.id) else { return }
            try await db.raw("""
                UPDATE experiments SET lifecycle_stage = \(bind: stage.rawValue), last_update_time = \(bind: now),
                deleted_time = \(bind: deletedTime) WHERE experiment_id = \(bind: number)
                """).run()
            try await db.raw("""
                UPDATE runs SET lifecycle_stage = \(bind: stage.rawValue), deleted_time = \(bind: deletedTime)
                WHERE experiment_id = \(bind: number)
                """).run()
        }
    }

    /// Renames an active experiment.
    public func rename(id: String, to newName: String) async throws {
        let now = Clock.nowMillis()
        try await database.write { db in
            let experiment = try await Self.get(id: id, on: db)
            guard experiment.lifecycleStage == .active else {
                throw StoreError.invalidState("Cannot rename a non-active experiment.")
            }
            if newName != experiment.name,
               try await db.raw("SELECT 1 AS one FROM experiments WHERE name = \(bind: newName)").first() != nil {
                throw StoreError.alreadyExists("Experiment(name=\(newName)) already exists.")
            }
            try await db.raw("""
                UPDATE experiments SET name = \(bind: newName), last_update_time = \(bind: now)
                WHERE experiment_id = \(bind: Int64(id) ?? -1)
                """).run()
        }
    }

    public func setTag(experimentId: String, tag: KeyValue) async throws {
        try await database.write { db in
            let experiment = try await Self.requireActive(id: experimentId, on: db)
            try await KeyValueTable.experimentTags.upsert(tag, owner: Int64(experiment.id) ?? -1, on: db)
        }
    }

    public func deleteTag(experimentId: String, key: String) async throws {
        try await database.write { db in
            let experiment = try await Self.requireActive(id: experimentId, on: db)
            guard try await KeyValueTable.experimentTags.delete(key: key, owner: Int64(experiment.id) ?? -1, on: db) else {
                throw StoreError.notFound("No tag with name: \(key) in experiment with id \(experimentId)")
            }
        }
    }

    static func requireActive(id: String, on db: any SQLDatabase) async throws -> Experiment {
        let experiment = try await get(id: id, on: db)
        guard experiment.lifecycleStage == .active else {
            throw StoreError.invalidParameter(
                "The experiment \(id) must be in the 'active' state. Current state is \(experiment.lifecycleStage.rawValue)."
            )
        }
        return experiment
    }

    static func experiment(from row: any SQLRow) throws -> Experiment {
        Experiment(
            id: String(try row.int64("experiment_id")),
            name: try row.string("name"),
            artifactLocation: try row.string("artifact_location"),
            lifecycleStage: LifecycleStage(rawValue: try row.string("lifecycle_stage")) ?? .active,
            creationTime: try row.int64("creation_time"),
            lastUpdateTime: try row.int64("last_update_time"),
            tags: []
        )
    }
}
