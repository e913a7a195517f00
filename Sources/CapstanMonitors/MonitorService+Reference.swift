import CapstanMonitoring
import CapstanServing
import CapstanStorage
import Foundation
import NIOCore

extension MonitorSpec.Reference {
    /// Whether the reference is a table read from a file (`csv`, `artifact`, `dataset`)
    /// rather than taken from the prediction log.
    var isFile: Bool {
        if case .earlierWindow = self { return false }
        return true
    }
}

/// Reading a monitor's reference when it is a file: a CSV path, a CSV in the artifact store,
/// or the served model's training dataset.
///
/// A reference is resolved when the monitor is saved, so a wrong path, a model without a
/// training dataset or a Parquet source is a 400 at once, and again at every evaluation:
/// `{dataset: training}` follows the deployment's active revision, and a new revision may
/// serve a model version trained on other data. Resolving costs a few indexed queries; the
/// parsed table is cached by file and modification time, so it is parsed once per file
/// version, not per evaluation.
extension MonitorService {
    /// The reference table of `spec`, whose reference is a file.
    ///
    /// - Throws: ``MonitorError/invalidData(_:)`` starting with the reference's field
    ///   (`reference.dataset: …`) for anything wrong with it; database faults pass through.
    func referenceTable(_ spec: MonitorSpec) async throws -> DataTable {
        switch spec.reference {
        case .csv(let path)?:
            return try await table(at: .file(path: path), field: "reference.csv")
        case .artifact(let uri)?:
            let location = ReferenceLocation.artifact(uri: uri)
            guard location.isCSV else {
                throw MonitorError.invalidData("reference.artifact: \(uri) is not a CSV file (.csv); a monitor reads CSV references")
            }
            return try await table(at: location, field: "reference.artifact")
        case .dataset(let context, let name)?:
            let (location, what) = try await trainingData(spec, context: context, name: name)
            if case .file(let path) = location, !FileManager.default.fileExists(atPath: path) {
                // The path is the one the client logged, on its own machine.
                throw MonitorError.invalidData("""
                    reference.dataset: \(what) is at \(path), which this server cannot read; copy it to that path on the \
                    server, or log the CSV as an artifact of the run and use reference: {artifact: runs:/RUN_ID/PATH}
                    """)
            }
            return try await table(at: location, field: "reference.dataset: \(what)")
        case .earlierWindow?, nil:
            throw MonitorError.invalidData("reference: this monitor compares with the prediction log, not a file")
        }
    }

    /// The dataset `context`/`name` of the run of each model version the monitored traffic
    /// goes to, in the deployment's active revision: where its CSV is, and how messages name it.
    func trainingData(_ spec: MonitorSpec, context: String, name: String?) async throws -> (ReferenceLocation, String) {
        let (revision, entries) = try await servedVersions(spec)
        var found: [(location: ReferenceLocation, what: String, served: String)] = []
        var seen: Set<String> = []
        for entry in entries {
            // Variants may share a model version (an A/B test of settings, say); it is looked up once.
            guard seen.insert("\(entry.registeredModel)/\(entry.version)").inserted else { continue }
            let label = "model version \(entry.registeredModel)/\(entry.version)"
            let version: ModelVersion
            do {
                version = try await registry.version(name: entry.registeredModel, version: entry.version)
            } catch StoreError.notFound {
                throw MonitorError.invalidData("reference.dataset: \(label), which revision \(revision) of '\(spec.deployment)' serves, no longer exists")
            }
            guard let runId = version.runId, !runId.isEmpty else {
                throw MonitorError.invalidData("""
                    reference.dataset: \(label) was registered without a run, so no \(context) dataset is recorded for it; \
                    register it from the run that trained it, or use reference: {csv: PATH} or {artifact: runs:/RUN_ID/PATH}
                    """)
            }
            let run: Run
            do {
                run = try await runs.get(runId: runId)
            } catch StoreError.notFound {
                throw MonitorError.invalidData("reference.dataset: the run \(runId) of \(label) does not exist")
            }
            let owner = "\(label) (run \(runId))"
            let dataset = try DatasetReference.pick(run.datasetInputs, context: context, name: name, owner: owner)
            let what = "the \(context) dataset '\(dataset.name)' of \(owner)"
            found.append((try DatasetReference.location(of: dataset, what: what), what, "\(entry.name) \(entry.registeredModel)/\(entry.version)"))
        }
        guard let first = found.first else {
            throw MonitorError.invalidData("reference.dataset: revision \(revision) of '\(spec.deployment)' serves no model")
        }
        guard found.allSatisfy({ $0.location == first.location }) else {
            let listed = found.map { "\($0.served) → \($0.location)" }.joined(separator: "; ")
            throw MonitorError.invalidData("""
                reference.dataset: revision \(revision) of '\(spec.deployment)' serves model versions trained on different data \
                (\(listed)); set variant to monitor one of them against its own
                """)
        }
        return (first.location, first.what)
    }

