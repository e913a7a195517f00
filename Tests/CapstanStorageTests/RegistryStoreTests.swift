import Testing
@testable import CapstanStorage

@Suite("RegistryStore conformance")
struct RegistryStoreTests {
    static func version(_ store: RegistryStore, _ name: String, source: String = "mlflow-artifacts:/1/x/artifacts/model") async throws -> ModelVersion {
        try await store.createVersion(RegistryStore.NewVersion(
            name: name, source: source, runId: nil, runLink: nil, description: nil, userId: nil,
            tags: [], modelId: nil, storageLocation: nil
        ))
    }

    @Test(arguments: TestEngine.available)
    func modelsAreCreatedOnceAndFound(engine: TestEngine) async throws {
        try await engine.with { db in
            let store = RegistryStore(database: db)
            let name = unique("model")
            let model = try await store.createModel(name: name, description: "churn", tags: [KeyValue(key: "team", value: "ml")])
            #expect(model.name == name && model.description == "churn" && model.tags == [KeyValue(key: "team", value: "ml")])
            await #expect(throws: StoreError.alreadyExists("Registered Model (name=\(name)) already exists.")) {
                _ = try await store.createModel(name: name, description: nil, tags: [])
            }
            await #expect(throws: StoreError.notFound("Registered Model with name=\(name)x not found")) {
                _ = try await store.model(name: name + "x")
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func versionsAreNumberedAndNumbersAreNeverReused(engine: TestEngine) async throws {
        try await engine.with { db in
            let store = RegistryStore(database: db)
            let name = unique("model")
            _ = try await store.createModel(name: name, description: nil, tags: [])
            #expect(try await Self.version(store, name).version == 1)
            #expect(try await Self.version(store, name).version == 2)
            try await store.deleteVersion(name: name, version: 2)
            await #expect(throws: StoreError.notFound("Model Version (name=\(name), version=2) not found")) {
                _ = try await store.version(name: name, version: 2)
            }
            #expect(try await Self.version(store, name).version == 3)
            await #expect(throws: StoreError.self) { _ = try await Self.version(store, unique("absent")) }
        }
    }

