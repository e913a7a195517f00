/// One registered version of a model.
public struct ModelVersion: Sendable, Equatable {
    public var name: String
    public var version: Int64
    public var creationTimestamp: Int64
    public var lastUpdatedTimestamp: Int64
    public var description: String?
    public var userId: String?
    /// `None`, `Staging`, `Production` or `Archived` (MLflow's deprecated stages).
    public var currentStage: String
    public var source: String
    public var runId: String?
    public var runLink: String?
    /// Always `READY`: registration completes synchronously.
    public var status: String
    public var statusMessage: String?
    /// Where the model's files are; `source` resolved when it names a logged model.
    public var storageLocation: String?
    public var modelId: String?
    public var tags: [KeyValue]
    public var aliases: [String]
}
