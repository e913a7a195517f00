import Hummingbird
import Testing
@testable import CapstanHTTP

/// `/invocations` reads Content-Type as MLflow's scoring server does: JSON or CSV, any case,
/// with `charset=utf-8` as the one parameter it accepts.
@Suite struct ScoringMediaTypeTests {
    typealias Routes = ScoringRoutes<BasicRequestContext>

    @Test(arguments: [
        ("application/json", "application/json"),
        ("Application/JSON", "application/json"),
        ("application/json; charset=utf-8", "application/json"),
        ("application/json ;Charset=UTF-8", "application/json"),
        ("  text/csv\t;  charset=utf-8 ", "text/csv"),
        ("text/csv;", "text/csv"),
        ("application/csv", "application/csv"),
        ("text/plain", "text/plain"),  // read, then refused by the route as unsupported
    ])
    func mediaTypes(header: String, expected: String) throws {
        #expect(try Routes.mediaType(header) == expected)
    }

    @Test(arguments: ["application/json; charset=latin-1", "application/json; format=pandas-split", "text/csv; header=present"])
    func otherParametersAreRefused(header: String) {
        #expect(throws: ScoringError.self) { try Routes.mediaType(header) }
    }
}
