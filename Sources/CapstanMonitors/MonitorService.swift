import CapstanJSON
import CapstanMonitoring
import CapstanStorage
import Foundation
import Logging
import Synchronization

/// Runs monitors: creates them from specs, evaluates them on their schedule over the
/// prediction log, and stores every evaluation as a time series. Alert rules are evaluated
/// after each round, on the numbers just stored.
public final class MonitorService: Sendable {
    public let store: MonitorStore
    public let alerts: AlertService
    let log: PredictionLogStore
    let deployments: DeploymentStore
    /// What `dataset` and `artifact` references are found through: the served model
    /// version, its run, and the run's files.
    let registry: RegistryStore
    let runs: RunStore
    let artifacts: any ArtifactStore
    let logger: Logger
    /// Reference CSVs read once per file version: a monitor reruns every few minutes.
    let references = Mutex<[String: (modified: Date, table: DataTable)]>([:])

    public init(database: Database, artifacts: any ArtifactStore, alerts: AlertService, logger: Logger) {
        self.store = MonitorStore(database: database)
        self.log = PredictionLogStore(database: database)
        self.deployments = DeploymentStore(database: database)
        self.registry = RegistryStore(database: database)
        self.runs = RunStore(database: database)
        self.artifacts = artifacts
        self.alerts = alerts
        self.logger = logger
        HeapPolicy.keepFreedBlocksUntilGivenBack
    }

    /// Creates a monitor, or replaces the one with the same name, from its spec.
    public func save(_ json: JSONValue) async throws -> MonitorRecord {
        let spec: MonitorSpec
        do {
            spec = try MonitorSpec(parsing: json)
        } catch {
            throw MonitorError.invalidSpec(error.message)
        }
        if spec.reference?.isFile == true {
            // Read it now so a wrong path, a missing training dataset or a malformed file is
            // an error at creation, not a failed evaluation minutes later.
            do {
                _ = try await referenceTable(spec)
            } catch let error as MonitorError {
                throw MonitorError.invalidSpec(error.description)
            }
        }
        if spec.kind == .dataQuality, let expectations = spec.expectations {
            _ = try DataQualityCheck.parse(expectations)
        }
        return try await store.save(name: spec.name, deployment: spec.deployment, kind: spec.kind.rawValue,
                                    spec: JSONWriter.string(json), intervalMilliseconds: Int64(spec.scheduleSeconds * 1000))
    }

    /// Evaluates the monitor now and stores the result (also what the scheduler does).
    @discardableResult
    public func evaluate(_ monitor: MonitorRecord, now: Int64 = Clock.nowMillis()) async throws -> MonitorEvaluationRecord {
        let outcome: MonitorOutcome
        var window = (start: now, end: now)
        do {
            let spec = try MonitorSpec(parsing: JSONParser.parse(Array(monitor.spec.utf8)))
            let query = self.query(spec, now: now)
            let current = try await LogWindow.read(query, reading: Self.contents(spec.kind), from: log)
            window = (current.earliest ?? query.since, query.until)
            outcome = try await evaluate(spec, current: current, query: query)
        } catch let error as MonitorError {
            outcome = MonitorOutcome(status: .failed, message: error.description, requests: 0)
        } catch let error as SpecError {
            outcome = MonitorOutcome(status: .failed, message: error.message, requests: 0)
        } catch let error as DataFileError {
            outcome = MonitorOutcome(status: .failed, message: error.description, requests: 0)
        }
        HeapPolicy.giveBack()
        let record = MonitorEvaluationRecord(
            monitor: monitor.name, time: now, windowStart: window.start, windowEnd: window.end, rowCount: Int64(outcome.requests),
            status: MonitorEvaluationRecord.Status(rawValue: outcome.status.rawValue) ?? .failed, message: outcome.message,
            result: JSONWriter.string(outcome.details),
            points: outcome.metrics.map { MonitorPoint(metric: $0.name, series: $0.series, time: now, value: $0.value) })
        try await store.addEvaluation(record)
        if outcome.status == .failed {
            logger.warning("monitor evaluation failed", metadata: ["monitor": "\(monitor.name)", "reason": "\(outcome.message ?? "")"])
        }
        return record
    }

