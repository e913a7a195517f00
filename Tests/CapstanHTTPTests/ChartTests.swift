import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import CapstanHTTP

/// A rendered chart read back with an XML parser: what tests count and measure.
struct ParsedSVG {
    let text: String
    let root: XMLElement
    let viewBox: (width: Double, height: Double)

    init(_ svg: String) throws {
        text = svg
        let document = try XMLDocument(xmlString: svg, options: [])
        root = try #require(document.rootElement())
        let box = try #require(Self.attribute(root, "viewBox")).split(separator: " ").compactMap { Double($0) }
        viewBox = (box[2], box[3])
    }

    /// An attribute by name. (`attribute(forName:)` misses attributes of elements in a
    /// default namespace on Linux, and SVG elements are in one.)
    static func attribute(_ element: XMLElement, _ name: String) -> String? {
        element.attributes?.first { $0.name == name || $0.localName == name }?.stringValue
    }

    /// Elements named `name` whose class list contains `cssClass` (all of them without one).
    func elements(_ name: String, class cssClass: String? = nil) -> [XMLElement] {
        func walk(_ node: XMLNode) -> [XMLElement] {
            let children = (node.children ?? []).flatMap(walk)
            guard let element = node as? XMLElement, element.localName == name else { return children }
            let classes = Self.attribute(element, "class")?.split(separator: " ").map(String.init) ?? []
            return (cssClass.map { classes.contains($0) } ?? true ? [element] : []) + children
        }
        return walk(root)
    }

    func texts(class cssClass: String) -> [String] {
        elements("text", class: cssClass).map { element in
            (element.children ?? []).filter { $0.kind == .text }.compactMap(\.stringValue).joined()
        }
    }

    /// Every attribute of every element, for checks that hold for all of them.
    var allAttributes: [(element: String, name: String, value: String)] {
        func walk(_ node: XMLNode) -> [(String, String, String)] {
            var found: [(String, String, String)] = []
            if let element = node as? XMLElement {
                for attribute in element.attributes ?? [] {
                    found.append((element.localName ?? "", attribute.name ?? "", attribute.stringValue ?? ""))
                }
            }
            return found + (node.children ?? []).flatMap(walk)
        }
        return walk(root)
    }

    /// Points drawn: x/y pairs of lines, rects, circles, texts and path commands.
    var coordinates: [(x: Double, y: Double)] {
        var points: [(Double, Double)] = []
        func number(_ element: XMLElement, _ name: String) -> Double? {
            Self.attribute(element, name).flatMap(Double.init)
        }
        for element in elements("line") {
            points.append((number(element, "x1")!, number(element, "y1")!))
            points.append((number(element, "x2")!, number(element, "y2")!))
        }
        for element in elements("rect") {
            let x = number(element, "x")!, y = number(element, "y")!
            points.append((x, y))
            points.append((x + number(element, "width")!, y + number(element, "height")!))
        }
        for element in elements("circle") { points.append((number(element, "cx")!, number(element, "cy")!)) }
        for element in elements("text") { points.append((number(element, "x")!, number(element, "y")!)) }
        for element in elements("path") {
            let numbers = (Self.attribute(element, "d") ?? "")
                .split(whereSeparator: { $0 == " " || $0.isLetter }).compactMap { Double($0) }
            for i in stride(from: 0, to: numbers.count - 1, by: 2) { points.append((numbers[i], numbers[i + 1])) }
        }
        return points
    }

    /// The rules every chart keeps: coordinates inside the viewBox, no NaN, infinity or
    /// exponent anywhere in the markup.
    func expectWellFormedChart(sourceLocation: SourceLocation = #_sourceLocation) {
        let outside = coordinates.filter { $0.x < 0 || $0.y < 0 || $0.x > viewBox.width || $0.y > viewBox.height }
        #expect(outside.isEmpty, "points outside the viewBox: \(outside.prefix(5))", sourceLocation: sourceLocation)
        let lower = text.lowercased()
        #expect(!lower.contains("nan") && !lower.contains("inf"), sourceLocation: sourceLocation)
        let badAttributes = allAttributes.filter { attribute in
            let value = attribute.value
            return value.contains("e-") && value.contains(where: \.isNumber) && attribute.name != "font-family"
                || value.range(of: #"[0-9]e[+-]?[0-9]"#, options: .regularExpression) != nil
        }
        #expect(badAttributes.isEmpty, "exponents in attributes: \(badAttributes.map(\.value))", sourceLocation: sourceLocation)
        #expect(elements("script").isEmpty, sourceLocation: sourceLocation)
    }
}

@Suite("SVG charts")
struct ChartTests {
    static let start: Int64 = 1_764_158_400_000
    static let minute: Int64 = 60_000

