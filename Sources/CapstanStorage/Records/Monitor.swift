/// A monitor as the store keeps it: its spec is JSON owned by the monitoring domain.
public struct MonitorRecord: Sendable, Equatable {
    public var name: String
    public var deployment: String
    public var kind: String
    public var spec: String
    /// How often it runs.
    public var intervalMilliseconds: Int64
    /// When it is next due (ms since epoch); claiming a run moves it forward.
    public var nextRunTime: Int64
    public var creationTime: Int64
    public var lastUpdateTime: Int64

    public init(name: String, deployment: String, kind: String, spec: String, intervalMilliseconds: Int64,
                nextRunTime: Int64, creationTime: Int64, lastUpdateTime: Int64) {
        self.name = name
        self.deployment = deployment
        self.kind = kind
        self.spec = spec
        self.intervalMilliseconds = intervalMilliseconds
        self.nextRunTime = nextRunTime
        self.creationTime = creationTime
        self.lastUpdateTime = lastUpdateTime
    }
}

/// One evaluation of a monitor over a window of the prediction log.
public struct MonitorEvaluationRecord: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// Evaluated; its numbers are in `points`.
        case ok
        /// The window held too little to evaluate (no predictions, no feedback).
        case skipped
        /// The evaluation failed (a reference that cannot be read, say); `message` says why.
        case failed
    }

    public var monitor: String
    public var time: Int64
    public var windowStart: Int64
    public var windowEnd: Int64
    public var rowCount: Int64
    public var status: Status
    public var message: String?
    /// The full result as JSON (per-column tests, expectations, metrics by slice).
    public var result: String
    public var points: [MonitorPoint]

    public init(monitor: String, time: Int64, windowStart: Int64, windowEnd: Int64, rowCount: Int64, status: Status,
                message: String?, result: String, points: [MonitorPoint]) {
        self.monitor = monitor
        self.time = time
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.rowCount = rowCount
        self.status = status
        self.message = message
        self.result = result
        self.points = points
    }
}

/// One number an evaluation produced: a metric, for the whole window (`series` empty) or
/// for one feature or slice.
public struct MonitorPoint: Sendable, Equatable {
    public var metric: String
    public var series: String
    public var time: Int64
    public var value: Double

    public init(metric: String, series: String = "", time: Int64, value: Double) {
        self.metric = metric
        self.series = series
        self.time = time
        self.value = value
    }
}
