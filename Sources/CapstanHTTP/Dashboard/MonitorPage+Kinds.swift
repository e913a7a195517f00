import CapstanJSON

/// The pages of performance, data-quality and operational monitors.
extension MonitorPage {
    /// Scores that are shares, drawn from 0 to 1.
    static let shareMetrics: Set<String> = ["accuracy", "precision", "recall", "f1"]

    func performanceSections() -> [HTMLText] {
        let scores = ["accuracy", "precision", "recall", "f1", "mae", "rmse", "r2"].filter { !(points[$0] ?? []).isEmpty }
        var charts = scores.map { metric in
            ChartCard(heading: metric, chart: lineChart(metric, [series(metric, name: "all predictions")],
                                                        yRange: Self.shareMetrics.contains(metric) ? .fixed(lower: 0, upper: 1) : .auto))
        }
        charts.append(ChartCard(heading: "Labelled predictions", chart: lineChart("Labelled predictions", [series("labelled", name: "with feedback")],
                                                                                   yRange: .includingZero),
                                note: "Predictions in the window that have received feedback (the sample each score is computed on)."))
        var sections = [DashboardPage.section("Performance over time", id: "performance", window.links(path: DashboardNavigation.monitor(record.name), what: "the evaluations"),
                                              DashboardPage.chartGrid(charts))]
        let latest = latestOK?.points ?? []
        let sliceCharts = scores.compactMap { metric -> ChartCard? in
            let bars = latest.filter { $0.metric == metric && !$0.series.isEmpty }.sorted { $0.series < $1.series }
                .map { BarChart.Bar(label: $0.series, value: $0.value) }
            guard !bars.isEmpty else { return nil }
            return ChartCard(heading: "\(metric) by slice", chart: BarChart(title: "\(metric) by slice", bars: bars,
                                                                            scale: Self.shareMetrics.contains(metric) ? .share : .number(unit: nil)))
        }
        sections.append(DashboardPage.section("Latest by slice", id: "slices",
                                              sliceCharts.isEmpty ? DashboardPage.note("No slices: the monitor defines none, or none had enough labelled predictions.")
                                                                  : DashboardPage.chartGrid(sliceCharts)))
        return sections
    }

    func dataQualitySections() -> [HTMLText] {
        let charts = [
            ChartCard(heading: "Failed expectations", chart: lineChart("Failed expectations", [series("failed_expectations", name: "failed"),
                                                                                               series("expectations", name: "checked")],
                                                                       yRange: .includingZero)),
        ]
        var failures: [JSONValue] = []
        if case .array(let results)? = latestResult?["results"] {
            failures = results.filter { $0["passed"] == .bool(false) }
        }
        let table = DashboardPage.table(failures, columns: [
            TableColumn("Column") { "\(DashboardFormat.json($0["column"] ?? .null))" },
            TableColumn("Expectation") { "\(DashboardFormat.json($0["expectation"] ?? .null))" },
            TableColumn("Observed") { "\(DashboardFormat.json($0["observed"] ?? .null))" },
            TableColumn("Expected") { "\(DashboardFormat.json($0["expected"] ?? .null))" },
            TableColumn("Unexpected", alignment: .right) { result in
                guard let percent = DashboardFormat.double(result["unexpected_percent"]) else { return "–" }
                return "\(DashboardFormat.percent(percent / 100)) (\(DashboardFormat.json(result["unexpected_count"] ?? .null)))"
            },
            TableColumn("Examples") { "\(DashboardFormat.json($0["unexpected_sample"] ?? .null))" },
            TableColumn("Note") { "\(DashboardFormat.json($0["note"] ?? .null))" },
        ], emptyMessage: latestOK == nil ? "No evaluation with results yet" : "Every expectation passed")
        let when: String = latestOK.map { "Latest evaluation with results: \(DashboardFormat.time($0.time)), \($0.rowCount) predictions." } ?? ""
        return [
            DashboardPage.section("Data quality over time", id: "quality", window.links(path: DashboardNavigation.monitor(record.name), what: "the evaluations"),
                                  DashboardPage.chartGrid(charts)),
            DashboardPage.section("Latest failures", id: "failures", DashboardPage.note(when), table),
        ]
    }

    func operationalSections() -> [HTMLText] {
        let charts = [
            ChartCard(heading: "Requests", chart: lineChart("Requests per window", [series("requests", name: "requests")], yRange: .includingZero)),
            ChartCard(heading: "Error rate", chart: lineChart("Error rate", [series("error_rate", name: "error rate", scale: 100)],
                                                              unit: "% of requests", yRange: .includingZero)),
            ChartCard(heading: "Latency", chart: lineChart("Latency", [
                series("latency_p50_ms", name: "p50"), series("latency_p95_ms", name: "p95"), series("latency_p99_ms", name: "p99"),
                series("latency_mean_ms", name: "mean"),
            ], unit: "ms", yRange: .includingZero)),
        ]
        return [DashboardPage.section("Operations over time", id: "operations", window.links(path: DashboardNavigation.monitor(record.name), what: "the evaluations"),
                                      DashboardPage.note("Each point is one evaluation over the monitor's window."), DashboardPage.chartGrid(charts))]
    }
}
