import CapstanStorage

/// Judges a canary against the stable variant on the rules of a rollout, from what both
/// did (and the feedback joined to it) over the same window.
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
        self.init(rules: rules, stable: VariantTally(stable), canary: VariantTally(canary))
    }

    public init(rules: [DeploymentSpec.AnalysisRule], stable: VariantTally, canary: VariantTally) {
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

    /// A metric's value over a variant's window and how many observations it rests on.
    static func measure(_ metric: String, _ tally: VariantTally) -> (Double?, Int) {
        func ratio(_ part: Int, _ whole: Int) -> (Double?, Int) {
            whole == 0 ? (nil, 0) : (Double(part) / Double(whole), whole)
        }
        switch metric {
        case "error_rate": return ratio(tally.failures, tally.requests)
        case "latency_p50_ms": return (tally.latencies.quantile(0.5), tally.latencies.count)
        case "latency_p99_ms": return (tally.latencies.quantile(0.99), tally.latencies.count)
        case "accuracy": return ratio(tally.correct, tally.labelled)
        case "mean_reward": return tally.rewards == 0 ? (nil, 0) : (tally.rewardSum / Double(tally.rewards), tally.rewards)
        default: return (nil, 0)
        }
    }

    /// Whether any rule needs feedback, which analysis then reads from the log.
    static func needsFeedback(_ rules: [DeploymentSpec.AnalysisRule]) -> Bool {
        rules.contains { $0.metric == "accuracy" || $0.metric == "mean_reward" }
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
