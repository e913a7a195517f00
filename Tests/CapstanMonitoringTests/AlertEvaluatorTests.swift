import CapstanJSON
import Testing
@testable import CapstanMonitoring

/// Prometheus' alerting-rule state machine: pending, firing, resolved, `for`,
/// `keep_firing_for`, resolved retention, and state that survives a restart as JSON.
@Suite struct AlertEvaluatorTests {
    static let minute: Int64 = 60_000
    static let start: Int64 = 1_714_564_800_000  // 2024-05-01T12:00:00Z

    func rule(for hold: Int64 = 0, keepFiringFor: Int64 = 0) -> AlertRule {
        AlertRule(name: "feature_drift", metric: "drift_share", comparison: .greater, threshold: 0.5,
                  forMilliseconds: hold, keepFiringForMilliseconds: keepFiringFor,
                  labels: ["severity": try! AlertTemplate("warning", field: "labels.severity")],
                  annotations: ["summary": try! AlertTemplate("{{ $labels.monitor }} at {{ $value }}", field: "annotations.summary")])
    }

    func sample(_ value: Double, monitor: String = "m1") -> AlertSample {
        AlertSample(labels: ["monitor": monitor, "deployment": "churn"], value: value)
    }

    /// Runs evaluations one minute apart from `start`, returning every state and transition list.
    func run(_ rule: AlertRule, _ steps: [[AlertSample]]) throws -> [(state: AlertRuleState, transitions: [AlertTransition])] {
        var state = AlertRuleState(rule: rule.name)
        var results: [(AlertRuleState, [AlertTransition])] = []
        for (index, samples) in steps.enumerated() {
            let evaluation = try AlertEvaluator.evaluate(rule, samples: samples, state: state, at: Self.start + Int64(index) * Self.minute)
            state = evaluation.state
            results.append((state, evaluation.transitions))
        }
        return results
    }

    func moves(_ transitions: [AlertTransition]) -> [String] { transitions.map { "\($0.from.rawValue)>\($0.to.rawValue)" } }

    @Test func withoutForAnAlertFiresAtOnceAndResolvesWhenTheConditionClears() throws {
        let steps = try run(rule(), [[sample(0.7)], [sample(0.8)], [sample(0.2)]])
        #expect(moves(steps[0].transitions) == ["inactive>firing"])
        let fired = try #require(steps[0].state.alerts.first)
        #expect(fired.state == .firing && fired.activeAt == Self.start && fired.firedAt == Self.start)
        #expect(fired.labels == ["alertname": "feature_drift", "monitor": "m1", "deployment": "churn", "severity": "warning"])
        #expect(fired.annotations == ["summary": "m1 at 0.7"])
        #expect(steps[1].transitions.isEmpty)
        #expect(steps[1].state.alerts[0].value == 0.8 && steps[1].state.alerts[0].annotations["summary"] == "m1 at 0.8")
        #expect(moves(steps[2].transitions) == ["firing>resolved"])
        #expect(steps[2].transitions[0].value == 0.8 && steps[2].transitions[0].at == Self.start + 2 * Self.minute)
        let resolved = steps[2].state.alerts[0]
        #expect(resolved.state == .resolved && resolved.resolvedAt == Self.start + 2 * Self.minute && resolved.firedAt == Self.start)
    }

    @Test func withForAnAlertIsPendingUntilTheConditionHasHeldThatLong() throws {
        let steps = try run(rule(for: 2 * Self.minute), [[sample(0.7)], [sample(0.7)], [sample(0.9)], [sample(0.9)]])
        #expect(moves(steps[0].transitions) == ["inactive>pending"])
        #expect(steps[1].transitions.isEmpty && steps[1].state.alerts[0].state == .pending)
        // Two minutes after it became active: now − activeAt ≥ for.
        #expect(moves(steps[2].transitions) == ["pending>firing"])
        #expect(steps[2].state.alerts[0].activeAt == Self.start && steps[2].state.alerts[0].firedAt == Self.start + 2 * Self.minute)
        #expect(steps[3].transitions.isEmpty)
    }

    @Test func aPendingAlertWhoseConditionClearsIsDropped() throws {
        let steps = try run(rule(for: 5 * Self.minute), [[sample(0.7)], [sample(0.1)], [sample(0.7)]])
        #expect(moves(steps[1].transitions) == ["pending>inactive"])
        #expect(steps[1].state.alerts.isEmpty)
        // Back above: a new pending alert whose for clock starts again.
        #expect(moves(steps[2].transitions) == ["inactive>pending"])
        #expect(steps[2].state.alerts[0].activeAt == Self.start + 2 * Self.minute)
    }

