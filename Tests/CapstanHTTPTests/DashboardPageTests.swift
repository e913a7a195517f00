import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import CapstanHTTP

/// Pages and HTML text: escaping makes markup injection impossible, and pages are
/// self-contained documents.
@Suite("dashboard pages")
struct DashboardPageTests {
    static let hostile = "<script>alert('x')</script> \"q\" & <img src=x onerror=alert(1)>"

    struct Deployment { let name: String; let requests: Int; let status: BadgeStatus }

    static let navigation: [DashboardPage.NavLink] = [.init("Deployments", href: "/ui"), .init("Alerts", href: "/ui/alerts")]

    static func samplePage(name: String = hostile) -> DashboardPage {
        let chart = LineChart(title: name, series: [.init(name: name, points: [.init(timeMs: 0, value: 1), .init(timeMs: 60_000, value: 2)])])
        let bars = BarChart(title: "hist", comparing: [.init(label: name, reference: 0.4, current: 0.6)])
        return DashboardPage(title: name, navigation: navigation + [.init(name, href: "/ui/deployments/\(HTMLText.pathSegment(name))")],
                    current: "/ui/alerts", content: [
            DashboardPage.section(name, id: name, DashboardPage.summary([("Deployment", HTMLText(name)), ("State", DashboardPage.badge(.firing, text: name))])),
            DashboardPage.section("Deployments", DashboardPage.table([Deployment(name: name, requests: 12, status: .ok), Deployment(name: "b", requests: 3, status: .pending)], columns: [
                TableColumn("Name") { DashboardPage.link($0.name, href: "/ui/deployments/\(HTMLText.pathSegment($0.name))") },
                TableColumn("Requests", alignment: .right) { "\($0.requests)" },
                TableColumn(name) { DashboardPage.badge($0.status) },
            ], caption: name)),
            DashboardPage.section("Charts", DashboardPage.chartGrid([ChartCard(chart: chart, note: name), ChartCard(heading: "Histogram", chart: bars)])),
            DashboardPage.note(name),
        ])
    }

    static func parse(_ page: DashboardPage) throws -> XMLDocument {
        try XMLDocument(xmlString: page.render(), options: [])
    }

    static func elements(_ node: XMLNode, _ name: String) -> [XMLElement] {
        let children = (node.children ?? []).flatMap { elements($0, name) }
        if let element = node as? XMLElement, element.localName == name { return [element] + children }
        return children
    }

    @Test func pageIsAWellFormedSelfContainedDocument() throws {
        let html = Self.samplePage(name: "churn").render()
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        let document = try XMLDocument(xmlString: html, options: [])
        let root = try #require(document.rootElement())
        #expect(Self.elements(root, "title").first?.stringValue == "churn · Capstan")
        #expect(Self.elements(root, "style").count == 1)
        #expect(Self.elements(root, "script").isEmpty && Self.elements(root, "link").isEmpty)
        #expect(!html.contains("http://") || html.components(separatedBy: "http://").count - 1 == Self.elements(root, "svg").count)
        #expect(!html.contains("https://"))
        #expect(Self.elements(root, "svg").count == 2)
        #expect(Self.elements(root, "figure").count == 2)
    }

    @Test func hostileNamesNeverBecomeMarkup() throws {
        let html = Self.samplePage().render()
        #expect(!html.contains("<script") && !html.contains("<img"))
        let root = try #require(try Self.parse(Self.samplePage()).rootElement())
        #expect(Self.elements(root, "script").isEmpty && Self.elements(root, "img").isEmpty)
        #expect(Self.elements(root, "h1").first?.stringValue == Self.hostile)
        #expect(Self.elements(root, "caption").first?.stringValue == Self.hostile)
        #expect(Self.elements(root, "th").last?.stringValue == Self.hostile)
        #expect(Self.elements(root, "section").first?.attribute(forName: "id")?.stringValue == Self.hostile)
        let links = Self.elements(root, "a").filter { $0.stringValue == Self.hostile }
        #expect(links.count == 2)
        #expect(links.allSatisfy { $0.attribute(forName: "href")?.stringValue?.hasPrefix("/ui/deployments/%3Cscript%3Ealert%28%27x%27%29") == true })
        // Every element is one the kit writes.
        let allowed: Set = ["html", "head", "meta", "title", "style", "body", "header", "span", "nav", "a", "main", "h1", "h2",
                            "section", "dl", "div", "dt", "dd", "table", "caption", "thead", "tbody", "tr", "th", "td",
                            "figure", "figcaption", "p", "svg", "g", "line", "rect", "circle", "path", "text"]
        let names = Set(Self.elements(root, "*").compactMap(\.localName))
        func all(_ node: XMLNode) -> [String] {
            ((node as? XMLElement)?.localName.map { [$0] } ?? []) + (node.children ?? []).flatMap(all)
        }
        #expect(Set(all(root)).subtracting(allowed).isEmpty, "\(Set(all(root)).subtracting(allowed))")
        _ = names
    }

