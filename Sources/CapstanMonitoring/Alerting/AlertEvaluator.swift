/// One evaluation of an alerting rule, as Prometheus' `AlertingRule.Eval` does it: the
/// samples meeting the condition become alerts, and each alert moves through
/// pending → firing → resolved.
///
/// - A label set meeting the condition for the first time is **pending**, active from now;
///   it **fires** once it has held for the rule's `for` (at once when `for` is 0).
/// - A pending alert whose condition clears is dropped without a notification.
/// - A firing alert whose condition clears keeps firing until `keep_firing_for` has passed
///   since it first cleared (a flap back within it changes nothing), then is **resolved**
///   at that evaluation.
/// - Resolved alerts are kept 15 minutes (Prometheus' `resolvedRetention`) so the
///   resolution reaches receivers, then dropped; a resolved label set that meets the
///   condition again starts over as pending.
/// - A firing alert younger than the rule's `for` (the rule was edited to a longer `for`)
///   goes back to pending, as in Prometheus.
///
/// Pure: the caller passes the previous state and gets the next one with the transitions.
public enum AlertEvaluator {
    /// How long a resolved alert is kept (Prometheus' `resolvedRetention`).
    public static let resolvedRetentionMilliseconds: Int64 = 15 * 60 * 1000

    /// The outcome of one evaluation.
    public struct Evaluation: Sendable, Equatable {
        public var state: AlertRuleState
        /// The changes at this evaluation, ordered by fingerprint.
        public var transitions: [AlertTransition]
    }

    /// Evaluates `rule` over the current `samples` of its metric at `now` (milliseconds since
    /// the epoch), continuing from `state` (a fresh ``AlertRuleState`` the first time).
    ///
    /// Each sample's labels, without `__name__`, with the rule's rendered labels over them
    /// and `alertname` set to the rule's name, identify an alert.
    /// - Throws: ``AlertingError/duplicateLabelSet(rule:labels:)`` when two samples meeting
    ///   the condition give the same label set; the state is then left as it was.
    public static func evaluate(_ rule: AlertRule, samples: [AlertSample], state: AlertRuleState, at now: Int64) throws(AlertingError) -> Evaluation {
        // The alerts the condition produces now, by fingerprint.
        var current: [String: AlertInstance] = [:]
        for sample in samples where rule.matchers.allSatisfy({ $0.matches(sample.labels) }) && rule.comparison.holds(sample.value, rule.threshold) {
            var sampleLabels = sample.labels
            sampleLabels["__name__"] = nil
            var labels = sampleLabels
            for (name, template) in rule.labels { labels[name] = template.render(labels: sampleLabels, value: sample.value) }
            labels["alertname"] = rule.name
            let annotations = rule.annotations.mapValues { $0.render(labels: sampleLabels, value: sample.value) }
            let alert = AlertInstance(labels: labels, annotations: annotations, state: .pending, value: sample.value, activeAt: now)
            let fingerprint = alert.fingerprint
            guard current[fingerprint] == nil else {
                throw AlertingError.duplicateLabelSet(rule: rule.name, labels: AlertLabels.describe(labels))
            }
            current[fingerprint] = alert
        }

        var previous: [String: AlertInstance] = [:]
        for alert in state.alerts { previous[alert.fingerprint] = alert }
        var next: [AlertInstance] = []
        var transitions: [AlertTransition] = []
        func record(_ alert: AlertInstance, _ from: AlertState, _ to: AlertState) {
            transitions.append(AlertTransition(rule: rule.name, labels: alert.labels, fingerprint: alert.fingerprint,
                                               from: from, to: to, at: now, value: alert.value))
        }

        for fingerprint in Set(current.keys).union(previous.keys).sorted() {
            if let fresh = current[fingerprint] {
                // The condition holds.
                var alert: AlertInstance
                let before: AlertState
                if let known = previous[fingerprint], known.state != .resolved {
                    alert = known
                    alert.value = fresh.value
                    alert.annotations = fresh.annotations
                    alert.keepFiringSince = nil
                    before = known.state
                } else {
                    alert = fresh
                    before = previous[fingerprint]?.state ?? .inactive
                }
                if alert.state == .pending, now - alert.activeAt >= rule.forMilliseconds {
                    alert.state = .firing
                    alert.firedAt = now
                } else if alert.state == .firing, now - alert.activeAt < rule.forMilliseconds {
                    alert.state = .pending
                    alert.firedAt = nil
                }
                if alert.state != before { record(alert, before, alert.state) }
                next.append(alert)
                continue
            }
            // The condition no longer holds for a known alert.
            var alert = previous[fingerprint]!
            switch alert.state {
            case .pending, .inactive:
                record(alert, .pending, .inactive)
            case .resolved:
                if now - (alert.resolvedAt ?? now) <= resolvedRetentionMilliseconds { next.append(alert) }
            case .firing:
                if rule.keepFiringForMilliseconds > 0 {
                    let since = alert.keepFiringSince ?? now
                    alert.keepFiringSince = since
                    if now - since < rule.keepFiringForMilliseconds {
                        if now - alert.activeAt < rule.forMilliseconds {
                            alert.state = .pending
                            alert.firedAt = nil
                            alert.keepFiringSince = nil
                            record(alert, .firing, .pending)
                        }
                        next.append(alert)
                        continue
                    }
                }
                alert.state = .resolved
                alert.resolvedAt = now
                alert.keepFiringSince = nil
                record(alert, .firing, .resolved)
                next.append(alert)
            }
        }
        return Evaluation(state: AlertRuleState(rule: rule.name, alerts: next, evaluatedAt: now), transitions: transitions)
    }
}
