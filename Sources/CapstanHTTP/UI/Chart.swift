/// A chart the dashboard can embed: a value that renders itself as a standalone SVG
/// document. Rendering is a pure function of the value, so a chart can be built off the
/// request path, compared in tests, and cached.
public protocol Chart: Sendable {
    /// What the chart shows, used for its `<title>` and `aria-label`.
    var title: String { get }
    /// The chart as an `<svg>` element: well-formed XML, numbers in attributes with at most
    /// two decimals, no script and no external references.
    func svg() -> String
}

extension Chart {
    /// The chart as markup to place inline in a page.
    public var html: HTMLText { HTMLText(uncheckedMarkup: svg()) }
}
