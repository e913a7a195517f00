import CapstanJSON
import CapstanRegistry
import CapstanStorage
import Foundation
import Logging
import Synchronization

/// Deployments: applying a spec makes a revision, loads its models, and switches traffic to
/// it only once every model has loaded and warmed up (blue-green). A revision that fails to
/// load is recorded as failed and the previous one keeps serving. Rollback re-activates an
/// earlier revision in one switch.
public final class DeploymentService: Sendable {
    public let store: DeploymentStore
    let registry: RegistryService
    public let cache: ModelCache
    /// Every prediction and shadow prediction, written in the background.
    public let log: PredictionLog
    let logger: Logger
    /// What takes traffic now, by deployment name. Read on every request, so a lock held for
    /// a dictionary lookup, not an actor hop.
    private let live = Mutex<[String: LiveRevision]>([:])
    let changes = SerialQueue()
    /// Shadow predictions running now, and those skipped because too many were.
    let shadowsInFlight = Atomic<Int>(0)
    let shadowsSkipped = Atomic<Int>(0)
    /// More shadow predictions than this at once are skipped, so a slow shadow cannot pile
    /// up work (or memory) behind it.
    public let maxShadowsInFlight: Int
    /// Canary rollouts of live revisions, by deployment name. Set through `setRollout`.
    let rollouts = Mutex<[String: CanaryRollout]>([:])
    /// What the variants of each rollout's current step did, counted as they predict.
    let stepTallies = Mutex<[String: RolloutStepTally]>([:])
    /// Revisions another server activated that failed to load here, by deployment: not
    /// tried again every second.
    private let unfollowable = Mutex<[String: Int64]>([:])

    public init(database: Database, registry: RegistryService, artifacts: any ArtifactStore, logger: Logger,
                maxShadowsInFlight: Int = 64) {
        self.maxShadowsInFlight = maxShadowsInFlight
        self.store = DeploymentStore(database: database)
        self.registry = registry
        self.cache = ModelCache(loader: ModelArtifactLoader(artifacts: artifacts))
        self.log = PredictionLog(store: PredictionLogStore(database: database), logger: logger)
        self.logger = logger
    }

    /// Every live revision, by deployment name.
    public func liveRevisions() -> [LiveRevision] {
        live.withLock { $0.values.sorted { $0.deployment < $1.deployment } }
    }

    /// Shadow copies skipped so far because too many shadow predictions were running.
    public var shadowsSkippedCount: Int { shadowsSkipped.load(ordering: .relaxed) }
    /// Shadow predictions running now (at most `maxShadowsInFlight`).
    public var shadowsInFlightCount: Int { shadowsInFlight.load(ordering: .relaxed) }

    /// The revision serving `name`, if it has one.
    public func liveRevision(_ name: String) -> LiveRevision? {
        live.withLock { $0[name] }
    }

    /// Applies a spec. Returns the new active revision, or the active one unchanged when the
    /// spec and the versions it resolves to are the same as it has (applying is idempotent).
    ///
    /// - Throws: ``ServingError/modelLoadFailed(_:)`` (the revision is recorded as failed;
    ///   nothing changes for traffic) or ``ServingError/notFound(_:)`` for an unknown model.
    public func apply(_ spec: DeploymentSpec) async throws -> DeploymentRevisionRecord {
        try await changes.run { [self] in
            let resolved: ResolvedRevision
            let loaded: [String: LoadedModel]
            do {
                resolved = try await resolve(spec)
                if let current = liveRevision(spec.name), current.spec == spec,
                   let record = try? await store.revision(deployment: spec.name, revision: current.revision),
                   (try? Self.decodeResolved(record.resolved)) == resolved {
                    return record
                }
                loaded = try await load(resolved)
            } catch {
                let message = "\(error)"
                let record = try await store.addRevision(
                    deployment: spec.name, spec: try Self.encode(spec), resolved: try Self.encode(ResolvedRevision(variants: [], shadows: [])),
                    state: .failed, message: message)
                logger.warning("Deployment \(spec.name) revision \(record.revision) failed: \(message)")
                throw ServingError.wrapLoad(error, revision: record.revision)
            }
            let record = try await store.addRevision(
                deployment: spec.name, spec: try Self.encode(spec), resolved: try Self.encode(resolved), state: .pending,
                message: "revision made with \(Self.describe(resolved))")
            let prepared = try await prepare(LiveRevision(spec: spec, revision: record.revision, resolved: resolved, loaded: loaded))
            try await store.activate(deployment: spec.name, revision: record.revision,
                                     message: "revision \(record.revision) takes traffic", startingRollout: prepared.startingRollout)
            await commit(prepared)
            return try await store.revision(deployment: spec.name, revision: record.revision)
        }
    }

