import CapstanJSON
import CapstanMonitoring
import Foundation

/// A drift result as `capstan drift` prints it: a table for people, JSON for scripts, and a
/// self-contained HTML page to share.
struct DriftReportFormat {
    let drift: DatasetDrift
    /// Columns named by --target / --prediction.
    let roles: [String: String]
    /// The domain classifier's result, when --multivariate asked for it.
    var multivariate: DomainClassifier? = nil
    let reference: String
    let current: String

    /// `{"dataset": {...}, "columns": {NAME: {...}}}`; `p_value` is null for distances and the
    /// text tests (whose `statistic` is a ROC AUC and `threshold` the AUC compared), and
    /// untestable columns carry `not_testable` with the reason. With --multivariate, a third
    /// member `"multivariate"` (see ``DomainClassifier/json()``).
    func json() -> JSONValue {
        let report = drift.json(roles: roles)
        guard let multivariate, case .object(var members) = report else { return report }
        members.append(("multivariate", multivariate.json()))
        return .object(members)
    }

    func text() -> String {
        let rows = drift.columns.map { column -> [String] in
            [column.column + (roles[column.column].map { " (\($0))" } ?? ""), column.kind?.rawValue ?? "-",
             column.method?.rawValue ?? "-", Self.number(column.statistic), Self.number(column.pValue),
             Self.threshold(column), column.notTestable == nil ? (column.drifted ? "DRIFT" : "no") : "not tested: \(column.notTestable!)"]
        }
        var out = "Drift of \(current) against \(reference)\n\n"
        out += TextTable.render(headers: ["column", "type", "method", "statistic", "p-value", "threshold", "drift"], rows: rows)
        out += "\n\(summary)\n"
        if let multivariate {
            out += "\n\(Self.multivariateSummary(multivariate))\n"
            if !multivariate.topFeatures.isEmpty {
                out += "\nColumns the classifier leaned on most (share of its split gain):\n"
                out += TextTable.render(headers: ["column", "importance"],
                                        rows: multivariate.topFeatures.map { [$0.column, Self.number($0.importance)] }) + "\n"
            }
            if !multivariate.leftOut.isEmpty { out += "\n" }
            for column in multivariate.leftOut {
                out += "Not used by the classifier: \(column.column) (\(column.reason))\n"
            }
        }
        return out
    }

    /// One sentence: the AUC, what it rests on and NannyML's verdict.
    static func multivariateSummary(_ result: DomainClassifier) -> String {
        guard let auc = result.rocAUC else {
            return "Multivariate drift (domain classifier): not computed — \(result.unavailable ?? "no result")."
        }
        let band = "\(DomainClassifier.lowerThreshold)–\(DomainClassifier.upperThreshold)"
        return "Multivariate drift (domain classifier): ROC AUC \(number(auc)) over \(result.referenceRows) reference and "
            + "\(result.currentRows) current rows, \(result.folds)-fold cross-validated; "
            + (result.alert ? "ALERT — outside NannyML's \(band) band." : "within NannyML's \(band) band (0.5: the samples cannot be told apart).")
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
                         Self.threshold(column)].map { "<td>\($0)</td>" }.joined()
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
            \(rows)</tbody></table>
            \(multivariateHTML(escape))</body></html>

            """
    }

    /// The domain classifier's section: its verdict, the columns it leaned on, those left out.
    private func multivariateHTML(_ escape: (String) -> String) -> String {
        guard let multivariate else { return "" }
        var section = "<h2>Multivariate drift</h2>\n<p>\(escape(Self.multivariateSummary(multivariate)))</p>\n"
        if !multivariate.topFeatures.isEmpty {
            section += "<table><thead><tr><th>column</th><th>importance (share of split gain)</th></tr></thead>\n<tbody>\n"
            for feature in multivariate.topFeatures {
                section += "<tr><td>\(escape(feature.column))</td><td>\(Self.number(feature.importance))</td></tr>\n"
            }
            section += "</tbody></table>\n"
        }
        if !multivariate.leftOut.isEmpty {
            section += "<p>Not used by the classifier:</p>\n<ul>\n"
            for column in multivariate.leftOut {
                section += "<li>\(escape(column.column)): \(escape(column.reason))</li>\n"
            }
            section += "</ul>\n"
        }
        return section
    }

    var summary: String {
        let percent = (drift.share * 100).formatted(.number.precision(.fractionLength(0...1)))
        let untested = drift.columns.count - drift.tested
        return "Dataset drift: \(drift.drifted ? "YES" : "no") — \(drift.driftedColumns) of \(drift.tested) tested columns drifted (\(percent)%; "
            + "the dataset drifts at \((drift.driftShare * 100).formatted(.number.precision(.fractionLength(0...1))))%)"
            + (untested > 0 ? "; \(untested) column\(untested == 1 ? "" : "s") not tested." : ".")
    }

    /// The threshold cell; for `perc_text_content_drift`, the random classifiers' percentile
    /// AUC with its level, e.g. "0.5713 (p95 of random AUCs)".
    static func threshold(_ column: ColumnDrift) -> String {
        guard let level = column.percentileLevel else { return number(column.threshold) }
        let percent = (level * 100).formatted(.number.precision(.fractionLength(0...2)))
        return "\(number(column.threshold)) (p\(percent) of random AUCs)"
    }

    static func number(_ value: Double?) -> String {
        guard let value else { return "-" }
        if value == 0 || value.isInfinite || value.isNaN { return "\(value)" }
        return abs(value) < 1e-4 || abs(value) >= 1e6 ? String(format: "%.4g", value) : String(format: "%.4f", value)
    }
}
