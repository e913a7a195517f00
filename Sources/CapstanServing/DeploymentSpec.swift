/// A deployment's traffic policy as the user writes it (YAML or JSON), validated and
/// normalised: the one-model form becomes a single variant named `default`.
///
/// Revisions store this value; it never changes once written.
public struct DeploymentSpec: Sendable, Equatable, Codable {
    public struct Variant: Sendable, Equatable, Codable {
        public var name: String
        /// `models:/NAME/VERSION` or `models:/NAME@ALIAS`, as written.
        public var model: String
        public var weight: Double
    }

    /// Where a request's sticky key comes from: a header, or a field of the request body
    /// (an OIP parameter, or a column of the first row).
    public struct Stickiness: Sendable, Equatable, Codable {
        public var header: String?
        public var field: String?
    }

    public struct Shadow: Sendable, Equatable, Codable {
        public var name: String
        public var model: String
        /// The share of requests mirrored, 0–100.
        public var percent: Double
    }

    /// One check a canary must pass at every step.
    public struct AnalysisRule: Sendable, Equatable, Codable {
        public var metric: String
        /// Upper bound on the canary's value.
        public var max: Double?
        /// Lower bound on the canary's value.
        public var min: Double?
        /// Lower bound on canary − stable.
        public var minDelta: Double?
        /// Upper bound on canary − stable.
        public var maxDelta: Double?
        /// Observations each side needs before the rule is judged.
        public var minSamples: Int

        // Stored (and shown by `deployments show`) with the keys a spec is written with.
        enum CodingKeys: String, CodingKey {
            case metric, max, min
            case minDelta = "min_delta", maxDelta = "max_delta", minSamples = "min_samples"
        }
    }

    /// A progressive canary: the last variant's weight goes through `steps` (percent),
    /// one step per `intervalSeconds` while every analysis rule passes.
    public struct Rollout: Sendable, Equatable, Codable {
        public var steps: [Double]
        public var intervalSeconds: Double
        public var analysis: [AnalysisRule]

        /// `interval` in seconds, a form a spec also takes.
        enum CodingKeys: String, CodingKey {
            case steps, analysis
            case intervalSeconds = "interval"
        }
    }

    public var name: String
    public var variants: [Variant]
    public var sticky: Stickiness?
    public var shadows: [Shadow]
    public var rollout: Rollout?

    /// The metrics analysis rules can name.
    public static let analysisMetrics: Set<String> = ["error_rate", "latency_p50_ms", "latency_p99_ms", "accuracy", "mean_reward"]
}