    /// Switches `name` back to `revision`, or to the revision that served before the
    /// current one. Its models are loaded (from the cache when still there) first.
    public func rollback(_ name: String, to revision: Int64?) async throws -> DeploymentRevisionRecord {
        try await changes.run { [self] in
            let deployment = try await store.deployment(name: name)
            let revisions = try await store.revisions(deployment: name)
            let serving = liveRevision(name)?.revision ?? deployment.activeRevision
            let target: DeploymentRevisionRecord
            if let revision {
                guard let found = revisions.first(where: { $0.revision == revision }) else {
                    throw ServingError.notFound("Deployment '\(name)' has no revision \(revision).")
                }
                guard found.state != .failed else {
                    throw ServingError.conflict("Revision \(revision) of '\(name)' failed to load and never served; roll back to one that did.")
                }
                target = found
            } else {
                // The revision that took traffic last before the one serving now, in the order
                // switches happened (not by number: an earlier rollback may have reordered them).
                let switches = try await store.events(deployment: name)
                    .filter { $0.kind == "activated" || $0.kind == "rolled_back" }.compactMap(\.revision)
                guard let previous = switches.reversed().drop(while: { $0 == serving }).first,
                      let found = revisions.first(where: { $0.revision == previous }) else {
                    throw ServingError.conflict("Deployment '\(name)' has no earlier revision that served; nothing to roll back to.")
                }
                target = found
            }
            if target.revision == serving, liveRevision(name) != nil { return target }
            let spec = try Self.decodeSpec(target.spec)
            let resolved = try Self.decodeResolved(target.resolved)
            let loaded = try await load(resolved)
            let prepared = try await prepare(LiveRevision(spec: spec, revision: target.revision, resolved: resolved, loaded: loaded))
            try await store.activate(deployment: name, revision: target.revision, kind: "rolled_back",
                                     message: "rolled back from revision \(serving.map(String.init) ?? "none") to \(target.revision)",
                                     startingRollout: prepared.startingRollout)
            await commit(prepared)
            return try await store.revision(deployment: name, revision: target.revision)
        }
    }

    /// Loads every deployment's active revision, at server start. A deployment whose models
    /// no longer load is logged and left out (its requests get 503) rather than stopping the
    /// server.
    public func restore() async throws {
        for deployment in try await store.deployments() {
            guard let active = deployment.activeRevision else { continue }
            do {
                let prepared = try await prepareStored(deployment.name, revision: active)
                if let starting = prepared.startingRollout {
                    try await store.saveRollout(deployment: deployment.name, revision: active, state: starting.state,
                                                event: ("rollout_started", starting.message, nil))
                }
                await commit(prepared)
                logger.info("Deployment \(deployment.name) serves revision \(active)")
            } catch {
                logger.error("Deployment \(deployment.name) revision \(active) could not be loaded: \(error)")
            }
        }
    }

