import Foundation
import Synchronization
import Testing
@testable import CapstanStorage

/// Monitors, evaluations and alert state on every engine: a due monitor is claimed by one
/// caller only, points come back as the series alerts read, and a window of the log streams
/// the right predictions with their feedback.
@Suite struct MonitorStoreTests {
    @Test(arguments: TestEngine.available)
    func aDueMonitorIsClaimedOnce(engine: TestEngine) async throws {
        try await engine.with { db in
            let deployments = DeploymentStore(database: db), store = MonitorStore(database: db)
            let churn = unique("churn")
            _ = try await deployments.addRevision(deployment: churn, spec: "{}", resolved: "{}", state: .pending, message: nil)
            let name = unique("drift")
            let saved = try await store.save(name: name, deployment: churn, kind: "drift", spec: "{}", intervalMilliseconds: 60_000)
            let now = saved.nextRunTime
            // Two replicas asking at once: exactly one of them gets it.
            async let first = store.claimDue(now: now)
            async let second = store.claimDue(now: now)
            let claims = try await (first + second).filter { $0.name == name }
            #expect(claims.count == 1)
            // Not due again until its interval has passed.
            #expect(try await store.claimDue(now: now + 59_999).contains { $0.name == name } == false)
            #expect(try await store.claimDue(now: now + 60_000).contains { $0.name == name })
            await #expect(throws: StoreError.self) {
                _ = try await store.save(name: unique("x"), deployment: unique("missing"), kind: "drift", spec: "{}", intervalMilliseconds: 1000)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func evaluationsKeepTheirPointsAsSeries(engine: TestEngine) async throws {
        try await engine.with { db in
            let deployments = DeploymentStore(database: db), store = MonitorStore(database: db)
            let churn = unique("churn")
            _ = try await deployments.addRevision(deployment: churn, spec: "{}", resolved: "{}", state: .pending, message: nil)
            let name = unique("drift")
            _ = try await store.save(name: name, deployment: churn, kind: "drift", spec: "{}", intervalMilliseconds: 1000)
            for (time, share) in [(Int64(1000), 0.0), (2000, 0.5)] {
                try await store.addEvaluation(MonitorEvaluationRecord(
                    monitor: name, time: time, windowStart: time - 500, windowEnd: time, rowCount: 10, status: .ok, message: nil,
                    result: "{}", points: [MonitorPoint(metric: "drift_share", time: time, value: share),
                                           MonitorPoint(metric: "drift_score", series: "age", time: time, value: share / 2),
                                           MonitorPoint(metric: "drift_score", series: "plan", time: time, value: 0.01)]))
            }
            #expect(try await store.evaluations(monitor: name).map(\.time) == [2000, 1000])
            #expect(try await store.points(monitor: name, metric: "drift_share").map(\.value) == [0, 0.5])
            #expect(try await store.points(monitor: name, metric: "drift_score", series: "age", since: 1500).map(\.value) == [0.25])
            let latest = try await store.latestPoints(metric: "drift_score").filter { $0.monitor == name }
            #expect(latest.map(\.point.series) == ["age", "plan"])
            #expect(latest.allSatisfy { $0.deployment == churn && $0.kind == "drift" && $0.point.time == 2000 })
            try await store.delete(name: name)
            await #expect(throws: StoreError.self) { _ = try await store.monitor(name: name) }
            #expect(try await store.latestPoints(metric: "drift_score").contains { $0.monitor == name } == false)
        }
    }

    @Test(arguments: TestEngine.available)
    func alertStateAndHistorySurviveTogether(engine: TestEngine) async throws {
        try await engine.with { db in
            let store = AlertStore(database: db)
            let rule = unique("drift_alert")
            _ = try await store.save(name: rule, spec: #"{"name": "a"}"#)
            let event = AlertEventRecord(rule: rule, fingerprint: "00ff", labels: "{}", kind: "firing", value: 0.7, message: nil, time: 10)
            try await store.saveState(rule: rule, state: #"{"alerts": []}"#, events: [event])
            // Replacing the spec keeps the state (an alert already firing is not notified twice).
            let replaced = try await store.save(name: rule, spec: #"{"name": "b"}"#)
            #expect(replaced.state == #"{"alerts": []}"#)
            #expect(replaced.spec == #"{"name": "b"}"#)
            #expect(try await store.events(rule: rule) == [event])
            try await store.delete(name: rule)
            #expect(try await store.events(rule: rule).isEmpty)
        }
    }

    @Test(arguments: TestEngine.available)
    func aWindowStreamsItsPredictions(engine: TestEngine) async throws {
        try await engine.with { db in
            let log = PredictionLogStore(database: db)
            let churn = unique("churn")
            func record(_ id: String, variant: String = "stable", shadow: Bool = false, status: PredictionRecord.Status = .ok, time: Int64) -> PredictionRecord {
                PredictionRecord(requestId: "\(churn)/\(id)", variant: variant, deployment: churn, revision: 1, modelName: "m", modelVersion: 2,
                                 isShadow: shadow, status: status, error: nil, rowCount: 1, inputs: [1, 2, 3], outputs: [4],
                                 predictedLabel: "1", latencyMilliseconds: Double(time), time: time)
            }
            try await log.insert([record("a", time: 10), record("b", time: 20), record("c", time: 30), record("d", status: .error, time: 35),
                                  record("e", status: .invalidInput, time: 36), record("s", variant: "next", shadow: true, time: 25),
                                  record("late", time: 100)])
            try await log.addFeedback([FeedbackRecord(deployment: churn, requestId: "\(churn)/b", label: "0", reward: nil, time: 50)])
            /// A row's fields, copied out while the row is there (its frames are borrowed).
            struct Row {
                var time: Int64, feedbackLabel: String?, inputs: [UInt8], outputs: [UInt8]?, predictedLabel: String?
            }
            func read(_ query: PredictionWindowQuery) async throws -> [Row] {
                let rows = Mutex<[Row]>([])
                try await log.forEachPrediction(in: query) { row in
                    let copy = Row(time: row.time, feedbackLabel: row.feedbackLabel, inputs: Array(row.inputs),
                                   outputs: row.outputs.map { Array($0) }, predictedLabel: row.predictedLabel)
                    rows.withLock { $0.append(copy) }
                }
                return rows.withLock { $0 }
            }
            let window = try await read(PredictionWindowQuery(deployment: churn, since: 0, until: 100, withFeedback: true))
            #expect(window.map(\.time) == [10, 20, 30])
            #expect(window.map(\.feedbackLabel) == [nil, "0", nil])
            #expect(window[0].inputs == [1, 2, 3] && window[0].outputs == [4])
            // The newest two, newest first (no sort of a million rows); failures count for
            // operational checks; without frames, inputs come back empty.
            #expect(try await read(PredictionWindowQuery(deployment: churn, since: 0, until: 100, latest: 2)).map(\.time) == [30, 20])
            let bare = try await read(PredictionWindowQuery(deployment: churn, since: 0, until: 100, withInputs: false, withOutputs: false))
            let inputsOnly = try await read(PredictionWindowQuery(deployment: churn, since: 0, until: 100, withOutputs: false))
            #expect(inputsOnly.allSatisfy { $0.inputs == [1, 2, 3] && $0.outputs == nil && $0.predictedLabel == nil })
            #expect(bare.map(\.time) == [10, 20, 30] && bare.allSatisfy { $0.inputs.isEmpty && $0.outputs == nil })
            #expect(try await read(PredictionWindowQuery(deployment: churn, since: 0, until: 100, successfulOnly: false)).map(\.time) == [10, 20, 30, 35])
            #expect(try await read(PredictionWindowQuery(deployment: churn, variant: "next", since: 0, until: 1000)).map(\.time) == [25])
        }
    }

    @Test(arguments: TestEngine.available)
    func aWindowsHalvesHoldExactlyItsPredictions(engine: TestEngine) async throws {
        try await engine.with { db in
            let log = PredictionLogStore(database: db)
            let churn = unique("churn")
            // Several predictions share a millisecond, as they do under load.
            let times: [Int64] = [10, 20, 20, 20, 30, 30, 30, 40, 50, 50, 60]
            try await log.insert(times.enumerated().map { index, time in
                PredictionRecord(requestId: "\(churn)/\(index)", variant: "stable", deployment: churn, revision: 1, modelName: "m",
                                 modelVersion: 1, isShadow: false, status: .ok, error: nil, rowCount: 1, inputs: [1], outputs: nil,
                                 predictedLabel: nil, latencyMilliseconds: Double(index), time: time)
            })
            func read(_ query: PredictionWindowQuery) async throws -> [Int64] {
                let rows = Mutex<[Int64]>([])
                try await log.forEachPrediction(in: query) { row in rows.withLock { $0.append(row.time) } }
                return rows.withLock { $0 }.sorted()
            }
            for latest in [nil, 3, 4, 5, 6, 100] as [Int?] {
                let window = PredictionWindowQuery(deployment: churn, since: 0, until: 1000, latest: latest)
                let halves = try await log.halves(of: window, minimumRows: 1)
                // Asking for more than the log holds reads the whole range in one part.
                #expect(halves.count == (latest == 100 ? 1 : 2))
                var union: [Int64] = []
                for half in halves { union += try await read(half) }
                #expect(union.sorted() == (try await read(window)), "latest \(String(describing: latest))")
            }
            // A small window is read whole.
            #expect(try await log.halves(of: PredictionWindowQuery(deployment: churn, since: 0, until: 1000)).count == 1)
        }
    }
}
