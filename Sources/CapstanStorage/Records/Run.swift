/// The states a run moves through, with MLflow's names.
public enum RunStatus: String, Sendable, CaseIterable {
    case running = "RUNNING"
    case scheduled = "SCHEDULED"
    case finished = "FINISHED"
    case failed = "FAILED"
    case killed = "KILLED"

    /// MLflow's numeric enum values (RUNNING = 1 … KILLED = 5).
    public init?(number: Int) {
        let all: [RunStatus] = [.running, .scheduled, .finished, .failed, .killed]
        guard (1...all.count).contains(number) else { return nil }
        self = all[number - 1]
    }
}

/// What identifies a run and where it stands.
public struct RunInfo: Sendable, Equatable {
    public var runId: String
    public var runName: String
    public var experimentId: String
    public var userId: String
    public var status: RunStatus
    /// Milliseconds since the Unix epoch.
    public var startTime: Int64
    /// Set once the run ends; nil while it runs.
    public var endTime: Int64?
    public var artifactUri: String
    public var lifecycleStage: LifecycleStage
}

/// A run with everything logged to it. `metrics` holds the latest value per key.
public struct Run: Sendable, Equatable {
    public var info: RunInfo
    public var params: [KeyValue]
    public var metrics: [Metric]
    public var tags: [KeyValue]
    public var datasetInputs: [DatasetInput]
    public var modelInputs: [String]
    public var modelOutputs: [ModelOutput]
}

/// A logged model a run produced, at a step.
public struct ModelOutput: Sendable, Equatable {
    public var modelId: String
    public var step: Int64

    public init(modelId: String, step: Int64) {
        self.modelId = modelId
        self.step = step
    }
}
