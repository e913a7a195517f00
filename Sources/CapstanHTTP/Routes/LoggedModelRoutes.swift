import CapstanJSON
import CapstanStorage
import CapstanTracking
import Hummingbird

/// MLflow 3's logged-model endpoints (`/logged-models*`).
struct LoggedModelRoutes<Context: RequestContext> {
    let tracking: TrackingService
    let artifacts: any ArtifactStore

    func register(_ api: MLflowEndpoints<Context>) {
        let tracking = self.tracking
        let artifacts = self.artifacts
        api.post("/logged-models") { fields, _, _ in
            let model = try await tracking.createLoggedModel(
                experimentId: try fields.requiredIdentifier("experiment_id"),
                name: try fields.string("name"),
                modelType: try fields.string("model_type"),
                sourceRunId: try fields.string("source_run_id").flatMap { $0.isEmpty ? nil : $0 },
                params: try fields.keyValues("params"),
                tags: try fields.keyValues("tags")
            )
            return .object([("model", MLflowJSON.loggedModel(model))])
        }
        api.post("/logged-models/search") { fields, _, _ in
            let orderBy = try fields.objects("order_by").map { item in
                LoggedModelStore.OrderField(fieldName: try item.requiredString("field_name"), ascending: try item.bool("ascending") ?? true)
            }
            let filter = try FilterParser.parse(try fields.string("filter") ?? "")
            let datasets = try fields.objects("datasets").map { try $0.requiredString("dataset_name") }
            let page = try await tracking.loggedModels.search(
                experimentIds: try fields.strings("experiment_ids"), filter: filter, datasets: datasets, orderBy: orderBy,
                maxResults: try fields.maxResults(default: 100), pageToken: try fields.string("page_token")
            )
            return MLflowJSON.page(page, key: "models", MLflowJSON.loggedModel)
        }
        api.get("/logged-models/{model_id}") { _, _, context in
            let model = try await tracking.loggedModels.get(modelId: try Self.modelId(context))
            return .object([("model", MLflowJSON.loggedModel(model))])
        }
        api.patch("/logged-models/{model_id}") { fields, _, context in
            let status = try fields.enumeration(
                "status", byName: { LoggedModelStatus(rawValue: $0.uppercased()) }, byNumber: LoggedModelStatus.init(number:)
            ) ?? .ready
            let model = try await tracking.loggedModels.finalize(modelId: try Self.modelId(context), status: status)
            return .object([("model", MLflowJSON.loggedModel(model))])
        }
        api.delete("/logged-models/{model_id}") { _, _, context in
            try await tracking.loggedModels.delete(modelId: try Self.modelId(context))
            return .object([])
        }
        api.patch("/logged-models/{model_id}/tags") { fields, _, context in
            try await tracking.loggedModels.setTags(modelId: try Self.modelId(context), tags: try fields.keyValues("tags"))
            return .object([])
        }
        api.delete("/logged-models/{model_id}/tags/{tag_key}") { _, _, context in
            guard let key = context.parameters.get("tag_key")?.removingPercentEncoding else {
                throw MLflowError.invalidParameter("Missing value for required parameter 'tag_key'.")
            }
            try await tracking.loggedModels.deleteTag(modelId: try Self.modelId(context), key: key)
            return .object([])
        }
        api.post("/logged-models/{model_id}/params") { fields, _, context in
            try await tracking.loggedModels.logParams(modelId: try Self.modelId(context), params: try fields.keyValues("params"))
            return .object([])
        }
        api.get("/logged-models/{model_id}/artifacts/directories") { fields, _, context in
            let model = try await tracking.loggedModels.get(modelId: try Self.modelId(context))
            return try await ArtifactListing.list(
                rootURI: model.artifactUri, relativePath: try fields.string("artifact_directory_path") ?? "", artifacts: artifacts
            )
        }
    }

    static func modelId(_ context: Context) throws -> String {
        guard let id = context.parameters.get("model_id"), !id.isEmpty else {
            throw MLflowError.invalidParameter("Missing value for required parameter 'model_id'.")
        }
        return id
    }
}

/// The `{root_uri, files[]}` listings of the UI-facing artifact endpoints.
enum ArtifactListing {
    static func list(rootURI: String, relativePath: String, artifacts: any ArtifactStore) async throws -> JSONValue {
        let relative = try ArtifactPath(validating: relativePath)
        var o = JSONObjectBuilder()
        o.set("root_uri", rootURI)
        guard let root = try ArtifactURI.path(of: rootURI) else { return o.value }
        let entries = try await artifacts.list(root.appending(relative))
        o.set("files", nonEmpty: entries.map { entry in
            MLflowJSON.fileInfo(path: relative.isRoot ? entry.name : "\(relative)/\(entry.name)", entry)
        })
        return o.value
    }
}
