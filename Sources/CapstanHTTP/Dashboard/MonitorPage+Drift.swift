import CapstanJSON
import CapstanMonitoring

/// A drift monitor's page: the share of drifted columns against the dataset threshold, each
/// feature's drift score over time, the latest per-column results, and each column's
/// reference and current histograms from the latest evaluation.
extension MonitorPage {
    /// Histograms drawn; a wide table's others are listed in the column table only.
    static let histogramLimit = 24

    func driftSections() -> [HTMLText] {
        let driftShare = spec?.drift.driftShare ?? 0.5
        let result = latestResult
        let columns: [(name: String, entry: JSONValue)] = if case .object(let members)? = result?["columns"] { members.map { ($0.0, $0.1) } } else { [] }

        var charts = [
            ChartCard(heading: "Drift share", chart: lineChart(
                "Share of drifted columns", [series("drift_share", name: "drift share")],
                threshold: .init(value: driftShare, label: "dataset drifts at \(DashboardFormat.percent(driftShare))"),
                yRange: .fixed(lower: 0, upper: 1)),
                note: "Drifted columns over tested columns, per evaluation; at or above the line the dataset counts as drifted."),
        ]
        // One threshold line only when every column is judged by the same distance against the
        // same threshold; a p-value test's score is its statistic, judged by the p-value instead.
        let methods = Set(columns.compactMap { column -> String? in if case .string(let m)? = column.entry["method"] { m } else { nil } })
        let thresholds = Set(columns.compactMap { DashboardFormat.double($0.entry["threshold"]) })
        var scoreThreshold: LineChart.Threshold?
        var scoreNote = "The score is the test's statistic or distance (for free text, a text classifier's ROC AUC)."
        if methods.count == 1, let method = methods.first.flatMap(DriftMethod.init(rawValue:)), thresholds.count == 1, let threshold = thresholds.first {
            if method.isTextContent {
                scoreThreshold = .init(value: threshold, label: "\(method.rawValue) drifts above \(DashboardFormat.number(threshold))")
                scoreNote = "\(method.rawValue): a text classifier's ROC AUC (0.5: reference and current texts cannot be told apart); above the line a column counts as drifted."
            } else if method.isPValue {
                scoreNote = "\(method.rawValue) statistic; drift is decided by its p-value (below \(DashboardFormat.number(threshold))), listed in the table."
            } else {
                scoreThreshold = .init(value: threshold, label: "\(method.rawValue) drifts at \(DashboardFormat.number(threshold))")
                scoreNote = "\(method.rawValue) distance; at or above the line a column counts as drifted."
            }
        }
        charts.append(ChartCard(heading: "Drift score per feature", chart: lineChart("Drift score per feature", allSeries("drift_score"),
                                                                                      threshold: scoreThreshold), note: scoreNote))
        var sections = [DashboardPage.section("Drift over time", id: "drift", window.links(path: DashboardNavigation.monitor(record.name), what: "the evaluations"),
                                              DashboardPage.chartGrid(charts))]

        let table = DashboardPage.table(columns, columns: [
            TableColumn("Column") { "\($0.name)" },
            TableColumn("Type") { "\(DashboardFormat.json($0.entry["type"] ?? .null))" },
            TableColumn("Method") { "\(DashboardFormat.json($0.entry["method"] ?? .null))" },
            TableColumn("Statistic", alignment: .right) { "\(DashboardFormat.json($0.entry["statistic"] ?? .null))" },
            TableColumn("p-value", alignment: .right) { "\(DashboardFormat.json($0.entry["p_value"] ?? .null))" },
            TableColumn("Threshold", alignment: .right) { "\(DashboardFormat.json($0.entry["threshold"] ?? .null))" },
            TableColumn("Drift") { column in
                if case .string(let reason)? = column.entry["not_testable"] { return "<span class=\"note\">not tested: \(reason)</span>" }
                return column.entry["drifted"] == .bool(true) ? DashboardPage.badge(.warning, text: "drifted") : DashboardPage.badge(.ok, text: "no drift")
            },
        ], emptyMessage: "No evaluation with results yet")
        let when: String = latestOK.map { "Latest evaluation with results: \(DashboardFormat.time($0.time)), \($0.rowCount) predictions." }
            ?? "No evaluation has produced results yet."
        sections.append(DashboardPage.section("Columns", id: "columns", DashboardPage.note(when), table))

        let histograms: [(String, JSONValue)] = if case .object(let members)? = result?["histograms"] { members } else { [] }
        let cards = histograms.prefix(Self.histogramLimit).map { name, histogram -> ChartCard in
            let bins: [BarChart.Bin] = if case .array(let items)? = histogram["bins"] {
                items.map { bin in
                    BarChart.Bin(label: DashboardFormat.json(bin["label"] ?? .null),
                                 reference: DashboardFormat.double(bin["reference"]) ?? .nan, current: DashboardFormat.double(bin["current"]) ?? .nan)
                }
            } else { [] }
            let entry = columns.first { $0.name == name }?.entry
            let verdict = entry?["drifted"] == .bool(true) ? "drifted" : "no drift"
            let score = entry.map { " (\(DashboardFormat.json($0["method"] ?? .null)) \(DashboardFormat.json($0["p_value"] ?? $0["statistic"] ?? .null)))" } ?? ""
            return ChartCard(heading: name, chart: BarChart(title: "\(name): reference and current", comparing: bins, width: 520, height: 260),
                             note: "\(DashboardFormat.json(histogram["type"] ?? .null)); reference n=\(DashboardFormat.json(histogram["reference_count"] ?? .null)), current n=\(DashboardFormat.json(histogram["current_count"] ?? .null)); \(verdict)\(score).")
        }
        var histogramContent: [HTMLText] = [DashboardPage.note("Shares of each side's present values over the same bins, from the latest evaluation with results.")]
        if cards.isEmpty {
            histogramContent.append(DashboardPage.note(latestOK == nil ? "No evaluation has produced results yet."
                                                       : "The latest evaluation kept no histograms (it was made by an earlier version)."))
        } else {
            histogramContent.append(DashboardPage.chartGrid(Array(cards)))
            if histograms.count > Self.histogramLimit {
                histogramContent.append(DashboardPage.note("\(histograms.count - Self.histogramLimit) more columns are in the table above."))
            }
        }
        sections.append(DashboardPage.section("Reference and current distributions", id: "histograms", HTMLText.joined(histogramContent, separator: "\n")))
        return sections
    }
}
