import CapstanJSON
import CapstanStorage
import HTTPTypes
import Hummingbird
import NIOCore

/// Liveness and readiness: MLflow's `/health` and `/version`, plus `/healthz` and `/readyz`.
struct OperationalRoutes<Context: RequestContext> {
    let database: Database
    /// What `/version` reports: the MLflow API level Capstan serves (clients parse it as an
    /// MLflow version, e.g. to decide whether to send OTLP traces).
    let mlflowVersion: String
    let capstanVersion: String

    func register(on router: Router<Context>) {
        let database = self.database
        let mlflowVersion = self.mlflowVersion
        let capstanVersion = self.capstanVersion
        router.get("/health") { _, _ in Self.text("OK") }
        router.get("/version") { _, _ in
            var response = Self.text(mlflowVersion)
            response.headers[HTTPField.Name("X-Capstan-Version")!] = capstanVersion
            return response
        }
        router.get("/healthz") { _, _ in
            jsonResponse(.object([("status", .string("ok")), ("version", .string(capstanVersion))]))
        }
        router.get("/readyz") { _, _ in
            do {
                try await database.ping()
                return jsonResponse(.object([("status", .string("ready")), ("database", .string(database.engine.rawValue))]))
            } catch {
                return jsonResponse(
                    .object([("status", .string("unavailable")), ("reason", .string("the database does not answer"))]),
                    status: .serviceUnavailable
                )
            }
        }
    }

    static func text(_ body: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }
}