    static func points(_ values: [Double], every: Int64 = minute) -> [LineChart.Point] {
        values.enumerated().map { .init(timeMs: start + Int64($0.offset) * every, value: $0.element) }
    }

    @Test func eachSeriesIsOnePathWithItsOwnClass() throws {
        let chart = LineChart(title: "requests", series: [
            .init(name: "a", points: Self.points([1, 2, 3, 4])),
            .init(name: "b", points: Self.points([4, 3, 2, 1])),
            .init(name: "c", points: Self.points([2, 2, 2, 2])),
        ])
        let svg = try ParsedSVG(chart.svg())
        #expect(svg.elements("path", class: "series").count == 3)
        for i in 0..<3 { #expect(svg.elements("path", class: "series-\(i)").count == 1) }
        #expect(svg.texts(class: "legend") == ["a", "b", "c"])
        #expect(ParsedSVG.attribute(svg.root, "aria-label") == "requests")
        #expect(ParsedSVG.attribute(svg.root, "viewBox") == "0 0 640 280")
        svg.expectWellFormedChart()
    }

    @Test func nanBreaksTheLine() throws {
        let chart = LineChart(title: "t", series: [.init(name: "a", points: Self.points([1, 2, .nan, 4, 5]))])
        let svg = try ParsedSVG(chart.svg())
        let d = try #require(svg.elements("path", class: "series").first.flatMap { ParsedSVG.attribute($0, "d") })
        #expect(d.filter { $0 == "M" }.count == 2 && d.filter { $0 == "L" }.count == 2)
        svg.expectWellFormedChart()
    }

    @Test func missingBucketsBreakTheLineOnlyWithABucketSize() throws {
        var points = Self.points([1, 2, 3, 4, 5, 6])
        points.remove(at: 3)
        let withBuckets = try ParsedSVG(LineChart(title: "t", series: [.init(name: "a", points: points)], bucketMs: Self.minute).svg())
        let d = try #require(withBuckets.elements("path", class: "series").first.flatMap { ParsedSVG.attribute($0, "d") })
        #expect(d.filter { $0 == "M" }.count == 2)
        let without = try ParsedSVG(LineChart(title: "t", series: [.init(name: "a", points: points)]).svg())
        #expect(without.elements("path", class: "series").first.flatMap { ParsedSVG.attribute($0, "d") }?.filter { $0 == "M" }.count == 1)
    }

    @Test func aLonePointIsADot() throws {
        let single = try ParsedSVG(LineChart(title: "t", series: [.init(name: "a", points: Self.points([3]))]).svg())
        #expect(single.elements("path", class: "series").isEmpty)
        #expect(single.elements("circle", class: "point").count == 1)
        single.expectWellFormedChart()
        let isolated = try ParsedSVG(LineChart(title: "t", series: [.init(name: "a", points: Self.points([1, 2, .nan, 4, .nan, 6, 7]))]).svg())
        #expect(isolated.elements("path", class: "series-0").count == 1)
        #expect(isolated.elements("circle", class: "series-0").count == 1)
    }

    @Test func emptyInputSaysNoData() throws {
        for chart in [
            LineChart(title: "t", series: []),
            LineChart(title: "t", series: [.init(name: "a", points: [])]),
            LineChart(title: "t", series: [.init(name: "a", points: Self.points([.nan, .infinity, -.infinity]))]),
        ] {
            let svg = try ParsedSVG(chart.svg())
            #expect(svg.texts(class: "no-data") == ["No data"])
            #expect(svg.elements("path").isEmpty && svg.elements("circle").isEmpty)
            svg.expectWellFormedChart()
        }
    }

    @Test func thresholdIsADashedLabelledLineInsideTheAxis() throws {
        let chart = LineChart(title: "latency", series: [.init(name: "p95", points: Self.points([80, 90, 100]))],
                              threshold: .init(value: 250, label: "alert: 250 ms"), unit: "ms")
        let svg = try ParsedSVG(chart.svg())
        let line = try #require(svg.elements("line", class: "threshold").first)
        #expect(ParsedSVG.attribute(line, "stroke-dasharray") != nil)
        #expect(svg.texts(class: "threshold-label") == ["alert: 250 ms"])
        #expect(svg.texts(class: "y-tick").contains("250") || svg.texts(class: "y-tick").contains("300"))
        #expect(svg.texts(class: "unit") == ["ms"])
        svg.expectWellFormedChart()
    }

    @Test func yAxisIncludesZeroWhenSensible() throws {
        func yLabels(_ values: [Double], _ range: LineChart.YRange = .auto) throws -> [String] {
            try ParsedSVG(LineChart(title: "t", series: [.init(name: "a", points: Self.points(values))], yRange: range).svg()).texts(class: "y-tick")
        }
        #expect(try yLabels([20, 120]).first == "0")
        #expect(try yLabels([0.91, 0.95]).first != "0")
        #expect(try yLabels([0.91, 0.95], .includingZero).first == "0")
        #expect(try yLabels([5, 5]).first == "0")
        #expect(try yLabels([-120, -20]).last == "0")
        #expect(try yLabels([0.2, 0.4], .fixed(lower: 0, upper: 1)) == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
    }

    @Test func valuesOutsideAFixedRangeAndPointsOutsideTheWindowStayInside() throws {
        let chart = LineChart(title: "t", series: [.init(name: "a", points: Self.points([-5, 0.5, 7, 1e300, -1e300]))],
                              timeRange: Self.start...(Self.start + 3 * Self.minute), yRange: .fixed(lower: 0, upper: 1))
        let svg = try ParsedSVG(chart.svg())
        svg.expectWellFormedChart()
        let d = try #require(svg.elements("path", class: "series").first.flatMap { ParsedSVG.attribute($0, "d") })
        #expect(d.filter { $0 == "L" }.count == 3)
    }

    @Test func extremeValuesAndSizesStayInsideTheViewBox() throws {
        let values: [Double] = [1e-12, 3e-12, 2e-12, 5e-12]
        for (w, h) in [(10, 10), (300, 150), (1600, 400)] {
            for data in [values, [1e15, 5e15, 2e16], [-1e-7, 1e-7], [0, 0, 0]] {
                let chart = LineChart(title: "t", series: [.init(name: "x", points: Self.points(data))], width: w, height: h)
                try ParsedSVG(chart.svg()).expectWellFormedChart()
            }
        }
    }

    @Test func manySeriesCycleColoursThenDash() throws {
        let series = (0..<10).map { LineChart.Series(name: "s\($0)", points: Self.points([Double($0), Double($0 + 1)])) }
        let svg = try ParsedSVG(LineChart(title: "t", series: series).svg())
        let paths = svg.elements("path", class: "series")
        #expect(paths.count == 10)
        #expect(paths.filter { ParsedSVG.attribute($0, "stroke-dasharray") != nil }.count == 10 - ChartPalette.series.count)
        #expect(svg.elements("line", class: "legend-swatch").count == 10)
        svg.expectWellFormedChart()
    }

    static let hostile = "<script>alert(\"x\")</script> & 'q' \u{01}"

    @Test func hostileNamesAreText() throws {
        let line = LineChart(title: Self.hostile, series: [.init(name: Self.hostile, points: Self.points([1, 2]))],
                             threshold: .init(value: 1.5, label: Self.hostile), unit: Self.hostile)
        let bars = BarChart(title: Self.hostile, comparing: [.init(label: Self.hostile, reference: 0.5, current: 0.4)],
                            referenceName: Self.hostile)
        for svgText in [line.svg(), bars.svg()] {
            #expect(!svgText.contains("<script"))
            let svg = try ParsedSVG(svgText)
            svg.expectWellFormedChart()
            #expect(ParsedSVG.attribute(svg.root, "aria-label") == "<script>alert(\"x\")</script> & 'q' \u{FFFD}")
        }
        let svg = try ParsedSVG(line.svg())
        #expect(svg.texts(class: "threshold-label") == ["<script>alert(\"x\")</script> & 'q' \u{FFFD}"])
    }

    @Test func comparisonDrawsTwoBarsPerBin() throws {
        let bins = (0..<6).map { BarChart.Bin(label: "b\($0)", reference: Double($0) / 15, current: Double(5 - $0) / 15) }
        let svg = try ParsedSVG(BarChart(title: "age", comparing: bins).svg())
        #expect(svg.elements("rect", class: "bar").count == 12)
        #expect(svg.elements("rect", class: "series-0").count == 6 && svg.elements("rect", class: "series-1").count == 6)
        #expect(svg.texts(class: "legend") == ["reference", "current"])
        #expect(svg.texts(class: "x-label") == bins.map(\.label))
        #expect(svg.texts(class: "y-tick").allSatisfy { $0.hasSuffix("%") })
        let top = try #require(svg.texts(class: "y-tick").last.flatMap { Double($0.dropLast()) })
        #expect(top >= 100.0 / 3 && top < 50, "the axis ends just above the largest share, not at 100%")
        let titles = svg.elements("rect", class: "bar").compactMap { $0.elements(forName: "title").first?.stringValue }
        #expect(titles.first == "b0 — reference: 0%" && titles.contains("b1 — current: 26.7%"))
        svg.expectWellFormedChart()
    }

    @Test func longLabelsAreTurnedAndCutWithTheFullTextInATitle() throws {
        let long = "premium-annual-family-plan-with-extras"
        let bins = [long, "b", "c", "d", "e", "f"].map { BarChart.Bin(label: $0, reference: 0.1, current: 0.2) }
        let svg = try ParsedSVG(BarChart(title: "plan", comparing: bins).svg())
        let label = try #require(svg.elements("text", class: "x-label").first)
        #expect(ParsedSVG.attribute(label, "transform")?.hasPrefix("rotate(-40") == true)
        #expect(label.elements(forName: "title").first?.stringValue == long)
        let shown = try #require(svg.texts(class: "x-label").first)
        #expect(shown.hasPrefix("premium-annual") && shown.hasSuffix("…") && shown.count <= 18)
        svg.expectWellFormedChart()
    }

    @Test func manyBinsLabelOnlySome() throws {
        let bins = (0..<100).map { BarChart.Bin(label: "bin \($0)", reference: 0.01, current: 0.01) }
        let svg = try ParsedSVG(BarChart(title: "t", comparing: bins, width: 400).svg())
        #expect(svg.elements("rect", class: "bar").count == 200)
        #expect(svg.texts(class: "x-label").count < 40)
        svg.expectWellFormedChart()
    }

    @Test func singleSeriesBarsWithMissingAndNegativeValues() throws {
        let bars = [("DE", 0.93), ("FR", -0.2), ("JP", .nan), ("US", 1.7)].map { BarChart.Bar(label: $0.0, value: $0.1) }
        let number = try ParsedSVG(BarChart(title: "delta", bars: bars, scale: .number(unit: "pp")).svg())
        #expect(number.elements("rect", class: "bar").count == 3)
        #expect(number.texts(class: "missing") == ["n/a"])
        #expect(number.texts(class: "legend").isEmpty)
        #expect(number.texts(class: "y-tick").contains("0") && number.texts(class: "y-tick").first!.hasPrefix("-"))
        number.expectWellFormedChart()
        let share = try ParsedSVG(BarChart(title: "accuracy", bars: bars, seriesName: "accuracy", scale: .share).svg())
        #expect(share.texts(class: "y-tick").last == "100%" && share.texts(class: "legend") == ["accuracy"])
        share.expectWellFormedChart()
    }

    @Test func emptyBarChartsSayNoData() throws {
        for chart in [BarChart(title: "t", comparing: []), BarChart(title: "t", bars: [.init(label: "a", value: .nan)])] {
            let svg = try ParsedSVG(chart.svg())
            #expect(svg.texts(class: "no-data") == ["No data"] && svg.elements("rect", class: "bar").isEmpty)
            svg.expectWellFormedChart()
        }
    }

    @Test(arguments: [
        (0.0, "0"), (12.5, "12.5"), (-3, "-3"), (0.07, "0.07"), (0.001, "0"), (1e-5, "0"), (2.345, "2.35"),
        (.nan, "0"), (.infinity, "0"), (1e20, "1000000"), (-0.004, "0"), (100.1, "100.1"),
    ])
    func attributeNumbersHaveFixedPrecision(value: Double, expected: String) {
        #expect(SVGNumber.format(value) == expected)
    }
}
