/// Values over time, one line per named series: requests, latency, error rate, drift score,
/// model performance.
///
/// Gaps stay gaps: a `NaN` (or infinite) value, or a missing bucket when `bucketMs` is set,
/// breaks the line instead of drawing a slope across time with no data. A point with no
/// neighbour is drawn as a dot, so a single observation is visible. Each series that has a
/// line is one `<path class="series series-N">`; lone points are
/// `<circle class="point series-N">`.
///
/// ```swift
/// let chart = LineChart(
///     title: "p95 latency",
///     series: [.init(name: "v3", points: points)],
///     threshold: .init(value: 250, label: "alert: 250 ms"),
///     unit: "ms", bucketMs: 60_000)
/// let svg = chart.svg()
/// ```
public struct LineChart: Chart {
    public struct Point: Sendable, Equatable {
        /// Milliseconds since the epoch.
        public var timeMs: Int64
        /// `NaN` marks a bucket with no value.
        public var value: Double

        public init(timeMs: Int64, value: Double) {
            self.timeMs = timeMs
            self.value = value
        }
    }

    public struct Series: Sendable, Equatable {
        public var name: String
        public var points: [Point]

        public init(name: String, points: [Point]) {
            self.name = name
            self.points = points
        }
    }

    /// A horizontal reference, such as an alert threshold: dashed, in vermillion, labelled.
    public struct Threshold: Sendable, Equatable {
        public var value: Double
        public var label: String

        public init(value: Double, label: String) {
            self.value = value
            self.label = label
        }
    }

    /// How the y axis is chosen.
    public enum YRange: Sendable, Equatable {
        /// Includes 0 when the data are one-signed and 0 is no farther from them than their
        /// spread (latency 20–120 starts at 0; accuracy 0.91–0.95 does not).
        case auto
        /// Always includes 0, for counts and rates.
        case includingZero
        /// Fits the data alone.
        case fitted
        /// Exactly this range (`0...1` for a share); values outside are drawn at the edge.
        case fixed(lower: Double, upper: Double)
    }

    public var title: String
    public var series: [Series]
    public var threshold: Threshold?
    /// Shown above the y axis (`ms`, `req/s`).
    public var unit: String?
    /// The spacing of the series' time buckets. Points farther apart than 1.5 buckets have a
    /// missing bucket between them, and the line breaks there. `nil`: only `NaN` breaks lines.
    public var bucketMs: Int64?
    /// The time span of the x axis; `nil` uses the span of the points. Give the same range to
    /// charts that sit side by side so their axes line up. Points outside it are not drawn.
    public var timeRange: ClosedRange<Int64>?
    public var yRange: YRange
    /// The natural size; the `viewBox` keeps proportions when a page scales the chart.
    public var width: Int
    public var height: Int

    public init(
        title: String, series: [Series], threshold: Threshold? = nil, unit: String? = nil,
        bucketMs: Int64? = nil, timeRange: ClosedRange<Int64>? = nil, yRange: YRange = .auto,
        width: Int = 640, height: Int = 280
    ) {
        self.title = title
        self.series = series
        self.threshold = threshold
        self.unit = unit
        self.bucketMs = bucketMs
        self.timeRange = timeRange
        self.yRange = yRange
        self.width = width
        self.height = height
    }

