import Testing
@testable import CapstanStorage

@Suite("LoggedModelStore conformance")
struct LoggedModelStoreTests {
    @Test(arguments: TestEngine.available)
    func modelsMoveFromPendingToReadyAndCarryTheirMetrics(engine: TestEngine) async throws {
        try await engine.with { db in
            let experiments = ExperimentStore(database: db)
            try await experiments.ensureDefaultExperiment(artifactLocation: "mlflow-artifacts:/0")
            let experimentId = try await experiments.create(name: unique("lm"), tags: []) { "mlflow-artifacts:/\($0)" }
            let runs = RunStore(database: db)
            let runId = unique("run").replacingOccurrences(of: "-", with: "")
            _ = try await runs.create(RunStore.NewRun(
                runId: runId, experimentId: experimentId, userId: "", runName: "r", startTime: 1, tags: [], artifactUri: { "\($0)/\(runId)/artifacts" }
            ))
            let store = LoggedModelStore(database: db)
            let modelId = "m-" + unique("x").replacingOccurrences(of: "-", with: "")
            let created = try await store.create(LoggedModelStore.NewModel(
                modelId: modelId, experimentId: experimentId, name: "model", modelType: nil, sourceRunId: runId,
                params: [KeyValue(key: "alpha", value: "1")], tags: [KeyValue(key: "mlflow.user", value: "me")],
                artifactUri: { "\($0)/models/\(modelId)/artifacts" }
            ))
            #expect(created.status == .pending)
            #expect(created.artifactUri == "mlflow-artifacts:/\(experimentId)/models/\(modelId)/artifacts")
            try await runs.logBatch(runId: runId, metrics: [Metric(key: "acc", value: 0.9, timestamp: 5, step: 0, modelId: modelId)], params: [], tags: [])
            let ready = try await store.finalize(modelId: modelId, status: .ready)
            #expect(ready.status == .ready)
            #expect(ready.metrics.map(\.key) == ["acc"] && ready.metrics[0].runId == runId)
            try await store.setTags(modelId: modelId, tags: [KeyValue(key: "mlflow.modelVersions", value: "[]")])
            try await store.logParams(modelId: modelId, params: [KeyValue(key: "beta", value: "2")])
            let found = try await store.search(
                experimentIds: [experimentId], filter: try FilterParser.parse("name = 'model'"), orderBy: [], maxResults: 10, pageToken: nil
            )
            #expect(found.items.map(\.modelId) == [modelId])
            #expect(found.items[0].params.map(\.key) == ["alpha", "beta"])
            #expect(found.items[0].tags.count == 2)
            try await store.deleteTag(modelId: modelId, key: "mlflow.modelVersions")
            try await store.delete(modelId: modelId)
            await #expect(throws: StoreError.notFound("Logged model with ID '\(modelId)' not found.")) { _ = try await store.get(modelId: modelId) }
            #expect(try await store.search(experimentIds: [experimentId], filter: [], orderBy: [], maxResults: 10, pageToken: nil).items.isEmpty)
        }
    }
}
