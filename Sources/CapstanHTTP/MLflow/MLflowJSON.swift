import CapstanJSON
import CapstanStorage

/// The JSON shapes of MLflow's protobuf messages (`service.proto`, `model_registry.proto`),
/// encoded as `message_to_json` does: snake_case names, enums as names, empty lists and
/// unset fields omitted, int64 as numbers.
enum MLflowJSON {
    /// A search response: the items under `key`, and the token while more pages exist.
    static func page<Item>(_ page: CapstanStorage.Page<Item>, key: String, _ encode: (Item) -> JSONValue) -> JSONValue {
        var o = JSONObjectBuilder()
        o.set(key, nonEmpty: page.items.map(encode))
        o.set("next_page_token", page.nextPageToken)
        return o.value
    }

    /// A `FileInfo`: `is_dir` always present (clients read it unconditionally), size for files.
    static func fileInfo(path: String, _ entry: ArtifactEntry) -> JSONValue {
        var file = JSONObjectBuilder()
        file.set("path", path)
        file.set("is_dir", .bool(entry.isDirectory))
        file.set("file_size", entry.size)
        return file.value
    }

    static func keyValues(_ pairs: [KeyValue]) -> [JSONValue] {
        pairs.map { .object([("key", .string($0.key)), ("value", .string($0.value))]) }
    }

    static func experiment(_ e: Experiment) -> JSONValue {
        var o = JSONObjectBuilder()
        o.set("experiment_id", e.id)
        o.set("name", e.name)
        o.set("artifact_location", e.artifactLocation)
        o.set("lifecycle_stage", e.lifecycleStage.rawValue)
        o.set("last_update_time", e.lastUpdateTime)
        o.set("creation_time", e.creationTime)
        o.set("tags", nonEmpty: keyValues(e.tags))
        return o.value
    }

    static func runInfo(_ info: RunInfo) -> JSONValue {
        var o = JSONObjectBuilder()
        o.set("run_id", info.runId)
        o.set("run_uuid", info.runId)
        o.set("run_name", info.runName)
        o.set("experiment_id", info.experimentId)
        o.set("user_id", info.userId)
        o.set("status", info.status.rawValue)
        o.set("start_time", info.startTime)
        o.set("end_time", info.endTime)
        o.set("artifact_uri", info.artifactUri)
        o.set("lifecycle_stage", info.lifecycleStage.rawValue)
        return o.value
    }

    static func metric(_ m: Metric) -> JSONValue {
        var o = JSONObjectBuilder()
        o.set("key", m.key)
        o.set("value", .double(m.value))
        o.set("timestamp", m.timestamp)
        o.set("step", m.step)
        o.set("dataset_name", m.datasetName)
        o.set("dataset_digest", m.datasetDigest)
        o.set("model_id", m.modelId)
        o.set("run_id", m.runId)
        return o.value
    }

    static func run(_ run: Run) -> JSONValue {
        var data = JSONObjectBuilder()
        data.set("metrics", nonEmpty: run.metrics.map(metric))
        data.set("params", nonEmpty: keyValues(run.params))
        data.set("tags", nonEmpty: keyValues(run.tags))
        var inputs = JSONObjectBuilder()
        inputs.set("dataset_inputs", nonEmpty: run.datasetInputs.map(datasetInput))
        inputs.set("model_inputs", nonEmpty: run.modelInputs.map { .object([("model_id", .string($0))]) })
        var outputs = JSONObjectBuilder()
        outputs.set("model_outputs", nonEmpty: run.modelOutputs.map {
            .object([("model_id", .string($0.modelId)), ("step", .int($0.step))])
        })
        return .object([
            ("info", runInfo(run.info)), ("data", data.value), ("inputs", inputs.value), ("outputs", outputs.value),
        ])
    }

    static func datasetInput(_ input: DatasetInput) -> JSONValue {
        var dataset = JSONObjectBuilder()
        dataset.set("name", input.dataset.name)
        dataset.set("digest", input.dataset.digest)
        dataset.set("source_type", input.dataset.sourceType)
        dataset.set("source", input.dataset.source)
        dataset.set("schema", input.dataset.schema)
        dataset.set("profile", input.dataset.profile)
        var o = JSONObjectBuilder()
        o.set("tags", nonEmpty: keyValues(input.tags))
        o.set("dataset", dataset.value)
        return o.value
    }

    static func loggedModel(_ model: LoggedModel) -> JSONValue {
        var info = JSONObjectBuilder()
        info.set("model_id", model.modelId)
        info.set("experiment_id", model.experimentId)
        info.set("name", model.name)
        info.set("creation_timestamp_ms", model.creationTimestamp)
        info.set("last_updated_timestamp_ms", model.lastUpdatedTimestamp)
        info.set("artifact_uri", model.artifactUri)
        info.set("status", model.status.rawValue)
        info.set("status_message", model.statusMessage)
        info.set("model_type", model.modelType)
        info.set("source_run_id", model.sourceRunId)
        info.set("tags", nonEmpty: keyValues(model.tags))
        var data = JSONObjectBuilder()
        data.set("params", nonEmpty: keyValues(model.params))
        data.set("metrics", nonEmpty: model.metrics.map(metric))
        return .object([("info", info.value), ("data", data.value)])
    }

    static func registeredModel(_ model: RegisteredModel) -> JSONValue {
        var o = JSONObjectBuilder()
        o.set("name", model.name)
        o.set("creation_timestamp", model.creationTimestamp)
        o.set("last_updated_timestamp", model.lastUpdatedTimestamp)
        o.set("description", model.description)
        o.set("latest_versions", nonEmpty: model.latestVersions.map(modelVersion))
        o.set("tags", nonEmpty: keyValues(model.tags))
        o.set("aliases", nonEmpty: model.aliases.map {
            .object([("alias", .string($0.alias)), ("version", .string(String($0.version)))])
        })
        return o.value
    }

    static func modelVersion(_ v: ModelVersion) -> JSONValue {
        var o = JSONObjectBuilder()
        o.set("name", v.name)
        o.set("version", String(v.version))
        o.set("creation_timestamp", v.creationTimestamp)
        o.set("last_updated_timestamp", v.lastUpdatedTimestamp)
        o.set("user_id", v.userId)
        o.set("current_stage", v.currentStage)
        o.set("description", v.description)
        o.set("source", v.source)
        o.set("run_id", v.runId)
        o.set("status", v.status)
        o.set("status_message", v.statusMessage)
        o.set("tags", nonEmpty: keyValues(v.tags))
        o.set("run_link", v.runLink)
        o.set("aliases", nonEmpty: v.aliases.map(JSONValue.string))
        o.set("model_id", v.modelId)
        return o.value
    }
}
