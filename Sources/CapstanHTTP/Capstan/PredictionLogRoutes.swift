import CapstanJSON
import CapstanServing
import CapstanStorage
import Hummingbird
import Logging

/// The prediction log over HTTP: read a deployment's predictions, and send feedback
/// (ground truth or rewards) for them by request id.
struct PredictionLogRoutes<Context: RequestContext> {
    let deployments: DeploymentService
    let logger: Logger
    static var prefix: String { "/api/capstan/v1/deployments" }
    static var maxFeedbackItems: Int { 10_000 }

    func register(on router: Router<Context>) {
        let deployments = self.deployments, logger = self.logger
        router.post(RouterPath(Self.prefix + "/:name/feedback")) { request, context in
            await CapstanAPIError.respond(request, logger: logger) {
                let name = try context.parameters.require("name")
                _ = try await deployments.store.deployment(name: name)
                let body = try await request.body.collect(upTo: 16 << 20)
                let items = try Self.feedback(try JSONParser.parse(body.readableBytesView), deployment: name)
                try await deployments.log.store.addFeedback(items)
                return .object([("accepted", .int(Int64(items.count)))])
            }
        }
        router.get(RouterPath(Self.prefix + "/:name/predictions")) { request, context in
            await CapstanAPIError.respond(request, logger: logger) {
                let name = try context.parameters.require("name")
                _ = try await deployments.store.deployment(name: name)
                let query = request.uri.queryParameters
                func integer(_ key: String, default value: Int64) throws -> Int64 {
                    guard let text = query[key[...]] else { return value }
                    guard let number = Int64(text), number >= 0 else {
                        throw CapstanAPIError(status: .badRequest, code: "INVALID_PARAMETER", message: "\(key) must be a non-negative integer, got '\(text)'")
                    }
                    return number
                }
                let records = try await deployments.log.store.predictions(
                    deployment: name, since: try integer("since", default: 0), limit: Int(min(try integer("limit", default: 100), 10_000)),
                    requestId: query["request_id"].map(String.init))
                return .object([("predictions", .array(records.map(Self.json)))])
            }
        }
    }

    /// `{"feedback": [{"request_id", "label"?, "reward"?}, …]}`, or one such object alone.
    static func feedback(_ body: JSONValue, deployment: String) throws -> [FeedbackRecord] {
        let items: [JSONValue]
        if case .array(let list)? = body["feedback"] { items = list } else if body["request_id"] != nil { items = [body] } else {
            throw CapstanAPIError(status: .badRequest, code: "INVALID_PARAMETER",
                                  message: #"Send {"feedback": [{"request_id": "...", "label": ..., "reward": ...}]}."#)
        }
        guard items.count <= maxFeedbackItems else {
            throw CapstanAPIError(status: .badRequest, code: "INVALID_PARAMETER", message: "At most \(maxFeedbackItems) feedback items per request.")
        }
        let now = Clock.nowMillis()
        return try items.enumerated().map { index, item in
            func invalid(_ message: String) -> CapstanAPIError {
                CapstanAPIError(status: .badRequest, code: "INVALID_PARAMETER", message: "feedback[\(index)]: \(message)")
            }
            guard case .string(let requestId)? = item["request_id"], !requestId.isEmpty else { throw invalid("request_id must be a non-empty string") }
            let label: String?
            switch item["label"] {
            case nil, .null?: label = nil
            case .string(let s)?: label = s
            case .int(let i)?: label = String(i)
            case .bool(let b)?: label = b ? "1" : "0"
            case .double(let d)? where d == d.rounded() && abs(d) < 1e15: label = String(Int64(d))
            default: throw invalid("label must be a class label (string, integer or boolean)")
            }
            let reward: Double?
            switch item["reward"] {
            case nil, .null?: reward = nil
            case .int(let i)?: reward = Double(i)
            case .double(let d)? where d.isFinite: reward = d
            default: throw invalid("reward must be a number")
            }
            guard label != nil || reward != nil else { throw invalid("give a label, a reward, or both") }
            return FeedbackRecord(deployment: deployment, requestId: requestId, label: label, reward: reward, time: now)
        }
    }

    static func json(_ record: PredictionRecord) -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("request_id", record.requestId)
        object.set("variant", record.variant)
        object.set("shadow", .bool(record.isShadow))
        object.set("revision", record.revision)
        object.set("model", record.modelName)
        object.set("version", record.modelVersion)
        object.set("status", record.status.rawValue)
        object.set("error", record.error)
        object.set("rows", record.rowCount)
        object.set("inputs", splitJSON(record.inputs))
        if let outputs = record.outputs { object.set("outputs", splitJSON(outputs)) }
        object.set("predicted_label", record.predictedLabel)
        object.set("latency_ms", .double(record.latencyMilliseconds))
        object.set("time", record.time)
        return object.value
    }

    /// A logged frame as pandas' split orientation, `{"columns": [...], "data": [[...]]}`,
    /// which `/invocations` takes back; floats in their shortest form, NaN and ±∞ as null.
    static func splitJSON(_ bytes: [UInt8]) -> JSONValue {
        guard let frame = try? FrameEncoding.decode(bytes) else { return .null }
        func number(_ value: Double) -> JSONValue { value.isFinite ? .double(value) : .null }
        let rows: [JSONValue] = (0..<frame.rowCount).map { r in
            .array(frame.columns.map { column in
                switch column {
                case .float32(let v): v[r].isFinite ? .double(shortest(v[r])) : .null
                case .float64(let v): number(v[r])
                case .int64(let v): .int(v[r])
                case .string(let v): .string(v[r])
                }
            })
        }
        return .object([("columns", .array(frame.names.map { .string($0) })), ("data", .array(rows))])
    }
}
