import CapstanInference
import CapstanJSON
import CapstanServing
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// MLflow's scoring protocol per deployment: `POST /deployments/{name}/invocations` with
/// a JSON body (`dataframe_split`, `dataframe_records`, `instances`, `inputs`) or CSV,
/// answered with `{"predictions": …}`, so `mlflow models serve` callers keep working.
struct ScoringRoutes<Context: RequestContext> {
    let deployments: DeploymentService
    let gateway: GatewaySettings
    let metrics: GatewayMetrics
    let logger: Logger

    func register(on router: Router<Context>) {
        let deployments = self.deployments, gateway = self.gateway, metrics = self.metrics, logger = self.logger
        router.post("/deployments/:name/invocations") { request, context in
            await metrics.track {
                var answered: PredictionResult?
                let response: Response
                do {
                    let name = try context.parameters.require("name")
                    let live = deployments.liveRevision(name)
                    let frame = try await Self.frame(request, context: context, gateway: gateway, summary: live?.variants[0].model.model.summary)
                    let key = Self.stickyKey(live?.spec.sticky, request: request, frame: frame)
                    let result = try await deployments.predict(name, frame: frame, key: key,
                                                               requestId: gateway.newRequestId())
                    answered = result
                    var reply = jsonResponse(bytes: ScoringPayload.predictions(result.outputs, format: result.variant.model.model.summary.format))
                    gateway.tag(&reply, result)
                    response = reply
                } catch {
                    response = Self.errorResponse(error, request: request, logger: logger)
                }
                metrics.record(deployments, request: request, context: context, result: answered, status: response.status)
                return response
            }
        }
    }

    static func frame(_ request: Request, context: Context, gateway: GatewaySettings, summary: ModelSummary?) async throws -> FeatureFrame {
        let contentType = request.headers.joinedValue(.contentType) ?? "application/json"
        let mediaType = try Self.mediaType(contentType)
        let body = try await request.body.collect(upTo: gateway.maxRequestBytes)
        switch mediaType {
        case "application/json":
            let json: JSONValue
            do {
                json = try JSONParser.parse(body.readableBytesView)
            } catch {
                throw ScoringError.badRequest("The body is not valid JSON: \(error)")
            }
            return try ScoringPayload.frame(json: json, summary: summary)
        case "text/csv", "application/csv":
            do {
                return try FeatureFrame(csv: String(buffer: body), source: "the CSV body")
            } catch {
                throw ScoringError.badRequest("\(error)")
            }
        default:
            throw ScoringError.unsupportedMediaType(
                "Content-Type '\(contentType)' is not supported; send application/json or text/csv.")
        }
    }

    /// The media type of a Content-Type header, lowercased; its one allowed parameter is
    /// `charset=utf-8` (any case, spaces around `;`). Read without Foundation: this runs on
    /// every request, and `trimmingCharacters` cost 2% of a prediction's CPU.
    static func mediaType(_ contentType: String) throws -> String {
        if contentType == "application/json" { return contentType }  // what nearly every client sends
        var parts = contentType.utf8.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false).makeIterator()
        let mediaType = lowercasedTrimmed(parts.next() ?? Substring().utf8)
        while let parameter = parts.next() {
            let text = lowercasedTrimmed(parameter)
            if !text.isEmpty && text != "charset=utf-8" {
                throw ScoringError.unsupportedMediaType("Content-Type parameter '\(text)' is not supported; send charset=utf-8 or none.")
            }
        }
        return mediaType
    }

    /// ASCII letters lowercased, spaces and tabs trimmed (what HTTP allows around `;`).
    private static func lowercasedTrimmed(_ bytes: Substring.UTF8View) -> String {
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !isBlank($0) }), let last = bytes.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(decoding: bytes[first...last].lazy.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }

    static func stickyKey(_ sticky: DeploymentSpec.Stickiness?, request: Request, frame: FeatureFrame) -> String? {
        guard let sticky else { return nil }
        if let header = sticky.header, let name = HTTPField.Name(header) { return request.headers.joinedValue(name) }
        return sticky.field.flatMap(frame.column(named:)).flatMap(GatewaySettings.firstValue)
    }

    static func errorResponse(_ error: any Error, request: Request, logger: Logger) -> Response {
        let (status, code, message): (HTTPResponse.Status, String, String)
        switch error {
        case ScoringError.badRequest(let m): (status, code, message) = (.badRequest, "BAD_REQUEST", m)
        case ScoringError.unsupportedMediaType(let m):
            return Response(status: .unsupportedMediaType, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: m)))
        default:
            let apiError = CapstanAPIError(error)
            let mlflowCode = switch apiError.status.code {
            case 400: "INVALID_PARAMETER_VALUE"
            case 404: "RESOURCE_DOES_NOT_EXIST"
            case 413, 422: "BAD_REQUEST"
            case 503: "TEMPORARILY_UNAVAILABLE"
            default: "INTERNAL_ERROR"
            }
            (status, code, message) = (apiError.status, mlflowCode, apiError.message)
        }
        if status.code >= 500 { logger.error("\(request.method) \(request.uri.path) failed: \(String(reflecting: error))") }
        return jsonResponse(.object([("error_code", .string(code)), ("message", .string(message))]), status: status)
    }
}
