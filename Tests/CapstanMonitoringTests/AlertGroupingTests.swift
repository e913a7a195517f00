import CapstanJSON
import Testing
@testable import CapstanMonitoring

/// Alertmanager's aggregation groups: group_wait, group_interval, repeat_interval,
/// send_resolved, and one incident as one notification.
@Suite struct AlertGroupingTests {
    static let second: Int64 = 1000
    static let minute: Int64 = 60_000
    static let t0: Int64 = 1_714_564_800_000

    let route = AlertRoute(receiver: "ml-oncall", groupBy: .labels(["alertname", "monitor"]), groupWaitMilliseconds: 30 * second,
                           groupIntervalMilliseconds: 5 * minute, repeatIntervalMilliseconds: 60 * minute)

    func firing(_ feature: String, monitor: String = "m1", since: Int64 = t0) -> AlertInstance {
        AlertInstance(labels: ["alertname": "feature_drift", "monitor": monitor, "feature": feature], annotations: ["summary": feature],
                      state: .firing, value: 0.7, activeAt: since, firedAt: since)
    }

    func resolved(_ feature: String, monitor: String = "m1", since: Int64 = t0, at: Int64) -> AlertInstance {
        var alert = firing(feature, monitor: monitor, since: since)
        alert.state = .resolved
        alert.resolvedAt = at
        return alert
    }

    @Test func aNewGroupWaitsGroupWaitThenNotifiesOnce() {
        var grouping = AlertGrouping(rule: "feature_drift")
        #expect(grouping.update(alerts: [firing("age")], route: route, at: Self.t0).isEmpty)
        #expect(grouping.update(alerts: [firing("age")], route: route, at: Self.t0 + 29 * Self.second).isEmpty)
        let sent = grouping.update(alerts: [firing("age")], route: route, at: Self.t0 + 30 * Self.second)
        #expect(sent.count == 1)
        #expect(sent.first?.reason == .firstNotification && sent.first?.receiver == "ml-oncall" && sent.first?.status == "firing")
        #expect(sent.first?.groupKey == #"{}/{alertname="feature_drift"}:{alertname="feature_drift", monitor="m1"}"#)
        #expect(sent.first?.groupLabels == ["alertname": "feature_drift", "monitor": "m1"])
        #expect(sent.first?.alerts == [GroupedAlert(labels: firing("age").labels, annotations: ["summary": "age"], startsAt: Self.t0)])
        // Nothing changed: silent on the next ticks.
        #expect(grouping.update(alerts: [firing("age")], route: route, at: Self.t0 + 30 * Self.second + 5 * Self.minute).isEmpty)
    }

    @Test func pendingAlertsAreNotGrouped() {
        var grouping = AlertGrouping(rule: "feature_drift")
        var pending = firing("age")
        pending.state = .pending
        pending.firedAt = nil
        #expect(grouping.update(alerts: [pending], route: route, at: Self.t0).isEmpty && grouping.groups.isEmpty)
    }

    @Test func alertsOfOneIncidentAreOneNotification() {
        var grouping = AlertGrouping(rule: "feature_drift")
        let alerts = [firing("age"), firing("income"), firing("age", monitor: "m2")]
        _ = grouping.update(alerts: alerts, route: route, at: Self.t0)
        let sent = grouping.update(alerts: alerts, route: route, at: Self.t0 + 30 * Self.second)
        #expect(sent.map(\.groupLabels["monitor"]) == ["m1", "m2"])
        #expect(sent[0].alerts.map(\.labels["feature"]) == ["age", "income"])
        #expect(sent[0].summary == "[FIRING:2] feature_drift m1 (first notification)")
    }

    @Test func changesWaitForTheNextGroupInterval() {
        var grouping = AlertGrouping(rule: "feature_drift")
        let firstFlush = Self.t0 + 30 * Self.second
        _ = grouping.update(alerts: [firing("age")], route: route, at: Self.t0)
        #expect(grouping.update(alerts: [firing("age")], route: route, at: firstFlush).count == 1)
        let both = [firing("age"), firing("income", since: Self.t0 + Self.minute)]
        #expect(grouping.update(alerts: both, route: route, at: Self.t0 + Self.minute).isEmpty)
        #expect(grouping.update(alerts: both, route: route, at: firstFlush + 5 * Self.minute - 1).isEmpty)
        let sent = grouping.update(alerts: both, route: route, at: firstFlush + 5 * Self.minute)
        #expect(sent.map(\.reason) == [.newAlertsInGroup] && sent.first?.alerts.count == 2)
    }

