import SQLKit

/// Runs: their lifecycle and everything logged to them.
///
/// Writes to a deleted run fail with ``StoreError/invalidParameter(_:)``, as MLflow does.
public struct RunStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// What a new run starts with; the tracking service fills in names and locations.
    public struct NewRun: Sendable {
        public var runId: String
        public var experimentId: String
        public var userId: String
        public var runName: String
        public var startTime: Int64
        public var tags: [KeyValue]
        /// The run's artifact URI, given the experiment's artifact location.
        public var artifactUri: @Sendable (String) -> String

        public init(
            runId: String, experimentId: String, userId: String, runName: String, startTime: Int64,
            tags: [KeyValue], artifactUri: @escaping @Sendable (String) -> String
        ) {
            self.runId = runId
            self.experimentId = experimentId
            self.userId = userId
            self.runName = runName
            self.startTime = startTime
            self.tags = tags
            self.artifactUri = artifactUri
        }
    }

    /// Creates a run in an active experiment.
    public func create(_ new: NewRun) async throws -> Run {
        try await database.write { db in
            let experiment = try await ExperimentStore.requireActive(id: new.experimentId, on: db)
            try await db.raw("""
                INSERT INTO runs (run_id, experiment_id, name, user_id, status, start_time, artifact_uri, lifecycle_stage)
                VALUES (\(bind: new.runId), \(bind: Int64(experiment.id) ?? 0), \(bind: new.runName), \(bind: new.userId),
                'RUNNING', \(bind: new.startTime), \(bind: new.artifactUri(experiment.artifactLocation)), 'active')
                """).run()
            for tag in Self.lastWins(new.tags) {
                try await KeyValueTable.runTags.upsert(tag, owner: new.runId, on: db)
            }
            return try await Self.get(runId: new.runId, on: db)
        }
    }

    /// Returns the run with its params, latest metrics, tags, inputs and outputs (deleted runs too).
    public func get(runId: String) async throws -> Run {
        try await database.read { db in try await Self.get(runId: runId, on: db) }
    }

    static func get(runId: String, on db: any SQLDatabase) async throws -> Run {
        let info = try await info(runId: runId, on: db)
        return try await RunDataLoader.load([info], on: db)[0]
    }

    static func info(runId: String, on db: any SQLDatabase) async throws -> RunInfo {
        guard let row = try await db.raw("SELECT * FROM runs WHERE run_id = \(bind: runId)").first() else {
            throw StoreError.notFound("Run with id=\(runId) not found")
        }
        return try runInfo(from: row)
    }

    static func requireActive(runId: String, on db: any SQLDatabase) async throws -> RunInfo {
        let info = try await info(runId: runId, on: db)
        guard info.lifecycleStage == .active else {
            throw StoreError.invalidParameter(
                "The run \(runId) must be in the 'active' state. Current state is \(info.lifecycleStage.rawValue)."
            )
        }
        return info
    }

    /// Updates the fields that are given; a new name also sets the `mlflow.runName` tag.
    public func update(runId: String, status: RunStatus?, endTime: Int64?, runName: String?) async throws -> RunInfo {
        try await database.write { db in
            _ = try await Self.requireActive(runId: runId, on: db)
            if let status {
                try await db.raw("UPDATE runs SET status = \(bind: status.rawValue) WHERE run_id = \(bind: runId)").run()
            }
            if let endTime {
                try await db.raw("UPDATE runs SET end_time = \(bind: endTime) WHERE run_id = \(bind: runId)").run()
            }
            if let runName {
                try await Self.rename(runId: runId, to: runName, on: db)
            }
            return try await Self.info(runId: runId, on: db)
        }
    }

    private static func rename(runId: String, to name: String, on db: any SQLDatabase) async throws {
        try await db.raw("UPDATE runs SET name = \(bind: name) WHERE run_id = \(bind: runId)").run()
        try await KeyValueTable.runTags.upsert(KeyValue(key: RunTagKeys.runName, value: name), owner: runId, on: db)
    }

    /// Soft-deletes a run.
    public func delete(runId: String) async throws {
        try await setLifecycle(runId: runId, stage: .deleted)
    }

    /// Restores a soft-deleted run.
    public func restore(runId: String) async throws {
        try await setLifecycle(runId: runId, stage: .active)
    }

    private func setLifecycle(runId: String, stage: LifecycleStage) async throws {
        let deletedTime: Int64? = stage == .deleted ? Clock.nowMillis() : nil
        try await database.write { db in
            _ = try await Self.info(runId: runId, on: db)
            try await db.raw("""
                UPDATE runs SET lifecycle_stage = \(bind: stage.rawValue), deleted_time = \(bind: deletedTime)
                WHERE run_id = \(bind: runId)
                """).run()
        }
    }

    /// Logs metrics, params and tags in one transaction (MLflow's `log-batch`).
    ///
    /// Params are immutable: logging a different value for an existing key fails the
    /// whole batch. Within the batch, the last tag of a key wins.
    public func logBatch(runId: String, metrics: [Metric], params: [KeyValue], tags: [KeyValue]) async throws {
        try await database.write { db in
            _ = try await Self.requireActive(runId: runId, on: db)
            try await Self.insertParams(params, runId: runId, on: db)
            try await MetricWriter.insert(metrics, runId: runId, on: db)
            try await Self.upsertTags(tags, runId: runId, on: db)
        }
    }

    /// Sets tags; `mlflow.runName` also renames the run.
    public func setTags(runId: String, tags: [KeyValue]) async throws {
        try await logBatch(runId: runId, metrics: [], params: [], tags: tags)
    }

    public func deleteTag(runId: String, key: String) async throws {
        try await database.write { db in
            _ = try await Self.requireActive(runId: runId, on: db)
            guard try await KeyValueTable.runTags.delete(key: key, owner: runId, on: db) else {
                throw StoreError.notFound("No tag with name: \(key) in run with id \(runId)")
            }
        }
    }

    private static func upsertTags(_ tags: [KeyValue], runId: String, on db: any SQLDatabase) async throws {
        for tag in lastWins(tags) {
            if tag.key == RunTagKeys.runName {
                try await rename(runId: runId, to: tag.value, on: db)
            } else {
                try await KeyValueTable.runTags.upsert(tag, owner: runId, on: db)
            }
        }
    }

    private static func insertParams(_ params: [KeyValue], runId: String, on db: any SQLDatabase) async throws {
        guard !params.isEmpty else { return }
        var existing: [String: String] = [:]
        for chunk in chunked(params.map(\.key)) {
            for row in try await db.raw("""
                SELECT key, value FROM params WHERE run_id = \(bind: runId) AND key IN (\(binds: Array(chunk)))
                """).all() {
                existing[try row.string("key")] = try row.string("value")
            }
        }
        let changed = params.filter { param in existing[param.key].map { old in old != param.value } ?? false }
        if let first = changed.first {
            if params.count == 1 {
                throw StoreError.invalidParameter(
                    "Changing param values is not allowed. Param with key='\(first.key)' was already logged with value='\(existing[first.key] ?? "")' for run ID='\(runId)'. Attempted logging new value '\(first.value)'."
                )
            }
            let described = changed.map { "{'key': '\($0.key)', 'old_value': '\(existing[$0.key] ?? "")', 'new_value': '\($0.value)'}" }
            throw StoreError.invalidParameter(
                "Changing param values is not allowed. Params were already logged='[\(described.joined(separator: ", "))]' for run ID='\(runId)'."
            )
        }
        let fresh = params.filter { existing[$0.key] == nil }
        for chunk in chunked(fresh, size: 200) {
            let rows = chunk.map { param -> SQLQueryString in "(\(bind: runId), \(bind: param.key), \(bind: param.value))" }
            try await db.raw("""
                INSERT INTO params (run_id, key, value) VALUES \(rows.joined(separator: ", ")) ON CONFLICT (run_id, key) DO NOTHING
                """).run()
        }
    }

    /// Keeps the last pair of each key, in first-seen key order.
    static func lastWins(_ pairs: [KeyValue]) -> [KeyValue] {
        var last: [String: String] = [:]
        var order: [String] = []
        for pair in pairs {
            if last.updateValue(pair.value, forKey: pair.key) == nil { order.append(pair.key) }
        }
        return order.map { KeyValue(key: $0, value: last[$0]!) }
    }

    static func runInfo(from row: any SQLRow) throws -> RunInfo {
        RunInfo(
            runId: try row.string("run_id"),
            runName: try row.string("name"),
            experimentId: String(try row.int64("experiment_id")),
            userId: try row.string("user_id"),
            status: RunStatus(rawValue: try row.string("status")) ?? .running,
            startTime: try row.int64("start_time"),
            endTime: try row.optionalInt64("end_time"),
            artifactUri: try row.string("artifact_uri"),
            lifecycleStage: LifecycleStage(rawValue: try row.string("lifecycle_stage")) ?? .active
        )
    }
}

/// Tag keys with a meaning to MLflow clients.
public enum RunTagKeys {
    public static let runName = "mlflow.runName"
    public static let datasetContext = "mlflow.data.context"
}
