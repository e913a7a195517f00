import Testing
@testable import CapstanStorage

@Suite("RunStore conformance")
struct RunStoreTests {
    struct Fixture {
        let experiments: ExperimentStore
        let runs: RunStore
        let experimentId: String

        init(_ db: Database) async throws {
            experiments = ExperimentStore(database: db)
            runs = RunStore(database: db)
            try await experiments.ensureDefaultExperiment(artifactLocation: "mlflow-artifacts:/0")
            experimentId = try await experiments.create(name: unique("runs"), tags: []) { "mlflow-artifacts:/\($0)" }
        }

        func run(_ name: String = unique("run"), start: Int64 = 1000, experimentId: String? = nil) async throws -> Run {
            let id = unique("r").replacingOccurrences(of: "-", with: "") + name.count.description
            return try await runs.create(RunStore.NewRun(
                runId: id, experimentId: experimentId ?? self.experimentId, userId: "me", runName: name, startTime: start,
                tags: [KeyValue(key: RunTagKeys.runName, value: name)], artifactUri: { "\($0)/\(id)/artifacts" }
            ))
        }
    }

    @Test(arguments: TestEngine.available)
    func createdRunStartsRunningUnderTheExperimentLocation(engine: TestEngine) async throws {
        try await engine.with { db in
            let f = try await Fixture(db)
            let run = try await f.run("first")
            #expect(run.info.status == .running)
            #expect(run.info.lifecycleStage == .active)
            #expect(run.info.endTime == nil)
            #expect(run.info.artifactUri == "mlflow-artifacts:/\(f.experimentId)/\(run.info.runId)/artifacts")
            #expect(run.tags == [KeyValue(key: RunTagKeys.runName, value: "first")])
            #expect(try await f.runs.get(runId: run.info.runId) == run)
        }
    }

