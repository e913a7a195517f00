import CapstanJSON
import Foundation
import HTTPTypes
import Testing
@testable import CapstanHTTP

/// `--auth`: which requests each scope may make, and what a request without a usable token gets.
@Suite("authentication and scopes")
struct AuthTests {
    @Test(arguments: [
        ("GET", "/health", AccessNeed.none), ("GET", "/v2/health/ready", .none),
        ("GET", "/api/2.0/mlflow/experiments/get-by-name", .read), ("POST", "/api/2.0/mlflow/runs/search", .read),
        ("POST", "/api/2.0/mlflow/runs/create", .write), ("GET", "/metrics", .read), ("GET", "/version", .read),
        ("POST", "/v2/models/churn/infer", .predict(deployment: "churn")), ("GET", "/v2/models/churn/ready", .predict(deployment: "churn")),
        ("POST", "/v2/models/churn/versions/2/infer", .predict(deployment: "churn")),
        ("POST", "/deployments/churn/invocations", .predict(deployment: "churn")),
        ("POST", "/api/capstan/v1/deployments/churn/feedback", .predict(deployment: "churn")),
        ("POST", "/api/capstan/v1/deployments", .write), ("POST", "/api/capstan/v1/deployments/churn/rollback", .write),
        ("GET", "/api/capstan/v1/deployments/churn/predictions", .read), ("GET", "/v2", .read),
    ])
    func requestsNeedTheRightAccess(method: String, path: String, need: AccessNeed) {
        #expect(AccessNeed(method: method, path: path) == need)
    }

    @Test func theScopeMatrix() async throws {
        try await withServer(auth: true) { client in
            func status(_ method: HTTPRequest.Method, _ path: String, token: String?, body: String = "{}") async throws -> HTTPResponse.Status {
                var headers: HTTPFields = [.contentType: "application/json"]
                if let token { headers[.authorization] = "Bearer \(token)" }
                return try await client.raw(method, path, headers: headers, body: Array(body.utf8)).status
            }
            let read = try await client.token(.read), write = try await client.token(.write), admin = try await client.token(.admin)
            let predict = try await client.token(.predict(deployment: "churn"))
            let search = "/api/2.0/mlflow/experiments/search"
            let create = "/api/2.0/mlflow/experiments/create"

            // No token, a wrong token: 401 with a challenge. Probes stay open.
            let anonymous = try await client.raw(.post, search, headers: [.contentType: "application/json"], body: Array("{}".utf8))
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate] == "Bearer")
            #expect(anonymous.errorCode == "UNAUTHENTICATED")
            #expect(try await status(.post, search, token: "cap_not-a-token") == .unauthorized)
            #expect(try await status(.get, "/metrics", token: nil) == .unauthorized)
            #expect(try await status(.post, "/v2/models/churn/infer", token: nil) == .unauthorized)
            #expect(try await status(.get, "/healthz", token: nil) == .ok)
            #expect(try await status(.get, "/v2/health/live", token: nil) == .ok)

            // read: reads only.
            #expect(try await status(.post, search, token: read) == .ok)
            #expect(try await status(.get, "/metrics", token: read) == .ok)
            #expect(try await status(.post, create, token: read, body: #"{"name": "r"}"#) == .forbidden)
            #expect(try await status(.post, "/v2/models/churn/infer", token: read) == .forbidden)

            // write and admin: changes too, and predictions (404 here: no such deployment yet).
            #expect(try await status(.post, create, token: write, body: #"{"name": "w"}"#) == .ok)
            #expect(try await status(.post, create, token: admin, body: #"{"name": "a"}"#) == .ok)
            #expect(try await status(.post, "/deployments/churn/invocations", token: write, body: #"{"instances": [[1]]}"#) == .notFound)

            // predict:churn: that deployment only.
            #expect(try await status(.post, "/deployments/churn/invocations", token: predict, body: #"{"instances": [[1]]}"#) == .notFound)
            #expect(try await status(.post, "/api/capstan/v1/deployments/churn/feedback", token: predict, body: #"{"request_id": "x", "label": 1}"#) == .notFound)
            #expect(try await status(.post, "/deployments/fraud/invocations", token: predict) == .forbidden)
            #expect(try await status(.post, search, token: predict) == .forbidden)
            #expect(try await status(.post, "/api/capstan/v1/deployments", token: predict) == .forbidden)

            // A revoked token stops working.
            let tokens = try await client.authenticator!.store.tokens()
            try await client.authenticator!.store.revoke(id: try #require(tokens.first { $0.scope == "read" }).id)
            #expect(try await status(.post, search, token: read) == .unauthorized)
        }
    }
}
