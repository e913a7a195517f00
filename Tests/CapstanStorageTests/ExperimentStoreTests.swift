import Testing
@testable import CapstanStorage

@Suite("ExperimentStore conformance")
struct ExperimentStoreTests {
    static func create(_ store: ExperimentStore, _ name: String, tags: [KeyValue] = []) async throws -> String {
        try await store.create(name: name, tags: tags) { "mlflow-artifacts:/\($0)" }
    }

    @Test(arguments: TestEngine.available)
    func defaultExperimentExistsAfterPreparation(engine: TestEngine) async throws {
        try await engine.with { db in
            let store = ExperimentStore(database: db)
            try await store.ensureDefaultExperiment(artifactLocation: "mlflow-artifacts:/0")
            try await store.ensureDefaultExperiment(artifactLocation: "mlflow-artifacts:/0")
            let experiment = try await store.get(id: "0")
            #expect(experiment.name == "Default")
            #expect(experiment.artifactLocation == "mlflow-artifacts:/0")
        }
    }

    @Test(arguments: TestEngine.available)
    func createsAndFindsByIdAndName(engine: TestEngine) async throws {
        try await engine.with { db in
            let store = ExperimentStore(database: db)
            try await store.ensureDefaultExperiment(artifactLocation: "mlflow-artifacts:/0")
            let name = unique("exp")
            let id = try await Self.create(store, name, tags: [KeyValue(key: "team", value: "ml")])
            let byId = try await store.get(id: id)
            #expect(byId.name == name)
            #expect(byId.artifactLocation == "mlflow-artifacts:/\(id)")
            #expect(byId.lifecycleStage == .active)
            #expect(byId.tags == [KeyValue(key: "team", value: "ml")])
            #expect(try await store.get(name: name).id == id)
        }
    }

    @Test(arguments: TestEngine.available)
    func duplicateNamesAreRefusedEvenWhenDeleted(engine: TestEngine) async throws {
        try await engine.with { db in
            let store = ExperimentStore(database: db)
            try await store.ensureDefaultExperiment(artifactLocation: "mlflow-artifacts:/0")
            let name = unique("dup")
            let id = try await Self.create(store, name)
            try await store.delete(id: id)
            await #expect(throws: StoreError.alreadyExists("Experiment(name=\(name)) already exists.")) {
                _ = try await Self.create(store, name)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func unknownExperimentIsNotFound(engine: TestEngine) async throws {
        try await engine.with { db in
            let store = ExperimentStore(database: db)
            await #expect(throws: StoreError.notFound("No Experiment with id=987654321 exists")) { _ = try await store.get(id: "987654321") }
            await #expect(throws: StoreError.notFound("No Experiment with id=abc exists")) { _ = try await store.get(id: "abc") }
            await #expect(throws: StoreError.self) { _ = try await store.get(name: unique("missing")) }
        }
    }

    @Test(arguments: TestEngine.available)
    func renameRefusesDeletedExperimentsAndTakenNames(engine: TestEngine) async throws {
        try await engine.with { db in
            let store = ExperimentStore(database: db)
            try await store.ensureDefaultExperiment(artifactLocation: "mlflow-artifacts:/0")
            let (a, b) = (unique("a"), unique("b"))
            let idA = try await Self.create(store, a)
            _ = try await Self.create(store, b)
            await #expect(throws: StoreError.self) { try await store.rename(id: idA, to: b) }
            let renamed = unique("renamed")
            try await store.rename(id: idA, to: renamed)
            #expect(try await store.get(id: idA).name == renamed)
            try await store.delete(id: idA)
            await #expect(throws: StoreError.invalidState("Cannot rename a non-active experiment.")) {
                try await store.rename(id: idA, to: unique("again"))
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func searchFiltersOrdersAndPages(engine: TestEngine) async throws {
        try await engine.with { db in
            let store = ExperimentStore(database: db)
            try await store.ensureDefaultExperiment(artifactLocation: "mlflow-artifacts:/0")
            let prefix = unique("search")
            var ids: [String] = []
            for index in 0..<5 {
                ids.append(try await Self.create(store, "\(prefix)-\(index)", tags: [KeyValue(key: "k", value: index.isMultiple(of: 2) ? "Even" : "odd")]))
            }
            let like = try FilterParser.parse("name LIKE '\(prefix)%'")
            let byName = [try FilterParser.parseOrderKey("name DESC")]
            let first = try await store.search(filter: like, orderBy: byName, viewType: .activeOnly, maxResults: 2, pageToken: nil)
            #expect(first.items.map(\.name) == ["\(prefix)-4", "\(prefix)-3"])
            let second = try await store.search(filter: like, orderBy: byName, viewType: .activeOnly, maxResults: 2, pageToken: first.nextPageToken)
            #expect(second.items.map(\.name) == ["\(prefix)-2", "\(prefix)-1"])
            let third = try await store.search(filter: like, orderBy: byName, viewType: .activeOnly, maxResults: 2, pageToken: second.nextPageToken)
            #expect(third.items.map(\.name) == ["\(prefix)-0"])
            #expect(third.nextPageToken == nil)

            let evens = try await store.search(
                filter: like + (try FilterParser.parse("tags.k ILIKE 'even'")), orderBy: [], viewType: .activeOnly, maxResults: 10, pageToken: nil
            )
            #expect(Set(evens.items.map(\.id)) == Set([ids[0], ids[2], ids[4]]))

            try await store.delete(id: ids[1])
            let active = try await store.search(filter: like, orderBy: [], viewType: .activeOnly, maxResults: 10, pageToken: nil)
            #expect(!active.items.map(\.id).contains(ids[1]))
            let deleted = try await store.search(filter: like, orderBy: [], viewType: .deletedOnly, maxResults: 10, pageToken: nil)
            #expect(deleted.items.map(\.id) == [ids[1]])
            let all = try await store.search(filter: like, orderBy: [], viewType: .all, maxResults: 10, pageToken: nil)
            #expect(all.items.count == 5)
        }
    }

    @Test(arguments: TestEngine.available)
    func searchRejectsUnknownKeys(engine: TestEngine) async throws {
        try await engine.with { db in
            let store = ExperimentStore(database: db)
            await #expect(throws: StoreError.self) {
                _ = try await store.search(filter: try FilterParser.parse("metrics.x > 1"), orderBy: [], viewType: .all, maxResults: 1, pageToken: nil)
            }
            await #expect(throws: StoreError.self) {
                _ = try await store.search(filter: [], orderBy: [try FilterParser.parseOrderKey("colour")], viewType: .all, maxResults: 1, pageToken: nil)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func tagsAreUpsertedAndDeleted(engine: TestEngine) async throws {
        try await engine.with { db in
            let store = ExperimentStore(database: db)
            try await store.ensureDefaultExperiment(artifactLocation: "mlflow-artifacts:/0")
            let id = try await Self.create(store, unique("tags"))
            try await store.setTag(experimentId: id, tag: KeyValue(key: "a", value: "1"))
            try await store.setTag(experimentId: id, tag: KeyValue(key: "a", value: "2"))
            #expect(try await store.get(id: id).tags == [KeyValue(key: "a", value: "2")])
            try await store.deleteTag(experimentId: id, key: "a")
            #expect(try await store.get(id: id).tags.isEmpty)
            await #expect(throws: StoreError.self) { try await store.deleteTag(experimentId: id, key: "a") }
        }
    }
}
