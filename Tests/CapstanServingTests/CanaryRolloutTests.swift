import CapstanStorage
import Testing
@testable import CapstanServing

/// The rollout state machine and the analysis behind each of its moves.
@Suite struct CanaryRolloutTests {
    let steps: [Double] = [5, 25, 50, 100]
    let minute: Int64 = 60_000

    @Test func passingStepsAdvanceOneIntervalAtATimeThenPromote() {
        var state = CanaryRollout(startedAt: 0)
        #expect(state.canaryWeight(steps: steps) == 5)
        // Before the interval: nothing moves, even with a passing analysis.
        #expect(state.next(now: minute - 1, intervalMilliseconds: minute, steps: steps, verdict: .pass).1 == .wait)
        var now: Int64 = 0
        for expected in [1, 2, 3] {
            now += minute
            let (next, decision) = state.next(now: now, intervalMilliseconds: minute, steps: steps, verdict: .pass)
            #expect(decision == .advance(toStep: expected))
            #expect(next.stepStartedAt == now)
            state = next
        }
        #expect(state.canaryWeight(steps: steps) == 100)
        let (last, decision) = state.next(now: now + minute, intervalMilliseconds: minute, steps: steps, verdict: .pass)
        #expect(decision == .promote && last.phase == .promoted)
        #expect(last.next(now: now + 10 * minute, intervalMilliseconds: minute, steps: steps, verdict: .fail).1 == .wait)
    }

    @Test func aFailingRuleAbortsAtOnceAndInconclusiveWaits() {
        let state = CanaryRollout(startedAt: 0)
        let (aborted, decision) = state.next(now: 1, intervalMilliseconds: minute, steps: steps, verdict: .fail)
        #expect(decision == .abort && aborted.phase == .aborted && aborted.canaryWeight(steps: steps) == 0)
        #expect(state.next(now: 5 * minute, intervalMilliseconds: minute, steps: steps, verdict: .inconclusive).1 == .wait)
    }

    @Test func aPausedRolloutNeverMoves() {
        var state = CanaryRollout(startedAt: 0)
        state.phase = .paused
        #expect(state.next(now: 9 * minute, intervalMilliseconds: minute, steps: steps, verdict: .pass).1 == .wait)
        #expect(state.next(now: 9 * minute, intervalMilliseconds: minute, steps: steps, verdict: .fail).1 == .wait)
    }

    func outcome(_ variant: String, failed: Bool = false, latency: Double = 1, predicted: String? = "1", label: String? = nil,
                 reward: Double? = nil) -> PredictionOutcome {
        PredictionOutcome(variant: variant, isShadow: false, failed: failed, latencyMilliseconds: latency, predictedLabel: predicted,
                          feedbackLabel: label, reward: reward)
    }

    func rule(_ metric: String, max: Double? = nil, minDelta: Double? = nil, samples: Int = 10) -> DeploymentSpec.AnalysisRule {
        .init(metric: metric, max: max, min: nil, minDelta: minDelta, maxDelta: nil, minSamples: samples)
    }

    @Test func errorRateAndLatencyAreJudgedOnTheCanary() {
        let stable = (0..<20).map { _ in outcome("s") }
        let erroring = (0..<20).map { index in outcome("c", failed: index < 2) }  // 10% errors
        let slow = (0..<100).map { index in outcome("c", latency: index == 99 ? 80 : 2) }
        let errors = RolloutAnalysis(rules: [rule("error_rate", max: 0.05)], stable: stable, canary: erroring)
        #expect(errors.verdict == .fail && errors.checks[0].canary == 0.1)
        let latency = RolloutAnalysis(rules: [rule("latency_p99_ms", max: 50)], stable: stable, canary: slow)
        #expect(latency.verdict == .pass && latency.checks[0].canary == 2, "p99 of 100 values is the 99th smallest")
        let slower = RolloutAnalysis(rules: [rule("latency_p99_ms", max: 50)], stable: stable, canary: slow + slow.suffix(2))
        #expect(slower.verdict == .fail)
    }

    @Test func accuracyComparesWithStableOnceBothHaveEnoughLabels() {
        let stable = (0..<20).map { _ in outcome("s", predicted: "1", label: "1") }
        let worse = (0..<20).map { index in outcome("c", predicted: "1", label: index < 4 ? "0" : "1") }  // 0.8
        let rules = [rule("accuracy", minDelta: -0.02, samples: 10)]
        let analysis = RolloutAnalysis(rules: rules, stable: stable, canary: worse)
        #expect(analysis.verdict == .fail)
        #expect(analysis.checks[0].canary == 0.8 && analysis.checks[0].stable == 1)
        let early = RolloutAnalysis(rules: rules, stable: Array(stable.prefix(5)), canary: worse)
        #expect(early.verdict == .inconclusive && early.checks[0].passed == nil)
        let unlabelled = RolloutAnalysis(rules: rules, stable: stable, canary: (0..<50).map { _ in outcome("c") })
        #expect(unlabelled.verdict == .inconclusive && unlabelled.checks[0].canarySamples == 0)
    }

    @Test func meanRewardAndNoRulesAtAll() {
        let canary = (0..<10).map { index in outcome("c", reward: Double(index)) }
        let reward = RolloutAnalysis(rules: [.init(metric: "mean_reward", max: nil, min: 4, minDelta: nil, maxDelta: nil, minSamples: 10)],
                                     stable: [], canary: canary)
        #expect(reward.verdict == .pass && reward.checks[0].canary == 4.5)
        #expect(RolloutAnalysis(rules: [], stable: [], canary: []).verdict == .pass)
    }
}
