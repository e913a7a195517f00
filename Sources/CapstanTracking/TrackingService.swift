import CapstanStorage
import Foundation

/// Experiment and run tracking with MLflow's rules: validation and limits, generated names
/// and ids, and artifact locations under the server's artifact root.
///
/// Thread-safe: it holds only immutable values and stores.
public struct TrackingService: Sendable {
    public let experiments: ExperimentStore
    public let runs: RunStore
    public let loggedModels: LoggedModelStore
    /// Root under which new experiments get `<root>/<id>`, e.g. `mlflow-artifacts:/`.
    public let artifactRoot: String

    public init(database: Database, artifactRoot: String) {
        self.experiments = ExperimentStore(database: database)
        self.runs = RunStore(database: database)
        self.loggedModels = LoggedModelStore(database: database)
        self.artifactRoot = artifactRoot
    }

    /// Creates the default experiment on a new database; call once at start-up.
    public func prepare() async throws {
        try await experiments.ensureDefaultExperiment(artifactLocation: Self.join(artifactRoot, "0"))
    }

    // MARK: Experiments

    public func createExperiment(name: String, artifactLocation: String?, tags: [KeyValue]) async throws -> String {
        try TrackingValidation.validateExperimentName(name)
        for tag in tags {
            try TrackingValidation.validateKey(tag.key, path: "key", entity: "key")
        }
        if let location = artifactLocation, location.contains("#") || location.contains("?") {
            throw TrackingError.invalidParameter(
                "'artifact_location' URL can't include fragments or params."
            )
        }
        let root = artifactRoot
        return try await experiments.create(name: name, tags: tags) { id in
            artifactLocation.flatMap { $0.isEmpty ? nil : $0 } ?? Self.join(root, id)
        }
    }

    public func renameExperiment(id: String, newName: String) async throws {
        try TrackingValidation.validateExperimentName(newName)
        try await experiments.rename(id: id, to: newName)
    }

    public func setExperimentTag(id: String, tag: KeyValue) async throws {
        try TrackingValidation.validateKey(tag.key, path: "key", entity: "key")
        guard tag.value.count <= TrackingLimits.maxExperimentTagValueLength else {
            throw TrackingError.invalidParameter(
                "'value' exceeds the maximum length of \(TrackingLimits.maxExperimentTagValueLength) characters"
            )
        }
        try await experiments.setTag(experimentId: id, tag: tag)
    }

    public func searchExperiments(
        filter: String, orderBy: [String], viewType: ViewType, maxResults: Int, pageToken: String?
    ) async throws -> Page<Experiment> {
        try TrackingValidation.validateMaxResults(maxResults, limit: TrackingLimits.maxSearchExperimentsResults)
        return try await experiments.search(
            filter: try FilterParser.parse(filter), orderBy: try orderBy.map(FilterParser.parseOrderKey),
            viewType: viewType, maxResults: maxResults, pageToken: pageToken
        )
    }

    // MARK: Runs

    /// Starts a run. The name is the given one, else the `mlflow.runName` tag, else a
    /// generated `predicate-noun-NNN`; the tag is always set to the final name.
    public func createRun(
        experimentId: String, userId: String, runName: String?, startTime: Int64?, tags: [KeyValue]
    ) async throws -> Run {
        let tagName = tags.last { $0.key == RunTagKeys.runName }?.value
        if let runName, !runName.isEmpty, let tagName, tagName != runName {
            throw TrackingError.invalidParameter(
                "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='\(runName)', mlflow.runName='\(tagName)')."
            )
        }
        let name = [runName, tagName].compactMap { $0 }.first { !$0.isEmpty } ?? RunNameGenerator.make()
        var allTags = try tags.filter { $0.key != RunTagKeys.runName }.map { tag in
            try TrackingValidation.validateKey(tag.key, path: "key", entity: "key")
            return TrackingValidation.truncated(tag, limit: TrackingLimits.maxRunTagValueLength)
        }
        allTags.append(KeyValue(key: RunTagKeys.runName, value: name))
        let runId = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        return try await runs.create(RunStore.NewRun(
            runId: runId, experimentId: experimentId, userId: userId, runName: name,
            startTime: startTime ?? Clock.nowMillis(), tags: allTags,
            artifactUri: { Self.join(Self.join($0, runId), "artifacts") }
        ))
    }

    public func logMetric(runId: String, metric: Metric) async throws {
        try await logBatch(runId: runId, metrics: [metric], params: [], tags: [])
    }

    public func logParam(runId: String, param: KeyValue) async throws {
        try await logBatch(runId: runId, metrics: [], params: [param], tags: [])
    }

    public func setTag(runId: String, tag: KeyValue) async throws {
        try await logBatch(runId: runId, metrics: [], params: [], tags: [tag])
    }

    /// Logs metrics, params and tags atomically, within MLflow's batch limits.
    public func logBatch(runId: String, metrics: [Metric], params: [KeyValue], tags: [KeyValue]) async throws {
        try TrackingValidation.validateBatch(metrics: metrics.count, params: params, tags: tags.count)
        // A batch usually repeats a few keys many times (one per step): check each key once.
        var checkedKeys: Set<String> = []
        let metrics = try metrics.map { metric in
            if checkedKeys.insert(metric.key).inserted {
                try TrackingValidation.validateKey(metric.key, path: "name", entity: "Metric name")
            }
            try TrackingValidation.validateTimestamp(metric)
            return TrackingValidation.clamped(metric)
        }
        let params = try params.map { param in
            try TrackingValidation.validateKey(param.key, path: "key", entity: "Param key")
            return TrackingValidation.truncated(param, limit: TrackingLimits.maxParamValueLength)
        }
        let tags = try tags.map { tag in
            try TrackingValidation.validateKey(tag.key, path: "key", entity: "key")
            return TrackingValidation.truncated(tag, limit: TrackingLimits.maxRunTagValueLength)
        }
        try await runs.logBatch(runId: runId, metrics: metrics, params: params, tags: tags)
    }

    public func searchRuns(
        experimentIds: [String], filter: String, orderBy: [String], viewType: ViewType, maxResults: Int, pageToken: String?
    ) async throws -> Page<Run> {
        try TrackingValidation.validateMaxResults(maxResults, limit: TrackingLimits.maxSearchRunsResults)
        return try await runs.search(
            experimentIds: experimentIds, filter: try FilterParser.parse(filter),
            orderBy: try orderBy.map(FilterParser.parseOrderKey), viewType: viewType,
            maxResults: maxResults, pageToken: pageToken
        )
    }

    // MARK: Logged models

    public func createLoggedModel(
        experimentId: String, name: String?, modelType: String?, sourceRunId: String?, params: [KeyValue], tags: [KeyValue]
    ) async throws -> LoggedModel {
        let modelId = "m-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let name = name.flatMap { $0.isEmpty ? nil : $0 } ?? RunNameGenerator.make()
        return try await loggedModels.create(LoggedModelStore.NewModel(
            modelId: modelId, experimentId: experimentId, name: name, modelType: modelType, sourceRunId: sourceRunId,
            params: params, tags: tags,
            artifactUri: { Self.join(Self.join(Self.join($0, "models"), modelId), "artifacts") }
        ))
    }

    /// Joins URI path segments with exactly one `/` (keeping `scheme:/` roots intact).
    static func join(_ base: String, _ segment: String) -> String {
        base.hasSuffix("/") ? base + segment : base + "/" + segment
    }
}