    @Test(arguments: TestEngine.available)
    func runsCannotBeCreatedInDeletedOrUnknownExperiments(engine: TestEngine) async throws {
        try await engine.with { db in
            let f = try await Fixture(db)
            await #expect(throws: StoreError.notFound("No Experiment with id=424242424 exists")) { _ = try await f.run(experimentId: "424242424") }
            try await f.experiments.delete(id: f.experimentId)
            await #expect(throws: StoreError.invalidParameter(
                "The experiment \(f.experimentId) must be in the 'active' state. Current state is deleted."
            )) { _ = try await f.run() }
        }
    }

    @Test(arguments: TestEngine.available)
    func latestMetricIsTheGreatestByStepThenTimestampThenValue(engine: TestEngine) async throws {
        try await engine.with { db in
            let f = try await Fixture(db)
            let id = try await f.run().info.runId
            try await f.runs.logBatch(runId: id, metrics: [
                Metric(key: "loss", value: 5, timestamp: 100, step: 2),
                Metric(key: "loss", value: 9, timestamp: 999, step: 1),  // later time, earlier step: not latest
            ], params: [], tags: [])
            try await f.runs.logBatch(runId: id, metrics: [Metric(key: "loss", value: 4, timestamp: 100, step: 2)], params: [], tags: [])
            #expect(try await f.runs.get(runId: id).metrics.map(\.value) == [5])
            try await f.runs.logBatch(runId: id, metrics: [Metric(key: "loss", value: 1, timestamp: 101, step: 2)], params: [], tags: [])
            #expect(try await f.runs.get(runId: id).metrics.map(\.value) == [1])
        }
    }

    @Test(arguments: TestEngine.available)
    func nonFiniteMetricValuesRoundTrip(engine: TestEngine) async throws {
        try await engine.with { db in
            let f = try await Fixture(db)
            let id = try await f.run().info.runId
            try await f.runs.logBatch(runId: id, metrics: [
                Metric(key: "nan", value: .nan, timestamp: 1, step: 0),
                Metric(key: "pinf", value: .infinity, timestamp: 1, step: 0),
                Metric(key: "ninf", value: -.infinity, timestamp: 1, step: 0),
            ], params: [], tags: [])
            let metrics = Dictionary(uniqueKeysWithValues: try await f.runs.get(runId: id).metrics.map { ($0.key, $0.value) })
            #expect(metrics["nan"]!.isNaN)
            #expect(metrics["pinf"] == .infinity)
            #expect(metrics["ninf"] == -.infinity)
            let history = try await f.runs.metricHistory(runId: id, key: "nan", maxResults: nil, pageToken: nil)
            #expect(history.items.count == 1 && history.items[0].value.isNaN)
        }
    }

    @Test(arguments: TestEngine.available)
    func paramsAreImmutable(engine: TestEngine) async throws {
        try await engine.with { db in
            let f = try await Fixture(db)
            let id = try await f.run().info.runId
            try await f.runs.logBatch(runId: id, metrics: [], params: [KeyValue(key: "lr", value: "0.1")], tags: [])
            try await f.runs.logBatch(runId: id, metrics: [], params: [KeyValue(key: "lr", value: "0.1")], tags: [])
            await #expect(throws: StoreError.invalidParameter(
                "Changing param values is not allowed. Param with key='lr' was already logged with value='0.1' for run ID='\(id)'. Attempted logging new value '0.2'."
            )) {
                try await f.runs.logBatch(runId: id, metrics: [], params: [KeyValue(key: "lr", value: "0.2")], tags: [])
            }
            // A failing batch writes nothing.
            await #expect(throws: StoreError.self) {
                try await f.runs.logBatch(
                    runId: id, metrics: [Metric(key: "m", value: 1, timestamp: 1, step: 0)],
                    params: [KeyValue(key: "new", value: "x"), KeyValue(key: "lr", value: "0.3")], tags: []
                )
            }
            let run = try await f.runs.get(runId: id)
            #expect(run.params == [KeyValue(key: "lr", value: "0.1")])
            #expect(run.metrics.isEmpty)
        }
    }

    @Test(arguments: TestEngine.available)
    func runNameTagRenamesTheRunAndLastTagWins(engine: TestEngine) async throws {
        try await engine.with { db in
            let f = try await Fixture(db)
            let id = try await f.run("old").info.runId
            try await f.runs.setTags(runId: id, tags: [
                KeyValue(key: "t", value: "1"), KeyValue(key: "t", value: "2"), KeyValue(key: RunTagKeys.runName, value: "new"),
            ])
            let run = try await f.runs.get(runId: id)
            #expect(run.info.runName == "new")
            #expect(run.tags.first { $0.key == "t" }?.value == "2")
            let renamed = try await f.runs.update(runId: id, status: .finished, endTime: 2000, runName: "newer")
            #expect(renamed.runName == "newer" && renamed.status == .finished && renamed.endTime == 2000)
            #expect(try await f.runs.get(runId: id).tags.first { $0.key == RunTagKeys.runName }?.value == "newer")
            try await f.runs.deleteTag(runId: id, key: "t")
            await #expect(throws: StoreError.notFound("No tag with name: t in run with id \(id)")) {
                try await f.runs.deleteTag(runId: id, key: "t")
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func deletedRunsRefuseWritesButCanBeRestored(engine: TestEngine) async throws {
        try await engine.with { db in
            let f = try await Fixture(db)
            let id = try await f.run().info.runId
            try await f.runs.delete(runId: id)
            #expect(try await f.runs.get(runId: id).info.lifecycleStage == .deleted)
            await #expect(throws: StoreError.invalidParameter("The run \(id) must be in the 'active' state. Current state is deleted.")) {
                try await f.runs.setTags(runId: id, tags: [KeyValue(key: "a", value: "b")])
            }
            try await f.runs.restore(runId: id)
            try await f.runs.setTags(runId: id, tags: [KeyValue(key: "a", value: "b")])
            await #expect(throws: StoreError.notFound("Run with id=nope not found")) { _ = try await f.runs.get(runId: "nope") }
        }
    }

    @Test(arguments: TestEngine.available)
    func metricHistoryIsOrderedAndPaged(engine: TestEngine) async throws {
        try await engine.with { db in
            let f = try await Fixture(db)
            let id = try await f.run().info.runId
            let metrics = (0..<25).reversed().map { Metric(key: "m", value: Double($0), timestamp: Int64(1000 + $0), step: Int64($0)) }
            try await f.runs.logBatch(runId: id, metrics: metrics, params: [], tags: [])
            var values: [Double] = []
            var token: String?
            var pages = 0
            repeat {
                let page = try await f.runs.metricHistory(runId: id, key: "m", maxResults: 10, pageToken: token)
                values += page.items.map(\.value)
                token = page.nextPageToken
                pages += 1
            } while token != nil
            #expect(values == (0..<25).map(Double.init))
            #expect(pages == 3)
            #expect(try await f.runs.metricHistory(runId: id, key: "other", maxResults: nil, pageToken: nil).items.isEmpty)
        }
    }

    @Test(arguments: TestEngine.available)
    func searchFiltersOnLatestMetricsParamsTagsAndAttributes(engine: TestEngine) async throws {
        try await engine.with { db in
            let f = try await Fixture(db)
            var ids: [String] = []
            for index in 0..<6 {
                let id = try await f.run("run-\(index)", start: Int64(1000 + index)).info.runId
                ids.append(id)
                var metrics = [Metric(key: "acc", value: Double(index) / 10, timestamp: 1, step: 0)]
                if index == 5 { metrics = [] }  // no acc at all
                try await f.runs.logBatch(
                    runId: id, metrics: metrics,
                    params: [KeyValue(key: "model", value: index.isMultiple(of: 2) ? "tree" : "linear")],
                    tags: [KeyValue(key: "team", value: "Team-\(index % 3)")]
                )
            }
            func search(_ filter: String, _ order: [String] = [], view: ViewType = .activeOnly) async throws -> [String] {
                try await f.runs.search(
                    experimentIds: [f.experimentId], filter: try FilterParser.parse(filter),
                    orderBy: try order.map(FilterParser.parseOrderKey), viewType: view, maxResults: 100, pageToken: nil
                ).items.map(\.info.runId)
            }
            #expect(try await search("metrics.acc >= 0.3") == [ids[4], ids[3]])
            #expect(try await search("metrics.acc != 0.1").count == 4)  // the run without acc never matches
            #expect(try await search("params.model = 'tree' AND metrics.acc < 0.3") == [ids[2], ids[0]])
            #expect(try await search("tags.team LIKE 'Team-1'") == [ids[4], ids[1]])
            #expect(try await search("tags.team LIKE 'team-1'").isEmpty)
            #expect(try await search("tags.team ILIKE 'team-1'") == [ids[4], ids[1]])
            #expect(try await search("attributes.run_id IN ('\(ids[0])', '\(ids[1])')") == [ids[1], ids[0]])
            #expect(try await search("run_name = 'run-3'") == [ids[3]])
            #expect(try await search("attributes.start_time > 1003") == [ids[5], ids[4]])
            #expect(try await search("", ["metrics.acc DESC"]) == [ids[4], ids[3], ids[2], ids[1], ids[0], ids[5]])
            #expect(try await search("", ["metrics.acc ASC"]) == [ids[0], ids[1], ids[2], ids[3], ids[4], ids[5]])
            #expect(try await search("", ["params.model", "start_time ASC"]) == [ids[1], ids[3], ids[5], ids[0], ids[2], ids[4]])
            await #expect(throws: StoreError.self) { _ = try await search("params.model > 'a'") }
            await #expect(throws: StoreError.self) { _ = try await search("attributes.status IN ('FINISHED')") }
            await #expect(throws: StoreError.self) { _ = try await search("metrics.acc = 'high'") }
            try await f.runs.delete(runId: ids[0])
            #expect(try await search("params.model = 'tree'") == [ids[4], ids[2]])
            #expect(try await search("params.model = 'tree'", view: .deletedOnly) == [ids[0]])
        }
    }

    /// Ordering by a metric pages through numbers, then NaN, then runs without the metric.
    @Test(arguments: TestEngine.available)
    func metricOrderPagesAcrossNaNAndMissingValues(engine: TestEngine) async throws {
        try await engine.with { db in
            let f = try await Fixture(db)
            var ids: [String: String] = [:]
            for (name, value) in [("a", 3.0), ("b", 1.0), ("c", Double.nan), ("d", 2.0), ("e", nil), ("f", nil)] as [(String, Double?)] {
                let id = try await f.run(name, start: Int64(ids.count)).info.runId
                ids[name] = id
                if let value {
                    try await f.runs.logBatch(runId: id, metrics: [Metric(key: "score", value: value, timestamp: 1, step: 0)], params: [], tags: [])
                }
            }
            for (order, expected) in [("metrics.score DESC", ["a", "d", "b", "c", "f", "e"]), ("metrics.score ASC", ["b", "d", "a", "c", "f", "e"])] {
                for size in [1, 2, 4, 10] {
                    var names: [String] = []
                    var token: String?
                    repeat {
                        let page = try await f.runs.search(
                            experimentIds: [f.experimentId], filter: [], orderBy: [try FilterParser.parseOrderKey(order)],
                            viewType: .activeOnly, maxResults: size, pageToken: token
                        )
                        names += page.items.map { run in ids.first { $0.value == run.info.runId }!.key }
                        token = page.nextPageToken
                    } while token != nil
                    #expect(names == expected, "\(order), pages of \(size)")
                }
            }
        }
    }

    /// MLflow's test_search_pagination: equal start times page in run_id order.
    @Test(arguments: TestEngine.available)
    func searchPagesStablyWithEqualStartTimes(engine: TestEngine) async throws {
        try await engine.with { db in
            let f = try await Fixture(db)
            var ids: [String] = []
            for _ in 0..<10 { ids.append(try await f.run(start: 5).info.runId) }
            ids.sort()
            var pages: [[String]] = []
            var token: String?
            repeat {
                let page = try await f.runs.search(
                    experimentIds: [f.experimentId], filter: [], orderBy: [], viewType: .activeOnly, maxResults: 4, pageToken: token
                )
                pages.append(page.items.map(\.info.runId))
                token = page.nextPageToken
            } while token != nil
            #expect(pages == [Array(ids[0..<4]), Array(ids[4..<8]), Array(ids[8...])])
        }
    }

    /// Many writers at once never see "database is locked" and lose nothing.
    @Test(arguments: TestEngine.available)
    func concurrentWritersLoseNothing(engine: TestEngine) async throws {
        try await engine.with { db in
            let f = try await Fixture(db)
            let shared = try await f.run().info.runId
            let runs = f.runs
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<16 {
                    group.addTask {
                        for step in 0..<25 {
                            try await runs.logBatch(
                                runId: shared, metrics: [Metric(key: "w\(writer)", value: Double(step), timestamp: 1, step: Int64(step))],
                                params: step == 0 ? [KeyValue(key: "p\(writer)", value: "v")] : [], tags: [KeyValue(key: "last\(writer)", value: "\(step)")]
                            )
                        }
                    }
                }
                try await group.waitForAll()
            }
            let run = try await f.runs.get(runId: shared)
            #expect(run.metrics.count == 16)
            #expect(run.metrics.allSatisfy { $0.value == 24 })
            #expect(run.params.count == 16)
            for writer in 0..<16 {
                #expect(try await f.runs.metricHistory(runId: shared, key: "w\(writer)", maxResults: nil, pageToken: nil).items.count == 25)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func inputsAndOutputsAreRecorded(engine: TestEngine) async throws {
        try await engine.with { db in
            let f = try await Fixture(db)
            let id = try await f.run().info.runId
            let dataset = Dataset(name: "train", digest: "abc", sourceType: "local", source: "{}", schema: "{}", profile: nil)
            let input = DatasetInput(dataset: dataset, tags: [KeyValue(key: RunTagKeys.datasetContext, value: "training")])
            try await f.runs.logInputs(runId: id, datasets: [input, input], models: ["m-1"])
            try await f.runs.logOutputs(runId: id, models: [ModelOutput(modelId: "m-2", step: 3)])
            let run = try await f.runs.get(runId: id)
            #expect(run.datasetInputs == [input])
            #expect(run.modelInputs == ["m-1"])
            #expect(run.modelOutputs == [ModelOutput(modelId: "m-2", step: 3)])
            let found = try await f.runs.search(
                experimentIds: [f.experimentId], filter: try FilterParser.parse("datasets.context = 'training'"),
                orderBy: [], viewType: .activeOnly, maxResults: 10, pageToken: nil
            )
            #expect(found.items.map(\.info.runId) == [id])
        }
    }
}
