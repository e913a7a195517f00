import CapstanJSON
import CapstanServing
import Hummingbird
import Logging

/// `/api/capstan/v1/deployments/{name}/rollout`: a canary rollout's status, and the
/// operator's pause, resume, promote and abort.
struct RolloutRoutes<Context: RequestContext> {
    let deployments: DeploymentService
    let logger: Logger

    func register(on router: Router<Context>) {
        let deployments = self.deployments, logger = self.logger
        let path = DeploymentRoutes<Context>.prefix + "/:name/rollout"
        router.get(RouterPath(path)) { request, context in
            await CapstanAPIError.respond(request, logger: logger) {
                Self.json(try await deployments.rolloutStatus(try context.parameters.require("name")))
            }
        }
        router.post(RouterPath(path + "/:command")) { request, context in
            await CapstanAPIError.respond(request, logger: logger) {
                let text = try context.parameters.require("command")
                guard let command = DeploymentService.RolloutCommand(rawValue: text) else {
                    throw CapstanAPIError(status: .notFound, code: "NOT_FOUND",
                                          message: "Unknown rollout command '\(text)'; use pause, resume, promote or abort.")
                }
                return Self.json(try await deployments.commandRollout(try context.parameters.require("name"), command))
            }
        }
    }

    static func json(_ status: DeploymentService.RolloutStatus) -> JSONValue {
        let canaryWeight = status.state.canaryWeight(steps: status.plan.steps)
        return .object([
            ("deployment", .string(status.deployment)), ("revision", .int(status.revision)),
            ("phase", .string(status.state.phase.rawValue)), ("step", .int(Int64(status.state.step))),
            ("steps", .array(status.plan.steps.map { .double($0) })), ("interval_seconds", .double(status.plan.intervalSeconds)),
            ("stable", .string(status.stable)), ("canary", .string(status.canary)),
            ("canary_weight", .double(canaryWeight)), ("step_started_at", .int(status.state.stepStartedAt)),
            ("verdict", .string(status.analysis.verdict.rawValue)), ("checks", .array(status.analysis.checks.map(\.json))),
        ])
    }
}
