/// Upload state of a logged model (MLflow 3 `LoggedModelStatus`).
public enum LoggedModelStatus: String, Sendable, CaseIterable {
    case unspecified = "LOGGED_MODEL_STATUS_UNSPECIFIED"
    case pending = "LOGGED_MODEL_PENDING"
    case ready = "LOGGED_MODEL_READY"
    case uploadFailed = "LOGGED_MODEL_UPLOAD_FAILED"

    public init?(number: Int) {
        let all: [LoggedModelStatus] = [.unspecified, .pending, .ready, .uploadFailed]
        guard all.indices.contains(number) else { return nil }
        self = all[number]
    }
}

/// A model logged by `mlflow.<flavor>.log_model` (MLflow 3), with its own artifacts.
public struct LoggedModel: Sendable, Equatable {
    /// `m-` followed by 32 hex digits.
    public var modelId: String
    public var experimentId: String
    public var name: String
    public var artifactUri: String
    public var status: LoggedModelStatus
    public var statusMessage: String?
    public var modelType: String?
    public var sourceRunId: String?
    public var creationTimestamp: Int64
    public var lastUpdatedTimestamp: Int64
    public var tags: [KeyValue]
    public var params: [KeyValue]
    public var metrics: [Metric]
}
