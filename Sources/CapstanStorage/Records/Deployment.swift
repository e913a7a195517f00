/// A named serving endpoint and the revision that currently takes its traffic.
public struct DeploymentRecord: Sendable, Equatable {
    public var name: String
    /// Nil until a first revision has loaded and been activated.
    public var activeRevision: Int64?
    public var creationTime: Int64
    public var lastUpdateTime: Int64
}

/// One immutable revision of a deployment's traffic policy.
///
/// The store keeps the policy and its resolved model versions as JSON text: their shape
/// belongs to the serving domain, which reads and writes them.
public struct DeploymentRevisionRecord: Sendable, Equatable {
    public enum State: String, Sendable {
        /// Takes the deployment's traffic.
        case active
        /// Made and loaded, about to take traffic.
        case pending
        /// Took traffic once; a later revision (or a rollback) replaced it.
        case superseded
        /// Never took traffic: a model failed to resolve or load.
        case failed
    }

    public var deployment: String
    public var revision: Int64
    public var spec: String
    public var resolved: String
    public var state: State
    public var message: String?
    public var creationTime: Int64
}

/// Something that happened to a deployment: a revision made, activated or failed, a
/// rollback, a rollout decision (with its numbers in `details`, JSON).
public struct DeploymentEventRecord: Sendable, Equatable {
    public var deployment: String
    public var sequence: Int64
    public var revision: Int64?
    public var kind: String
    public var message: String
    public var details: String?
    public var time: Int64
}