    /// Takes up what another server sharing the database changed since this one last looked:
    /// a deployment whose active revision is not the one served here (applied or rolled back
    /// there) is loaded, warmed up and switched to, as at start; a rollout whose saved state
    /// moved on (a step, a pause, a promotion or an abort decided there) is adopted with its
    /// weights. A revision that does not load here is logged once and retried only when the
    /// active revision changes again; the one served before keeps serving.
    public func follow() async throws {
        try await changes.run { [self] in
            for deployment in try await store.deployments() {
                guard let active = deployment.activeRevision else { continue }
                let name = deployment.name
                guard let serving = liveRevision(name), serving.revision == active else {
                    guard unfollowable.withLock({ $0[name] }) != active else { continue }
                    do {
                        await commit(try await prepareStored(name, revision: active))
                        logger.info("Deployment \(name) serves revision \(active), the revision active in the database")
                    } catch {
                        unfollowable.withLock { $0[name] = active }
                        logger.error("Deployment \(name) revision \(active), active in the database, could not be loaded here: \(error)")
                    }
                    continue
                }
                guard let plan = serving.spec.rollout, let saved = try await savedRollout(name, revision: active),
                      saved != rollouts.withLock({ $0[name] }) else { continue }
                setRollout(saved, of: serving, takingOver: true)
                await swapLive(serving.withWeights(Self.weights(saved, plan)))
            }
        }
    }

    /// A stored revision loaded and prepared to serve (its rollout state as saved).
    private func prepareStored(_ name: String, revision: Int64) async throws -> Prepared {
        let record = try await store.revision(deployment: name, revision: revision)
        let resolved = try Self.decodeResolved(record.resolved)
        let loaded = try await load(resolved)
        return try await prepare(LiveRevision(spec: try Self.decodeSpec(record.spec), revision: revision, resolved: resolved, loaded: loaded))
    }

    /// A revision about to serve, with its weights and rollout state worked out.
    struct Prepared {
        var live: LiveRevision
        var rollout: CanaryRollout?
        /// Set when the revision starts a rollout now: its first state (JSON) and event message,
        /// to be saved with the switch.
        var startingRollout: (state: String, message: String)?
    }

    /// A revision's rollout state as saved; nil when it has none (or none this build reads).
    private func savedRollout(_ deployment: String, revision: Int64) async throws -> CanaryRollout? {
        try await store.rollout(deployment: deployment, revision: revision)
            .flatMap { try? JSONDecoder().decode(CanaryRollout.self, from: Data($0.utf8)) }
    }

    /// Works out how `incoming` will serve: with a rollout, its weights come from the
    /// rollout's state — the saved one when this revision had one (a restart, a rollback),
    /// else its first step. Reads only; nothing changes until `commit`.
    private func prepare(_ incoming: LiveRevision) async throws -> Prepared {
        guard let plan = incoming.spec.rollout else { return Prepared(live: incoming) }
        let saved = try await savedRollout(incoming.deployment, revision: incoming.revision)
        let state = saved ?? CanaryRollout(startedAt: Clock.nowMillis())
        let starting = saved == nil
            ? (try Self.encode(state), "canary '\(incoming.variants[1].name)' starts at \(Self.percent(plan.steps[0]))") : nil
        return Prepared(live: incoming.withWeights(Self.weights(state, plan)), rollout: state, startingRollout: starting)
    }

    /// Puts a prepared revision live (after its switch is in the database).
    private func commit(_ prepared: Prepared) async {
        setRollout(prepared.rollout, of: prepared.live, takingOver: prepared.rollout != nil && prepared.startingRollout == nil)
        await swapLive(prepared.live)
    }

    /// [stable, canary] weights for a rollout's state.
    static func weights(_ state: CanaryRollout, _ plan: DeploymentSpec.Rollout) -> [Double] {
        let canary = state.canaryWeight(steps: plan.steps)
        return [100 - canary, canary]
    }

