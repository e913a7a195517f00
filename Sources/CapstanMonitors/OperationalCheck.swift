import CapstanJSON
import CapstanMonitoring
import Foundation

/// An operational monitor's evaluation: traffic, errors and latency of the window, as the
/// log recorded them (so it sees every replica's traffic, unlike one server's /metrics).
enum OperationalCheck {
    static func evaluate(_ window: LogWindow) -> MonitorOutcome {
        let requests = window.requestCount
        let errors = window.failed.count(where: { $0 })
        let sorted = window.latencies.sorted()
        /// Nearest rank, as the rollout analysis reports latency.
        func quantile(_ q: Double) -> Double {
            sorted[min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))]
        }
        var metrics = [
            MonitorOutcome.Metric("requests", Double(requests)),
            MonitorOutcome.Metric("error_rate", requests == 0 ? 0 : Double(errors) / Double(requests)),
        ]
        if !sorted.isEmpty {
            metrics += [
                .init("latency_mean_ms", sorted.reduce(0, +) / Double(sorted.count)),
                .init("latency_p50_ms", quantile(0.5)),
                .init("latency_p95_ms", quantile(0.95)),
                .init("latency_p99_ms", quantile(0.99)),
            ]
        }
        let details = JSONValue.object(metrics.map { ($0.name, .double($0.value)) } + [("errors", .int(Int64(errors)))])
        return MonitorOutcome(status: .ok, requests: requests, metrics: metrics, details: details)
    }
}
