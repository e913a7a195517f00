/// One measurement of a metric at a step. Values may be NaN or ±infinity.
public struct Metric: Sendable, Equatable {
    public var key: String
    public var value: Double
    /// Milliseconds since the Unix epoch.
    public var timestamp: Int64
    public var step: Int64
    /// The logged model the value describes, if any (MLflow 3).
    public var modelId: String?
    public var datasetName: String?
    public var datasetDigest: String?
    /// The run the value was logged to; filled in where the context does not say.
    public var runId: String?

    public init(
        key: String, value: Double, timestamp: Int64, step: Int64,
        modelId: String? = nil, datasetName: String? = nil, datasetDigest: String? = nil, runId: String? = nil
    ) {
        self.key = key
        self.value = value
        self.timestamp = timestamp
        self.step = step
        self.modelId = modelId
        self.datasetName = datasetName
        self.datasetDigest = datasetDigest
        self.runId = runId
    }

    public static func == (lhs: Metric, rhs: Metric) -> Bool {
        lhs.key == rhs.key && lhs.timestamp == rhs.timestamp && lhs.step == rhs.step
            && (lhs.value == rhs.value || (lhs.value.isNaN && rhs.value.isNaN))
            && lhs.modelId == rhs.modelId && lhs.datasetName == rhs.datasetName
            && lhs.datasetDigest == rhs.datasetDigest && lhs.runId == rhs.runId
    }
}
