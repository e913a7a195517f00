/// What a dashboard page can fail with besides the stores' own errors: a query parameter
/// that does not parse, or a page that does not exist.
enum DashboardError: Error, Equatable {
    case badRequest(String)
    case notFound(String)
}
