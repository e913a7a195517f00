import CapstanInference
import CapstanJSON
import CapstanServing
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The Open Inference Protocol (KServe v2) over REST, with Triton's binary tensor
/// extension: model name = deployment name, model version = its live revision.
///
/// What `tritonclient.http` needs is the contract: health calls read only the status;
/// infer requests arrive without a Content-Type and with binary inputs by default; a plain
/// JSON answer is accepted even when binary outputs were asked for.
struct OpenInferenceRoutes<Context: RequestContext> {
    let deployments: DeploymentService
    let gateway: GatewaySettings
    let metrics: GatewayMetrics
    let logger: Logger

    func register(on router: Router<Context>) {
        let deployments = self.deployments, gateway = self.gateway, metrics = self.metrics, logger = self.logger
        router.get("/v2") { _, _ in
            jsonResponse(.object([
                ("name", .string("capstan")), ("version", .string(CapstanServer.version)),
                ("extensions", .array([.string("binary_tensor_data")])),
            ]))
        }
        router.get("/v2/health/live") { _, _ in jsonResponse(.object([("live", .bool(true))])) }
        router.get("/v2/health/ready") { _, _ in jsonResponse(.object([("ready", .bool(true))])) }
        for versioned in [false, true] {
            let base = versioned ? "/v2/models/:name/versions/:version" : "/v2/models/:name"
            router.get(RouterPath(base)) { request, context in
                Self.respond(logger: logger, request: request) {
                    let live = try Self.live(deployments, context, versioned: versioned)
                    return jsonResponse(Self.metadata(live))
                }
            }
            router.get(RouterPath(base + "/ready")) { request, context in
                Self.respond(logger: logger, request: request) {
                    let live = try Self.live(deployments, context, versioned: versioned)
                    return jsonResponse(.object([("name", .string(live.deployment)), ("ready", .bool(true))]))
                }
            }
            router.post(RouterPath(base + "/infer")) { request, context in
                await metrics.track {
                    var answered: PredictionResult?
                    let response = await Self.respond(logger: logger, request: request) {
                        let name = try context.parameters.require("name")
                        if versioned { _ = try Self.live(deployments, context, versioned: true) }
                        let body = try await request.body.collect(upTo: gateway.maxRequestBytes)
                        let headerField = request.headers.joinedValue(OIPRequest.headerLengthField)
                        let headerLength = headerField.flatMap { Int($0) }
                        if headerField != nil && headerLength == nil {
                            throw OIPError.badRequest("Inference-Header-Content-Length must be an integer")
                        }
                        let inference = try OIPRequest(body: body, headerLength: headerLength)
                        let live = deployments.liveRevision(name)
                        let frame = try live.map { try TensorFrames.frame(from: inference.inputs, for: $0.variants[0].model.model.summary) }
                            ?? TensorFrames.frame(from: inference.inputs)
                        let result = try await deployments.predict(
                            name, frame: frame, key: Self.stickyKey(live?.spec.sticky, request: request, inference: inference),
                            requestId: gateway.newRequestId())
                        answered = result
                        var response = jsonResponse(bytes: try Self.inferResponse(result, request: inference))
                        gateway.tag(&response, result)
                        return response
                    }
                    metrics.record(deployments, request: request, context: context, result: answered, status: response.status)
                    return response
                }
            }
        }
    }

    static func live(_ deployments: DeploymentService, _ context: Context, versioned: Bool) throws -> LiveRevision {
        let name = try context.parameters.require("name")
        guard let live = deployments.liveRevision(name) else {
            throw OIPError.notFound("model '\(name)' is not deployed, or has no loaded revision")
        }
        if versioned {
            let version = try context.parameters.require("version")
            guard version == String(live.revision) else {
                throw OIPError.notFound("model '\(name)' serves version \(live.revision), not \(version)")
            }
        }
        return live
    }

