import CapstanJSON
import CapstanMonitoring
import Foundation

/// A drift result as `capstan drift` prints it: a table for people, JSON for scripts, and a
/// self-contained HTML page to share.
struct DriftReportFormat {
    let drift: DatasetDrift
    /// Columns named by --target / --prediction.
    let roles: [String: String]
    let reference: String
    let current: String

    /// `{"dataset": {...}, "columns": {NAME: {...}}}`; `p_value` is null for distances and
    /// untestable columns carry `not_testable` with the reason.
    func json() -> JSONValue { drift.json(roles: roles) }

    func text() -> String {
        let rows = drift.columns.map { column -> [String] in
            [column.column + (roles[column.column].map { " (\($0))" } ?? ""), column.kind?.rawValue ?? "-",
             column.method?.rawValue ?? "-", Self.number(column.statistic), Self.number(column.pValue),
             Self.number(column.threshold), column.notTestable == nil ? (column.drifted ? "DRIFT" : "no") : "not tested: \(column.notTestable!)"]
        }
        var out = "Drift of \(current) against \(reference)\n\n"
        out += TextTable.render(headers: ["column", "type", "method", "statistic", "p-value", "threshold", "drift"], rows: rows)
        out += "\n\(summary)\n"
        return out
    }

    func html() -> String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        var rows = ""
        for column in drift.columns {
            let verdict = column.notTestable.map { "not tested: \(escape($0))" } ?? (column.drifted ? "<strong>drift</strong>" : "no")
            let cells = [escape(column.column + (roles[column.column].map { " (\($0))" } ?? "")), column.kind?.rawValue ?? "–",
                         column.method?.rawValue ?? "–", Self.number(column.statistic), Self.number(column.pValue),
                         Self.number(column.threshold)].map { "<td>\($0)</td>" }.joined()
            rows += "<tr\(column.drifted ? " class=\"drift\"" : "")>\(cells)<td>\(verdict)</td></tr>\n"
        }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Drift: \(escape(current))</title>
            <style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}
            td,th{padding:.3rem .8rem;border-bottom:1px solid #ddd;text-align:left}tr.drift{background:#fde8e8}</style></head>
            <body><h1>Drift of \(escape(current)) against \(escape(reference))</h1>
            <p>\(escape(summary))</p>
            <table><thead><tr><th>column</th><th>type</th><th>method</th><th>statistic</th><th>p-value</th><th>threshold</th><th>drift</th></tr></thead>
            <tbody>
            \(rows)</tbody></table></body></html>

            """
    }

    var summary: String {
        let percent = (drift.share * 100).formatted(.number.precision(.fractionLength(0...1)))
        let untested = drift.columns.count - drift.tested
        return "Dataset drift: \(drift.drifted ? "YES" : "no") — \(drift.driftedColumns) of \(drift.tested) tested columns drifted (\(percent)%; "
            + "the dataset drifts at \((drift.driftShare * 100).formatted(.number.precision(.fractionLength(0...1))))%)"
            + (untested > 0 ? "; \(untested) column\(untested == 1 ? "" : "s") not tested." : ".")
    }

    static func number(_ value: Double?) -> String {
        guard let value else { return "-" }
        if value == 0 || value.isInfinite || value.isNaN { return "\(value)" }
        return abs(value) < 1e-4 || abs(value) >= 1e6 ? String(format: "%.4g", value) : String(format: "%.4f", value)
    }
}
