/// An experiment: a named group of runs sharing an artifact location.
public struct Experiment: Sendable, Equatable {
    /// Numeric id rendered as a string, as MLflow does; the default experiment is `"0"`.
    public var id: String
    public var name: String
    public var artifactLocation: String
    public var lifecycleStage: LifecycleStage
    /// Milliseconds since the Unix epoch.
    public var creationTime: Int64
    public var lastUpdateTime: Int64
    public var tags: [KeyValue]
}
