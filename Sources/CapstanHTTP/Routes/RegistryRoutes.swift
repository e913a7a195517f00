import CapstanJSON
import CapstanRegistry
import CapstanStorage
import Hummingbird

/// MLflow's ModelRegistryService endpoints (`/registered-models/*`, `/model-versions/*`).
struct RegistryRoutes<Context: RequestContext> {
    let registry: RegistryService

    func register(_ api: MLflowEndpoints<Context>) {
        registerModels(api)
        registerVersions(api)
    }

    private func registerModels(_ api: MLflowEndpoints<Context>) {
        let registry = self.registry
        let store = registry.store
        api.post("/registered-models/create") { fields, _, _ in
            let model = try await registry.createModel(
                name: try fields.requiredString("name"), description: try fields.string("description"),
                tags: try fields.keyValues("tags")
            )
            return .object([("registered_model", MLflowJSON.registeredModel(model))])
        }
        api.get("/registered-models/get") { fields, _, _ in
            .object([("registered_model", MLflowJSON.registeredModel(try await store.model(name: try fields.requiredString("name"))))])
        }
        api.patch("/registered-models/update") { fields, _, _ in
            let model = try await store.updateModel(name: try fields.requiredString("name"), description: try fields.string("description"))
            return .object([("registered_model", MLflowJSON.registeredModel(model))])
        }
        api.post("/registered-models/rename") { fields, _, _ in
            let model = try await registry.renameModel(name: try fields.requiredString("name"), newName: try fields.requiredString("new_name"))
            return .object([("registered_model", MLflowJSON.registeredModel(model))])
        }
        api.delete("/registered-models/delete") { fields, _, _ in
            try await store.deleteModel(name: try fields.requiredString("name"))
            return .object([])
        }
        api.get("/registered-models/search") { fields, _, _ in
            let maxResults = try fields.maxResults(default: 100)
            guard maxResults <= 1000 else {
                throw MLflowError.invalidParameter(
                    "Invalid value for request parameter max_results. It must be at most 1000, but got value \(maxResults)"
                )
            }
            let page = try await store.searchModels(
                filter: try FilterParser.parse(try fields.string("filter") ?? ""),
                orderBy: try fields.strings("order_by").map(FilterParser.parseOrderKey),
                maxResults: maxResults, pageToken: try fields.string("page_token")
            )
            return MLflowJSON.page(page, key: "registered_models", MLflowJSON.registeredModel)
        }
        let latest: MLflowEndpoints<Context>.Handler = { fields, _, _ in
            let versions = try await registry.latestVersions(name: try fields.requiredString("name"), stages: try fields.strings("stages"))
            var o = JSONObjectBuilder()
            o.set("model_versions", nonEmpty: versions.map(MLflowJSON.modelVersion))
            return o.value
        }
        api.post("/registered-models/get-latest-versions", latest)
        api.get("/registered-models/get-latest-versions", latest)
        api.post("/registered-models/set-tag") { fields, _, _ in
            try await store.setModelTag(
                name: try fields.requiredString("name"),
                tag: KeyValue(key: try fields.requiredString("key"), value: try fields.string("value") ?? "")
            )
            return .object([])
        }
        api.delete("/registered-models/delete-tag") { fields, _, _ in
            try await store.deleteModelTag(name: try fields.requiredString("name"), key: try fields.requiredString("key"))
            return .object([])
        }
        api.post("/registered-models/alias") { fields, _, _ in
            try await registry.setAlias(
                name: try fields.requiredString("name"), alias: try fields.requiredString("alias"),
                version: try Self.version(fields)
            )
            return .object([])
        }
        api.delete("/registered-models/alias") { fields, _, _ in
            try await store.deleteAlias(name: try fields.requiredString("name"), alias: try fields.requiredString("alias"))
            return .object([])
        }
        api.get("/registered-models/alias") { fields, _, _ in
            let version = try await registry.version(name: try fields.requiredString("name"), alias: try fields.requiredString("alias"))
            return .object([("model_version", MLflowJSON.modelVersion(version))])
        }
    }

    private func registerVersions(_ api: MLflowEndpoints<Context>) {
        let registry = self.registry
        let store = registry.store
        api.post("/model-versions/create") { fields, _, _ in
            let version = try await registry.createVersion(
                name: try fields.requiredString("name"), source: try fields.requiredString("source"),
                runId: try fields.string("run_id"), runLink: try fields.string("run_link"),
                description: try fields.string("description"), tags: try fields.keyValues("tags"),
                modelId: try fields.string("model_id")
            )
            return .object([("model_version", MLflowJSON.modelVersion(version))])
        }
        api.get("/model-versions/get") { fields, _, _ in
            let version = try await store.version(name: try fields.requiredString("name"), version: try Self.version(fields))
            return .object([("model_version", MLflowJSON.modelVersion(version))])
        }
        api.patch("/model-versions/update") { fields, _, _ in
            let version = try await store.updateVersion(
                name: try fields.requiredString("name"), version: try Self.version(fields), description: try fields.string("description")
            )
            return .object([("model_version", MLflowJSON.modelVersion(version))])
        }
        api.post("/model-versions/transition-stage") { fields, _, _ in
            let version = try await registry.transitionStage(
                name: try fields.requiredString("name"), version: try Self.version(fields),
                stage: try fields.requiredString("stage"), archiveExisting: try fields.bool("archive_existing_versions") ?? false
            )
            return .object([("model_version", MLflowJSON.modelVersion(version))])
        }
        api.delete("/model-versions/delete") { fields, _, _ in
            try await store.deleteVersion(name: try fields.requiredString("name"), version: try Self.version(fields))
            return .object([])
        }
        api.get("/model-versions/search") { fields, _, _ in
            let maxResults = try fields.maxResults(default: 10000)
            guard maxResults <= 200_000 else {
                throw MLflowError.invalidParameter(
                    "Invalid value for request parameter max_results. It must be at most 200000, but got value \(maxResults)"
                )
            }
            let page = try await store.searchVersions(
                filter: try FilterParser.parse(try fields.string("filter") ?? ""),
                orderBy: try fields.strings("order_by").map(FilterParser.parseOrderKey),
                maxResults: maxResults, pageToken: try fields.string("page_token")
            )
            return MLflowJSON.page(page, key: "model_versions", MLflowJSON.modelVersion)
        }
        api.get("/model-versions/get-download-uri") { fields, _, _ in
            let uri = try await registry.downloadURI(name: try fields.requiredString("name"), version: try Self.version(fields))
            return .object([("artifact_uri", .string(uri))])
        }
        api.post("/model-versions/set-tag") { fields, _, _ in
            try await store.setVersionTag(
                name: try fields.requiredString("name"), version: try Self.version(fields),
                tag: KeyValue(key: try fields.requiredString("key"), value: try fields.string("value") ?? "")
            )
            return .object([])
        }
        api.delete("/model-versions/delete-tag") { fields, _, _ in
            try await store.deleteVersionTag(
                name: try fields.requiredString("name"), version: try Self.version(fields), key: try fields.requiredString("key")
            )
            return .object([])
        }
    }

    /// The `version` field: a string of digits in the protocol (numbers accepted too).
    static func version(_ fields: RequestFields) throws -> Int64 {
        let text = try fields.requiredIdentifier("version")
        guard let version = Int64(text) else {
            throw MLflowError.invalidParameter("Parameter 'version' must be an integer, got '\(text)'.")
        }
        return version
    }
}
