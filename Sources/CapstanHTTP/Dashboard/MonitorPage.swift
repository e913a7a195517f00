import CapstanJSON
import CapstanMonitors
import CapstanStorage

/// `/ui/monitors/{name}`: a monitor's numbers over time, drawn for its kind (drift share and
/// per-feature scores with reference-vs-current histograms; performance per metric and per
/// slice; failed expectations; operational traffic), and its evaluations.
struct MonitorPage {
    /// Evaluations listed, newest first.
    static let evaluationLimit = 50

    var record: MonitorRecord
    /// Nil when the stored spec no longer parses (written by another version).
    var spec: MonitorSpec?
    var evaluations: [MonitorEvaluationRecord]
    /// The newest evaluation that produced numbers: the source of tables and histograms.
    var latestOK: MonitorEvaluationRecord?
    /// Each metric's points in the window, by metric name.
    var points: [String: [MonitorPoint]]
    var window: DashboardWindow

    var kind: MonitorSpec.Kind? { MonitorSpec.Kind(rawValue: record.kind) }

    static func load(_ name: String, window: DashboardWindow, monitors: MonitorService) async throws -> MonitorPage {
        let record: MonitorRecord
        do {
            record = try await monitors.store.monitor(name: name)
        } catch StoreError.notFound {
            throw DashboardError.notFound("There is no monitor named '\(name)'.")
        }
        let evaluations = try await monitors.store.evaluations(monitor: name, limit: evaluationLimit)
        var latestOK = evaluations.first { $0.status == .ok }
        if latestOK == nil, evaluations.count == evaluationLimit {
            // Older than the list: look further back once, so the histograms survive a run of skipped windows.
            latestOK = try await monitors.store.evaluations(monitor: name, limit: 1000).first { $0.status == .ok }
        }
        var points: [String: [MonitorPoint]] = [:]
        for metric in MonitorSpec.Kind(rawValue: record.kind)?.metricNames ?? [] {
            points[metric] = try await monitors.store.points(monitor: name, metric: metric, since: window.since)
        }
        return MonitorPage(record: record, spec: try? MonitorSpec(parsing: JSONParser.parse(Array(record.spec.utf8))),
                           evaluations: evaluations, latestOK: latestOK, points: points, window: window)
    }

    func render() -> String {
        let now = window.now
        let latest = evaluations.first
        var content: [HTMLText] = [
            DashboardLayout.glance([
                ("Deployment", DashboardNavigation.deploymentLink(record.deployment)),
                ("Kind", "\(record.kind)"),
                ("Window", "\(windowText)"),
                ("Every", "\(DashboardFormat.duration(seconds: Double(record.intervalMilliseconds) / 1000))"),
                ("Latest status", latest.map { DashboardBadges.evaluation($0.status) } ?? "not run yet"),
                ("Evaluated", latest.map { "\(DashboardFormat.age($0.time, now: now))" } ?? "–"),
                ("Next run", "\(DashboardFormat.age(record.nextRunTime, now: now))"),
            ]),
        ]
        if let latest, latest.status != .ok, let message = latest.message {
            content.append(DashboardPage.note("Latest evaluation \(latest.status.rawValue): \(message)"))
        }
        content += kindSections()
        content.append(DashboardPage.section("Evaluations", id: "evaluations", evaluationsTable()))
        return DashboardPage(title: "Monitor \(record.name)", navigation: DashboardNavigation.links, current: nil,
                             refreshSeconds: DashboardNavigation.refreshSeconds, content: content).render()
    }

    var windowText: String {
        switch spec?.window {
        case .last(let seconds)?: "last \(DashboardFormat.duration(seconds: seconds))"
        case .predictions(let count)?: "latest \(count) predictions"
        case nil: "–"
        }
    }

    func kindSections() -> [HTMLText] {
        switch kind {
        case .drift?: driftSections()
        case .performance?: performanceSections()
        case .dataQuality?: dataQualitySections()
        case .operational?: operationalSections()
        case nil: [DashboardPage.note("This monitor's kind '\(record.kind)' is unknown to this version of Capstan.")]
        }
    }

    /// Points of `metric` in `series` ("" for the whole window) as a chart line.
    func series(_ metric: String, _ series: String = "", name: String? = nil, scale: Double = 1) -> LineChart.Series {
        LineChart.Series(name: name ?? (series.isEmpty ? metric : series),
                         points: (points[metric] ?? []).filter { $0.series == series }.map { .init(timeMs: $0.time, value: $0.value * scale) })
    }

    /// Every series of `metric` that has points, in name order.
    func allSeries(_ metric: String) -> [LineChart.Series] {
        Set((points[metric] ?? []).map(\.series)).sorted().map { series(metric, $0) }
    }

    /// A line chart over the page's window.
    func lineChart(_ title: String, _ series: [LineChart.Series], unit: String? = nil, threshold: LineChart.Threshold? = nil,
                   yRange: LineChart.YRange = .auto) -> LineChart {
        LineChart(title: title, series: series, threshold: threshold, unit: unit, timeRange: chartRange, yRange: yRange)
    }

    /// The window, cut to start at the first evaluation in it: a monitor made an hour ago
    /// gets an hour wide axis, not a day wide one with its points squeezed at the right edge.
    var chartRange: ClosedRange<Int64> {
        let earliest = points.values.compactMap { $0.first?.time }.min() ?? window.since
        return min(max(window.since, earliest), window.now)...window.now
    }

    func evaluationsTable() -> HTMLText {
        let headline = Set(MonitorSummary.headlineMetrics(kind: record.kind) + (kind == .operational ? ["requests", "latency_p95_ms"] : [])
                           + (kind == .drift ? ["drifted_columns"] : []))
        return DashboardPage.table(evaluations, columns: [
            TableColumn("Time") { "\(DashboardFormat.time($0.time))" },
            TableColumn("Status") { DashboardBadges.evaluation($0.status) },
            TableColumn("Predictions", alignment: .right) { "\($0.rowCount)" },
            TableColumn("Window") { "\(DashboardFormat.time($0.windowStart)) – \(DashboardFormat.time($0.windowEnd))" },
            TableColumn("Numbers") { evaluation in
                "\(evaluation.points.filter { $0.series.isEmpty && headline.contains($0.metric) }.map { "\($0.metric) = \(DashboardFormat.number($0.value))" }.joined(separator: ", "))"
            },
            TableColumn("Message") { "\($0.message ?? "")" },
        ], caption: evaluations.count == Self.evaluationLimit ? "The latest \(Self.evaluationLimit) evaluations" : nil,
           emptyMessage: "Not evaluated yet")
    }

    /// The latest evaluation's stored result.
    var latestResult: JSONValue? {
        latestOK.flatMap { try? JSONParser.parse(Array($0.result.utf8)) }
    }
}
