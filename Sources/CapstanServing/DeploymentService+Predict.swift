import CapstanInference
import CapstanStorage
import Dispatch
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
    /// Routes a request to a variant of `name`'s live revision, predicts, logs the
    /// prediction, and hands a copy to each shadow in the background.
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
        let time = Clock.nowMillis()
        let (outcome, seconds) = Self.run(variant.model, on: frame)
        log.record(PredictionLog.Entry(
            requestId: requestId, variant: variant.name, deployment: name, revision: revision.revision,
            modelName: variant.model.name, modelVersion: variant.model.version, isShadow: false, inputs: frame,
            outputs: try? outcome.get(), error: outcome.failure, latencySeconds: seconds, time: time))
        if revision.spec.rollout != nil {
            tally(revision, variant: variant, time: time, error: outcome.failure, latencySeconds: seconds)
        }
        for shadow in revision.shadows where shadow.percent >= 100 || Double.random(in: 0..<100) < shadow.percent {
            mirror(frame, to: shadow, of: revision, requestId: requestId, time: time)
        }
        return PredictionResult(requestId: requestId, revision: revision, variant: variant, outputs: try outcome.get(),
                                latencySeconds: seconds)
    }

    /// Predicts on a shadow on its own low-priority thread: the primary's response never
    /// waits for it, a CPU-heavy shadow never occupies the threads that answer requests, and
    /// its failures only reach the log. Past `maxShadowsInFlight` copies are skipped (and
    /// counted) so a slow shadow cannot pile up work.
    private func mirror(_ frame: FeatureFrame, to shadow: LiveRevision.Shadow, of revision: LiveRevision, requestId: String, time: Int64) {
        guard shadowsInFlight.add(1, ordering: .relaxed).newValue <= maxShadowsInFlight else {
            shadowsInFlight.subtract(1, ordering: .relaxed)
            shadowsSkipped.add(1, ordering: .relaxed)
            return
        }
        Self.shadowQueue.async { [self] in
            let (outcome, seconds) = Self.run(shadow.model, on: frame)
            log.record(PredictionLog.Entry(
                requestId: requestId, variant: shadow.name, deployment: revision.deployment, revision: revision.revision,
                modelName: shadow.model.name, modelVersion: shadow.model.version, isShadow: true, inputs: frame,
                outputs: try? outcome.get(), error: outcome.failure, latencySeconds: seconds, time: time))
            shadowsInFlight.subtract(1, ordering: .relaxed)
        }
    }

    /// The model's prediction (or the error a caller should see) and how long it took.
    static func run(_ model: LoadedModel, on frame: FeatureFrame) -> (Result<FeatureFrame, ServingError>, Double) {
        let start = ContinuousClock.now
        let outcome: Result<FeatureFrame, ServingError>
        do {
            outcome = .success(try model.model.predict(frame))
        } catch InferenceError.invalidInput(let message) {
            outcome = .failure(.invalidInput(message))
        } catch InferenceError.executionFailed(let node, let reason) {
            // The inputs fit the model's declared inputs, so this is the model's failure.
            outcome = .failure(.predictionFailed("\(model.name)/\(model.version) failed on these inputs: node \(node): \(reason)"))
        } catch {
            outcome = .failure(.predictionFailed("\(model.name)/\(model.version): \(error)"))
        }
        let elapsed = ContinuousClock.now - start
        return (outcome, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}

extension DeploymentService {
    /// Where shadow predictions run: one thread, outside Swift's cooperative pool.
    static let shadowQueue = DispatchQueue(label: "capstan.shadows", qos: .utility)
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}
