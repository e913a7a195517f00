import CapstanJSON
import CapstanServing
import CapstanStorage
import Foundation
import Hummingbird
import Logging

/// `/api/capstan/v1/deployments`: apply a spec, list and show deployments, their revision
/// history, and roll back.
struct DeploymentRoutes<Context: RequestContext> {
    let deployments: DeploymentService
    let logger: Logger
    static var prefix: String { "/api/capstan/v1/deployments" }
    /// Specs are small; anything bigger is a mistake.
    static var maxSpecBytes: Int { 1 << 20 }

    func register(on router: Router<Context>) {
        let deployments = self.deployments, logger = self.logger
        router.post(RouterPath(Self.prefix)) { request, context in
            await CapstanAPIError.respond(request, logger: logger) {
                let body = try await request.body.collect(upTo: Self.maxSpecBytes)
                let spec = try DeploymentSpec(parsing: try JSONParser.parse(body.readableBytesView))
                let revision = try await deployments.apply(spec)
                return try await Self.deploymentJSON(try await deployments.store.deployment(name: spec.name),
                                                     deployments: deployments, revision: revision)
            }
        }
        router.get(RouterPath(Self.prefix)) { request, _ in
            await CapstanAPIError.respond(request, logger: logger) {
                var items: [JSONValue] = []
                for deployment in try await deployments.store.deployments() {
                    items.append(try await Self.deploymentJSON(deployment, deployments: deployments, revision: nil))
                }
                return .object([("deployments", .array(items))])
            }
        }
        router.get(RouterPath(Self.prefix + "/:name")) { request, context in
            await CapstanAPIError.respond(request, logger: logger) {
                let name = try context.parameters.require("name")
                return try await Self.deploymentJSON(try await deployments.store.deployment(name: name), deployments: deployments, revision: nil)
            }
        }
        router.get(RouterPath(Self.prefix + "/:name/revisions")) { request, context in
            await CapstanAPIError.respond(request, logger: logger) {
                let name = try context.parameters.require("name")
                return .object([("revisions", .array(try await deployments.store.revisions(deployment: name).map(Self.revisionJSON)))])
            }
        }
        router.get(RouterPath(Self.prefix + "/:name/events")) { request, context in
            await CapstanAPIError.respond(request, logger: logger) {
                let name = try context.parameters.require("name")
                return .object([("events", .array(try await deployments.store.events(deployment: name).map(Self.eventJSON)))])
            }
        }
        router.post(RouterPath(Self.prefix + "/:name/rollback")) { request, context in
            await CapstanAPIError.respond(request, logger: logger) {
                let name = try context.parameters.require("name")
                let body = try await request.body.collect(upTo: Self.maxSpecBytes)
                var target: Int64?
                if body.readableBytes > 0 {
                    let json = try JSONParser.parse(body.readableBytesView)
                    switch json["revision"] {
                    case nil, .null?: target = nil
                    case .int(let number)?: target = number
                    default:
                        throw CapstanAPIError(status: .badRequest, code: "INVALID_PARAMETER", message: "revision must be an integer")
                    }
                }
                let revision = try await deployments.rollback(name, to: target)
                return try await Self.deploymentJSON(try await deployments.store.deployment(name: name),
                                                     deployments: deployments, revision: revision)
            }
        }
    }

    static func deploymentJSON(_ deployment: DeploymentRecord, deployments: DeploymentService,
                               revision: DeploymentRevisionRecord?) async throws -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("name", deployment.name)
        object.set("active_revision", deployment.activeRevision)
        let live = deployments.liveRevision(deployment.name)
        object.set("status", .string(deployment.activeRevision == nil ? "no_revision" : live == nil ? "not_loaded" : "serving"))
        object.set("creation_time", deployment.creationTime)
        object.set("last_update_time", deployment.lastUpdateTime)
        if let live {
            object.set("variants", .array(live.variants.map { variant in
                .object([("name", .string(variant.name)), ("model", .string(variant.model.name)),
                         ("version", .int(variant.model.version)), ("weight", .double(variant.weight))])
            }))
            object.set("shadows", .array(live.shadows.map { shadow in
                .object([("name", .string(shadow.name)), ("model", .string(shadow.model.name)),
                         ("version", .int(shadow.model.version)), ("percent", .double(shadow.percent))])
            }))
        }
        var shown = revision
        if shown == nil, let active = deployment.activeRevision {
            shown = try await deployments.store.revision(deployment: deployment.name, revision: active)
        }
        if let shown { object.set("revision", revisionJSON(shown)) }
        return object.value
    }

    static func revisionJSON(_ record: DeploymentRevisionRecord) -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("revision", record.revision)
        object.set("state", .string(record.state.rawValue))
        object.set("message", record.message)
        object.set("creation_time", record.creationTime)
        object.set("spec", (try? JSONParser.parse(Array(record.spec.utf8))) ?? .null)
        object.set("resolved", (try? JSONParser.parse(Array(record.resolved.utf8))) ?? .null)
        return object.value
    }

    static func eventJSON(_ event: DeploymentEventRecord) -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("sequence", event.sequence)
        object.set("revision", event.revision)
        object.set("kind", .string(event.kind))
        object.set("message", .string(event.message))
        if let details = event.details { object.set("details", (try? JSONParser.parse(Array(details.utf8))) ?? .string(details)) }
        object.set("time", event.time)
        return object.value
    }
}