    @Test func anUnchangedGroupIsResentAfterTheRepeatInterval() {
        var grouping = AlertGrouping(rule: "feature_drift")
        let firstFlush = Self.t0 + 30 * Self.second
        var reasons: [Int64: AlertNotification.Reason] = [:]
        // Ticks every 5 minutes from the first flush, for 2 hours.
        for tick in 0...24 as ClosedRange<Int64> {
            let now = tick == 0 ? Self.t0 : firstFlush + (tick - 1) * 5 * Self.minute
            for notification in grouping.update(alerts: [firing("age")], route: route, at: now) {
                reasons[(now - firstFlush) / Self.minute] = notification.reason
            }
        }
        // The repeat needs the last notification to be more than an hour old at a tick, so
        // an hour's repeat on 5-minute ticks comes every 65 minutes.
        #expect(reasons == [0: .firstNotification, 65: .repeatIntervalElapsed])
    }

    @Test func aResolutionIsSentOnceAndTheGroupEnds() {
        var grouping = AlertGrouping(rule: "feature_drift")
        let firstFlush = Self.t0 + 30 * Self.second
        _ = grouping.update(alerts: [firing("age")], route: route, at: Self.t0)
        _ = grouping.update(alerts: [firing("age")], route: route, at: firstFlush)
        let over = [resolved("age", at: Self.t0 + 2 * Self.minute)]
        #expect(grouping.update(alerts: over, route: route, at: Self.t0 + 2 * Self.minute).isEmpty)
        let sent = grouping.update(alerts: over, route: route, at: firstFlush + 5 * Self.minute)
        #expect(sent.map(\.reason) == [.allAlertsResolved] && sent.first?.status == "resolved")
        #expect(sent.first?.alerts.first?.endsAt == Self.t0 + 2 * Self.minute)
        #expect(grouping.groups.isEmpty)
        // The rule keeps reporting the resolution for 15 minutes; it is not sent again.
        for minutes in [11, 16, 20] as [Int64] {
            #expect(grouping.update(alerts: over, route: route, at: Self.t0 + minutes * Self.minute).isEmpty)
        }
        #expect(grouping.groups.isEmpty && grouping.flushedResolutions.count == 1)
        // Once the rule drops it, the record of the resolution goes too.
        #expect(grouping.update(alerts: [], route: route, at: Self.t0 + 30 * Self.minute).isEmpty)
        #expect(grouping.flushedResolutions.isEmpty)
    }

