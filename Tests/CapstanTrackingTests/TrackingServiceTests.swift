import CapstanStorage
import Foundation
import Logging
import Testing
@testable import CapstanTracking

@Suite("Tracking rules")
struct TrackingServiceTests {
    static func service() async throws -> (TrackingService, Database) {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-tracking-\(UUID().uuidString)/capstan.db").path
        let database = try await Database.open(.sqlite(path: path), logger: logger)
        let service = TrackingService(database: database, artifactRoot: "mlflow-artifacts:/")
        try await service.prepare()
        return (service, database)
    }

    @Test func runNamesComeFromArgumentTagOrGenerator() async throws {
        let (tracking, db) = try await Self.service()
        defer { Task { await db.close() } }
        let given = try await tracking.createRun(experimentId: "0", userId: "u", runName: "given", startTime: 1, tags: [])
        #expect(given.info.runName == "given")
        #expect(given.tags.contains(KeyValue(key: RunTagKeys.runName, value: "given")))
        let fromTag = try await tracking.createRun(experimentId: "0", userId: "u", runName: nil, startTime: 1, tags: [KeyValue(key: RunTagKeys.runName, value: "tagged")])
        #expect(fromTag.info.runName == "tagged")
        let generated = try await tracking.createRun(experimentId: "0", userId: "u", runName: nil, startTime: 1, tags: [])
        #expect(generated.info.runName.split(separator: "-").count == 3)
        #expect(generated.info.runId.count == 32 && generated.info.runId.allSatisfy(\.isHexDigit))
        #expect(generated.info.artifactUri == "mlflow-artifacts:/0/\(generated.info.runId)/artifacts")
        await #expect(throws: TrackingError.self) {
            _ = try await tracking.createRun(experimentId: "0", userId: "u", runName: "a", startTime: 1, tags: [KeyValue(key: RunTagKeys.runName, value: "b")])
        }
    }

    /// About 1% of predicate-noun-number draws exceed MLflow's 20 characters, so 5,000 draws
    /// would all but surely include some if the generator did not redraw them.
    @Test func generatedRunNamesKeepMLflowsShapeAndLength() {
        for _ in 0..<5_000 {
            let name = RunNameGenerator.make()
            #expect(name.utf8.count <= 20, "\(name)")
            #expect(name.split(separator: "-").count == 3, "\(name)")
        }
    }

    @Test(arguments: ["a//b", "a/", "./a", "..", "/abs", "bad*char", String(repeating: "k", count: 251)])
    func invalidKeysAreRefused(_ key: String) async throws {
        let (tracking, db) = try await Self.service()
        defer { Task { await db.close() } }
        let run = try await tracking.createRun(experimentId: "0", userId: "", runName: nil, startTime: 1, tags: [])
        await #expect(throws: TrackingError.self) {
            try await tracking.logParam(runId: run.info.runId, param: KeyValue(key: key, value: "v"))
        }
    }

    @Test func infinitiesAreClampedAsMLflowStoresThem() async throws {
        let (tracking, db) = try await Self.service()
        defer { Task { await db.close() } }
        let run = try await tracking.createRun(experimentId: "0", userId: "", runName: nil, startTime: 1, tags: [])
        try await tracking.logMetric(runId: run.info.runId, metric: Metric(key: "up", value: .infinity, timestamp: 1, step: 0))
        try await tracking.logMetric(runId: run.info.runId, metric: Metric(key: "down", value: -.infinity, timestamp: 1, step: 0))
        let values = try await tracking.runs.get(runId: run.info.runId).metrics.map(\.value)
        #expect(values == [-Double.greatestFiniteMagnitude, .greatestFiniteMagnitude])
    }

    @Test func keyErrorsUseMLflowsMessages() async throws {
        let (tracking, db) = try await Self.service()
        defer { Task { await db.close() } }
        let run = try await tracking.createRun(experimentId: "0", userId: "", runName: nil, startTime: 1, tags: [])
        await #expect(throws: TrackingError.invalidParameter(
            "Invalid value \"a//b\" for parameter 'key' supplied: Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to 'a/b'"
        )) { try await tracking.logParam(runId: run.info.runId, param: KeyValue(key: "a//b", value: "v")) }
    }

    @Test(arguments: [("a//b", "a/b"), ("a/", "a"), ("./a", "a"), ("a/../b", "b"), ("/../a", "/a"), ("", "."), ("//x", "//x"), ("///x", "/x")])
    func posixNormalisationMatchesPython(_ input: String, _ expected: String) {
        #expect(PosixPath.normalise(input) == expected)
    }

    @Test func longTagValuesAreTruncatedTo8000() async throws {
        let (tracking, db) = try await Self.service()
        defer { Task { await db.close() } }
        let run = try await tracking.createRun(experimentId: "0", userId: "", runName: nil, startTime: 1, tags: [])
        try await tracking.setTag(runId: run.info.runId, tag: KeyValue(key: "t", value: String(repeating: "y", count: 9000)))
        #expect(try await tracking.runs.get(runId: run.info.runId).tags.first { $0.key == "t" }?.value.count == 8000)
    }

    @Test func duplicateParamKeysInOneBatchAreRefused() async throws {
        let (tracking, db) = try await Self.service()
        defer { Task { await db.close() } }
        let run = try await tracking.createRun(experimentId: "0", userId: "", runName: nil, startTime: 1, tags: [])
        await #expect(throws: TrackingError.self) {
            try await tracking.logBatch(runId: run.info.runId, metrics: [], params: [KeyValue(key: "a", value: "1"), KeyValue(key: "a", value: "2")], tags: [])
        }
    }

    @Test func negativeTimestampsAreRefused() async throws {
        let (tracking, db) = try await Self.service()
        defer { Task { await db.close() } }
        let run = try await tracking.createRun(experimentId: "0", userId: "", runName: nil, startTime: 1, tags: [])
        await #expect(throws: TrackingError.self) {
            try await tracking.logMetric(runId: run.info.runId, metric: Metric(key: "m", value: 1, timestamp: -1, step: 0))
        }
    }

    @Test func experimentArtifactLocationDefaultsUnderTheRoot() async throws {
        let (tracking, db) = try await Self.service()
        defer { Task { await db.close() } }
        let id = try await tracking.createExperiment(name: "e", artifactLocation: nil, tags: [])
        #expect(try await tracking.experiments.get(id: id).artifactLocation == "mlflow-artifacts:/\(id)")
        let custom = try await tracking.createExperiment(name: "f", artifactLocation: "s3://bucket/path", tags: [])
        #expect(try await tracking.experiments.get(id: custom).artifactLocation == "s3://bucket/path")
        await #expect(throws: TrackingError.self) { _ = try await tracking.createExperiment(name: "g", artifactLocation: "s3://b/p?x=1", tags: []) }
        await #expect(throws: TrackingError.self) { _ = try await tracking.createExperiment(name: String(repeating: "n", count: 501), artifactLocation: nil, tags: []) }
    }
}
