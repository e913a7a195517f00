/// A dataset a run used, identified within its experiment by name and digest.
public struct Dataset: Sendable, Equatable {
    public var name: String
    public var digest: String
    public var sourceType: String
    public var source: String
    public var schema: String?
    public var profile: String?

    public init(name: String, digest: String, sourceType: String, source: String, schema: String?, profile: String?) {
        self.name = name
        self.digest = digest
        self.sourceType = sourceType
        self.source = source
        self.schema = schema
        self.profile = profile
    }
}

/// A dataset as an input of a run, with the input's tags (such as `mlflow.data.context`).
public struct DatasetInput: Sendable, Equatable {
    public var dataset: Dataset
    public var tags: [KeyValue]

    public init(dataset: Dataset, tags: [KeyValue]) {
        self.dataset = dataset
        self.tags = tags
    }
}
