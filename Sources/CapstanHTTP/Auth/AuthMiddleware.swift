import CapstanJSON
import HTTPTypes
import Hummingbird
import Logging

/// With `--auth`: every request but the liveness and readiness probes must carry
/// `Authorization: Bearer TOKEN` whose scope covers it. Missing or unknown token → 401 with
/// `WWW-Authenticate: Bearer`; a token whose scope does not cover the request → 403.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let authenticator: TokenAuthenticator
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let need = AccessNeed(method: request.method.rawValue, path: request.uri.path)
        if need == .none { return try await next(request, context) }
        guard let header = request.headers.joinedValue(.authorization), header.lowercased().hasPrefix("bearer "),
              case let token = header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces), !token.isEmpty else {
            return Self.refuse(.unauthorized, "UNAUTHENTICATED", "This server requires Authorization: Bearer TOKEN (capstan tokens create).")
        }
        let scope: AccessScope?
        do {
            scope = try await authenticator.scope(of: token)
        } catch {
            logger.error("Token lookup failed: \(error)")
            return Self.refuse(.serviceUnavailable, "UNAVAILABLE", "Cannot check the token right now: the database does not answer.")
        }
        guard let scope else {
            return Self.refuse(.unauthorized, "UNAUTHENTICATED", "The token is unknown or revoked.")
        }
        guard scope.allows(need) else {
            return Self.refuse(.forbidden, "PERMISSION_DENIED", "A token with scope '\(scope)' may not \(Self.describe(need)).")
        }
        return try await next(request, context)
    }

    static func describe(_ need: AccessNeed) -> String {
        switch need {
        case .none, .read: "read this"
        case .write: "change this (it needs scope write or admin)"
        case .predict(let deployment): "call deployment '\(deployment)' (it needs scope predict:\(deployment), write or admin)"
        }
    }

    static func refuse(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Response {
        // Both error shapes at once: MLflow clients read error_code/message, Capstan's read error.
        var response = jsonResponse(.object([
            ("error_code", .string(code)), ("message", .string(message)),
            ("error", .object([("code", .string(code)), ("message", .string(message))])),
        ]), status: status)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        return response
    }
}
