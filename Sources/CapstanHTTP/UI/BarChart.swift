import Foundation

/// Bars over bins or categories: two distributions side by side (a feature's reference
/// histogram against the current one), or one value per category (accuracy by slice,
/// requests by variant).
///
/// Each bar is a `<rect class="bar series-N">` with a `<title>` giving its category and exact
/// value. Category labels that do not fit under their bars are turned and cut; the full text
/// is in the label's `<title>`. A `NaN` value draws no bar.
///
/// ```swift
/// let histogram = BarChart(title: "age", comparing: [
///     .init(label: "18–25", reference: 0.21, current: 0.35),
///     .init(label: "26–40", reference: 0.49, current: 0.41),
/// ])
/// let bySlice = BarChart(title: "accuracy by country", bars: [.init(label: "DE", value: 0.93)], scale: .share)
/// ```
public struct BarChart: Chart {
    /// One bin of a comparison, as shares of each distribution's total (0…1).
    public struct Bin: Sendable, Equatable {
        public var label: String
        public var reference: Double
        public var current: Double

        public init(label: String, reference: Double, current: Double) {
            self.label = label
            self.reference = reference
            self.current = current
        }
    }

    /// One bar of a single-series chart.
    public struct Bar: Sendable, Equatable {
        public var label: String
        public var value: Double

        public init(label: String, value: Double) {
            self.label = label
            self.value = value
        }
    }

    /// What the values are.
    public enum Scale: Sendable, Equatable {
        /// Fractions (0…1) shown as percentages; the axis runs from 0% to a nice bound at or
        /// above the largest share, never past 100%.
        case share
        /// Plain numbers with an optional unit shown above the axis; the axis includes 0.
        case number(unit: String?)
    }

    /// One category and its value per series, in series order. Built only by the
    /// initialisers, so every category has exactly one value per series.
    public struct Category: Sendable, Equatable {
        public let label: String
        public let values: [Double]
    }

    public let title: String
    /// Legend entries; empty for a single series with no name.
    public let seriesNames: [String]
    public let categories: [Category]
    public let scale: Scale
    public var width: Int
    public var height: Int

    /// Reference against current, bin by bin, in the order given.
    public init(
        title: String, comparing bins: [Bin], referenceName: String = "reference", currentName: String = "current",
        width: Int = 640, height: Int = 300
    ) {
        self.title = title
        self.seriesNames = [referenceName, currentName]
        self.categories = bins.map { Category(label: $0.label, values: [$0.reference, $0.current]) }
        self.scale = .share
        self.width = width
        self.height = height
    }

    /// One value per category; `seriesName` adds a legend entry.
    public init(
        title: String, bars: [Bar], seriesName: String? = nil, scale: Scale = .number(unit: nil),
        width: Int = 640, height: Int = 300
    ) {
        self.title = title
        self.seriesNames = seriesName.map { [$0] } ?? []
        self.categories = bars.map { Category(label: $0.label, values: [$0.value]) }
        self.scale = scale
        self.width = width
        self.height = height
    }