    @Test func keepFiringForHoldsAFlappingAlertUp() throws {
        let hold = try run(rule(keepFiringFor: 3 * Self.minute),
                           [[sample(0.7)], [sample(0.1)], [sample(0.1)], [sample(0.8)], [sample(0.1)], [sample(0.1)], [sample(0.1)], [sample(0.1)]])
        #expect(moves(hold[0].transitions) == ["inactive>firing"])
        // Cleared at minute 1: still firing, the keep-firing clock started.
        #expect(hold[1].transitions.isEmpty && hold[1].state.alerts[0].state == .firing)
        #expect(hold[1].state.alerts[0].keepFiringSince == Self.start + Self.minute)
        #expect(hold[2].transitions.isEmpty)
        // Back at minute 3: the clock is reset, no notification-worthy change.
        #expect(hold[3].transitions.isEmpty && hold[3].state.alerts[0].keepFiringSince == nil)
        #expect(hold[3].state.alerts[0].firedAt == Self.start)
        // Cleared at minute 4: held through minutes 4–6, resolved at 7 (3 minutes later).
        #expect(hold[4].transitions.isEmpty && hold[5].transitions.isEmpty && hold[6].transitions.isEmpty)
        #expect(moves(hold[7].transitions) == ["firing>resolved"])
        #expect(hold[7].state.alerts[0].resolvedAt == Self.start + 7 * Self.minute)
    }

    @Test func withoutKeepFiringForAFlappingAlertResolvesAndFiresAgain() throws {
        let steps = try run(rule(), [[sample(0.7)], [sample(0.1)], [sample(0.7)], [sample(0.1)]])
        #expect(steps.map { moves($0.transitions) } == [["inactive>firing"], ["firing>resolved"], ["resolved>firing"], ["firing>resolved"]])
        // The second firing is a new alert: its times start over.
        #expect(steps[2].state.alerts[0].activeAt == Self.start + 2 * Self.minute && steps[2].state.alerts[0].resolvedAt == nil)
    }

    @Test func forAndKeepFiringForTogether() throws {
        let steps = try run(rule(for: Self.minute, keepFiringFor: 2 * Self.minute),
                            [[sample(0.7)], [sample(0.7)], [sample(0.1)], [sample(0.1)], [sample(0.1)]])
        #expect(steps.map { moves($0.transitions) } == [["inactive>pending"], ["pending>firing"], [], [], ["firing>resolved"]])
    }

    @Test func eachLabelSetIsItsOwnAlert() throws {
        let steps = try run(rule(for: Self.minute), [
            [sample(0.7, monitor: "m1"), sample(0.2, monitor: "m2")],
            [sample(0.7, monitor: "m1"), sample(0.9, monitor: "m2")],
            [sample(0.1, monitor: "m1"), sample(0.9, monitor: "m2")],
        ])
        #expect(steps[0].state.alerts.map { $0.labels["monitor"] } == ["m1"])
        let second = Dictionary(uniqueKeysWithValues: steps[1].transitions.map { ($0.labels["monitor"]!, "\($0.from.rawValue)>\($0.to.rawValue)") })
        #expect(second == ["m1": "pending>firing", "m2": "inactive>pending"])
        let third = Dictionary(uniqueKeysWithValues: steps[2].transitions.map { ($0.labels["monitor"]!, "\($0.from.rawValue)>\($0.to.rawValue)") })
        #expect(third == ["m1": "firing>resolved", "m2": "pending>firing"])
        #expect(steps[2].state.alerts.map(\.fingerprint) == steps[2].state.alerts.map(\.fingerprint).sorted())
        #expect(steps[2].transitions.allSatisfy { $0.fingerprint == AlertLabels.fingerprintHex($0.labels) })
    }

    @Test func resolvedAlertsAreKeptFifteenMinutes() throws {
        let rule = rule()
        var state = try AlertEvaluator.evaluate(rule, samples: [sample(0.7)], state: AlertRuleState(rule: rule.name), at: Self.start).state
        state = try AlertEvaluator.evaluate(rule, samples: [], state: state, at: Self.start + Self.minute).state
        #expect(state.resolved.count == 1)
        let kept = try AlertEvaluator.evaluate(rule, samples: [], state: state, at: Self.start + 16 * Self.minute)
        #expect(kept.state.resolved.count == 1 && kept.transitions.isEmpty)
        let dropped = try AlertEvaluator.evaluate(rule, samples: [], state: state, at: Self.start + 16 * Self.minute + 1)
        #expect(dropped.state.alerts.isEmpty && dropped.transitions.isEmpty)
    }