    @Test func aPartialResolutionIsSentWithTheStillFiringAlerts() {
        var grouping = AlertGrouping(rule: "feature_drift")
        let firstFlush = Self.t0 + 30 * Self.second
        _ = grouping.update(alerts: [firing("age"), firing("income")], route: route, at: Self.t0)
        _ = grouping.update(alerts: [firing("age"), firing("income")], route: route, at: firstFlush)
        let sent = grouping.update(alerts: [firing("age"), resolved("income", at: Self.t0 + 3 * Self.minute)], route: route,
                                   at: firstFlush + 5 * Self.minute)
        #expect(sent.map(\.reason) == [.newResolvedAlerts] && sent.first?.status == "firing")
        #expect(sent.first?.alerts.map { $0.isResolved } == [false, true])
        // Without send_resolved, the same change sends nothing.
        var quiet = AlertGrouping(rule: "feature_drift")
        var noResolved = route
        noResolved.sendResolved = false
        _ = quiet.update(alerts: [firing("age"), firing("income")], route: noResolved, at: Self.t0)
        _ = quiet.update(alerts: [firing("age"), firing("income")], route: noResolved, at: firstFlush)
        #expect(quiet.update(alerts: [firing("age"), resolved("income", at: Self.t0 + 3 * Self.minute)], route: noResolved,
                             at: firstFlush + 5 * Self.minute).isEmpty)
        #expect(quiet.update(alerts: [resolved("age", at: firstFlush + 6 * Self.minute)], route: noResolved,
                             at: firstFlush + 10 * Self.minute).isEmpty)
        #expect(quiet.groups.isEmpty)
    }

    @Test func anAlertThatFiredAndResolvedBeforeTheFirstFlushIsNeverSent() {
        var grouping = AlertGrouping(rule: "feature_drift")
        _ = grouping.update(alerts: [firing("age")], route: route, at: Self.t0)
        #expect(grouping.update(alerts: [resolved("age", at: Self.t0 + 10 * Self.second)], route: route, at: Self.t0 + 30 * Self.second).isEmpty)
        #expect(grouping.groups.isEmpty)
    }

    @Test func anAlertOlderThanGroupWaitIsSentAtOnce() {
        // After a restart without grouping state, an alert that has fired for an hour.
        var grouping = AlertGrouping(rule: "feature_drift")
        let sent = grouping.update(alerts: [firing("age", since: Self.t0 - 60 * Self.minute)], route: route, at: Self.t0)
        #expect(sent.map(\.reason) == [.firstNotification])
    }

    @Test func aFiringAlertThatDisappearsIsResolvedThen() {
        var grouping = AlertGrouping(rule: "feature_drift")
        _ = grouping.update(alerts: [firing("age")], route: route, at: Self.t0)
        _ = grouping.update(alerts: [firing("age")], route: route, at: Self.t0 + 30 * Self.second)
        #expect(grouping.update(alerts: [], route: route, at: Self.t0 + Self.minute).isEmpty)
        let sent = grouping.update(alerts: [], route: route, at: Self.t0 + 30 * Self.second + 5 * Self.minute)
        #expect(sent.map(\.reason) == [.allAlertsResolved] && sent.first?.alerts.first?.endsAt == Self.t0 + Self.minute)
    }

    @Test func missedTicksKeepTheSchedule() {
        var grouping = AlertGrouping(rule: "feature_drift")
        _ = grouping.update(alerts: [firing("age")], route: route, at: Self.t0)
        _ = grouping.update(alerts: [firing("age")], route: route, at: Self.t0 + 30 * Self.second)
        // The server was late by 12 minutes: the next ticks stay on the 5-minute grid.
        let both = [firing("age"), firing("income")]
        #expect(grouping.update(alerts: both, route: route, at: Self.t0 + 30 * Self.second + 12 * Self.minute).count == 1)
        #expect(grouping.groups.first?.nextFlushAt == Self.t0 + 30 * Self.second + 15 * Self.minute)
    }

    @Test func aResolvedGroupStartsOverWhenItFiresAgain() {
        var grouping = AlertGrouping(rule: "feature_drift")
        let firstFlush = Self.t0 + 30 * Self.second
        _ = grouping.update(alerts: [firing("age")], route: route, at: Self.t0)
        _ = grouping.update(alerts: [firing("age")], route: route, at: firstFlush)
        _ = grouping.update(alerts: [resolved("age", at: Self.t0 + Self.minute)], route: route, at: firstFlush + 5 * Self.minute)
        let again = firing("age", since: Self.t0 + 20 * Self.minute)
        #expect(grouping.update(alerts: [again], route: route, at: Self.t0 + 20 * Self.minute).isEmpty)
        let sent = grouping.update(alerts: [again], route: route, at: Self.t0 + 20 * Self.minute + 30 * Self.second)
        #expect(sent.map(\.reason) == [.firstNotification])
    }

    @Test func stateRoundTripsThroughJSONAndCarriesOn() throws {
        var grouping = AlertGrouping(rule: "feature_drift")
        let firstFlush = Self.t0 + 30 * Self.second
        _ = grouping.update(alerts: [firing("age"), firing("income", monitor: "m2")], route: route, at: Self.t0)
        _ = grouping.update(alerts: [firing("age"), firing("income", monitor: "m2")], route: route, at: firstFlush)
        _ = grouping.update(alerts: [resolved("age", at: firstFlush), firing("income", monitor: "m2"), firing("tenure")], route: route,
                            at: firstFlush + Self.minute)
        let text = JSONWriter.string(grouping.json)
        var restored = try AlertGrouping(json: JSONParser.parse(Array(text.utf8)))
        #expect(restored == grouping)
        #expect(JSONWriter.string(restored.json) == text)
        let later = [resolved("age", at: firstFlush), firing("income", monitor: "m2"), firing("tenure")]
        #expect(restored.update(alerts: later, route: route, at: firstFlush + 5 * Self.minute)
            == grouping.update(alerts: later, route: route, at: firstFlush + 5 * Self.minute))
        #expect(throws: AlertingError.invalidState("groups[0].next_flush_at is missing")) {
            try AlertGrouping(json: .object([("rule", .string("x")), ("groups", .array([.object([("key", .string("k")), ("labels", .object([])), ("alerts", .array([]))])])),
                                            ("flushed_resolutions", .object([]))]))
        }
    }
}
