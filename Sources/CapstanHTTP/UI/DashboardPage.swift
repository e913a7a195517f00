/// A complete dashboard page: an HTML5 document with a top navigation and inline CSS, and no
/// script, CDN or external reference, so it works offline, behind strict content security
/// policies and with JavaScript off.
///
/// The output is also well-formed XML (void elements self-closed, only XML's character
/// references), which lets tests read pages with an XML parser.
///
/// ```swift
/// let page = DashboardPage(
///     title: "churn",
///     navigation: [.init("Deployments", href: "/ui"), .init("Alerts", href: "/ui/alerts")],
///     current: "/ui",
///     content: [DashboardPage.section("Traffic", DashboardPage.chartGrid([ChartCard(chart: requests)]))])
/// return page.render()
/// ```
public struct DashboardPage: Sendable {
    /// A link in the top navigation.
    public struct NavLink: Sendable, Equatable {
        public var title: String
        public var href: String

        public init(_ title: String, href: String) {
            self.title = title
            self.href = href
        }
    }

    public var title: String
    public var navigation: [NavLink]
    /// The `href` of the navigation link to mark as the current page.
    public var current: String?
    /// Reloads the page every so many seconds (a `<meta http-equiv="refresh">`), so a
    /// dashboard left open stays current without script. `nil`: no reload.
    public var refreshSeconds: Int?
    public var content: [HTMLText]

    public init(
        title: String, navigation: [NavLink] = [], current: String? = nil, refreshSeconds: Int? = nil,
        content: [HTMLText]
    ) {
        self.title = title
        self.navigation = navigation
        self.current = current
        self.refreshSeconds = refreshSeconds
        self.content = content
    }

    /// The document, from `<!DOCTYPE html>` to `</html>`.
    public func render() -> String {
        let links = navigation.map { link -> HTMLText in
            link.href == current
                ? "<a href=\"\(HTMLText(uncheckedMarkup: HTMLText.safeURL(link.href)))\" class=\"current\" aria-current=\"page\">\(link.title)</a>"
                : "<a href=\"\(HTMLText(uncheckedMarkup: HTMLText.safeURL(link.href)))\">\(link.title)</a>"
        }
        let refresh: HTMLText = refreshSeconds.map { "<meta http-equiv=\"refresh\" content=\"\(max($0, 1))\"/>\n" } ?? .empty
        let document: HTMLText = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            \(refresh)<title>\(title) · Capstan</title>
            <style>\(HTMLText(uncheckedMarkup: PageStyle.css))</style>
            </head>
            <body>
            <header class="top"><span class="brand">Capstan</span><nav aria-label="Main">\(HTMLText.joined(links))</nav></header>
            <main>
            <h1>\(title)</h1>
            \(HTMLText.joined(content, separator: "\n"))
            </main>
            </body>
            </html>

            """
        return document.markup
    }
}