    @Test func aLongerForSendsAFiringAlertBackToPending() throws {
        var state = try AlertEvaluator.evaluate(rule(), samples: [sample(0.7)], state: AlertRuleState(rule: "feature_drift"), at: Self.start).state
        let edited = try AlertEvaluator.evaluate(rule(for: 10 * Self.minute), samples: [sample(0.7)], state: state, at: Self.start + Self.minute)
        #expect(moves(edited.transitions) == ["firing>pending"])
        state = edited.state
        #expect(state.alerts[0].firedAt == nil && state.alerts[0].activeAt == Self.start)
    }

    @Test func samplesWithTheSameLabelSetAreAnError() throws {
        // The rule's labels override the samples' own, making the two identical.
        let rule = AlertRule(name: "x", metric: "m", comparison: .greater, threshold: 0,
                             labels: ["monitor": try AlertTemplate("all", field: "labels.monitor")])
        #expect(throws: AlertingError.duplicateLabelSet(rule: "x", labels: #"{alertname="x", deployment="churn", monitor="all"}"#)) {
            try AlertEvaluator.evaluate(rule, samples: [sample(1, monitor: "m1"), sample(2, monitor: "m2")], state: AlertRuleState(rule: "x"), at: 0)
        }
        // Samples below the threshold are not alerts, so they cannot collide.
        #expect(try AlertEvaluator.evaluate(rule, samples: [sample(1, monitor: "m1"), sample(-2, monitor: "m2")],
                                            state: AlertRuleState(rule: "x"), at: 0).state.alerts.count == 1)
    }

    @Test func templatedLabelsSeeTheSampleAndNameIsDropped() throws {
        let rule = AlertRule(name: "x", metric: "m", comparison: .greater, threshold: 0,
                             labels: ["where": try AlertTemplate("{{ $labels.monitor }}/{{ $labels.alertname }}", field: "labels.where")])
        let state = try AlertEvaluator.evaluate(rule, samples: [AlertSample(labels: ["__name__": "m", "monitor": "m1", "alertname": "other"], value: 1)],
                                                state: AlertRuleState(rule: "x"), at: 0).state
        // alertname is the rule's; templates see the sample's labels, where alertname is not yet set.
        #expect(state.alerts[0].labels == ["alertname": "x", "monitor": "m1", "where": "m1/other"])
    }

    @Test func stateRoundTripsThroughJSONExactly() throws {
        let steps = try run(rule(for: Self.minute, keepFiringFor: 5 * Self.minute), [
            [sample(0.7, monitor: "m1"), sample(0.9, monitor: "m2"), sample(.infinity, monitor: "m3")],
            [sample(0.7, monitor: "m1"), sample(0.9, monitor: "m2"), sample(.infinity, monitor: "m3")],
            [sample(0.7, monitor: "m1"), sample(0.1, monitor: "m2"), sample(.infinity, monitor: "m3"), sample(0.6, monitor: "m4")],
        ])
        let resolved = AlertInstance(labels: ["alertname": "feature_drift", "monitor": "m5"], annotations: [:], state: .resolved,
                                     value: 0.625, activeAt: Self.start - 9 * Self.minute, firedAt: Self.start - 8 * Self.minute,
                                     resolvedAt: Self.start)
        let state = AlertRuleState(rule: steps[2].state.rule, alerts: steps[2].state.alerts + [resolved], evaluatedAt: steps[2].state.evaluatedAt)
        let text = JSONWriter.string(state.json)
        let decoded = try AlertRuleState(json: JSONParser.parse(Array(text.utf8)))
        #expect(decoded == state)
        #expect(JSONWriter.string(decoded.json) == text)
        #expect(decoded.alerts.contains { $0.keepFiringSince != nil } && decoded.alerts.contains { $0.value == .infinity })
        #expect(Set(decoded.alerts.map(\.state)) == [.pending, .firing, .resolved])
    }

    @Test func damagedStateNamesTheField() {
        #expect(throws: AlertingError.invalidState("alerts[0].active_at must be an integer")) {
            try AlertRuleState(json: .object([("rule", .string("x")), ("alerts", .array([.object([
                ("labels", .object([])), ("annotations", .object([])), ("state", .string("firing")), ("value", .int(1)),
                ("active_at", .string("yesterday")),
            ])]))]))
        }
        #expect(throws: AlertingError.invalidState("alerts[0].state must be pending, firing or resolved, got 'on'")) {
            try AlertRuleState(json: .object([("rule", .string("x")), ("alerts", .array([.object([
                ("labels", .object([])), ("annotations", .object([])), ("state", .string("on")),
            ])]))]))
        }
    }

    @Test func matchersLimitWhichSamplesARuleSees() throws {
        var selective = rule()
        selective.matchers = [AlertMatcher(label: "monitor", op: .equal, value: "m2")]
        let steps = try run(selective, [[sample(0.9, monitor: "m1"), sample(0.9, monitor: "m2")]])
        #expect(steps[0].state.alerts.map { $0.labels["monitor"] } == ["m2"])
    }
}
