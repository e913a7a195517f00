/// What a canary analysis needs of one variant's predictions over a window, computed in the
/// database: counts and a few latency quantiles instead of every row, so analysing a busy
/// rollout once a second does not read hundreds of thousands of rows into memory.
public struct VariantWindow: Sendable, Equatable {
    /// Predictions whose inputs fit the model (invalid inputs say nothing about it).
    public var requests = 0
    /// Of those, the ones the model failed on.
    public var failures = 0
    /// Successful predictions that have a feedback label, and those whose label matched it.
    public var labelled = 0
    public var correct = 0
    /// Predictions with a feedback reward, and the rewards' sum.
    public var rewards = 0
    public var rewardSum = 0.0
    /// Nearest-rank quantiles of the successful predictions' latency (ms), by q.
    public var latencyQuantiles: [Double: Double] = [:]

    public var successes: Int { requests - failures }

    public init() {}

    /// The same summary of outcomes already in memory.
    public init(outcomes: [PredictionOutcome], quantiles: [Double]) {
        requests = outcomes.count
        failures = outcomes.filter(\.failed).count
        let succeeded = outcomes.filter { !$0.failed }
        labelled = succeeded.filter { $0.feedbackLabel != nil }.count
        correct = succeeded.filter { $0.feedbackLabel != nil && $0.feedbackLabel == $0.predictedLabel }.count
        let given = outcomes.compactMap(\.reward)
        rewards = given.count
        rewardSum = given.reduce(0, +)
        let latencies = succeeded.map(\.latencyMilliseconds).sorted()
        for q in quantiles where !latencies.isEmpty {
            latencyQuantiles[q] = latencies[Self.nearestRankIndex(q, count: latencies.count)]
        }
    }

    /// The index, in ascending order, of the nearest-rank q-quantile of `count` values: the
    /// smallest value with at least q of the values at or below it.
    public static func nearestRankIndex(_ q: Double, count: Int) -> Int {
        let rank = Int((q * Double(count)).rounded(.up))
        return max(0, min(count - 1, rank - 1))
    }
}