    public func svg() -> String {
        let visible = series.map { s in
            Series(name: s.name, points: s.points
                .filter { p in timeRange.map { $0.contains(p.timeMs) } ?? true }
                .sorted { $0.timeMs < $1.timeMs })
        }
        let finite = visible.flatMap(\.points).filter(\.value.isFinite)
        guard !finite.isEmpty else {
            return SVGCanvas.noData(title: title, width: width, height: height, cssClass: "line-chart")
        }
        let times = visible.flatMap(\.points).map(\.timeMs)
        let timeSpan = timeRange ?? (times.min()!...times.max()!)
        var canvas = SVGCanvas(width: width, height: height)

        // Legend rows first: how many there are decides where the plot starts.
        let legendRows = canvas.legend(series.map(\.name), swatch: .line)
        let top = 10 + Double(legendRows) * 16 + (unit == nil ? 4 : 20)
        let bottom = 24.0
        let plotHeight = max(canvas.height - top - bottom, 20)
        let y = yTicks(values: finite.map(\.value), count: max(2, Int(plotHeight / 45) + 1))
        let labelWidth = y.ticks.map { SVGCanvas.textWidth($0.label) }.max() ?? 0
        let left = max(36, labelWidth + 14), right = 14.0
        let plotWidth = max(canvas.width - left - right, 20)
        let x = AxisTicks(timeFromMs: timeSpan.lowerBound, toMs: timeSpan.upperBound, count: max(2, Int(plotWidth / 95) + 1))

        func px(_ t: Int64) -> Double {
            left + (Double(t) - x.lower) / (x.upper - x.lower) * plotWidth
        }
        func py(_ v: Double) -> Double {
            let clamped = min(max(v, y.lower), y.upper)
            return top + plotHeight - (clamped - y.lower) / (y.upper - y.lower) * plotHeight
        }

        if let unit {
            canvas.text(unit, x: 6, y: top - 11, fontSize: 10, cssClass: "unit")
        }

        for tick in y.ticks {
            let ty = py(tick.value)
            canvas.line(x1: left, y1: ty, x2: left + plotWidth, y2: ty, stroke: tick.value == 0 ? "#BBBBBB" : ChartPalette.grid, cssClass: "grid")
            canvas.text(tick.label, x: left - 6, y: ty + 4, anchor: .end, cssClass: "y-tick")
        }
        canvas.line(x1: left, y1: top + plotHeight, x2: left + plotWidth, y2: top + plotHeight, stroke: ChartPalette.axis, cssClass: "axis")
        for tick in x.ticks {
            let tx = px(Int64(tick.value))
            let half = SVGCanvas.textWidth(tick.label) / 2
            canvas.line(x1: tx, y1: top + plotHeight, x2: tx, y2: top + plotHeight + 4, stroke: ChartPalette.axis, cssClass: "x-tick-mark")
            canvas.text(tick.label, x: min(max(tx, half + 1), canvas.width - half - 1), y: top + plotHeight + 16, anchor: .middle, cssClass: "x-tick")
        }

        if let threshold, threshold.value.isFinite {
            let ty = py(threshold.value)
            canvas.line(x1: left, y1: ty, x2: left + plotWidth, y2: ty, stroke: ChartPalette.threshold,
                        strokeWidth: 1.5, dash: "6 4", cssClass: "threshold")
        }

        for (i, s) in visible.enumerated() {
            let colour = ChartPalette.colour(forSeries: i)
            var d = ""
            for segment in segments(of: s.points) {
                if segment.count == 1, let p = segment.first {
                    canvas.circle(x: px(p.timeMs), y: py(p.value), r: 3, fill: colour, cssClass: "point series-\(i)",
                                  title: "\(s.name): \(AxisTicks.compact(p.value, step: y.step / 100)) at \(AxisTicks.timeLabel(p.timeMs, step: 1_000))")
                    continue
                }
                for (j, p) in segment.enumerated() {
                    d += (j == 0 ? (d.isEmpty ? "M" : " M") : " L") + "\(SVGCanvas.n(px(p.timeMs))) \(SVGCanvas.n(py(p.value)))"
                }
            }
            if !d.isEmpty {
                canvas.raw("<path class=\"series series-\(i)\" d=\"\(d)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\""
                    + " stroke-linejoin=\"round\" stroke-linecap=\"round\""
                    + (ChartPalette.isDashed(series: i) ? " stroke-dasharray=\"5 3\"" : "")
                    + "><title>\(HTMLText.escape(s.name))</title></path>")
            }
        }
        // The threshold's label goes over the lines, so its halo can keep it readable.
        if let threshold, threshold.value.isFinite {
            let ty = py(threshold.value)
            let labelY = ty - 4 < top + 10 ? ty + 13 : ty - 4
            canvas.text(threshold.label, x: left + plotWidth - 4, y: labelY, anchor: .end, fontSize: 10,
                        fill: ChartPalette.threshold, cssClass: "threshold-label", halo: true)
        }
        return canvas.svg(title: title, cssClass: "line-chart")
    }
}

extension LineChart {
    /// Runs of drawable points: split at non-finite values and, with `bucketMs`, at missing buckets.
    func segments(of points: [Point]) -> [[Point]] {
        var result: [[Point]] = [], current: [Point] = []
        for p in points {
            guard p.value.isFinite else {
                if !current.isEmpty { result.append(current); current = [] }
                continue
            }
            if let last = current.last, let bucketMs, bucketMs > 0,
               Double(p.timeMs - last.timeMs) > 1.5 * Double(bucketMs) {
                result.append(current)
                current = []
            }
            current.append(p)
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    func yTicks(values: [Double], count: Int) -> AxisTicks {
        var low = values.min()!, high = values.max()!
        if let threshold, threshold.value.isFinite {
            low = min(low, threshold.value)
            high = max(high, threshold.value)
        }
        switch yRange {
        case .fixed(let lower, let upper) where lower.isFinite && upper.isFinite && lower < upper:
            return AxisTicks(covering: lower, upper, count: count)
        case .includingZero:
            low = min(low, 0)
            high = max(high, 0)
        case .auto:
            let nearest = low > 0 ? low : (high < 0 ? -high : 0)
            if nearest > 0, nearest <= high - low || low == high {
                low = min(low, 0)
                high = max(high, 0)
            }
        case .fitted, .fixed:
            break
        }
        return AxisTicks(covering: low, high, count: count)
    }
}
