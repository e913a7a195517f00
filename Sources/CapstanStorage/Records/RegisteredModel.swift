/// A named model in the registry, whose versions are numbered from 1.
public struct RegisteredModel: Sendable, Equatable {
    public var name: String
    public var creationTimestamp: Int64
    public var lastUpdatedTimestamp: Int64
    public var description: String?
    public var tags: [KeyValue]
    public var aliases: [ModelAlias]
    /// The newest version in each stage that has one, as MLflow reports them.
    public var latestVersions: [ModelVersion]
}

/// A movable name (`champion`, `challenger`) pointing at one version of a registered model.
public struct ModelAlias: Sendable, Equatable {
    public var alias: String
    public var version: Int64

    public init(alias: String, version: Int64) {
        self.alias = alias
        self.version = version
    }
}
