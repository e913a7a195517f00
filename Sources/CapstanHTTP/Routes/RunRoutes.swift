import CapstanJSON
import CapstanStorage
import CapstanTracking
import Foundation
import Hummingbird

/// MLflow's run endpoints (`/runs/*`, `/metrics/get-history`).
struct RunRoutes<Context: RequestContext> {
    let tracking: TrackingService

    func register(_ api: MLflowEndpoints<Context>) {
        let tracking = self.tracking
        api.post("/runs/create") { fields, _, _ in
            let run = try await tracking.createRun(
                experimentId: try fields.identifier("experiment_id").flatMap { $0.isEmpty ? nil : $0 } ?? "0",
                userId: try fields.string("user_id") ?? "",
                runName: try fields.string("run_name"),
                startTime: try fields.int64("start_time"),
                tags: try fields.keyValues("tags")
            )
            return .object([("run", MLflowJSON.run(run))])
        }
        api.post("/runs/update") { fields, _, _ in
            let status = try fields.enumeration(
                "status", byName: { RunStatus(rawValue: $0.uppercased()) }, byNumber: RunStatus.init(number:)
            )
            let info = try await tracking.runs.update(
                runId: try fields.requiredString("run_id", "run_uuid"), status: status,
                endTime: try fields.int64("end_time"), runName: try fields.string("run_name")
            )
            return .object([("run_info", MLflowJSON.runInfo(info))])
        }
        api.get("/runs/get") { fields, _, _ in
            let run = try await tracking.runs.get(runId: try fields.requiredString("run_id", "run_uuid"))
            return .object([("run", MLflowJSON.run(run))])
        }
        api.post("/runs/delete") { fields, _, _ in
            try await tracking.runs.delete(runId: try fields.requiredString("run_id"))
            return .object([])
        }
        api.post("/runs/restore") { fields, _, _ in
            try await tracking.runs.restore(runId: try fields.requiredString("run_id"))
            return .object([])
        }
        api.post("/runs/log-metric") { fields, _, _ in
            try await tracking.logMetric(runId: try fields.requiredString("run_id", "run_uuid"), metric: try Self.metric(fields))
            return .object([])
        }
        api.post("/runs/log-parameter") { fields, _, _ in
            try await tracking.logParam(
                runId: try fields.requiredString("run_id", "run_uuid"),
                param: KeyValue(key: try fields.requiredString("key"), value: try Self.stringValue(fields))
            )
            return .object([])
        }
        api.post("/runs/set-tag") { fields, _, _ in
            try await tracking.setTag(
                runId: try fields.requiredString("run_id", "run_uuid"),
                tag: KeyValue(key: try fields.requiredString("key"), value: try Self.stringValue(fields))
            )
            return .object([])
        }
        api.post("/runs/delete-tag") { fields, _, _ in
            try await tracking.runs.deleteTag(runId: try fields.requiredString("run_id"), key: try fields.requiredString("key"))
            return .object([])
        }
        api.post("/runs/log-batch") { fields, _, _ in
            try await tracking.logBatch(
                runId: try fields.requiredString("run_id"),
                metrics: try fields.objects("metrics").map(Self.metric),
                params: try fields.objects("params").map { KeyValue(key: try $0.requiredString("key"), value: try Self.stringValue($0)) },
                tags: try fields.objects("tags").map { KeyValue(key: try $0.requiredString("key"), value: try Self.stringValue($0)) }
            )
            return .object([])
        }
        let search: MLflowEndpoints<Context>.Handler = { fields, _, _ in
            let page = try await tracking.searchRuns(
                experimentIds: try fields.strings("experiment_ids"),
                filter: try fields.string("filter") ?? "",
                orderBy: try fields.strings("order_by"),
                viewType: try fields.viewType("run_view_type"),
                maxResults: try fields.maxResults(default: 1000),
                pageToken: try fields.string("page_token")
            )
            return MLflowJSON.page(page, key: "runs", MLflowJSON.run)
        }
        api.post("/runs/search", search)
        api.get("/runs/search", search)
        api.get("/metrics/get-history") { fields, _, _ in
            let maxResults = try fields.has("max_results") ? fields.maxResults(default: 25000) : nil
            let page = try await tracking.runs.metricHistory(
                runId: try fields.requiredString("run_id", "run_uuid"), key: try fields.requiredString("metric_key"),
                maxResults: maxResults, pageToken: try fields.string("page_token")
            )
            return MLflowJSON.page(page, key: "metrics", MLflowJSON.metric)
        }
        api.post("/runs/log-inputs") { fields, _, _ in
            let datasets = try fields.objects("datasets").map { input in
                guard let dataset = try input.object("dataset") else { throw input.missing("dataset") }
                return DatasetInput(
                    dataset: Dataset(
                        name: try dataset.requiredString("name"), digest: try dataset.requiredString("digest"),
                        sourceType: try dataset.requiredString("source_type"), source: try dataset.requiredString("source"),
                        schema: try dataset.string("schema"), profile: try dataset.string("profile")
                    ),
                    tags: try input.keyValues("tags")
                )
            }
            try await tracking.runs.logInputs(
                runId: try fields.requiredString("run_id"), datasets: datasets,
                models: try fields.objects("models").map { try $0.requiredString("model_id") }
            )
            return .object([])
        }
        api.post("/runs/outputs") { fields, _, _ in
            try await tracking.runs.logOutputs(
                runId: try fields.requiredString("run_id"),
                models: try fields.objects("models").map {
                    ModelOutput(modelId: try $0.requiredString("model_id"), step: try $0.int64("step") ?? 0)
                }
            )
            return .object([])
        }
        api.post("/runs/log-model") { fields, _, _ in
            try await Self.logModel(fields, tracking: tracking)
            return .object([])
        }
    }