    public func svg() -> String {
        let values = categories.flatMap(\.values).filter(\.isFinite)
        guard !values.isEmpty else {
            return SVGCanvas.noData(title: title, width: width, height: height, cssClass: "bar-chart")
        }
        var canvas = SVGCanvas(width: width, height: height)
        let seriesCount = max(1, categories.first?.values.count ?? 1)
        let legendRows = canvas.legend(seriesNames, swatch: .box)
        let unit: String? = if case .number(let unit) = scale { unit } else { nil }
        let top = 10 + Double(legendRows) * 16 + (unit == nil ? 4 : 20)

        // Axis in display units: percent for shares, so labels read 0, 20, 40 and get a "%".
        let factor = scale == .share ? 100.0 : 1.0
        let shown = values.map { scale == .share ? min(max($0, 0), 1) * factor : $0 }
        let right = 12.0
        let approxPlotWidth = canvas.width - 50 - right
        let labels = xLabelLayout(slot: approxPlotWidth / Double(max(categories.count, 1)))
        let bottom = labels.height
        let plotHeight = max(canvas.height - top - bottom, 20)
        let y = AxisTicks(covering: min(0, shown.min()!), max(0, shown.max()!, scale == .share ? 1 : 0),
                          count: max(2, Int(plotHeight / 45) + 1))
        let lowerShown = y.lower, upperShown = scale == .share ? min(y.upper, 100) : y.upper
        let tickLabel: (AxisTicks.Tick) -> String = { scale == .share ? $0.label + "%" : $0.label }
        let labelWidth = y.ticks.map { SVGCanvas.textWidth(tickLabel($0)) }.max() ?? 0
        let left = max(36, labelWidth + 14)
        let plotWidth = max(canvas.width - left - right, 20)

        func py(_ v: Double) -> Double {
            let clamped = min(max(v, lowerShown), upperShown)
            return top + plotHeight - (clamped - lowerShown) / (upperShown - lowerShown) * plotHeight
        }

        if let unit {
            canvas.text(unit, x: 6, y: top - 11, fontSize: 10, cssClass: "unit")
        }
        for tick in y.ticks where tick.value <= upperShown {
            let ty = py(tick.value)
            canvas.line(x1: left, y1: ty, x2: left + plotWidth, y2: ty, stroke: ChartPalette.grid, cssClass: "grid")
            canvas.text(tickLabel(tick), x: left - 6, y: ty + 4, anchor: .end, cssClass: "y-tick")
        }

        let slot = plotWidth / Double(max(categories.count, 1))
        let groupWidth = slot * (seriesCount > 1 ? 0.8 : 0.7)
        let barWidth = groupWidth / Double(seriesCount)
        for (c, category) in categories.enumerated() {
            let groupX = left + Double(c) * slot + (slot - groupWidth) / 2
            if !category.values.contains(where: \.isFinite) {
                canvas.text("n/a", x: left + (Double(c) + 0.5) * slot, y: py(0) - 4, anchor: .middle, fontSize: 10,
                            fill: ChartPalette.muted, cssClass: "missing", title: "\(category.label): no data")
            }
            for (s, value) in category.values.enumerated() where value.isFinite {
                let v = scale == .share ? min(max(value, 0), 1) * factor : value
                let y0 = py(0), y1 = py(v)
                let name = seriesNames.indices.contains(s) ? "\(seriesNames[s]): " : ""
                canvas.rect(x: groupX + Double(s) * barWidth + 0.5, y: min(y0, y1), width: max(barWidth - 1, 0.5),
                            height: abs(y1 - y0), fill: ChartPalette.colour(forSeries: s), cssClass: "bar series-\(s)",
                            title: "\(category.label) — \(name)\(formatted(value))")
            }
        }
        canvas.line(x1: left, y1: py(0), x2: left + plotWidth, y2: py(0), stroke: ChartPalette.axis, cssClass: "axis")

        let baseY = top + plotHeight
        let every = labels.every
        for (c, category) in categories.enumerated() where c % every == 0 {
            let cx = left + (Double(c) + 0.5) * slot
            // A turned label runs down-left from its bar; near the left edge it gets shorter
            // so it does not leave the chart.
            let room = labels.rotated ? Int((cx + 3) / (SVGCanvas.textWidth("m") * cos(40 * Double.pi / 180))) : Int.max
            let text = SVGCanvas.truncated(category.label, to: min(labels.maxCharacters, max(room, 2)))
            let title = text == category.label ? nil : category.label
            if labels.rotated {
                canvas.text(text, x: cx + 3, y: baseY + 12, anchor: .end, rotation: -40, cssClass: "x-label", title: title)
            } else {
                canvas.text(text, x: cx, y: baseY + 15, anchor: .middle, cssClass: "x-label", title: title)
            }
        }
        return canvas.svg(title: title, cssClass: "bar-chart")
    }
}

extension BarChart {
    /// How category labels fit under bars `slot` wide: straight when the longest fits,
    /// otherwise turned 40° and cut to 18 characters, and only every few labels when the
    /// bars are narrower than a line of text.
    func xLabelLayout(slot: Double) -> (rotated: Bool, maxCharacters: Int, every: Int, height: Double) {
        let longest = categories.map { SVGCanvas.textWidth($0.label) }.max() ?? 0
        if longest <= slot - 4 {
            return (false, Int.max, 1, 24)
        }
        let maxCharacters = 18
        let longestShown = min(longest, SVGCanvas.textWidth(String(repeating: "m", count: maxCharacters)))
        let every = max(1, Int((13 / max(slot, 0.1)).rounded(.up)))
        // The turned label's vertical extent, plus room for its descenders.
        return (true, maxCharacters, every, min(longestShown * sin(40 * Double.pi / 180) + 22, Double(height) * 0.45))
    }

    /// An exact value for a bar's tooltip: `12.3%` for shares, up to four significant digits otherwise.
    func formatted(_ value: Double) -> String {
        switch scale {
        case .share:
            return AxisTicks.trimmed(AxisTicks.fixed(value * 100, decimals: 1)) + "%"
        case .number(let unit):
            let magnitude = abs(value)
            let step = magnitude > 0 ? AxisTicks.scaled(1, Int(magnitude.log10Floor) - 3) : 1
            return AxisTicks.compact(value, step: step) + (unit.map { " \($0)" } ?? "")
        }
    }
}
