import CapstanStats
import CapstanStorage

/// An A/B(/n) comparison of a deployment's variants on one feedback metric: each variant
/// against the first (the control), with a confidence interval, a p-value, and how many more
/// observations per variant the observed difference needs for 80% power at α = 0.05.
public struct ExperimentReport: Sendable {
    public enum Metric: String, Sendable, CaseIterable {
        /// Share of labelled predictions whose label matched the feedback (two-proportion z-test).
        case accuracy
        /// Mean feedback reward (Welch's t-test).
        case meanReward = "mean_reward"
        /// Share of requests that failed (two-proportion z-test).
        case errorRate = "error_rate"
    }

    public struct Row: Sendable {
        public var variant: String
        public var requests: Int
        public var errors: Int
        /// Observations of the metric (labelled or rewarded predictions; requests for error rate).
        public var samples: Int
        public var value: Double?
        public var interval: (low: Double, high: Double)?
        /// Against the control; nil for the control itself.
        public var difference: Double?
        public var pValue: Double?
        /// More observations this variant and the control each need; 0 when they have enough.
        public var samplesStillNeeded: Int?
    }

    public var metric: Metric
    public var rows: [Row]

    /// `variants` in the deployment's order; the first is the control.
    public init(metric: Metric, variants: [String], outcomes: [PredictionOutcome]) {
        self.metric = metric
        let groups = variants.map { name in outcomes.filter { $0.variant == name && !$0.isShadow } }
        let observations = groups.map { Self.observations(metric, $0) }
        rows = zip(variants, groups).enumerated().map { index, pair in
            let (name, group) = pair
            let values = observations[index]
            var row = Row(variant: name, requests: group.count, errors: group.filter(\.failed).count, samples: values.count,
                          value: values.isEmpty ? nil : values.reduce(0, +) / Double(values.count))
            switch metric {
            case .accuracy, .errorRate:
                row.interval = Estimation.wilson(successes: Int(values.reduce(0, +)), trials: values.count).map { ($0.low, $0.high) }
            case .meanReward:
                row.interval = Estimation.meanInterval(values).map { ($0.low, $0.high) }
            }
            guard index > 0, let value = row.value, let control = observations.first, !control.isEmpty else { return row }
            let controlValue = control.reduce(0, +) / Double(control.count)
            row.difference = value - controlValue
            let required: Int?
            switch metric {
            case .accuracy, .errorRate:
                row.pValue = SignificanceTests.twoProportionZ(successes1: Int(control.reduce(0, +)), trials1: control.count,
                                                              successes2: Int(values.reduce(0, +)), trials2: values.count)?.pValue
                required = Estimation.sampleSizeForProportions(controlValue, value)
            case .meanReward:
                row.pValue = SignificanceTests.welchT(control, values)?.pValue
                let pooled = ((SignificanceTests.meanAndVariance(control).1 + SignificanceTests.meanAndVariance(values).1) / 2).squareRoot()
                required = Estimation.sampleSizeForMeans(delta: value - controlValue, standardDeviation: pooled)
            }
            row.samplesStillNeeded = required.map { max(0, $0 - min(values.count, control.count)) }
            return row
        }
    }

    /// Per prediction: 1/0 for proportions, the reward for means.
    static func observations(_ metric: Metric, _ outcomes: [PredictionOutcome]) -> [Double] {
        switch metric {
        case .accuracy:
            outcomes.filter { !$0.failed && $0.feedbackLabel != nil }.map { $0.feedbackLabel == $0.predictedLabel ? 1 : 0 }
        case .meanReward:
            outcomes.compactMap(\.reward)
        case .errorRate:
            outcomes.map { $0.failed ? 1 : 0 }
        }
    }
}
