import CapstanJSON
import Foundation

/// Where a rule's notifications go. The alerting core only decides what to send; the server
/// writes log lines and makes the webhook POSTs.
public enum AlertChannel: Sendable, Equatable {
    /// A log line per notification, at a level following the `severity` label.
    case log
    /// An HTTP POST of Alertmanager's webhook payload (version 4) to `url`, so receivers
    /// written for Alertmanager work unchanged. `maxAlerts` caps the alerts in one payload
    /// (0: no cap), as Alertmanager's `max_alerts`; the rest are counted in `truncatedAlerts`.
    case webhook(url: String, maxAlerts: Int)

    /// Reads one entry of `channels`: the string `log`, or `{"webhook": {"url": …, "max_alerts": …}}`.
    init(spec value: JSONValue, field: String) throws(SpecError) {
        if case .string("log") = value {
            self = .log
            return
        }
        let entry: SpecObject
        do {
            entry = try SpecObject(value, path: field)
        } catch {
            throw SpecError("\(field) must be \"log\" or {\"webhook\": {\"url\": …}}")
        }
        try entry.rejectUnknown(["webhook", "log"])
        guard entry.fields.count == 1 else { throw SpecError("\(field) must name one channel, log or webhook") }
        if entry.has("log") {
            let settings = try entry.object("log")
            try settings.rejectUnknown([])
            self = .log
            return
        }
        let webhook = try entry.object("webhook")
        try webhook.rejectUnknown(["url", "max_alerts"])
        let url = try webhook.string("url")
        guard let components = URLComponents(string: url), ["http", "https"].contains(components.scheme?.lowercased() ?? ""),
              let host = components.host, !host.isEmpty else {
            throw SpecError("\(webhook.field("url")) must be an http:// or https:// URL with a host")
        }
        var maxAlerts = 0
        if let limit = try webhook.optionalNumber("max_alerts") {
            guard limit >= 0, limit == limit.rounded(), limit <= 1_000_000 else {
                throw SpecError("\(webhook.field("max_alerts")) must be a whole number from 0 (no limit) to 1000000")
            }
            maxAlerts = Int(limit)
        }
        self = .webhook(url: url, maxAlerts: maxAlerts)
    }
}
