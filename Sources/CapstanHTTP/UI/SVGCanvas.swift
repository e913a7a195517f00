/// Writes the SVG elements charts are made of, keeping the rules in one place: every number
/// through `SVGNumber`, every text through `HTMLText.escape`, presentation attributes rather
/// than a `<style>` block (several charts share one page, and a class-scoped style sheet in
/// each would leak into the others).
struct SVGCanvas {
    static let fontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
    /// Rough advance of one character at `fontSize`, for layout without font metrics; it
    /// errs wide so labels do not collide.
    static func textWidth(_ text: String, fontSize: Double = 11) -> Double {
        Double(text.count) * fontSize * 0.6
    }

    /// Text cut to `limit` characters with an ellipsis; the caller puts the full text in a `<title>`.
    static func truncated(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(max(1, limit - 1))) + "…"
    }

    let width: Double
    let height: Double
    private(set) var body = ""

    init(width: Int, height: Int) {
        self.width = Double(max(width, 120))
        self.height = Double(max(height, 80))
    }

    static func n(_ value: Double) -> String { SVGNumber.format(value) }

    mutating func raw(_ markup: String) { body += markup }

    mutating func line(
        x1: Double, y1: Double, x2: Double, y2: Double, stroke: String,
        strokeWidth: Double = 1, dash: String? = nil, cssClass: String? = nil
    ) {
        body += "<line"
        if let cssClass { body += " class=\"\(cssClass)\"" }
        body += " x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\""
        body += " stroke=\"\(stroke)\" stroke-width=\"\(Self.n(strokeWidth))\""
        if let dash { body += " stroke-dasharray=\"\(dash)\"" }
        body += "/>"
    }

    mutating func rect(
        x: Double, y: Double, width: Double, height: Double, fill: String,
        cssClass: String? = nil, title: String? = nil, stroke: String? = nil
    ) {
        body += "<rect"
        if let cssClass { body += " class=\"\(cssClass)\"" }
        body += " x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(max(width, 0)))\" height=\"\(Self.n(max(height, 0)))\""
        body += " fill=\"\(fill)\""
        if let stroke { body += " stroke=\"\(stroke)\"" }
        if let title {
            body += "><title>\(HTMLText.escape(title))</title></rect>"
        } else {
            body += "/>"
        }
    }

    mutating func circle(x: Double, y: Double, r: Double, fill: String, cssClass: String, title: String? = nil) {
        body += "<circle class=\"\(cssClass)\" cx=\"\(Self.n(x))\" cy=\"\(Self.n(y))\" r=\"\(Self.n(r))\" fill=\"\(fill)\""
        if let title {
            body += "><title>\(HTMLText.escape(title))</title></circle>"
        } else {
            body += "/>"
        }
    }

    enum Anchor: String { case start, middle, end }

    mutating func text(
        _ text: String, x: Double, y: Double, anchor: Anchor = .start, fontSize: Double = 11,
        fill: String = ChartPalette.axis, rotation: Double? = nil, cssClass: String? = nil,
        title: String? = nil, halo: Bool = false
    ) {
        body += "<text"
        if let cssClass { body += " class=\"\(cssClass)\"" }
        body += " x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" font-size=\"\(Self.n(fontSize))\" fill=\"\(fill)\""
        if anchor != .start { body += " text-anchor=\"\(anchor.rawValue)\"" }
        // A white outline under the glyphs keeps a label readable where it crosses a line.
        if halo { body += " stroke=\"#FFFFFF\" stroke-width=\"3\" paint-order=\"stroke\" stroke-linejoin=\"round\"" }
        if let rotation { body += " transform=\"rotate(\(Self.n(rotation)) \(Self.n(x)) \(Self.n(y)))\"" }
        body += ">"
        if let title { body += "<title>\(HTMLText.escape(title))</title>" }
        body += HTMLText.escape(text) + "</text>"
    }

    /// The finished `<svg>`: a fixed `viewBox` so it scales with its container, the given
    /// size as its natural size, and a `<title>` plus `aria-label` for screen readers.
    func svg(title: String, cssClass: String) -> String {
        let w = Self.n(width), h = Self.n(height), label = HTMLText.escape(title)
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart \(cssClass)\" viewBox=\"0 0 \(w) \(h)\""
            + " width=\"\(w)\" height=\"\(h)\" role=\"img\" aria-label=\"\(label)\""
            + " font-family=\"\(Self.fontFamily)\"><title>\(label)</title>"
            + body + "</svg>"
    }

    /// A chart with nothing to draw says so, at the size the chart would have had, so the
    /// page layout does not jump and the reader knows the chart is empty, not broken.
    static func noData(title: String, width: Int, height: Int, cssClass: String, message: String = "No data") -> String {
        var canvas = SVGCanvas(width: width, height: height)
        canvas.rect(x: 0.5, y: 0.5, width: canvas.width - 1, height: canvas.height - 1, fill: "#FAFAFA", cssClass: "frame", stroke: ChartPalette.grid)
        canvas.text(message, x: canvas.width / 2, y: canvas.height / 2 + 5, anchor: .middle, fontSize: 14, fill: ChartPalette.muted, cssClass: "no-data")
        return canvas.svg(title: title, cssClass: "\(cssClass) empty")
    }

    enum Swatch { case line, box }

    /// Draws a legend across the top, wrapping to new rows, and returns how many rows it took.
    /// Long names are cut; the full name is in the entry's `<title>`.
    mutating func legend(_ names: [String], swatch: Swatch) -> Int {
        var x = 0.0, row = 0
        for (i, name) in names.enumerated() {
            let shown = Self.truncated(name, to: 32)
            let w = 18 + Self.textWidth(shown) + 14
            if x > 0, x + w > width - 16 { row += 1; x = 0 }
            let lx = 8 + x, ly = 10 + Double(row) * 16
            let colour = ChartPalette.colour(forSeries: i)
            switch swatch {
            case .line:
                line(x1: lx, y1: ly + 5, x2: lx + 14, y2: ly + 5, stroke: colour, strokeWidth: 2.5,
                     dash: ChartPalette.isDashed(series: i) ? "5 3" : nil, cssClass: "legend-swatch")
            case .box:
                rect(x: lx + 2, y: ly, width: 10, height: 10, fill: colour, cssClass: "legend-swatch")
            }
            text(shown, x: lx + 18, y: ly + 9, cssClass: "legend", title: shown == name ? nil : name)
            x += w
        }
        return names.isEmpty ? 0 : row + 1
    }
}
