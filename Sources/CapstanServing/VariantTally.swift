import CapstanStorage

/// What one variant did over a rollout step, reduced to what analysis judges: requests,
/// failures, the latencies of its answers, and the feedback joined to them.
///
/// Requests and latencies are counted as predictions are made; feedback is folded in from
/// the log when the step is analysed (it arrives later, and the latest word for a request
/// wins). A request the model refused as invalid input is the client's error, not the
/// variant's, and is not counted.
public struct VariantTally: Sendable, Equatable {
    public var requests = 0
    public var failures = 0
    /// Latencies of the successful predictions.
    public var latencies = LatencyHistogram()
    /// Successful predictions with a ground-truth label, and how many of them were right.
    public var labelled = 0
    public var correct = 0
    public var rewards = 0
    public var rewardSum = 0.0

    public init() {}

    /// The tally of logged outcomes, feedback included.
    public init<Outcomes: Sequence>(_ outcomes: Outcomes) where Outcomes.Element == PredictionOutcome {
        for outcome in outcomes {
            addPrediction(failed: outcome.failed, latencyMilliseconds: outcome.latencyMilliseconds)
            addFeedback(outcome)
        }
    }

    public mutating func addPrediction(failed: Bool, latencyMilliseconds: Double) {
        requests += 1
        if failed { failures += 1 } else { latencies.add(latencyMilliseconds) }
    }

    /// Folds in an outcome's feedback: its label if the prediction succeeded, its reward
    /// in any case.
    public mutating func addFeedback(_ outcome: PredictionOutcome) {
        if let label = outcome.feedbackLabel, !outcome.failed {
            labelled += 1
            if label == outcome.predictedLabel { correct += 1 }
        }
        if let reward = outcome.reward {
            rewards += 1
            rewardSum += reward
        }
    }

    /// Requests and latencies of `other` added to these (not its feedback).
    public mutating func addPredictions(of other: VariantTally) {
        requests += other.requests
        failures += other.failures
        latencies.add(other.latencies)
    }
}
