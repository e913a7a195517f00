/// Page pieces the kit leaves to pages.
enum DashboardLayout {
    /// The facts at the top of a page, in a block of their own so they sit apart from the
    /// sections below.
    static func glance(_ items: [(label: String, value: HTMLText)]) -> HTMLText {
        "<section class=\"block\" aria-label=\"At a glance\">\(DashboardPage.summary(items))</section>"
    }
}
