import CapstanJSON
import CapstanMonitoring

/// What one evaluation of a monitor found: its numbers (the time series alerts and charts
/// read) and the full result for people.
public struct MonitorOutcome: Sendable {
    public enum Status: String, Sendable {
        case ok, skipped, failed
    }

    /// One number: a metric for the whole window (`series` empty) or for one feature,
    /// slice or expectation.
    public struct Metric: Sendable, Equatable {
        public var name: String
        public var series: String
        public var value: Double

        public init(_ name: String, series: String = "", _ value: Double) {
            self.name = name
            self.series = series
            self.value = value
        }
    }

    public var status: Status
    public var message: String?
    /// Predictions (requests) in the window.
    public var requests: Int
    public var metrics: [Metric]
    public var details: JSONValue

    public init(status: Status, message: String? = nil, requests: Int, metrics: [Metric] = [], details: JSONValue = .object([])) {
        self.status = status
        self.message = message
        self.requests = requests
        self.metrics = metrics
        self.details = details
    }

    static func skipped(_ message: String, requests: Int) -> MonitorOutcome {
        MonitorOutcome(status: .skipped, message: message, requests: requests)
    }
}

extension MonitorSpec.Kind {
    /// The label a series' name takes in alerts: drift metrics are per feature, performance
    /// metrics per slice, data-quality metrics per expectation.
    public var seriesLabel: String {
        switch self {
        case .drift: "feature"
        case .performance: "slice"
        case .dataQuality: "expectation"
        case .operational: "series"
        }
    }

    /// The metrics a monitor of this kind produces, for validating alert rules and for docs.
    public var metricNames: [String] {
        switch self {
        case .drift: ["drift_share", "drifted_columns", "dataset_drift", "drift_score", "column_drifted", "rows"]
        case .dataQuality: ["failed_expectations", "expectations", "expectation_failed", "rows"]
        case .performance: ["labelled", "accuracy", "precision", "recall", "f1", "mae", "rmse", "r2"]
        case .operational: ["requests", "error_rate", "latency_mean_ms", "latency_p50_ms", "latency_p95_ms", "latency_p99_ms"]
        }
    }
}