    static func percent(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))%" : "\(value)%"
    }

    /// Puts `revision` live and lets the cache drop models no live revision uses. Called
    /// only from jobs on `changes` (and at start), so no model load runs meanwhile.
    func swapLive(_ revision: LiveRevision) async {
        let inUse = live.withLock { table -> [(name: String, version: Int64)] in
            table[revision.deployment] = revision
            return table.values.flatMap { live in
                live.variants.map { ($0.model.name, $0.model.version) } + live.shadows.map { ($0.model.name, $0.model.version) }
            }
        }
        await cache.retain(only: inUse)
    }

    private func resolve(_ spec: DeploymentSpec) async throws -> ResolvedRevision {
        func entry(_ name: String, _ text: String, field: String) async throws -> ResolvedRevision.Entry {
            let reference = try ModelReference(parsing: text, field: field)
            let version: ModelVersion
            do {
                switch reference.selector {
                case .version(let number): version = try await registry.store.version(name: reference.name, version: number)
                case .alias(let alias): version = try await registry.version(name: reference.name, alias: alias)
                }
            } catch let error as StoreError {
                throw ServingError.notFound("\(field) \(text): \(error)")
            }
            return ResolvedRevision.Entry(name: name, reference: text, registeredModel: version.name, version: version.version)
        }
        var variants: [ResolvedRevision.Entry] = []
        for (index, variant) in spec.variants.enumerated() {
            variants.append(try await entry(variant.name, variant.model, field: spec.variants.count == 1 && variant.name == "default" ? "model" : "variants[\(index)].model"))
        }
        var shadows: [ResolvedRevision.Entry] = []
        for (index, shadow) in spec.shadows.enumerated() {
            shadows.append(try await entry(shadow.name, shadow.model, field: "shadows[\(index)].model"))
        }
        return ResolvedRevision(variants: variants, shadows: shadows)
    }

    /// Loads every model of a revision at once; the revision is usable only if all load.
    private func load(_ resolved: ResolvedRevision) async throws -> [String: LoadedModel] {
        let entries = resolved.variants + resolved.shadows
        let registry = self.registry, cache = self.cache
        return try await withThrowingTaskGroup(of: (String, LoadedModel).self) { group in
            for entry in entries {
                group.addTask {
                    let version = try await registry.store.version(name: entry.registeredModel, version: entry.version)
                    return (entry.name, try await cache.model(version))
                }
            }
            var loaded: [String: LoadedModel] = [:]
            for try await (name, model) in group { loaded[name] = model }
            return loaded
        }
    }

    static func describe(_ resolved: ResolvedRevision) -> String {
        (resolved.variants + resolved.shadows).map { "\($0.name)=\($0.registeredModel)/\($0.version)" }.joined(separator: ", ")
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decodeSpec(_ text: String) throws -> DeploymentSpec {
        try JSONDecoder().decode(DeploymentSpec.self, from: Data(text.utf8))
    }

    static func decodeResolved(_ text: String) throws -> ResolvedRevision {
        try JSONDecoder().decode(ResolvedRevision.self, from: Data(text.utf8))
    }
}

extension LiveRevision {
    convenience init(spec: DeploymentSpec, revision: Int64, resolved: ResolvedRevision, loaded: [String: LoadedModel]) {
        let weights = Dictionary(uniqueKeysWithValues: spec.variants.map { ($0.name, $0.weight) })
        let percents = Dictionary(uniqueKeysWithValues: spec.shadows.map { ($0.name, $0.percent) })
        self.init(
            deployment: spec.name, revision: revision, spec: spec,
            variants: resolved.variants.map { Variant(name: $0.name, model: loaded[$0.name]!, weight: weights[$0.name] ?? 0) },
            shadows: resolved.shadows.map { Shadow(name: $0.name, model: loaded[$0.name]!, percent: percents[$0.name] ?? 100) })
    }
}

extension ServingError {
    /// A failure while making a revision, as the caller should see it, naming the revision.
    static func wrapLoad(_ error: any Error, revision: Int64) -> ServingError {
        let suffix = " (revision \(revision) recorded as failed; the previous revision keeps serving)"
        switch error {
        case ServingError.notFound(let message): return .notFound(message + suffix)
        case ServingError.modelLoadFailed(let message): return .modelLoadFailed(message + suffix)
        case let error as ServingError: return error
        default: return .modelLoadFailed("\(error)" + suffix)
        }
    }
}
