/// A revision ready for traffic: its models loaded and its split computed.
///
/// Immutable. The service swaps whole revisions, so a request sees one revision from start
/// to end, and a rollback is one pointer change. A class, so the copies a request passes
/// along (route, prediction, result, metrics) cost one reference count each, not one per
/// string and array of the spec.
public final class LiveRevision: Sendable {
    public struct Variant: Sendable {
        public let name: String
        public let model: LoadedModel
        public let weight: Double
    }

    public struct Shadow: Sendable {
        public let name: String
        public let model: LoadedModel
        public let percent: Double
    }

    public let deployment: String
    public let revision: Int64
    public let spec: DeploymentSpec
    public let variants: [Variant]
    public let shadows: [Shadow]
    public let split: TrafficSplit

    init(deployment: String, revision: Int64, spec: DeploymentSpec, variants: [Variant], shadows: [Shadow]) {
        self.deployment = deployment
        self.revision = revision
        self.spec = spec
        self.variants = variants
        self.shadows = shadows
        self.split = TrafficSplit(weights: variants.map(\.weight))
    }

    /// The same revision and models with other weights (a rollout step).
    public func withWeights(_ weights: [Double]) -> LiveRevision {
        LiveRevision(deployment: deployment, revision: revision, spec: spec,
                     variants: zip(variants, weights).map { Variant(name: $0.name, model: $0.model, weight: $1) }, shadows: shadows)
    }

    /// The variant that answers a request with this sticky key (random without one).
    public func variant(forKey key: String?) -> Variant {
        if variants.count == 1 { return variants[0] }
        var random = SystemRandomNumberGenerator()
        return variants[split.choose(key: key, using: &random)]
    }
}
