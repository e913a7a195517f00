/// The progressive canary's state machine, as a value: where a rollout is, and what it does
/// next given the time and the analysis of the current step.
///
/// progressing (step i) ──interval elapsed, analysis passes──▶ step i+1 … ──last step passes──▶ promoted
///        │  └─ analysis inconclusive: stay on the step, keep collecting
///        └─ any rule fails (at any time) ──▶ aborted (everything back to stable)
/// paused: no automatic moves; resume continues the step from scratch. promote and abort
/// are the operator's shortcuts to the two ends.
public struct CanaryRollout: Sendable, Equatable, Codable {
    public enum Phase: String, Sendable, Codable {
        case progressing, paused, promoted, aborted
    }

    public enum Decision: Sendable, Equatable {
        case wait
        case advance(toStep: Int)
        case promote
        case abort
    }

    public var phase: Phase
    public var step: Int
    /// When the current step began (ms since the epoch): its analysis window starts here.
    public var stepStartedAt: Int64

    public init(startedAt: Int64) {
        phase = .progressing
        step = 0
        stepStartedAt = startedAt
    }

    /// The canary's share (percent) of traffic now.
    public func canaryWeight(steps: [Double]) -> Double {
        switch phase {
        case .promoted: 100
        case .aborted: 0
        case .progressing, .paused: steps[Swift.min(step, steps.count - 1)]
        }
    }

    /// What to do now, and the state after it. A failing rule aborts at once; otherwise a
    /// progressing rollout moves only once its step has run for `intervalMilliseconds`.
    public func next(now: Int64, intervalMilliseconds: Int64, steps: [Double], verdict: RolloutAnalysis.Verdict) -> (CanaryRollout, Decision) {
        guard phase == .progressing else { return (self, .wait) }
        var next = self
        if verdict == .fail {
            next.phase = .aborted
            return (next, .abort)
        }
        guard now - stepStartedAt >= intervalMilliseconds else { return (self, .wait) }
        switch verdict {
        case .fail, .inconclusive:
            return (self, .wait)
        case .pass:
            if step + 1 >= steps.count {
                next.phase = .promoted
                return (next, .promote)
            }
            next.step += 1
            next.stepStartedAt = now
            return (next, .advance(toStep: next.step))
        }
    }
}
