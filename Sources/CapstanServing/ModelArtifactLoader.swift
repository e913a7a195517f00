import CapstanInference
import CapstanStorage
import Foundation
import NIOCore
import Yams

/// Finds a registered model version's model file in the artifact store and loads it.
///
/// MLflow writes a model as a directory with an `MLmodel` file naming, per flavor, the
/// file that holds the model (`onnx: {data: model.onnx}`, `xgboost: {data: model.json}`,
/// `lightgbm: {data: model.lgb}`); without one, the single model-looking file is taken.
/// Only files under this server's artifact root are read: a version whose source points
/// elsewhere (a local path, another server) is refused rather than fetched.
public struct ModelArtifactLoader: Sendable {
    let artifacts: any ArtifactStore

    public init(artifacts: any ArtifactStore) {
        self.artifacts = artifacts
    }

    /// Flavors whose file Capstan can run, in the order they are preferred.
    static let flavors = ["onnx", "xgboost", "lightgbm"]
    static let modelExtensions = ["onnx", "json", "txt", "lgb", "model"]

    public func load(_ version: ModelVersion) async throws -> any Model {
        let label = "model version \(version.name)/\(version.version)"
        let location = version.storageLocation ?? version.source
        guard let root = try? ArtifactURI.path(of: location) else {
            throw ServingError.modelLoadFailed(
                "\(label) is stored at '\(location)', which is not in this server's artifact store; log the model to this server (mlflow-artifacts:/…) and register that")
        }
        let file = try await modelFile(in: root, label: label)
        let data = try await read(file, label: label)
        do {
            return try ModelFile.load(data, name: file.segments.last ?? "model")
        } catch {
            throw ServingError.modelLoadFailed("\(label): \(file.segments.last ?? "model"): \(error)")
        }
    }

    private func modelFile(in root: ArtifactPath, label: String) async throws -> ArtifactPath {
        let entries = try await artifacts.list(root)
        if entries.isEmpty {
            // A file, or nothing at all.
            guard (try? await artifacts.fileSize(root)) != nil else {
                throw ServingError.modelLoadFailed("\(label) has no files at \(root)")
            }
            return root
        }
        if entries.contains(where: { $0.name == "MLmodel" && !$0.isDirectory }) {
            let text = String(decoding: try await read(try child(root, "MLmodel"), label: label), as: UTF8.self)
            let document = try? Yams.load(yaml: text) as? [String: Any]
            let flavors = document?["flavors"] as? [String: Any] ?? [:]
            for flavor in Self.flavors {
                if let settings = flavors[flavor] as? [String: Any], let data = settings["data"] as? String {
                    return try child(root, data)
                }
            }
            let names = flavors.keys.sorted().joined(separator: ", ")
            throw ServingError.modelLoadFailed(
                "\(label) has flavors [\(names)]; Capstan serves onnx, xgboost (saved as JSON) and lightgbm models")
        }
        let candidates = entries.filter { entry in
            !entry.isDirectory && Self.modelExtensions.contains { entry.name.hasSuffix(".\($0)") }
        }
        guard candidates.count == 1 else {
            throw ServingError.modelLoadFailed(
                "\(label): found \(candidates.isEmpty ? "no" : "\(candidates.count)") model files and no MLmodel file to say which to serve")
        }
        return try child(root, candidates[0].name)
    }

    private func child(_ root: ArtifactPath, _ name: String) throws -> ArtifactPath {
        try ArtifactPath(validating: (root.segments + [name]).joined(separator: "/"))
    }

    private func read(_ path: ArtifactPath, label: String) async throws -> Data {
        var data = Data()
        do {
            try await artifacts.read(path) { buffer in data.append(contentsOf: buffer.readableBytesView) }
        } catch {
            throw ServingError.modelLoadFailed("\(label): cannot read \(path): \(error)")
        }
        return data
    }
}
