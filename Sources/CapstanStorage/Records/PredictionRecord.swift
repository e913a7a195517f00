/// One prediction as the prediction log keeps it.
public struct PredictionRecord: Sendable, Equatable {
    public enum Status: String, Sendable {
        case ok
        /// The request's inputs did not fit the model (the caller's mistake: a 4xx).
        case invalidInput = "invalid_input"
        /// The model failed on inputs that fit it.
        case error
    }

    public var requestId: String
    /// The variant (or shadow) that made it.
    public var variant: String
    public var deployment: String
    public var revision: Int64
    public var modelName: String
    public var modelVersion: Int64
    public var isShadow: Bool
    public var status: Status
    public var error: String?
    public var rowCount: Int64
    /// The frames the model took and gave, in the serving domain's binary encoding
    /// (`FrameEncoding`): stored as they are, never interpreted here.
    public var inputs: [UInt8]
    public var outputs: [UInt8]?
    /// The first row's label output as text, when the model has one (for joins with feedback).
    public var predictedLabel: String?
    public var latencyMilliseconds: Double
    public var time: Int64

    public init(requestId: String, variant: String, deployment: String, revision: Int64, modelName: String, modelVersion: Int64,
                isShadow: Bool, status: Status, error: String?, rowCount: Int64, inputs: [UInt8], outputs: [UInt8]?,
                predictedLabel: String?, latencyMilliseconds: Double, time: Int64) {
        self.requestId = requestId
        self.variant = variant
        self.deployment = deployment
        self.revision = revision
        self.modelName = modelName
        self.modelVersion = modelVersion
        self.isShadow = isShadow
        self.status = status
        self.error = error
        self.rowCount = rowCount
        self.inputs = inputs
        self.outputs = outputs
        self.predictedLabel = predictedLabel
        self.latencyMilliseconds = latencyMilliseconds
        self.time = time
    }
}

/// Ground truth or a reward for one request.
public struct FeedbackRecord: Sendable, Equatable {
    public var deployment: String
    public var requestId: String
    public var label: String?
    public var reward: Double?
    public var time: Int64

    public init(deployment: String, requestId: String, label: String?, reward: Double?, time: Int64) {
        self.deployment = deployment
        self.requestId = requestId
        self.label = label
        self.reward = reward
        self.time = time
    }
}
