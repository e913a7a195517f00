import CapstanStorage
import CapstanTracking
import Hummingbird

/// MLflow's experiment endpoints (`/experiments/*`).
struct ExperimentRoutes<Context: RequestContext> {
    let tracking: TrackingService

    func register(_ api: MLflowEndpoints<Context>) {
        let tracking = self.tracking
        api.post("/experiments/create") { fields, _, _ in
            let id = try await tracking.createExperiment(
                name: try fields.requiredString("name"),
                artifactLocation: try fields.string("artifact_location"),
                tags: try fields.keyValues("tags")
            )
            return .object([("experiment_id", .string(id))])
        }
        api.get("/experiments/get") { fields, _, _ in
            let experiment = try await tracking.experiments.get(id: try fields.requiredIdentifier("experiment_id"))
            return .object([("experiment", MLflowJSON.experiment(experiment))])
        }
        api.get("/experiments/get-by-name") { fields, _, _ in
            let experiment = try await tracking.experiments.get(name: try fields.requiredString("experiment_name"))
            return .object([("experiment", MLflowJSON.experiment(experiment))])
        }
        let search: MLflowEndpoints<Context>.Handler = { fields, _, _ in
            let page = try await tracking.searchExperiments(
                filter: try fields.string("filter") ?? "",
                orderBy: try fields.strings("order_by"),
                viewType: try fields.viewType("view_type"),
                maxResults: try fields.maxResults(default: 1000),
                pageToken: try fields.string("page_token")
            )
            return MLflowJSON.page(page, key: "experiments", MLflowJSON.experiment)
        }
        api.post("/experiments/search", search)
        api.get("/experiments/search", search)
        api.post("/experiments/delete") { fields, _, _ in
            try await tracking.experiments.delete(id: try fields.requiredIdentifier("experiment_id"))
            return .object([])
        }
        api.post("/experiments/restore") { fields, _, _ in
            try await tracking.experiments.restore(id: try fields.requiredIdentifier("experiment_id"))
            return .object([])
        }
        api.post("/experiments/update") { fields, _, _ in
            try await tracking.renameExperiment(
                id: try fields.requiredIdentifier("experiment_id"), newName: try fields.requiredString("new_name")
            )
            return .object([])
        }
        api.post("/experiments/set-experiment-tag") { fields, _, _ in
            try await tracking.setExperimentTag(
                id: try fields.requiredIdentifier("experiment_id"),
                tag: KeyValue(key: try fields.requiredString("key"), value: try fields.string("value") ?? "")
            )
            return .object([])
        }
        api.post("/experiments/delete-experiment-tag") { fields, _, _ in
            try await tracking.experiments.deleteTag(
                experimentId: try fields.requiredIdentifier("experiment_id"), key: try fields.requiredString("key")
            )
            return .object([])
        }
    }
}
