/// A chart in a dashboard grid, with a visible heading and an optional note beneath it
/// (the window, the bucket size, what the threshold means).
public struct ChartCard: Sendable {
    /// The card's heading; the chart's own title when not given.
    public var heading: String
    public var chart: any Chart
    public var note: String?

    public init(heading: String? = nil, chart: any Chart, note: String? = nil) {
        self.heading = heading ?? chart.title
        self.chart = chart
        self.note = note
    }
}
