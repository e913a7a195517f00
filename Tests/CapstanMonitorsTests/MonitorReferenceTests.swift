import CapstanJSON
import CapstanMonitoring
import CapstanStorage
import Foundation
import Logging
import NIOCore
import Testing
@testable import CapstanMonitors

/// References that are files: a CSV in the artifact store, and the served model's training
/// dataset found through deployment → revision → model version → run → dataset input, on a
/// real SQLite database and artifact directory.
@Suite struct MonitorReferenceTests {
    /// A database, an artifact store, one experiment and a monitor service over them.
    struct Lineage {
        let directory: URL
        let database: Database
        let artifacts: LocalArtifactStore
        let service: MonitorService
        let experiment: String
        let model = "churn"

        static func make() async throws -> Lineage {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-reference-\(UUID().uuidString)")
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let database = try await Database.open(.sqlite(path: directory.appendingPathComponent("capstan.db").path), logger: logger)
            let artifacts = try LocalArtifactStore(root: directory.appendingPathComponent("artifacts"))
            let alerts = AlertService(database: database, externalURL: "http://capstan.test", logger: logger)
            let experiments = ExperimentStore(database: database)
            try await experiments.ensureDefaultExperiment(artifactLocation: "mlflow-artifacts:/0")
            let experiment = try await experiments.create(name: "churn", tags: []) { "mlflow-artifacts:/\($0)" }
            _ = try await RegistryStore(database: database).createModel(name: "churn", description: nil, tags: [])
            return Lineage(directory: directory, database: database, artifacts: artifacts,
                           service: MonitorService(database: database, artifacts: artifacts, alerts: alerts, logger: logger),
                           experiment: experiment)
        }

        /// A CSV file outside the artifact store, as a client's training script writes one.
        func writeFile(_ name: String, _ text: String) throws -> String {
            let url = directory.appendingPathComponent("client").appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
            return url.path
        }

        /// A run that logged `inputs` (dataset, context), with version `n` of the model registered from it.
        @discardableResult
        func train(_ inputs: [(Dataset, String?)], registered: Bool = true) async throws -> (run: String, version: Int64) {
            let runId = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let runs = RunStore(database: database)
            _ = try await runs.create(.init(runId: runId, experimentId: experiment, userId: "test", runName: "train", startTime: 0, tags: [],
                                            artifactUri: { "\($0)/\(runId)/artifacts" }))
            try await runs.logInputs(runId: runId, datasets: inputs.map { dataset, context in
                DatasetInput(dataset: dataset, tags: context.map { [KeyValue(key: "mlflow.data.context", value: $0)] } ?? [])
            }, models: [])
            let version = try await RegistryStore(database: database).createVersion(.init(
                name: model, source: "mlflow-artifacts:/\(experiment)/\(runId)/artifacts/model", runId: registered ? runId : nil, runLink: nil,
                description: nil, userId: nil, tags: [], modelId: nil, storageLocation: nil))
            return (runId, version.version)
        }

