import CapstanInference
import CapstanStorage
import Foundation

/// A model version loaded and warmed up, ready for traffic.
public struct LoadedModel: Sendable {
    public let name: String
    public let version: Int64
    public let model: any Model
    /// Fetching, parsing and warming up, in milliseconds.
    public let loadMilliseconds: Double
}

/// Loads each model version once, however many revisions and variants use it, and keeps
/// it while any live revision does.
///
/// Concurrent requests for the same version share one load. A failed load is not cached,
/// so fixing the artifact and applying again retries it.
public actor ModelCache {
    private let loader: ModelArtifactLoader
    private var loads: [String: Task<LoadedModel, any Error>] = [:]

    public init(loader: ModelArtifactLoader) {
        self.loader = loader
    }

    public func model(_ version: ModelVersion) async throws -> LoadedModel {
        let key = Self.key(version.name, version.version)
        if let load = loads[key] { return try await load.value }
        let loader = self.loader
        let load = Task {
            let start = ContinuousClock.now
            let model = try await loader.load(version)
            // Warm up: one prediction on a synthesised row touches every code path once, so
            // the first real request does not pay for it, and a model that cannot run at all
            // never takes traffic. (A row the model refuses as input proves nothing either way.)
            if let row = try? FeatureFrame.synthesized(for: model.summary, rows: 1) {
                do {
                    _ = try model.predict(row)
                } catch InferenceError.invalidInput {
                } catch {
                    throw ServingError.modelLoadFailed("model version \(version.name)/\(version.version) fails on a warm-up row: \(error)")
                }
            }
            let elapsed = ContinuousClock.now - start
            return LoadedModel(name: version.name, version: version.version, model: model,
                               loadMilliseconds: Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
        }
        loads[key] = load
        do {
            return try await load.value
        } catch {
            loads[key] = nil
            throw error
        }
    }

    /// Forgets every model no live revision uses (requests holding one keep it alive).
    func retain(only keep: [(name: String, version: Int64)]) {
        let keys = Set(keep.map { Self.key($0.name, $0.version) })
        loads = loads.filter { keys.contains($0.key) }
    }

    static func key(_ name: String, _ version: Int64) -> String { "\(name)\u{0}\(version)" }
}