    @Test func theCurrentNavigationLinkIsMarked() throws {
        let root = try #require(try Self.parse(Self.samplePage(name: "x")).rootElement())
        let nav = try #require(Self.elements(root, "nav").first)
        let links = Self.elements(nav, "a")
        #expect(links.map(\.stringValue) == ["Deployments", "Alerts", "x"])
        #expect(links.map { $0.attribute(forName: "aria-current")?.stringValue } == [nil, "page", nil])
        #expect(links[1].attribute(forName: "class")?.stringValue == "current")
    }

    @Test func tablesHaveOneCellPerColumnAndSayWhenEmpty() throws {
        let root = try #require(try Self.parse(Self.samplePage(name: "x")).rootElement())
        let table = try #require(Self.elements(root, "table").first)
        let rows = Self.elements(try #require(Self.elements(table, "tbody").first), "tr")
        #expect(rows.count == 2 && rows.allSatisfy { Self.elements($0, "td").count == 3 })
        #expect(Self.elements(rows[0], "td")[1].attribute(forName: "class")?.stringValue == "num")
        #expect(Self.elements(rows[1], "td")[1].stringValue == "3")

        let empty = DashboardPage.table([Deployment](), columns: [TableColumn("A") { HTMLText($0.name) }, TableColumn("B") { "\($0.requests)" }],
                               emptyMessage: "No <alerts>")
        let emptyRoot = try #require(try XMLDocument(xmlString: empty.markup, options: []).rootElement())
        let cell = try #require(Self.elements(emptyRoot, "td").first)
        #expect(cell.stringValue == "No <alerts>" && cell.attribute(forName: "colspan")?.stringValue == "2")
    }

    @Test(arguments: BadgeStatus.allCases)
    func everyStatusHasABadge(status: BadgeStatus) throws {
        let badge = try #require(try XMLDocument(xmlString: DashboardPage.badge(status).markup, options: []).rootElement())
        #expect(badge.attribute(forName: "class")?.stringValue == "badge \(status.rawValue)")
        #expect(badge.stringValue == status.label)
        #expect(PageStyle.css.contains(".badge.\(status.rawValue) "))
    }

    @Test func refreshIsOptional() {
        #expect(!DashboardPage(title: "t", content: []).render().contains("http-equiv"))
        #expect(DashboardPage(title: "t", refreshSeconds: 30, content: []).render().contains("<meta http-equiv=\"refresh\" content=\"30\"/>"))
    }

    @Test func styleSheetKeepsThePageWellFormed() {
        #expect(!PageStyle.css.contains("<") && !PageStyle.css.contains("&"))
        #expect(!PageStyle.css.contains("url(") && !PageStyle.css.contains("@import"))
    }

    @Test func interpolationEscapesTextAndKeepsMarkup() {
        let name = "a<b>&\"c'"
        let bold: HTMLText = "<b>\(name)</b>"
        #expect(bold.markup == "<b>a&lt;b&gt;&amp;&quot;c&#39;</b>")
        let nested: HTMLText = "<p>\(bold) \(42) \(HTMLText(name))</p>"
        #expect(nested.markup == "<p><b>a&lt;b&gt;&amp;&quot;c&#39;</b> 42 a&lt;b&gt;&amp;&quot;c&#39;</p>")
    }

    @Test func escapingReplacesCharactersXMLForbids() {
        #expect(HTMLText.escape("a\u{0}b\u{1B}c\td\ne") == "a\u{FFFD}b\u{FFFD}c\td\ne")
        #expect(HTMLText.escape("żółw 🐢") == "żółw 🐢")
    }

    @Test func pathSegmentsPercentEncodeEverythingButUnreserved() {
        #expect(HTMLText.pathSegment("churn-v2_a.b~") == "churn-v2_a.b~")
        #expect(HTMLText.pathSegment("a b/c?d#e") == "a%20b%2Fc%3Fd%23e")
        #expect(HTMLText.pathSegment("ż") == "%C5%BC")
    }

    @Test(arguments: [
        ("javascript:alert(1)", "#"), (" JavaScript:alert(1)", "#"), ("java\tscript:alert(1)", "#"),
        ("data:text/html,x", "#"), ("VBScript:x", "#"), ("/ui/deployments/a", "/ui/deployments/a"),
        ("https://example.com/?a=1&b=2", "https://example.com/?a=1&amp;b=2"), ("/ui?q=javascript:x", "/ui?q=javascript:x"),
    ])
    func linksCannotRunScript(url: String, expected: String) {
        #expect(HTMLText.safeURL(url) == expected)
    }
}
