import CapstanStorage

/// The deployment's traffic charts: one line per variant (and shadow) in each, all over the
/// same time axis. A bucket without requests is 0 requests, but has no error rate or
/// latency: those lines break there instead of drawing a value nobody measured.
extension DeploymentPage {
    func trafficCharts() -> [ChartCard] {
        let bucket = window.bucketMilliseconds
        let range = window.timeRange
        // Variants in the order the split lists them, then any others the window saw
        // (an earlier revision's, or shadows).
        var names = serving.variants.map(\.name)
        for item in traffic where !names.contains(item.variant) { names.append(item.variant) }
        let shadows = Set(traffic.filter(\.isShadow).map(\.variant))
        let byVariant = Dictionary(grouping: traffic, by: \.variant)
        func seriesName(_ name: String) -> String { shadows.contains(name) ? "\(name) (shadow)" : name }
        func series(_ value: (TrafficBucket) -> Double) -> [LineChart.Series] {
            names.map { name in
                LineChart.Series(name: seriesName(name), points: (byVariant[name] ?? []).map { LineChart.Point(timeMs: $0.start, value: value($0)) })
            }
        }
        var starts: [Int64] = []
        var start = range.lowerBound
        while start <= range.upperBound {
            starts.append(start)
            start += bucket
        }
        let requests = names.map { name in
            let counts = Dictionary((byVariant[name] ?? []).map { ($0.start, $0.requests) }, uniquingKeysWith: +)
            return LineChart.Series(name: seriesName(name), points: starts.map { LineChart.Point(timeMs: $0, value: Double(counts[$0] ?? 0)) })
        }
        let note = "Per \(window.bucketLabel), \(window.label)."
        return [
            ChartCard(heading: "Requests", chart: LineChart(
                title: "Requests per \(window.bucketLabel)", series: requests, unit: "requests / \(window.bucketLabel)",
                bucketMs: bucket, timeRange: range, yRange: .includingZero), note: note),
            ChartCard(heading: "Error rate", chart: LineChart(
                title: "Error rate", series: series { $0.errorRate * 100 }, unit: "% of requests",
                bucketMs: bucket, timeRange: range, yRange: .includingZero),
                note: "Predictions the model failed on; inputs that did not fit the model are not counted."),
            ChartCard(heading: "Mean latency", chart: LineChart(
                title: "Mean latency", series: series(\.meanLatencyMilliseconds), unit: "ms",
                bucketMs: bucket, timeRange: range, yRange: .includingZero), note: note),
            ChartCard(heading: "Maximum latency", chart: LineChart(
                title: "Maximum latency", series: series(\.maxLatencyMilliseconds), unit: "ms",
                bucketMs: bucket, timeRange: range, yRange: .includingZero), note: note),
        ]
    }
}