    func evaluate(_ spec: MonitorSpec, current: LogWindow, query: PredictionWindowQuery) async throws -> MonitorOutcome {
        let requests = current.requestCount
        if spec.kind != .performance, requests < spec.minRows {
            return .skipped("\(requests) predictions in the window; at least \(spec.minRows) needed (min_rows)", requests: requests)
        }
        switch spec.kind {
        case .operational:
            return OperationalCheck.evaluate(current)
        case .performance:
            return try PerformanceCheck.evaluate(spec, window: current)
        case .dataQuality:
            return try DataQualityCheck.evaluate(spec, current: current.inputTable(source: "the window"), requests: requests)
        case .drift:
            let reference: DataTable
            switch spec.reference {
            case .csv?, .artifact?, .dataset?:
                reference = try await referenceTable(spec)
            case .earlierWindow(let offset)?:
                let shift = Int64(offset * 1000)
                var earlier = query
                earlier.since -= shift
                earlier.until -= shift
                if earlier.latest != nil { earlier.since = 0 }
                let window = try await LogWindow.read(earlier, reading: .inputs, from: log)
                guard window.requestCount >= spec.minRows else {
                    return .skipped("the reference window (\(Self.describe(offset)) earlier) has \(window.requestCount) predictions; at least \(spec.minRows) needed",
                                    requests: requests)
                }
                reference = window.inputTable(source: "the window \(Self.describe(offset)) earlier")
            case nil:
                throw MonitorError.invalidData("a drift monitor needs a reference")
            }
            return try DriftCheck.evaluate(spec, current: current.inputTable(source: "the window"), reference: reference, requests: requests)
        }
    }

    static func contents(_ kind: MonitorSpec.Kind) -> LogWindow.Contents {
        switch kind {
        case .operational: .outcomes
        case .drift, .dataQuality: .inputs
        case .performance: .inputsAndOutputs
        }
    }

    func query(_ spec: MonitorSpec, now: Int64) -> PredictionWindowQuery {
        let kind = spec.kind
        switch spec.window {
        case .last(let seconds):
            return PredictionWindowQuery(deployment: spec.deployment, variant: spec.variant, since: now - Int64(seconds * 1000), until: now + 1,
                                         successfulOnly: kind != .operational, withFeedback: kind == .performance)
        case .predictions(let count):
            return PredictionWindowQuery(deployment: spec.deployment, variant: spec.variant, since: 0, until: now + 1, latest: count,
                                         successfulOnly: kind != .operational, withFeedback: kind == .performance)
        }
    }

    func reference(csv path: String) throws -> DataTable {
        let modified = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? nil
        if let modified, let cached = references.withLock({ $0[path] }), cached.modified == modified { return cached.table }
        let table = try DataTable.read(csv: path)
        if let modified { references.withLock { $0[path] = (modified, table) } }
        return table
    }

    static func describe(_ seconds: Double) -> String {
        if seconds.truncatingRemainder(dividingBy: 86_400) == 0 { return "\(Int(seconds / 86_400))d" }
        if seconds.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Int(seconds / 3600))h" }
        if seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds / 60))m" }
        return "\(seconds)s"
    }

    /// Evaluates due monitors, then alert rules, every `interval`, until cancelled.
    public func run(interval: Duration = .seconds(1)) async {
        while !Task.isCancelled {
            do {
                for monitor in try await store.claimDue(now: Clock.nowMillis()) {
                    try await evaluate(monitor)
                }
                try await alerts.evaluateDue(now: Clock.nowMillis())
            } catch {
                logger.error("monitor round failed", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
