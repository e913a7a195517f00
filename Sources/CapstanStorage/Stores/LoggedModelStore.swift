import SQLKit

/// MLflow 3 logged models: the model produced by a `log_model` call, with its own
/// artifacts, params, tags and the metrics logged against it.
public struct LoggedModelStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public struct NewModel: Sendable {
        public var modelId: String
        public var experimentId: String
        public var name: String
        public var modelType: String?
        public var sourceRunId: String?
        public var params: [KeyValue]
        public var tags: [KeyValue]
        /// The model's artifact URI, given the experiment's artifact location.
        public var artifactUri: @Sendable (String) -> String

        public init(
            modelId: String, experimentId: String, name: String, modelType: String?, sourceRunId: String?,
            params: [KeyValue], tags: [KeyValue], artifactUri: @escaping @Sendable (String) -> String
        ) {
            self.modelId = modelId
            self.experimentId = experimentId
            self.name = name
            self.modelType = modelType
            self.sourceRunId = sourceRunId
            self.params = params
            self.tags = tags
            self.artifactUri = artifactUri
        }
    }

    /// Creates a model in `LOGGED_MODEL_PENDING` state in an active experiment.
    public func create(_ new: NewModel) async throws -> LoggedModel {
        let now = Clock.nowMillis()
        return try await database.write { db in
            let experiment = try await ExperimentStore.requireActive(id: new.experimentId, on: db)
            try await db.raw("""
                INSERT INTO logged_models (model_id, experiment_id, name, artifact_uri, status, model_type, source_run_id,
                    creation_timestamp_ms, last_updated_timestamp_ms, lifecycle_stage)
                VALUES (\(bind: new.modelId), \(bind: Int64(experiment.id) ?? 0), \(bind: new.name),
                    \(bind: new.artifactUri(experiment.artifactLocation)), \(bind: LoggedModelStatus.pending.rawValue),
                    \(bind: new.modelType), \(bind: new.sourceRunId), \(bind: now), \(bind: now), 'active')
                """).run()
            for param in RunStore.lastWins(new.params) {
                try await KeyValueTable.loggedModelParams.upsert(param, owner: new.modelId, on: db)
            }
            for tag in RunStore.lastWins(new.tags) {
                try await KeyValueTable.loggedModelTags.upsert(tag, owner: new.modelId, on: db)
            }
            return try await Self.get(modelId: new.modelId, on: db)
        }
    }

    /// Returns a live model. Deleted models are not found, as in MLflow.
    public func get(modelId: String) async throws -> LoggedModel {
        try await database.read { db in try await Self.get(modelId: modelId, on: db) }
    }

    static func get(modelId: String, on db: any SQLDatabase) async throws -> LoggedModel {
        guard let row = try await db.raw("""
            SELECT * FROM logged_models WHERE model_id = \(bind: modelId) AND lifecycle_stage = 'active'
            """).first() else {
            throw StoreError.notFound("Logged model with ID '\(modelId)' not found.")
        }
        return try await load([try model(from: row)], on: db)[0]
    }

    /// Marks the upload finished (`READY`) or failed.
    public func finalize(modelId: String, status: LoggedModelStatus) async throws -> LoggedModel {
        try await database.write { db in
            _ = try await Self.get(modelId: modelId, on: db)
            try await db.raw("""
                UPDATE logged_models SET status = \(bind: status.rawValue), last_updated_timestamp_ms = \(bind: Clock.nowMillis())
                WHERE model_id = \(bind: modelId)
                """).run()
            return try await Self.get(modelId: modelId, on: db)
        }
    }

    public func delete(modelId: String) async throws {
        try await database.write { db in
            _ = try await Self.get(modelId: modelId, on: db)
            try await db.raw("""
                UPDATE logged_models SET lifecycle_stage = 'deleted', last_updated_timestamp_ms = \(bind: Clock.nowMillis())
                WHERE model_id = \(bind: modelId)
                """).run()
        }
    }

    public func setTags(modelId: String, tags: [KeyValue]) async throws {
        try await database.write { db in
            _ = try await Self.get(modelId: modelId, on: db)
            for tag in RunStore.lastWins(tags) {
                try await KeyValueTable.loggedModelTags.upsert(tag, owner: modelId, on: db)
            }
        }
    }

    public func deleteTag(modelId: String, key: String) async throws {
        try await database.write { db in
            _ = try await Self.get(modelId: modelId, on: db)
            guard try await KeyValueTable.loggedModelTags.delete(key: key, owner: modelId, on: db) else {
                throw StoreError.notFound("No tag with key '\(key)' found for logged model with ID '\(modelId)'.")
            }
        }
    }

    public func logParams(modelId: String, params: [KeyValue]) async throws {
        try await database.write { db in
            _ = try await Self.get(modelId: modelId, on: db)
            for param in RunStore.lastWins(params) {
                try await KeyValueTable.loggedModelParams.upsert(param, owner: modelId, on: db)
            }
        }
    }

    static func load(_ models: [LoggedModel], on db: any SQLDatabase) async throws -> [LoggedModel] {
        let ids = models.map(\.modelId)
        let tags = try await KeyValueTable.loggedModelTags.load(owners: ids, on: db)
        let params = try await KeyValueTable.loggedModelParams.load(owners: ids, on: db)
        var metrics: [String: [Metric]] = [:]
        for chunk in chunked(ids) {
            for row in try await db.raw("""
                SELECT run_id, key, value, is_nan, timestamp, step, model_id, dataset_name, dataset_digest FROM metrics
                WHERE model_id <> '' AND model_id IN (\(binds: Array(chunk))) ORDER BY key, step, timestamp
                """).all() {
                var metric = try MetricWriter.metric(from: row, runId: try row.string("run_id"))
                metric.datasetName = try row.optionalString("dataset_name")
                metric.datasetDigest = try row.optionalString("dataset_digest")
                metrics[metric.modelId ?? "", default: []].append(metric)
            }
        }
        return models.map { model in
            var model = model
            model.tags = tags[model.modelId] ?? []
            model.params = params[model.modelId] ?? []
            model.metrics = metrics[model.modelId] ?? []
            return model
        }
    }

    static func model(from row: any SQLRow) throws -> LoggedModel {
        LoggedModel(
            modelId: try row.string("model_id"),
            experimentId: String(try row.int64("experiment_id")),
            name: try row.string("name"),
            artifactUri: try row.string("artifact_uri"),
            status: LoggedModelStatus(rawValue: try row.string("status")) ?? .unspecified,
            statusMessage: try row.optionalString("status_message"),
            modelType: try row.optionalString("model_type"),
            sourceRunId: try row.optionalString("source_run_id"),
            creationTimestamp: try row.int64("creation_timestamp_ms"),
            lastUpdatedTimestamp: try row.int64("last_updated_timestamp_ms"),
            tags: [], params: [], metrics: []
        )
    }
}
