import CapstanJSON
import Testing
@testable import CapstanMonitoring

/// The webhook body in Alertmanager's version-4 shape, member for member.
@Suite struct AlertmanagerWebhookTests {
    static let t0: Int64 = 1_714_564_800_000  // 2024-05-01T12:00:00Z

    let notification = AlertNotification(
        receiver: "ml-oncall", groupKey: #"{}/{alertname="feature_drift"}:{alertname="feature_drift", monitor="m1"}"#,
        groupLabels: ["alertname": "feature_drift", "monitor": "m1"], reason: .newResolvedAlerts,
        alerts: [
            GroupedAlert(labels: ["alertname": "feature_drift", "monitor": "m1", "feature": "age", "severity": "warning"],
                         annotations: ["summary": "age drifted", "runbook_url": "https://wiki.example/drift"], startsAt: t0 + 250),
            GroupedAlert(labels: ["alertname": "feature_drift", "monitor": "m1", "feature": "income", "severity": "warning"],
                         annotations: ["summary": "income drifted", "runbook_url": "https://wiki.example/drift"],
                         startsAt: t0 - 3_600_000, endsAt: t0 + 90_000),
        ], at: t0 + 300_000)

    @Test func thePayloadHasAlertmanagersMembersInItsOrder() {
        let payload = AlertmanagerWebhook.payload(notification, externalURL: "http://capstan:8080", generatorURL: "http://capstan:8080/ui/alerts")
        let expected = #"""
        {"receiver":"ml-oncall","status":"firing","alerts":[\#
        {"status":"firing","labels":{"alertname":"feature_drift","feature":"age","monitor":"m1","severity":"warning"},\#
        "annotations":{"runbook_url":"https://wiki.example/drift","summary":"age drifted"},\#
        "startsAt":"2024-05-01T12:00:00.25Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://capstan:8080/ui/alerts",\#
        "fingerprint":"\#(AlertLabels.fingerprintHex(notification.alerts[0].labels))"},\#
        {"status":"resolved","labels":{"alertname":"feature_drift","feature":"income","monitor":"m1","severity":"warning"},\#
        "annotations":{"runbook_url":"https://wiki.example/drift","summary":"income drifted"},\#
        "startsAt":"2024-05-01T11:00:00Z","endsAt":"2024-05-01T12:01:30Z","generatorURL":"http://capstan:8080/ui/alerts",\#
        "fingerprint":"\#(AlertLabels.fingerprintHex(notification.alerts[1].labels))"}],\#
        "notification_reason":"some alerts resolved",\#
        "groupLabels":{"alertname":"feature_drift","monitor":"m1"},\#
        "commonLabels":{"alertname":"feature_drift","monitor":"m1","severity":"warning"},\#
        "commonAnnotations":{"runbook_url":"https://wiki.example/drift"},\#
        "externalURL":"http://capstan:8080","version":"4",\#
        "groupKey":"{}/{alertname=\"feature_drift\"}:{alertname=\"feature_drift\", monitor=\"m1\"}","truncatedAlerts":0}
        """#
        #expect(JSONWriter.string(payload) == expected)
    }

    @Test func fingerprintsAreSixteenHexDigits() {
        let payload = AlertmanagerWebhook.payload(notification, externalURL: "")
        guard case .array(let alerts)? = payload["alerts"] else {
            Issue.record("no alerts")
            return
        }
        for alert in alerts {
            guard case .string(let fingerprint)? = alert["fingerprint"] else { continue }
            #expect(fingerprint.count == 16 && fingerprint.allSatisfy(\.isHexDigit) && fingerprint == fingerprint.lowercased())
        }
        // {alertname="feature_drift"} alone, checked against Go-compatible FNV-1a (see AlertRuleTests).
        #expect(GroupedAlert(labels: ["alertname": "feature_drift"], annotations: [:], startsAt: 0).fingerprint == "47f6361df9533d78")
    }

    @Test func maxAlertsTruncatesAndCountsTheRest() {
        let payload = AlertmanagerWebhook.payload(notification, externalURL: "", maxAlerts: 1)
        #expect(payload["truncatedAlerts"] == .int(1))
        guard case .array(let alerts)? = payload["alerts"] else {
            Issue.record("no alerts")
            return
        }
        #expect(alerts.count == 1)
        // Common labels are over the alerts kept, as Alertmanager computes them after truncating.
        #expect(payload["commonLabels"]?["feature"] == .string("age"))
        #expect(payload["commonAnnotations"]?["summary"] == .string("age drifted"))
    }

    @Test func aGroupWithOnlyResolvedAlertsIsResolved() {
        var resolved = notification
        resolved.alerts.removeFirst()
        resolved.reason = .allAlertsResolved
        let payload = AlertmanagerWebhook.payload(resolved, externalURL: "")
        #expect(payload["status"] == .string("resolved") && payload["notification_reason"] == .string("all alerts resolved"))
    }

    @Test func timestampsAreGoRFC3339InUTC() {
        #expect(AlertmanagerWebhook.timestamp(0) == "1970-01-01T00:00:00Z")
        #expect(AlertmanagerWebhook.timestamp(Self.t0) == "2024-05-01T12:00:00Z")
        #expect(AlertmanagerWebhook.timestamp(Self.t0 + 5) == "2024-05-01T12:00:00.005Z")
        #expect(AlertmanagerWebhook.timestamp(Self.t0 + 120) == "2024-05-01T12:00:00.12Z")
        #expect(AlertmanagerWebhook.timestamp(951_782_400_000) == "2000-02-29T00:00:00Z")
        #expect(AlertmanagerWebhook.timestamp(4_107_542_399_999) == "2100-02-28T23:59:59.999Z")
        #expect(AlertmanagerWebhook.timestamp(-1) == "1969-12-31T23:59:59.999Z")
    }

    @Test func theReceiverIsQuotedAsAlertmanagerQuotesIt() {
        var dotted = notification
        dotted.receiver = "team.ml"
        #expect(AlertmanagerWebhook.payload(dotted, externalURL: "")["receiver"] == .string(#"team\.ml"#))
    }
}