    /// MLflow 2.x `log_model`: appends the model's JSON to the run's `mlflow.log-model.history` tag.
    static func logModel(_ fields: RequestFields, tracking: TrackingService) async throws {
        let runId = try fields.requiredString("run_id")
        let modelJSON = try fields.requiredString("model_json")
        guard case .object(let members)? = try? JSONParser.parse(Array(modelJSON.utf8)) else {
            throw MLflowError.invalidParameter("Malformed model info. \n {\(modelJSON)} \n is not a valid JSON.")
        }
        let missing = ["artifact_path", "flavors", "utc_time_created", "run_id"].filter { key in !members.contains { $0.0 == key } }
        guard missing.isEmpty else {
            throw MLflowError.invalidParameter("Model json is missing mandatory fields: \(missing)")
        }
        let run = try await tracking.runs.get(runId: runId)
        var history: [JSONValue] = []
        if let existing = run.tags.first(where: { $0.key == "mlflow.log-model.history" }),
           case .array(let entries)? = try? JSONParser.parse(Array(existing.value.utf8)) {
            history = entries
        }
        history.append(.object(members))
        try await tracking.runs.setTags(runId: runId, tags: [KeyValue(key: "mlflow.log-model.history", value: JSONWriter.string(.array(history)))])
    }

    /// A metric message; `timestamp` and `value` are required, `step` defaults to 0.
    static func metric(_ fields: RequestFields) throws -> Metric {
        Metric(
            key: try fields.requiredString("key"),
            value: try fields.requiredDouble("value"),
            timestamp: try fields.requiredInt64("timestamp"),
            step: try fields.int64("step") ?? 0,
            modelId: try fields.string("model_id").flatMap { $0.isEmpty ? nil : $0 },
            datasetName: try fields.string("dataset_name"),
            datasetDigest: try fields.string("dataset_digest")
        )
    }

    /// A param or tag value: any string, `""` included; numbers are accepted as their text.
    static func stringValue(_ fields: RequestFields) throws -> String {
        try fields.identifier("value") ?? ""
    }
}
