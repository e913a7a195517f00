import CapstanJSON
import Hummingbird
import Logging
import NIOCore

/// Registers MLflow REST handlers: each takes the request's fields and returns the JSON
/// response; every error becomes MLflow's error JSON here, in one place.
///
/// Each path is served under `/api/2.0/mlflow` and, for the web UI, `/ajax-api/2.0/mlflow`.
struct MLflowEndpoints<Context: RequestContext> {
    let router: Router<Context>
    let logger: Logger
    static var prefixes: [String] { ["/api/2.0/mlflow", "/ajax-api/2.0/mlflow"] }

    typealias Handler = @Sendable (RequestFields, Request, Context) async throws -> JSONValue

    func on(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
        let logger = self.logger
        for prefix in Self.prefixes {
            router.on(RouterPath(prefix + path), method: method) { request, context in
                await Self.respond(request: request, context: context, logger: logger) {
                    try await handler(try await RequestFields.from(request), request, context)
                }
            }
        }
    }

    func post(_ path: String, _ handler: @escaping Handler) { on(.post, path, handler) }
    func get(_ path: String, _ handler: @escaping Handler) { on(.get, path, handler) }
    func patch(_ path: String, _ handler: @escaping Handler) { on(.patch, path, handler) }
    func delete(_ path: String, _ handler: @escaping Handler) { on(.delete, path, handler) }

    /// Runs `body` and renders its JSON, or the MLflow error for what it threw.
    static func respond(
        request: Request, context: Context, logger: Logger, _ body: () async throws -> JSONValue
    ) async -> Response {
        do {
            return jsonResponse(try await body())
        } catch {
            return errorResponse(error, request: request, logger: logger)
        }
    }

    static func errorResponse(_ error: any Error, request: Request, logger: Logger) -> Response {
        let mlflowError: MLflowError
        if (error as? HTTPError)?.status == .contentTooLarge || error is NIOTooManyBytesError {
            mlflowError = MLflowError(code: "BAD_REQUEST", message: "The request body is too large.")
            return jsonResponse(mlflowError.json, status: .contentTooLarge)
        }
        mlflowError = MLflowError(error)
        if mlflowError.status.code >= 500 {
            logger.error("\(request.method) \(request.uri.path) failed: \(String(reflecting: error))")
        }
        return jsonResponse(mlflowError.json, status: mlflowError.status)
    }
}

func jsonResponse(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
    jsonResponse(bytes: JSONWriter.bytes(value), status: status)
}

/// A response with JSON already written (``JSONStream``).
func jsonResponse(bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
    Response(
        status: status,
        headers: [.contentType: "application/json"],
        body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
    )
}
