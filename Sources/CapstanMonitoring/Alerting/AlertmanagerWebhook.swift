import CapstanJSON

/// The body Alertmanager's webhook receiver POSTs (version "4", `notify/webhook/webhook.go`
/// with `template.Data`), so receivers written for Alertmanager take Capstan's alerts as is.
///
/// Members come in the order Go's encoder writes them: `receiver`, `status`, `alerts`,
/// `notification_reason`, `groupLabels`, `commonLabels`, `commonAnnotations`, `externalURL`,
/// `version`, `groupKey`, `truncatedAlerts`; label maps have their names sorted, as Go
/// writes maps. (Alertmanager 0.34 development builds add `routeLabels`; Capstan's routes
/// have no labels, so it is left out.) Each alert carries `status`, `labels`,
/// `annotations`, `startsAt`, `endsAt`, `generatorURL` and `fingerprint`; times are
/// RFC 3339 in UTC with milliseconds when nonzero, and a firing alert's `endsAt` is Go's
/// zero time `0001-01-01T00:00:00Z`, as Alertmanager sends it.
public enum AlertmanagerWebhook {
    /// The payload for `notification`.
    ///
    /// - Parameters:
    ///   - externalURL: Capstan's own URL, where a reader can see the alerts.
    ///   - generatorURL: the page of the rule or monitor that produced the alerts.
    ///   - maxAlerts: keep at most this many alerts (0: all), counting the rest in
    ///     `truncatedAlerts`; status and common labels are then over the kept ones, as in
    ///     Alertmanager.
    public static func payload(_ notification: AlertNotification, externalURL: String, generatorURL: String = "",
                               maxAlerts: Int = 0) -> JSONValue {
        let alerts = maxAlerts > 0 ? Array(notification.alerts.prefix(maxAlerts)) : notification.alerts
        let truncated = notification.alerts.count - alerts.count
        var commonLabels = alerts.first?.labels ?? [:], commonAnnotations = alerts.first?.annotations ?? [:]
        for alert in alerts.dropFirst() {
            commonLabels = commonLabels.filter { alert.labels[$0.key] == $0.value }
            commonAnnotations = commonAnnotations.filter { alert.annotations[$0.key] == $0.value }
        }
        var body = JSONObjectBuilder()
        body.set("receiver", .string(quoteMeta(notification.receiver)))
        body.set("status", .string(alerts.contains { !$0.isResolved } ? "firing" : "resolved"))
        body.set("alerts", .array(alerts.map { alert in
            var object = JSONObjectBuilder()
            object.set("status", .string(alert.isResolved ? "resolved" : "firing"))
            object.set("labels", SavedStateReader.encode(alert.labels))
            object.set("annotations", SavedStateReader.encode(alert.annotations))
            object.set("startsAt", .string(timestamp(alert.startsAt)))
            object.set("endsAt", .string(alert.endsAt.map(timestamp) ?? zeroTime))
            object.set("generatorURL", .string(generatorURL))
            object.set("fingerprint", .string(alert.fingerprint))
            return object.value
        }))
        body.set("notification_reason", .string(notification.reason.rawValue))
        body.set("groupLabels", SavedStateReader.encode(notification.groupLabels))
        body.set("commonLabels", SavedStateReader.encode(commonLabels))
        body.set("commonAnnotations", SavedStateReader.encode(commonAnnotations))
        body.set("externalURL", .string(externalURL))
        body.set("version", .string("4"))
        body.set("groupKey", .string(notification.groupKey))
        body.set("truncatedAlerts", .int(Int64(truncated)))
        return body.value
    }

    /// Go's zero `time.Time` as `encoding/json` writes it.
    public static let zeroTime = "0001-01-01T00:00:00Z"

    /// Milliseconds since the epoch as Go's `time.Time.MarshalJSON` writes a UTC time
    /// (RFC 3339 with the fraction's trailing zeros dropped): `2024-05-01T12:00:00Z`,
    /// `2024-05-01T12:00:00.25Z`.
    public static func timestamp(_ milliseconds: Int64) -> String {
        let millisecond = ((milliseconds % 1000) + 1000) % 1000
        let seconds = (milliseconds - millisecond) / 1000
        let dayNumber = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - dayNumber * 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: dayNumber)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        var text = "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60)):\(two(secondOfDay % 60))"
        if millisecond != 0 {
            var fraction = String(millisecond)
            fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return text + "Z"
    }

    /// The proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's
    /// `civil_from_days`), so no calendar or locale is involved.
    static func civilDate(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Go's `regexp.QuoteMeta`, which Alertmanager applies to the receiver name in
    /// `template.Data`.
    static func quoteMeta(_ text: String) -> String {
        var result = ""
        for character in text {
            if "\\.+*?()|[]{}^$".contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
