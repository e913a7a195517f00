import CapstanServing
import Foundation
import HTTPTypes
import Hummingbird
import Prometheus
import Synchronization

/// The gateway's operational metrics, in Prometheus' text format at `/metrics`.
///
/// Request counters and latency histograms are updated on the request path (one lookup in
/// the registry, then atomics). Everything that is a current state — traffic weights,
/// prediction-log queue and drops, loaded models, process CPU and memory — is read when
/// Prometheus scrapes, so it is never stale and never costs a request anything. Labels are
/// deployment, variant and status code only: no request or user ids.
public final class GatewayMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let inFlight: Gauge
    private let logDropped: Counter
    private let logWritten: Counter
    private let shadowsSkipped: Counter
    private let cpuSeconds: Counter
    /// Each (deployment, variant, code)'s counter and histogram, found once in the registry.
    private let series = Mutex<[SeriesKey: (requests: Counter, latency: DurationHistogram?)]>([:])
    private let reported = Mutex<(dropped: Int, written: Int, skipped: Int, cpu: Double)>((0, 0, 0, 0))
    static let latencyBuckets: [Duration] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
        .map { Duration.nanoseconds(Int64($0 * 1e9)) }
    static let startTime = Date().timeIntervalSince1970
    static var requestsTotal: MetricNameDescriptor {
        metric("capstan_inference_requests_total", "Prediction requests by deployment, variant and HTTP status code.")
    }
    static var requestDuration: MetricNameDescriptor {
        metric("capstan_inference_request_duration_seconds", "Time the model took to answer, by deployment and variant.")
    }

    /// A metric's whole name (units included, as Prometheus' naming rules put them) and help.
    static func metric(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    public init() {
        inFlight = registry.makeGauge(descriptor: Self.metric("capstan_inference_requests_in_flight", "Prediction requests being answered now."))
        logDropped = registry.makeCounter(descriptor: Self.metric(
            "capstan_prediction_log_dropped_total", "Prediction log entries dropped because the queue was full or the store failed."))
        logWritten = registry.makeCounter(descriptor: Self.metric("capstan_prediction_log_written_total", "Prediction log entries written to the store."))
        shadowsSkipped = registry.makeCounter(descriptor: Self.metric(
            "capstan_shadow_requests_skipped_total", "Shadow copies not made because too many shadow predictions were running."))
        cpuSeconds = registry.makeCounter(descriptor: Self.metric("process_cpu_seconds_total", "User and system CPU time of the process, in seconds."))
    }

    /// Around one prediction request: counts it in flight while `body` runs.
    func track<T>(_ body: () async throws -> T) async rethrows -> T {
        inFlight.increment()
        defer { inFlight.decrement() }
        return try await body()
    }

    /// A finished request: its outcome by status code and, when a variant answered, its latency.
    func record(deployment: String, variant: String?, code: Int, seconds: Double?) {
        let key = SeriesKey(deployment: deployment, variant: variant, code: code)
        let metrics = series.withLock { series in
            if let found = series[key] { return found }
            let labels = [("deployment", deployment), ("variant", variant ?? ""), ("code", String(code))]
            let made = (
                requests: registry.makeCounter(descriptor: Self.requestsTotal, labels: labels),
                latency: variant.map { variant in
                    registry.makeDurationHistogram(descriptor: Self.requestDuration, labels: [("deployment", deployment), ("variant", variant)],
                                                   buckets: Self.latencyBuckets)
                })
            series[key] = made
            return made
        }
        metrics.requests.increment()
        if let seconds { metrics.latency?.record(.nanoseconds(Int64(seconds * 1e9))) }
    }

    /// A finished prediction request. Names that are not deployments (404s) are counted
    /// under `deployment=""`, so random URLs cannot grow the label set.
    func record<Context: RequestContext>(_ deployments: DeploymentService, request: Request, context: Context,
                                         result: PredictionResult?, status: HTTPResponse.Status) {
        if let result {
            record(deployment: result.revision.deployment, variant: result.variant.name, code: Int(status.code), seconds: result.latencySeconds)
            return
        }
        let name = context.parameters.get("name") ?? ""
        record(deployment: deployments.liveRevision(name) != nil ? name : "", variant: nil, code: Int(status.code), seconds: nil)
    }

    /// One request series' labels.
    private struct SeriesKey: Hashable {
        let deployment: String
        let variant: String?
        let code: Int
    }

    /// The exposition, with the scrape-time values brought up to date.
    func render(_ deployments: DeploymentService) async -> String {
        let log = deployments.log
        let skipped = deployments.shadowsSkippedCount
        let cpu = Self.processCPUSeconds()
        reported.withLock { last in
            logDropped.increment(by: Int64(max(0, log.dropped - last.dropped)))
            logWritten.increment(by: Int64(max(0, log.written - last.written)))
            shadowsSkipped.increment(by: Int64(max(0, skipped - last.skipped)))
            if let cpu { cpuSeconds.increment(by: max(0, cpu - last.cpu)) }
            last = (max(last.dropped, log.dropped), max(last.written, log.written), max(last.skipped, skipped), max(last.cpu, cpu ?? 0))
        }
        var text = registry.emitToString()
        var states = PrometheusText()
        states.family("capstan_prediction_log_queue_depth", "gauge", "Prediction log entries waiting to be written.")
        states.sample("capstan_prediction_log_queue_depth", [], Double(log.queued))
        states.family("capstan_shadow_requests_in_flight", "gauge", "Shadow predictions running now.")
        states.sample("capstan_shadow_requests_in_flight", [], Double(deployments.shadowsInFlightCount))
        let live = deployments.liveRevisions()
        states.family("capstan_traffic_weight", "gauge", "Share of a deployment's traffic each variant gets, 0 to 1.")
        for revision in live {
            let total = revision.variants.map(\.weight).reduce(0, +)
            for variant in revision.variants {
                states.sample("capstan_traffic_weight", [("deployment", revision.deployment), ("variant", variant.name)], variant.weight / total)
            }
        }
        states.family("capstan_deployment_revision", "gauge", "The revision each deployment serves.")
        for revision in live { states.sample("capstan_deployment_revision", [("deployment", revision.deployment)], Double(revision.revision)) }
        states.family("capstan_model_load_duration_seconds", "gauge", "How long each loaded model version took to fetch, load and warm up.")
        var seen = Set<String>()
        for revision in live {
            for model in revision.variants.map(\.model) + revision.shadows.map(\.model) where seen.insert("\(model.name)/\(model.version)").inserted {
                states.sample("capstan_model_load_duration_seconds", [("model", model.name), ("version", String(model.version))],
                              model.loadMilliseconds / 1000)
            }
        }
        if let resident = Self.residentBytes() {
            states.family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.")
            states.sample("process_resident_memory_bytes", [], resident)
        }
        states.family("process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch, in seconds.")
        states.sample("process_start_time_seconds", [], Self.startTime)
        text += states.text
        return text
    }

    /// utime + stime from /proc/self/stat (Linux), in seconds.
    static func processCPUSeconds() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name: state is field 3, utime 14, stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (user + system) / (ticks > 0 ? ticks : 100)
    }

    /// Resident pages from /proc/self/statm (Linux), in bytes.
    static func residentBytes() -> Double? {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return nil }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE)))
    }
}

/// Metric families written by hand, for values read at scrape time.
struct PrometheusText {
    private(set) var text = ""

    mutating func family(_ name: String, _ type: String, _ help: String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
        let rendered = labels.isEmpty ? "" : "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
        text += "\(name)\(rendered) \(value.isFinite ? String(value) : (value.isNaN ? "NaN" : value > 0 ? "+Inf" : "-Inf"))\n"
    }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