    static func metadata(_ live: LiveRevision) -> JSONValue {
        let summary = live.variants[0].model.model.summary
        func tensor(_ name: String, _ type: String, _ shape: [Int?]) -> JSONValue {
            .object([("name", .string(name)), ("datatype", .string((OIPDatatype(modelType: type) ?? .fp32).rawValue)),
                     ("shape", .array(shape.map { .int(Int64($0 ?? -1)) }))])
        }
        return .object([
            ("name", .string(live.deployment)),
            ("versions", .array([.string(String(live.revision))])),
            ("platform", .string(summary.format == "onnx" ? "onnx_onnxv1" : "capstan_\(summary.format)")),
            ("inputs", .array(summary.inputs.map { tensor($0.name, $0.type, $0.shape) })),
            ("outputs", .array(summary.outputs.map { tensor($0.name, $0.type, [nil]) })),
        ])
    }

    /// The infer answer, written straight to bytes: it is made for every request.
    static func inferResponse(_ result: PredictionResult, request: OIPRequest) throws -> [UInt8] {
        let columns = result.outputs.columns, rows = result.outputs.rowCount
        var tensors = TensorFrames.outputTensors(of: result.outputs)
        if let requested = request.outputs {
            tensors = try requested.map { output in
                guard let tensor = tensors.first(where: { $0.name == output.name }) else {
                    throw OIPError.badRequest("output '\(output.name)' is not one of the model's: \(tensors.map(\.name).joined(separator: ", "))")
                }
                return tensor
            }
        }
        var json = JSONStream()
        json.beginObject()
        json.key("model_name"); json.string(result.revision.deployment)
        json.key("model_version"); json.string(String(result.revision.revision))
        // The protocol says to echo the caller's id; without one, the prediction's own.
        json.key("id"); json.string(request.id ?? result.requestId)
        json.key("parameters")
        json.beginObject()
        json.key("variant"); json.string(result.variant.name)
        json.key("request_id"); json.string(result.requestId)
        json.endObject()
        json.key("outputs")
        json.beginArray()
        for tensor in tensors {
            json.beginObject()
            json.key("name"); json.string(tensor.name)
            json.key("datatype"); json.string(OIPDatatype(columns[tensor.columns.lowerBound]).rawValue)
            json.key("shape")
            json.beginArray()
            json.int(Int64(rows))
            if tensor.isMatrix { json.int(Int64(tensor.columns.count)) }
            json.endArray()
            json.key("data")
            OIPTensorCodec.write(tensor, of: columns, rows: rows, into: &json)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return json.bytes
    }

    /// The sticky key: the configured header, or a request parameter or input of that name.
    static func stickyKey(_ sticky: DeploymentSpec.Stickiness?, request: Request, inference: OIPRequest) -> String? {
        guard let sticky else { return nil }
        if let header = sticky.header { return request.headers.joinedValue(HTTPField.Name(header) ?? .accept) }
        guard let field = sticky.field else { return nil }
        switch inference.parameters?[field] {
        case .string(let s)?: return s
        case .int(let i)?: return String(i)
        default: break
        }
        return inference.inputs.first { $0.name == field }.flatMap { GatewaySettings.firstValue($0.values) }
    }

    static func respond(logger: Logger, request: Request, _ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch {
            return errorResponse(error, logger: logger, request: request)
        }
    }

    static func respond(logger: Logger, request: Request, _ body: () throws -> Response) -> Response {
        do {
            return try body()
        } catch {
            return errorResponse(error, logger: logger, request: request)
        }
    }

    static func errorResponse(_ error: any Error, logger: Logger, request: Request) -> Response {
        let (status, message): (HTTPResponse.Status, String)
        switch error {
        case OIPError.badRequest(let m): (status, message) = (.badRequest, m)
        case OIPError.notFound(let m): (status, message) = (.notFound, m)
        default:
            let apiError = CapstanAPIError(error)
            (status, message) = (apiError.status, apiError.message)
        }
        if status.code >= 500 { logger.error("\(request.method) \(request.uri.path) failed: \(String(reflecting: error))") }
        return jsonResponse(.object([("error", .string(message))]), status: status)
    }
}
