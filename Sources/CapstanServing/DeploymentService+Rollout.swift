import CapstanJSON
import CapstanStorage
import Foundation

extension DeploymentService {
    /// An operator's command to a rollout.
    public enum RolloutCommand: String, Sendable, CaseIterable {
        case pause, resume, promote, abort
    }

    /// A rollout as `capstan rollout status` shows it.
    public struct RolloutStatus: Sendable {
        public let deployment: String
        public let revision: Int64
        public let plan: DeploymentSpec.Rollout
        public let state: CanaryRollout
        public let stable: String
        public let canary: String
        /// The current step's analysis so far.
        public let analysis: RolloutAnalysis
    }

    /// Takes up what other servers sharing the database changed (``follow()``), then moves
    /// every progressing rollout whose step is due, and aborts any whose canary fails a rule.
    /// Runs every `interval` until cancelled.
    public func runRollouts(interval: Duration = .seconds(1)) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            do {
                try await follow()
            } catch {
                logger.error("Following the deployments in the database: \(error)")
            }
            for revision in liveRevisions() where revision.spec.rollout != nil {
                do {
                    try await evaluateRollout(revision.deployment, now: Clock.nowMillis())
                } catch {
                    logger.error("Rollout of \(revision.deployment): \(error)")
                }
            }
        }
    }

    /// One look at a deployment's rollout: analyse its current step and act on the verdict.
    public func evaluateRollout(_ name: String, now: Int64) async throws {
        try await changes.run { [self] in
            guard let revision = liveRevision(name), let plan = revision.spec.rollout,
                  let state = rollouts.withLock({ $0[name] }), state.phase == .progressing else { return }
            let analysis = try await analyse(revision, plan: plan, since: state.stepStartedAt)
            let (next, decision) = state.next(now: now, intervalMilliseconds: Int64((plan.intervalSeconds * 1000).rounded()), steps: plan.steps,
                                              verdict: analysis.verdict)
            let canary = revision.variants[1].name
            let message: String
            switch decision {
            case .wait: return
            case .advance(let step): message = "analysis passed; canary '\(canary)' to \(Self.percent(plan.steps[step]))"
            case .promote: message = "every step passed; canary '\(canary)' promoted to 100%"
            case .abort:
                let failed = analysis.checks.filter { $0.passed == false }.map(\.rule).joined(separator: "; ")
                message = "analysis failed (\(failed)); canary '\(canary)' aborted, all traffic back to '\(revision.variants[0].name)'"
            }
            let kind = switch decision {
            case .advance: "rollout_step"
            case .promote: "rollout_promoted"
            default: "rollout_aborted"
            }
            try await record(next, replacing: state, to: revision, plan: plan, event: (kind, message, analysis))
        }
    }

    /// Pauses, resumes, promotes or aborts a deployment's rollout by hand.
    public func commandRollout(_ name: String, _ command: RolloutCommand) async throws -> RolloutStatus {
        try await changes.run { [self] in
            guard let revision = liveRevision(name) else {
                _ = try await store.deployment(name: name)
                throw ServingError.unavailable("Deployment '\(name)' has no loaded revision.")
            }
            guard let plan = revision.spec.rollout, let previous = rollouts.withLock({ $0[name] }) else {
                throw ServingError.conflict("Deployment '\(name)' revision \(revision.revision) has no rollout.")
            }
            var state = previous
            let finished = state.phase == .promoted || state.phase == .aborted
            guard !finished else {
                throw ServingError.conflict("The rollout of '\(name)' is already \(state.phase.rawValue); apply a new revision to start another.")
            }
            let message: String
            switch command {
            case .pause:
                guard state.phase == .progressing else { throw ServingError.conflict("The rollout of '\(name)' is not progressing.") }
                state.phase = .paused
                message = "paused by operator at \(Self.percent(plan.steps[state.step]))"
            case .resume:
                guard state.phase == .paused else { throw ServingError.conflict("The rollout of '\(name)' is not paused.") }
                state.phase = .progressing
                state.stepStartedAt = Clock.nowMillis()
                message = "resumed by operator at \(Self.percent(plan.steps[state.step]))"
            case .promote:
                state.phase = .promoted
                message = "promoted by operator; canary '\(revision.variants[1].name)' to 100%"
            case .abort:
                state.phase = .aborted
                message = "aborted by operator; all traffic back to '\(revision.variants[0].name)'"
            }
            let analysis = try await analyse(revision, plan: plan, since: state.stepStartedAt)
            let kind = switch command {
            case .pause: "rollout_paused"
            case .resume: "rollout_resumed"
            case .promote: "rollout_promoted"
            case .abort: "rollout_aborted"
            }
            guard try await record(state, replacing: previous, to: revision, plan: plan, event: (kind, message, analysis)) else {
                throw ServingError.conflict("Another server changed the rollout of '\(name)' at the same moment; look at its status and try again.")
            }
            return RolloutStatus(deployment: name, revision: revision.revision, plan: plan, state: state,
                                 stable: revision.variants[0].name, canary: revision.variants[1].name, analysis: analysis)
        }
    }

    public func rolloutStatus(_ name: String) async throws -> RolloutStatus {
        guard let revision = liveRevision(name) else {
            _ = try await store.deployment(name: name)
            throw ServingError.unavailable("Deployment '\(name)' has no loaded revision.")
        }
        guard let plan = revision.spec.rollout, let state = rollouts.withLock({ $0[name] }) else {
            throw ServingError.notFound("Deployment '\(name)' revision \(revision.revision) has no rollout.")
        }
        return RolloutStatus(deployment: name, revision: revision.revision, plan: plan, state: state,
                             stable: revision.variants[0].name, canary: revision.variants[1].name,
                             analysis: try await analyse(revision, plan: plan, since: state.stepStartedAt))
    }

    /// The current step's analysis. At a 100% step stable gets no traffic, so rules comparing
    /// the canary with stable were settled at the steps before and only absolute ones remain.
    private func analyse(_ revision: LiveRevision, plan: DeploymentSpec.Rollout, since: Int64) async throws -> RolloutAnalysis {
        let rules = revision.variants[0].weight > 0 ? plan.analysis : plan.analysis.filter { $0.minDelta == nil && $0.maxDelta == nil }
        var tally = try await stepTally(revision, since: since)
        if RolloutAnalysis.needsFeedback(rules) {
            for outcome in try await log.store.feedbackOutcomes(deployment: revision.deployment, revision: revision.revision, since: since) {
                if outcome.variant == revision.variants[0].name {
                    tally.stable.addFeedback(outcome)
                } else if outcome.variant == revision.variants[1].name {
                    tally.canary.addFeedback(outcome)
                }
            }
        }
        return RolloutAnalysis(rules: rules, stable: tally.stable, canary: tally.canary)
    }

    /// Makes `state` the rollout of `revision`, with a new tally when a step begins.
    ///
    /// - Parameter takingOver: the state was saved by an earlier process or revision (a
    ///   restart, a rollback): the step's predictions so far are in the log, not counted
    ///   here. Otherwise the step begins now; predictions already running as it begins, a
    ///   few milliseconds' worth, count towards the step before.
    func setRollout(_ state: CanaryRollout?, of revision: LiveRevision, takingOver: Bool = false) {
        let name = revision.deployment
        rollouts.withLock { $0[name] = state }
        stepTallies.withLock { tallies in
            guard let state else {
                tallies[name] = nil
                return
            }
            if let tally = tallies[name], tally.revision == revision.revision, tally.since == state.stepStartedAt { return }
            tallies[name] = RolloutStepTally(revision: revision.revision, since: state.stepStartedAt,
                                             takenOverAt: takingOver ? Clock.nowMillis() : nil)
        }
    }

    /// Counts a prediction in its rollout's current step.
    func tally(_ revision: LiveRevision, variant: LiveRevision.Variant, time: Int64, error: ServingError?, latencySeconds: Double) {
        if case .invalidInput? = error { return }
        let isCanary = variant.name != revision.variants[0].name
        stepTallies.withLock {
            $0[revision.deployment]?.add(revision: revision.revision, time: time, isCanary: isCanary, failed: error != nil,
                                         latencyMilliseconds: latencySeconds * 1000)
        }
    }

    /// The step's tally so far. A step taken over from an earlier process has its earlier
    /// predictions read from the log once. A status read that raced with a step change
    /// (its `since` is no longer the step's) gets an empty tally and changes nothing.
    private func stepTally(_ revision: LiveRevision, since: Int64) async throws -> RolloutStepTally {
        let name = revision.deployment
        let current = stepTallies.withLock { tallies -> RolloutStepTally? in
            guard let tally = tallies[name], tally.revision == revision.revision else { return nil }
            return tally.since == since ? tally : RolloutStepTally(revision: revision.revision, since: since, takenOverAt: nil)
        }
        guard let current else { return RolloutStepTally(revision: revision.revision, since: since, takenOverAt: nil) }
        guard current.needsBackfill else { return current }
        await log.flush()
        var stable = VariantTally(), canary = VariantTally()
        for outcome in try await log.store.outcomes(deployment: name, revision: revision.revision, since: since, until: current.countedFrom)
        where !outcome.isShadow {
            if outcome.variant == revision.variants[0].name {
                stable.addPrediction(failed: outcome.failed, latencyMilliseconds: outcome.latencyMilliseconds)
            } else if outcome.variant == revision.variants[1].name {
                canary.addPrediction(failed: outcome.failed, latencyMilliseconds: outcome.latencyMilliseconds)
            }
        }
        return stepTallies.withLock { tallies in
            if var tally = tallies[name], tally.revision == revision.revision, tally.since == since {
                // Another look may have filled it in meanwhile: then that count stands.
                guard tally.needsBackfill else { return tally }
                tally.stable.addPredictions(of: stable)
                tally.canary.addPredictions(of: canary)
                tally.needsBackfill = false
                tallies[name] = tally
                return tally
            }
            // A new step began meanwhile: answer for the step asked about, change nothing.
            var answered = current
            answered.stable.addPredictions(of: stable)
            answered.canary.addPredictions(of: canary)
            return answered
        }
    }

    /// Saves the new state with its event (and the numbers behind it), then moves traffic;
    /// false, changing nothing, when the saved state is no longer `previous`: another server
    /// sharing the database decided first, and `follow` takes its decision up.
    @discardableResult
    private func record(_ state: CanaryRollout, replacing previous: CanaryRollout, to revision: LiveRevision, plan: DeploymentSpec.Rollout,
                        event: (kind: String, message: String, analysis: RolloutAnalysis)) async throws -> Bool {
        let weights = Self.weights(state, plan)
        let details = JSONValue.object([
            ("phase", .string(state.phase.rawValue)), ("step", .int(Int64(state.step))),
            ("canary_weight", .double(weights[1])), ("verdict", .string(event.analysis.verdict.rawValue)),
            ("checks", .array(event.analysis.checks.map(\.json))),
        ])
        let saved = try await store.replaceRollout(deployment: revision.deployment, revision: revision.revision,
                                                   expected: try Self.encode(previous), state: try Self.encode(state),
                                                   event: (event.kind, event.message, JSONWriter.string(details)))
        guard saved else {
            logger.info("Deployment \(revision.deployment): another server changed the rollout first; taking its state up")
            return false
        }
        setRollout(state, of: revision)
        await swapLive(revision.withWeights(weights))
        logger.info("Deployment \(revision.deployment): \(event.message)")
        return true
    }
}

extension RolloutAnalysis.Check {
    public var json: JSONValue {
        var object = JSONObjectBuilder()
        object.set("metric", metric)
        object.set("rule", rule)
        object.set("canary", canary.map { .double($0) } ?? .null)
        object.set("stable", stable.map { .double($0) } ?? .null)
        object.set("canary_samples", Int64(canarySamples))
        object.set("stable_samples", Int64(stableSamples))
        object.set("min_samples", Int64(minSamples))
        object.set("passed", passed.map { .bool($0) } ?? .null)
        return object.value
    }
}
