import CapstanInference
import Foundation

/// One prediction as the gateway made it: who answered, with what, how fast.
public struct PredictionResult: Sendable {
    public let requestId: String
    public let revision: LiveRevision
    public let variant: LiveRevision.Variant
    public let outputs: FeatureFrame
    public let latencySeconds: Double
}

extension DeploymentService {
    /// Routes a request to a variant of `name`'s live revision and predicts.
    ///
    /// - Parameters:
    ///   - key: the sticky routing key, when the deployment is sticky and the request has one.
    /// - Throws: ``ServingError/notFound(_:)`` for an unknown deployment,
    ///   ``ServingError/unavailable(_:)`` when it has nothing loaded, and
    ///   ``ServingError/invalidInput(_:)`` naming the column the model cannot take.
    public func predict(_ name: String, frame: FeatureFrame, key: String?, requestId: String) async throws -> PredictionResult {
        guard let revision = liveRevision(name) else {
            if (try? await store.deployment(name: name)) != nil {
                throw ServingError.unavailable("Deployment '\(name)' has no loaded revision; apply a spec or roll back to one that loads.")
            }
            throw ServingError.notFound("Deployment '\(name)' does not exist.")
        }
        let variant = revision.variant(forKey: key)
        let start = ContinuousClock.now
        let outputs: FeatureFrame
        do {
            outputs = try variant.model.model.predict(frame)
        } catch InferenceError.invalidInput(let message) {
            throw ServingError.invalidInput(message)
        } catch InferenceError.executionFailed(let node, let reason) {
            // The model loaded and ran its warm-up row, so a failure now comes from these inputs.
            throw ServingError.invalidInput("the model cannot run on these inputs: node \(node): \(reason)")
        } catch {
            throw ServingError.predictionFailed("\(variant.model.name)/\(variant.model.version): \(error)")
        }
        let elapsed = ContinuousClock.now - start
        return PredictionResult(
            requestId: requestId, revision: revision, variant: variant, outputs: outputs,
            latencySeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}
