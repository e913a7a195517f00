import HTTPTypes

/// The page shown when a dashboard page cannot be: an unknown deployment or monitor, a bad
/// query parameter. Same navigation as every page, so the way back is one click.
struct ErrorPage {
    let status: HTTPResponse.Status
    let message: String

    func render() -> String {
        let title = status == .notFound ? "Not found" : status.code >= 500 ? "Server error" : "Bad request"
        return DashboardPage(
            title: title, navigation: DashboardNavigation.links, current: nil,
            content: [
                DashboardPage.section("\(status.code) \(status.reasonPhrase)", id: "error",
                                      "<p>\(message)</p>",
                                      "<p>\(DashboardPage.link("Back to the overview", href: DashboardNavigation.overview))</p>"),
            ]).render()
    }
}
