import CapstanJSON
import CapstanServing
import CapstanStorage
import Hummingbird
import Logging

/// Reports over the prediction log: the A/B experiment between a deployment's variants and
/// the agreement of its shadows with the primary.
///
/// Both read the active revision's predictions since `since` (ms since the epoch; default:
/// the whole revision).
struct ReportRoutes<Context: RequestContext> {
    let deployments: DeploymentService
    let logger: Logger

    func register(on router: Router<Context>) {
        let deployments = self.deployments, logger = self.logger
        let prefix = DeploymentRoutes<Context>.prefix
        router.get(RouterPath(prefix + "/:name/experiment")) { request, context in
            await CapstanAPIError.respond(request, logger: logger) {
                let (live, since) = try await Self.scope(deployments, request, context)
                let outcomes = try await deployments.log.store.outcomes(deployment: live.deployment, revision: live.revision, since: since)
                let metric: ExperimentReport.Metric
                if let text = request.uri.queryParameters["metric"] {
                    guard let parsed = ExperimentReport.Metric(rawValue: String(text)) else {
                        throw CapstanAPIError(status: .badRequest, code: "INVALID_PARAMETER",
                                              message: "metric must be one of \(ExperimentReport.Metric.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    metric = parsed
                } else {
                    // The feedback there is: labels, else rewards, else only errors to compare.
                    metric = outcomes.contains { $0.feedbackLabel != nil } ? .accuracy : outcomes.contains { $0.reward != nil } ? .meanReward : .errorRate
                }
                let report = ExperimentReport(metric: metric, variants: live.variants.map(\.name), outcomes: outcomes)
                return .object([
                    ("deployment", .string(live.deployment)), ("revision", .int(live.revision)), ("metric", .string(metric.rawValue)),
                    ("control", .string(live.variants[0].name)),
                    ("variants", .array(report.rows.map { row in
                        .object([
                            ("variant", .string(row.variant)), ("requests", .int(Int64(row.requests))), ("errors", .int(Int64(row.errors))),
                            ("samples", .int(Int64(row.samples))), ("value", row.value.json),
                            ("ci_low", (row.interval?.low).json), ("ci_high", (row.interval?.high).json),
                            ("difference", row.difference.json), ("p_value", row.pValue.json),
                            ("samples_still_needed", row.samplesStillNeeded.map { .int(Int64($0)) } ?? .null),
                        ])
                    })),
                ])
            }
        }
        router.get(RouterPath(prefix + "/:name/shadows")) { request, context in
            await CapstanAPIError.respond(request, logger: logger) {
                let (live, since) = try await Self.scope(deployments, request, context)
                let records = try await deployments.log.store.predictions(deployment: live.deployment, since: since, limit: 100_000)
                    .filter { $0.revision == live.revision }
                let report = ShadowReport(records: records)
                return .object([
                    ("deployment", .string(live.deployment)), ("revision", .int(live.revision)),
                    ("shadows", .array(report.rows.map { row in
                        .object([
                            ("shadow", .string(row.shadow)), ("model", .string(row.model)), ("version", .int(row.version)),
                            ("compared", .int(Int64(row.compared))), ("errors", .int(Int64(row.errors))),
                            ("same_label_rate", row.sameLabelRate.json), ("mean_abs_score_difference", row.meanAbsoluteScoreDifference.json),
                            ("latency_p50_ms", row.latencyP50Milliseconds.json), ("latency_p99_ms", row.latencyP99Milliseconds.json),
                            ("primary_latency_p50_ms", row.primaryLatencyP50Milliseconds.json),
                            ("primary_latency_p99_ms", row.primaryLatencyP99Milliseconds.json),
                        ])
                    })),
                ])
            }
        }
    }

    static func scope(_ deployments: DeploymentService, _ request: Request, _ context: Context) async throws -> (LiveRevision, Int64) {
        let name = try context.parameters.require("name")
        guard let live = deployments.liveRevision(name) else {
            _ = try await deployments.store.deployment(name: name)
            throw ServingError.unavailable("Deployment '\(name)' has no loaded revision.")
        }
        var since: Int64 = 0
        if let text = request.uri.queryParameters["since"] {
            guard let value = Int64(text), value >= 0 else {
                throw CapstanAPIError(status: .badRequest, code: "INVALID_PARAMETER", message: "since must be milliseconds since the epoch")
            }
            since = value
        }
        return (live, since)
    }
}

extension Optional where Wrapped == Double {
    var json: JSONValue { map { $0.isFinite ? .double($0) : .null } ?? .null }
}