    /// The active revision of the monitored deployment and the model versions the monitored
    /// traffic goes to: the named variant's or shadow's, or every variant's.
    func servedVersions(_ spec: MonitorSpec) async throws -> (revision: Int64, entries: [ResolvedRevision.Entry]) {
        // An unknown deployment is a 404, as for every monitor; deployments are never deleted,
        // so an evaluation cannot meet one.
        let deployment = try await deployments.deployment(name: spec.deployment)
        guard let revision = deployment.activeRevision else {
            throw MonitorError.invalidData("reference.dataset: deployment '\(spec.deployment)' serves no revision yet, so it has no model whose training data to use")
        }
        let record = try await deployments.revision(deployment: spec.deployment, revision: revision)
        let resolved = try JSONDecoder().decode(ResolvedRevision.self, from: Data(record.resolved.utf8))
        guard let variant = spec.variant else { return (revision, resolved.variants) }
        let all = resolved.variants + resolved.shadows
        guard let entry = all.first(where: { $0.name == variant }) else {
            throw MonitorError.invalidData("""
                reference.dataset: revision \(revision) of '\(spec.deployment)' has no variant or shadow '\(variant)' \
                (it has \(all.map(\.name).joined(separator: ", ")))
                """)
        }
        return (revision, [entry])
    }

    /// The CSV at `location`, parsed, or the table parsed from the same file version before.
    /// `field` starts every message.
    func table(at location: ReferenceLocation, field: String) async throws -> DataTable {
        switch location {
        case .file(let path):
            do {
                return try reference(csv: path)
            } catch let error as DataFileError {
                throw MonitorError.invalidData("\(field): \(error)")
            }
        case .artifact(let uri):
            let path = try await artifactPath(uri, field: field)
            let info: ArtifactFileInfo
            do {
                info = try await artifacts.fileInfo(path)
            } catch StoreError.notFound {
                throw MonitorError.invalidData("\(field): no file at \(uri) in this server's artifact store")
            }
            let key = "mlflow-artifacts:/\(path)", modified = Date(timeIntervalSince1970: Double(info.modified) / 1000)
            if let cached = references.withLock({ $0[key] }), cached.modified == modified { return cached.table }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(Int(clamping: info.size))
            try await artifacts.read(path) { buffer in bytes.append(contentsOf: buffer.readableBytesView) }
            let table: DataTable
            do {
                table = try DataTable.parse(csv: bytes, file: uri)
            } catch {
                throw MonitorError.invalidData("\(field): \(error)")
            }
            references.withLock { $0[key] = (modified, table) }
            return table
        }
    }

    /// The store path of `runs:/RUN_ID/PATH` (under the run's artifact directory) or of
    /// `mlflow-artifacts:/PATH`.
    func artifactPath(_ uri: String, field: String) async throws -> ArtifactPath {
        let invalid = MonitorError.invalidData("\(field): \(uri) is not a path inside the artifact store ('..', absolute and encoded segments are refused)")
        guard uri.hasPrefix("runs:/") else {
            do {
                guard let path = try ArtifactURI.path(of: uri) else {
                    throw MonitorError.invalidData("\(field): \(uri) is not in this server's artifact store (runs:/… or mlflow-artifacts:/…)")
                }
                return path
            } catch StoreError.invalidParameter {
                throw invalid
            }
        }
        let parts = uri.dropFirst("runs:/".count).split(separator: "/", maxSplits: 1)
        guard parts.count == 2 else { throw MonitorError.invalidData("\(field): \(uri) must be runs:/RUN_ID/PATH") }
        let runId = String(parts[0])
        let run: Run
        do {
            run = try await runs.get(runId: runId)
        } catch StoreError.notFound {
            throw MonitorError.invalidData("\(field): \(uri) names run \(runId), which does not exist")
        }
        do {
            guard let root = try ArtifactURI.path(of: run.info.artifactUri) else {
                throw MonitorError.invalidData("""
                    \(field): run \(runId) keeps its artifacts at \(run.info.artifactUri), outside this server's artifact store; \
                    log the CSV to a run whose experiment uses the server's store, or use reference: {csv: PATH}
                    """)
            }
            return root.appending(try ArtifactPath(validating: String(parts[1])))
        } catch StoreError.invalidParameter {
            throw invalid
        }
    }
}
