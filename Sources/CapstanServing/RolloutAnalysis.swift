import CapstanStorage

/// Judges a canary against the stable variant on the rules of a rollout, from the
/// predictions both made (and the feedback joined to them) over the same window.
///
/// Each rule is checked only once the canary has its minimum number of observations —
/// requests for error rate and latency, labelled requests for accuracy, rewarded ones for
/// mean reward — and, for rules on canary − stable, stable too. Until then the verdict is
/// inconclusive and the rollout waits.
public struct RolloutAnalysis: Sendable, Equatable {
    public enum Verdict: String, Sendable {
        case pass, fail, inconclusive
    }

    public struct Check: Sendable, Equatable {
        public var metric: String
        public var canary: Double?
        public var stable: Double?
        public var canarySamples: Int
        public var stableSamples: Int
        public var minSamples: Int
        /// nil while there are too few samples.
        public var passed: Bool?
        public var rule: String
    }

    public var verdict: Verdict
    public var checks: [Check]

    public init(rules: [DeploymentSpec.AnalysisRule], stable: [PredictionOutcome], canary: [PredictionOutcome]) {
        checks = rules.map { rule in
            let (canaryValue, canaryCount) = Self.measure(rule.metric, canary)
            let (stableValue, stableCount) = Self.measure(rule.metric, stable)
            var check = Check(metric: rule.metric, canary: canaryValue, stable: stableValue, canarySamples: canaryCount,
                              stableSamples: stableCount, minSamples: rule.minSamples, passed: nil, rule: Self.describe(rule))
            guard canaryCount >= rule.minSamples, let canaryValue else { return check }
            var passed = true
            if let max = rule.max { passed = passed && canaryValue <= max }
            if let min = rule.min { passed = passed && canaryValue >= min }
            if rule.minDelta != nil || rule.maxDelta != nil {
                guard stableCount >= rule.minSamples, let stableValue else { return check }
                let delta = canaryValue - stableValue
                if let minDelta = rule.minDelta { passed = passed && delta >= minDelta }
                if let maxDelta = rule.maxDelta { passed = passed && delta <= maxDelta }
            }
            check.passed = passed
            return check
        }
        if checks.contains(where: { $0.passed == false }) {
            verdict = .fail
        } else if checks.contains(where: { $0.passed == nil }) {
            verdict = .inconclusive
        } else {
            verdict = .pass
        }
    }

    /// A metric's value over some predictions and how many observations it rests on.
    static func measure(_ metric: String, _ outcomes: [PredictionOutcome]) -> (Double?, Int) {
        switch metric {
        case "error_rate":
            guard !outcomes.isEmpty else { return (nil, 0) }
            return (Double(outcomes.filter(\.failed).count) / Double(outcomes.count), outcomes.count)
        case "latency_p50_ms", "latency_p99_ms":
            let latencies = outcomes.filter { !$0.failed }.map(\.latencyMilliseconds).sorted()
            guard !latencies.isEmpty else { return (nil, 0) }
            return (quantile(latencies, metric == "latency_p50_ms" ? 0.5 : 0.99), latencies.count)
        case "accuracy":
            let labelled = outcomes.filter { $0.feedbackLabel != nil && !$0.failed }
            guard !labelled.isEmpty else { return (nil, 0) }
            return (Double(labelled.filter { $0.feedbackLabel == $0.predictedLabel }.count) / Double(labelled.count), labelled.count)
        case "mean_reward":
            let rewards = outcomes.compactMap(\.reward)
            guard !rewards.isEmpty else { return (nil, 0) }
            return (rewards.reduce(0, +) / Double(rewards.count), rewards.count)
        default:
            return (nil, 0)
        }
    }

    /// The nearest-rank quantile (the smallest value with at least q of the values at or below it).
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[Swift.max(0, Swift.min(sorted.count - 1, rank - 1))]
    }

    static func describe(_ rule: DeploymentSpec.AnalysisRule) -> String {
        var parts: [String] = []
        if let max = rule.max { parts.append("≤ \(max)") }
        if let min = rule.min { parts.append("≥ \(min)") }
        if let minDelta = rule.minDelta { parts.append("canary − stable ≥ \(minDelta)") }
        if let maxDelta = rule.maxDelta { parts.append("canary − stable ≤ \(maxDelta)") }
        return "\(rule.metric) \(parts.joined(separator: ", ")) (at least \(rule.minSamples) samples)"
    }
}
