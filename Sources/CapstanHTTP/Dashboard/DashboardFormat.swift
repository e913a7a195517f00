import CapstanJSON

/// How the dashboard writes times, numbers and JSON details: UTC everywhere (a dashboard
/// read by people in several time zones must not shift with the server's), no locale.
enum DashboardFormat {
    /// `2025-11-26 14:03:05 UTC`.
    static func time(_ ms: Int64) -> String {
        let days = AxisTicks.floorDiv(ms, AxisTicks.day)
        let msOfDay = ms - days * AxisTicks.day
        let (year, month, day) = AxisTicks.civil(fromDays: days)
        let h = msOfDay / AxisTicks.hour, m = (msOfDay % AxisTicks.hour) / AxisTicks.minute
        let s = (msOfDay % AxisTicks.minute) / AxisTicks.second
        return "\(year)-\(AxisTicks.two(Int64(month)))-\(AxisTicks.two(Int64(day))) \(AxisTicks.two(h)):\(AxisTicks.two(m)):\(AxisTicks.two(s)) UTC"
    }

    /// `3 min ago`, `2 h ago`, `5 d ago` (or `in …` for the future), for "last change" columns.
    static func age(_ ms: Int64, now: Int64) -> String {
        let delta = now - ms
        let magnitude = abs(delta)
        let text: String
        switch magnitude {
        case ..<AxisTicks.minute: text = "\(magnitude / AxisTicks.second) s"
        case ..<AxisTicks.hour: text = "\(magnitude / AxisTicks.minute) min"
        case ..<AxisTicks.day: text = "\(magnitude / AxisTicks.hour) h"
        default: text = "\(magnitude / AxisTicks.day) d"
        }
        return delta >= 0 ? "\(text) ago" : "in \(text)"
    }

    /// A time with its age beside it: `2025-11-26 14:03:05 UTC (3 min ago)`.
    static func timeAndAge(_ ms: Int64, now: Int64) -> String {
        "\(time(ms)) (\(age(ms, now: now)))"
    }

    /// A duration in the largest whole unit that fits: `90 s` → `90 s`, `3600 s` → `1 h`.
    static func duration(seconds: Double) -> String {
        let units: [(Double, String)] = [(86_400, "d"), (3600, "h"), (60, "min")]
        for (size, name) in units where seconds >= size && (seconds / size).rounded() == seconds / size {
            return "\(Int64(seconds / size)) \(name)"
        }
        return "\(number(seconds)) s"
    }

    /// Up to four significant digits, no exponent for everyday magnitudes: `0.1234`, `12.35`, `1234`.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "–" : (value > 0 ? "∞" : "-∞") }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let magnitude = abs(value)
        let step = magnitude > 0 ? AxisTicks.scaled(1, Int(magnitude.log10Floor) - 3) : 1
        return AxisTicks.compact(value, step: step)
    }

    /// A share as a percentage with one decimal: `0.125` → `12.5%`.
    static func percent(_ share: Double) -> String {
        guard share.isFinite else { return "–" }
        return AxisTicks.trimmed(AxisTicks.fixed(share * 100, decimals: 1)) + "%"
    }

    /// A JSON value as short text for a table cell: numbers as `number(_:)`, objects as
    /// `key: value` pairs, lists comma-separated.
    static func json(_ value: JSONValue) -> String {
        switch value {
        case .null: "–"
        case .bool(let b): b ? "yes" : "no"
        case .int(let i): String(i)
        case .double(let d): number(d)
        case .string(let s): s
        case .array(let items): items.map(json).joined(separator: ", ")
        case .object(let members): members.map { "\($0.0): \(json($0.1))" }.joined(separator: ", ")
        }
    }

    /// A JSON number as a Double.
    static func double(_ value: JSONValue?) -> Double? {
        switch value {
        case .int(let i)?: Double(i)
        case .double(let d)?: d
        default: nil
        }
    }

    /// Key/value labels as `key=value` chips, sorted by key.
    static func labels(_ labels: [String: String], skipping skipped: Set<String> = []) -> HTMLText {
        let chips = labels.sorted { $0.key < $1.key }.filter { !skipped.contains($0.key) }
            .map { label -> HTMLText in "<code class=\"label\">\(label.key)=\(label.value)</code>" }
        return HTMLText.joined(chips, separator: " ")
    }
}
