/// The dashboard's addresses, built in one place so every link between pages agrees.
enum DashboardNavigation {
    static let overview = "/ui"
    static let alerts = "/ui/alerts"
    /// Pages reload themselves this often, so a dashboard left open stays current.
    static let refreshSeconds = 30

    static let links: [DashboardPage.NavLink] = [.init("Overview", href: overview), .init("Alerts", href: alerts)]

    static func deployment(_ name: String) -> String { "/ui/deployments/\(HTMLText.pathSegment(name))" }

    static func monitor(_ name: String) -> String { "/ui/monitors/\(HTMLText.pathSegment(name))" }

    static func deploymentLink(_ name: String) -> HTMLText { DashboardPage.link(name, href: deployment(name)) }

    static func monitorLink(_ name: String) -> HTMLText { DashboardPage.link(name, href: monitor(name)) }
}