    @Test(arguments: TestEngine.available)
    func aliasesPointAtVersionsAndFollowDeletion(engine: TestEngine) async throws {
        try await engine.with { db in
            let store = RegistryStore(database: db)
            let name = unique("model")
            _ = try await store.createModel(name: name, description: nil, tags: [])
            _ = try await Self.version(store, name)
            _ = try await Self.version(store, name)
            try await store.setAlias(name: name, alias: "champion", version: 1)
            try await store.setAlias(name: name, alias: "champion", version: 2)
            #expect(try await store.version(name: name, alias: "champion").version == 2)
            #expect(try await store.version(name: name, version: 2).aliases == ["champion"])
            #expect(try await store.model(name: name).aliases == [ModelAlias(alias: "champion", version: 2)])
            await #expect(throws: StoreError.self) { try await store.setAlias(name: name, alias: "x", version: 9) }
            try await store.deleteVersion(name: name, version: 2)
            await #expect(throws: StoreError.invalidParameter("Registered model alias champion not found.")) {
                _ = try await store.version(name: name, alias: "champion")
            }
            try await store.deleteAlias(name: name, alias: "never-set")
        }
    }

    @Test(arguments: TestEngine.available)
    func stageTransitionsCanArchiveTheIncumbent(engine: TestEngine) async throws {
        try await engine.with { db in
            let store = RegistryStore(database: db)
            let name = unique("model")
            _ = try await store.createModel(name: name, description: nil, tags: [])
            for _ in 0..<3 { _ = try await Self.version(store, name) }
            _ = try await store.transitionStage(name: name, version: 1, stage: "Production", archiveExisting: false)
            _ = try await store.transitionStage(name: name, version: 2, stage: "Production", archiveExisting: true)
            #expect(try await store.version(name: name, version: 1).currentStage == "Archived")
            let latest = try await store.latestVersions(name: name, stages: ["Production", "None", "Staging"])
            #expect(latest.map(\.version) == [2, 3])
        }
    }

    @Test(arguments: TestEngine.available)
    func renameCarriesVersionsTagsAndAliases(engine: TestEngine) async throws {
        try await engine.with { db in
            let store = RegistryStore(database: db)
            let (old, new) = (unique("old"), unique("new"))
            _ = try await store.createModel(name: old, description: nil, tags: [KeyValue(key: "k", value: "v")])
            _ = try await Self.version(store, old)
            try await store.setAlias(name: old, alias: "prod", version: 1)
            try await store.setVersionTag(name: old, version: 1, tag: KeyValue(key: "validated", value: "yes"))
            let renamed = try await store.renameModel(name: old, to: new)
            #expect(renamed.tags == [KeyValue(key: "k", value: "v")])
            let version = try await store.version(name: new, alias: "prod")
            #expect(version.name == new && version.tags == [KeyValue(key: "validated", value: "yes")])
            await #expect(throws: StoreError.self) { _ = try await store.model(name: old) }
        }
    }

    @Test(arguments: TestEngine.available)
    func searchTreatsMissingPromptTagAsNotAPrompt(engine: TestEngine) async throws {
        try await engine.with { db in
            let store = RegistryStore(database: db)
            let prefix = unique("search")
            _ = try await store.createModel(name: "\(prefix)-a", description: nil, tags: [])
            _ = try await store.createModel(name: "\(prefix)-b", description: nil, tags: [KeyValue(key: "mlflow.prompt.is_prompt", value: "true")])
            _ = try await store.createModel(name: "\(prefix)-c", description: nil, tags: [KeyValue(key: "stage", value: "x")])
            let filter = try FilterParser.parse("name LIKE '\(prefix)%' AND tags.`mlflow.prompt.is_prompt` != 'true'")
            let page = try await store.searchModels(filter: filter, orderBy: [try FilterParser.parseOrderKey("name DESC")], maxResults: 1, pageToken: nil)
            #expect(page.items.map(\.name) == ["\(prefix)-c"])
            let next = try await store.searchModels(filter: filter, orderBy: [try FilterParser.parseOrderKey("name DESC")], maxResults: 1, pageToken: page.nextPageToken)
            #expect(next.items.map(\.name) == ["\(prefix)-a"])
            #expect(try await store.searchModels(filter: try FilterParser.parse("tags.stage = 'x' AND name LIKE '\(prefix)%'"), orderBy: [], maxResults: 10, pageToken: nil).items.map(\.name) == ["\(prefix)-c"])
            await #expect(throws: StoreError.self) {
                _ = try await store.searchModels(filter: try FilterParser.parse("metrics.a > 1"), orderBy: [], maxResults: 10, pageToken: nil)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func versionSearchFiltersByNameRunAndTags(engine: TestEngine) async throws {
        try await engine.with { db in
            let store = RegistryStore(database: db)
            let name = unique("model")
            _ = try await store.createModel(name: name, description: nil, tags: [])
            for index in 0..<3 {
                _ = try await store.createVersion(RegistryStore.NewVersion(
                    name: name, source: "s\(index)", runId: "run\(index)", runLink: nil, description: nil, userId: nil,
                    tags: [KeyValue(key: "even", value: index.isMultiple(of: 2) ? "yes" : "no")], modelId: nil, storageLocation: nil
                ))
            }
            func search(_ filter: String, _ order: [String] = ["version_number ASC"]) async throws -> [Int64] {
                try await store.searchVersions(
                    filter: try FilterParser.parse(filter), orderBy: try order.map(FilterParser.parseOrderKey), maxResults: 100, pageToken: nil
                ).items.map(\.version)
            }
            #expect(try await search("name = '\(name)'") == [1, 2, 3])
            #expect(try await search("name = '\(name)' AND tags.even = 'yes'") == [1, 3])
            #expect(try await search("run_id IN ('run1', 'run2') AND name = '\(name)'") == [2, 3])
            #expect(try await search("name = '\(name)' AND version_number > 1", ["version_number DESC"]) == [3, 2])
        }
    }
}