        /// Makes a revision serving `variants` (name, model version) and activates it.
        func deploy(_ variants: [(String, Int64)], shadows: [(String, Int64)] = []) async throws {
            func entries(_ list: [(String, Int64)]) -> String {
                list.map { #"{"name": "\#($0.0)", "reference": "models:/\#(model)/\#($0.1)", "registered_model": "\#(model)", "version": \#($0.1)}"# }
                    .joined(separator: ", ")
            }
            let store = DeploymentStore(database: database)
            let record = try await store.addRevision(deployment: "churn", spec: "{}", resolved: #"{"variants": [\#(entries(variants))], "shadows": [\#(entries(shadows))]}"#,
                                                     state: .pending, message: nil)
            try await store.activate(deployment: "churn", revision: record.revision, message: "test")
        }

        func writeArtifact(_ path: String, _ text: String) async throws {
            let chunks = AsyncStream<ByteBuffer> { continuation in
                continuation.yield(ByteBuffer(string: text))
                continuation.finish()
            }
            try await artifacts.write(try ArtifactPath(validating: path), chunks: chunks)
        }

        func monitor(_ reference: String, variant: String? = nil) -> JSONValue {
            let variantField = variant.map { #", "variant": "\#($0)""# } ?? ""
            return try! JSONParser.parse(Array(#"{"name": "drift", "deployment": "churn", "kind": "drift", "reference": \#(reference)\#(variantField)}"#.utf8))
        }

        /// The reference table the saved monitor reads now.
        func table(_ reference: String, variant: String? = nil) async throws -> DataTable {
            let saved = try await service.save(monitor(reference, variant: variant))
            return try await service.referenceTable(MonitorSpec(parsing: try JSONParser.parse(Array(saved.spec.utf8))))
        }

        /// The message of the 400 that saving a monitor with `reference` gives.
        func refusal(_ reference: String, variant: String? = nil) async -> String? {
            do {
                _ = try await service.save(monitor(reference, variant: variant))
                return nil
            } catch MonitorError.invalidSpec(let message) {
                return message
            } catch {
                return "not a 400: \(error)"
            }
        }

        func close() async {
            await database.close()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    static func local(_ name: String, _ path: String, digest: String = UUID().uuidString) -> Dataset {
        Dataset(name: name, digest: String(digest.prefix(8)), sourceType: "local", source: #"{"uri": "\#(path)"}"#, schema: nil, profile: nil)
    }

    @Test func theTrainingDatasetIsFoundThroughTheServedModelVersion() async throws {
        let lineage = try await Lineage.make()
        let train = try lineage.writeFile("train.csv", "age,plan\n30,free\n40,pro\n")
        let validation = try lineage.writeFile("validation.csv", "age,plan\n50,team\n")
        try await lineage.train([(Self.local("train", train), "training"), (Self.local("validation", validation), "validation")])
        try await lineage.deploy([("default", 1)])

        let table = try await lineage.table(#"{"dataset": "training"}"#)
        #expect(table.names == ["age", "plan"] && table.rowCount == 2)
        // Any input context can be the reference.
        #expect(try await lineage.table(#"{"dataset": "validation"}"#).rowCount == 1)
        await lineage.close()
    }

    @Test func aNewRevisionBringsItsModelsTrainingData() async throws {
        let lineage = try await Lineage.make()
        try await lineage.train([(Self.local("train", try lineage.writeFile("v1.csv", "age\n1\n")), "training")])
        try await lineage.deploy([("default", 1)])
        let spec = try MonitorSpec(parsing: lineage.monitor(#"{"dataset": "training"}"#))
        _ = try await lineage.service.save(lineage.monitor(#"{"dataset": "training"}"#))
        #expect(try await lineage.service.referenceTable(spec).rowCount == 1)

        // Retrained on more data (a file: URI this time) and rolled out: the same monitor now compares with that.
        let retrained = try lineage.writeFile("v2.csv", "age\n1\n2\n3\n")
        try await lineage.train([(Self.local("train", "file://" + retrained), "training")])
        try await lineage.deploy([("default", 2)])
        #expect(try await lineage.service.referenceTable(spec).rowCount == 3)
        await lineage.close()
    }

    @Test func artifactReferencesReadTheRunsFiles() async throws {
        let lineage = try await Lineage.make()
        let (run, _) = try await lineage.train([])
        try await lineage.deploy([("default", 1)])
        try await lineage.writeArtifact("\(lineage.experiment)/\(run)/artifacts/data/train.csv", "age\n1\n2\n")
        #expect(try await lineage.table(#"{"artifact": "runs:/\#(run)/data/train.csv"}"#).rowCount == 2)
        #expect(try await lineage.table(#"{"artifact": "mlflow-artifacts:/\#(lineage.experiment)/\#(run)/artifacts/data/train.csv"}"#).rowCount == 2)

        // A replaced file is read again; the cache holds a file version, not a path.
        try await Task.sleep(for: .milliseconds(30))
        try await lineage.writeArtifact("\(lineage.experiment)/\(run)/artifacts/data/train.csv", "age\n1\n2\n3\n")
        #expect(try await lineage.table(#"{"artifact": "runs:/\#(run)/data/train.csv"}"#).rowCount == 3)
        await lineage.close()
    }

    @Test func aTrainingDatasetInTheArtifactStoreIsReadFromThere() async throws {
        let lineage = try await Lineage.make()
        // A client that logged the CSV with the run and recorded its runs:/ URI as the source.
        let runId = "0123456789abcdef0123456789abcdef"
        let dataset = Dataset(name: "train", digest: "d1", sourceType: "runs", source: #"{"uri": "runs:/\#(runId)/data/train.csv"}"#,
                              schema: nil, profile: nil)
        let runs = RunStore(database: lineage.database)
        _ = try await runs.create(.init(runId: runId, experimentId: lineage.experiment, userId: "test", runName: "train", startTime: 0,
                                        tags: [], artifactUri: { "\($0)/\(runId)/artifacts" }))
        try await runs.logInputs(runId: runId, datasets: [DatasetInput(dataset: dataset, tags: [KeyValue(key: "mlflow.data.context", value: "training")])],
                                 models: [])
        _ = try await RegistryStore(database: lineage.database).createVersion(.init(
            name: "churn", source: "runs:/\(runId)/model", runId: runId, runLink: nil, description: nil, userId: nil, tags: [], modelId: nil,
            storageLocation: nil))
        try await lineage.writeArtifact("\(lineage.experiment)/\(runId)/artifacts/data/train.csv", "age\n1\n2\n3\n4\n")
        try await lineage.deploy([("default", 1)])
        #expect(try await lineage.table(#"{"dataset": "training"}"#).rowCount == 4)
        await lineage.close()
    }

    @Test func nameChoosesAmongSeveralTrainingDatasets() async throws {
        let lineage = try await Lineage.make()
        try await lineage.train([(Self.local("users", try lineage.writeFile("users.csv", "age\n1\n")), "training"),
                                 (Self.local("events", try lineage.writeFile("events.csv", "n\n1\n2\n")), "training")])
        try await lineage.deploy([("default", 1)])
        let refusal = await lineage.refusal(#"{"dataset": "training"}"#)
        #expect(refusal?.contains("reference.dataset") == true && refusal?.contains("2 datasets with context 'training'") == true)
        #expect(refusal?.contains("set reference.name") == true)
        #expect(try await lineage.table(#"{"dataset": "training", "name": "events"}"#).rowCount == 2)
        let unknown = await lineage.refusal(#"{"dataset": "training", "name": "clicks"}"#) ?? "accepted"
        #expect(unknown.contains("has no dataset named 'clicks' with context 'training'; it logged "), "\(unknown)")
        #expect(unknown.contains("'users' (context training)") && unknown.contains("'events' (context training)"), "\(unknown)")
        await lineage.close()
    }

    @Test func variantsTrainedOnDifferentDataNeedTheMonitorsVariant() async throws {
        let lineage = try await Lineage.make()
        try await lineage.train([(Self.local("train", try lineage.writeFile("v1.csv", "age\n1\n")), "training")])
        try await lineage.train([(Self.local("train", try lineage.writeFile("v2.csv", "age\n1\n2\n")), "training")])
        try await lineage.deploy([("stable", 1), ("canary", 2)], shadows: [("next", 2)])
        let refusal = await lineage.refusal(#"{"dataset": "training"}"#)
        #expect(refusal?.contains("trained on different data") == true && refusal?.contains("set variant") == true)
        #expect(try await lineage.table(#"{"dataset": "training"}"#, variant: "canary").rowCount == 2)
        #expect(try await lineage.table(#"{"dataset": "training"}"#, variant: "next").rowCount == 2)
        #expect(try await lineage.table(#"{"dataset": "training"}"#, variant: "stable").rowCount == 1)
        #expect(await lineage.refusal(#"{"dataset": "training"}"#, variant: "blue")?.contains("no variant or shadow 'blue' (it has stable, canary, next)") == true)
        await lineage.close()
    }

    @Test func sourcesThatAreNotReadableCSVFilesAreRefusedWithTheirType() async throws {
        let lineage = try await Lineage.make()
        let sources: [(Dataset, String)] = [
            (Dataset(name: "lake", digest: "a", sourceType: "s3", source: #"{"uri": "s3://bucket/train.csv"}"#, schema: nil, profile: nil),
             "the training dataset 'lake' of model version churn/1 (run "),
            (Dataset(name: "lake2", digest: "a2", sourceType: "s3", source: #"{"uri": "s3://bucket/train.csv"}"#, schema: nil, profile: nil),
             "has source type s3 (s3://bucket/train.csv); a monitor reads a CSV file"),
            (Self.local("pq", "/data/train.parquet"), "(source type local) is /data/train.parquet, which is not a CSV file"),
            (Self.local("delta", "/data/delta_table"), "is /data/delta_table, which is not a CSV file"),
            (Self.local("rel", "data/train.csv"), "is at the relative path data/train.csv"),
            (Self.local("gone", "/nonexistent/train.csv"), "is at /nonexistent/train.csv, which this server cannot read"),
            (Dataset(name: "web", digest: "b", sourceType: "http", source: #"{"url": "https://example.com/train.csv"}"#, schema: nil, profile: nil),
             "has source type http (https://example.com/train.csv); a monitor reads a CSV file"),
            (Dataset(name: "df", digest: "c", sourceType: "code", source: #"{"tags": {"mlflow.source.name": "train.py"}}"#, schema: nil, profile: nil),
             "has source type code, whose source names no file"),
        ]
        for (index, (dataset, expected)) in sources.enumerated() {
            try await lineage.train([(dataset, "training")])
            try await lineage.deploy([("default", Int64(index + 1))])
            let refusal = await lineage.refusal(#"{"dataset": "training"}"#)
            #expect(refusal?.hasPrefix("reference.dataset: ") == true, "\(dataset.name): \(refusal ?? "accepted")")
            #expect(refusal?.contains(expected) == true, "\(dataset.name): \(refusal ?? "accepted")")
        }
        #expect(await lineage.refusal(#"{"dataset": "training"}"#)?.contains("source type code") == true)
        await lineage.close()
    }

    @Test func modelsWithoutTrainingDataAreRefusedWithWhatToDo() async throws {
        let lineage = try await Lineage.make()
        // As for any monitor, an unknown deployment is not found (404).
        await #expect(throws: StoreError.self) { try await lineage.service.save(lineage.monitor(#"{"dataset": "training"}"#)) }
        try await lineage.train([(Self.local("raw", try lineage.writeFile("raw.csv", "age\n1\n")), nil)])
        try await lineage.deploy([("default", 1)])
        let refusal = await lineage.refusal(#"{"dataset": "training"}"#)
        #expect(refusal?.contains("has no dataset with context 'training'; it logged 'raw' (no context)") == true)
        try await lineage.train([], registered: false)
        try await lineage.deploy([("default", 2)])
        #expect(await lineage.refusal(#"{"dataset": "training"}"#)?.contains("model version churn/2 was registered without a run") == true)
        await lineage.close()
    }

    @Test func unusableArtifactReferencesAreRefused() async throws {
        let lineage = try await Lineage.make()
        let (run, _) = try await lineage.train([])
        try await lineage.deploy([("default", 1)])
        try await lineage.writeArtifact("\(lineage.experiment)/\(run)/artifacts/data/train.parquet", "PAR1")
        #expect(await lineage.refusal(#"{"artifact": "runs:/\#(run)/data/train.parquet"}"#)?
            .contains("reference.artifact: runs:/\(run)/data/train.parquet is not a CSV file") == true)
        #expect(await lineage.refusal(#"{"artifact": "runs:/\#(run)/data/missing.csv"}"#)?
            .contains("reference.artifact: no file at runs:/\(run)/data/missing.csv") == true)
        #expect(await lineage.refusal(#"{"artifact": "runs:/nosuchrun/data/train.csv"}"#)?.contains("names run nosuchrun, which does not exist") == true)
        #expect(await lineage.refusal(#"{"artifact": "runs:/\#(run)/../../x.csv"}"#)?.contains("is not a path inside the artifact store") == true)
        await lineage.close()
    }
}
