import CapstanJSON
import CapstanStorage
import CapstanTracking
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The `mlflow-artifacts` proxy (`/api/2.0/mlflow-artifacts/artifacts…`): clients upload,
/// list, download and delete artifacts through the server, with no storage access of their own.
struct ArtifactRoutes<Context: RequestContext> {
    let artifacts: any ArtifactStore
    let tracking: TrackingService
    let logger: Logger

    static var prefix: String { "/api/2.0/mlflow-artifacts" }

    func register(on router: Router<Context>, api: MLflowEndpoints<Context>) {
        let artifacts = self.artifacts
        let logger = self.logger
        let filesPath = RouterPath(Self.prefix + "/artifacts/**")
        router.put(filesPath) { request, context in
            await MLflowEndpoints<Context>.respond(request: request, context: context, logger: logger) {
                try await artifacts.write(try Self.path(of: request), chunks: request.body)
                return .object([])
            }
        }
        router.get(filesPath) { request, context in
            do {
                return try await Self.download(try Self.path(of: request), artifacts: artifacts)
            } catch {
                return MLflowEndpoints<Context>.errorResponse(error, request: request, logger: logger)
            }
        }
        router.delete(filesPath) { request, context in
            await MLflowEndpoints<Context>.respond(request: request, context: context, logger: logger) {
                try await artifacts.delete(try Self.path(of: request))
                return .object([])
            }
        }
        router.get(RouterPath(Self.prefix + "/artifacts")) { request, context in
            await MLflowEndpoints<Context>.respond(request: request, context: context, logger: logger) {
                let fields = try await RequestFields.from(request)
                let path = try ArtifactPath(validating: try fields.string("path") ?? "")
                var o = JSONObjectBuilder()
                o.set("files", nonEmpty: try await artifacts.list(path).map { MLflowJSON.fileInfo(path: $0.name, $0) })
                return o.value
            }
        }
        for action in ["create", "complete", "abort"] {
            router.post(RouterPath(Self.prefix + "/mpu/\(action)/**")) { request, context in
                await MLflowEndpoints<Context>.respond(request: request, context: context, logger: logger) {
                    throw MLflowError(
                        code: "NOT_IMPLEMENTED",
                        message: "Multipart upload is not supported for the current artifact repository; upload with PUT instead."
                    )
                }
            }
        }
        // The UI's listing of a run's artifacts, relative to the run's artifact root.
        let tracking = self.tracking
        api.get("/artifacts/list") { fields, _, _ in
            let run = try await tracking.runs.get(runId: try fields.requiredString("run_id", "run_uuid"))
            return try await ArtifactListing.list(
                rootURI: run.info.artifactUri, relativePath: try fields.string("path") ?? "", artifacts: artifacts
            )
        }
    }

    /// The artifact path after `/artifacts/`, decoded once and validated.
    static func path(of request: Request) throws -> ArtifactPath {
        let raw = request.uri.path
        let marker = prefix + "/artifacts/"
        guard let range = raw.range(of: marker) else { throw StoreError.invalidParameter("Invalid path") }
        let encoded = String(raw[range.upperBound...])
        guard let decoded = encoded.removingPercentEncoding else { throw StoreError.invalidParameter("Invalid path") }
        return try ArtifactPath(validating: decoded)
    }

    static func download(_ path: ArtifactPath, artifacts: any ArtifactStore) async throws -> Response {
        let size = try await artifacts.fileSize(path)
        var headers: HTTPFields = [
            .contentType: MediaTypes.guess(forFileName: path.name),
            .contentLength: String(size),
            .contentDisposition: "attachment; filename=\"\(path.name.replacingOccurrences(of: "\"", with: ""))\"",
        ]
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await artifacts.read(path) { chunk in try await writer.write(chunk) }
            try await writer.finish(nil)
        })
    }
}

/// Content types for downloads, guessed from the file extension as MLflow does.
enum MediaTypes {
    static func guess(forFileName name: String) -> String {
        let ext = (name as NSString).pathExtension.lowercased()
        switch ext {
        case "json": return "application/json"
        case "txt", "log", "md", "mlmodel": return "text/plain"
        case "yaml", "yml": return "application/x-yaml"
        case "csv": return "text/csv"
        case "html", "htm": return "text/html"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "svg": return "image/svg+xml"
        case "pdf": return "application/pdf"
        default: return name == "MLmodel" ? "text/plain" : "application/octet-stream"
        }
    }
}
