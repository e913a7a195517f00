import CapstanInference
import CapstanJSON
import CapstanMonitoring
import CapstanServing
import CapstanStorage
import Testing
@testable import CapstanMonitors

/// What each kind of monitor computes from a window of the log.
@Suite struct MonitorChecksTests {
    /// A window of `count` single-row requests: `age` (float), `plan` (text), label and feedback.
    func window(ages: [Double], plans: [String], predicted: [String], truth: [String?], latencies: [Double]? = nil,
                failed: Set<Int> = []) throws -> LogWindow {
        var window = LogWindow(start: 0, end: 1000)
        for index in ages.indices {
            let frame = try FeatureFrame([(name: "age", column: .float64([ages[index]])), (name: "plan", column: .string([plans[index]]))])
            let inputs = FrameEncoding.encode(frame)
            let outputs = FrameEncoding.encode(try FeatureFrame([(name: "label", column: .string([predicted[index]]))]))
            inputs.withUnsafeBytes { inputs in
                outputs.withUnsafeBytes { outputs in
                    window.add(LoggedPrediction(status: failed.contains(index) ? .error : .ok, inputs: inputs, outputs: outputs,
                                                predictedLabel: predicted[index], latencyMilliseconds: latencies?[index] ?? 1,
                                                time: Int64(index), feedbackLabel: truth[index], reward: nil),
                               reading: .inputsAndOutputs)
                }
            }
        }
        return window
    }

    func spec(_ json: String) throws -> MonitorSpec { try MonitorSpec(parsing: try JSONParser.parse(Array(json.utf8))) }

    @Test func operationalChecksCountErrorsAndTakeNearestRankLatency() throws {
        let latencies = (1...100).map(Double.init)
        let window = try window(ages: Array(repeating: 1, count: 100), plans: Array(repeating: "a", count: 100),
                                predicted: Array(repeating: "1", count: 100), truth: Array(repeating: nil, count: 100),
                                latencies: latencies, failed: [3, 7])
        let metrics = Dictionary(uniqueKeysWithValues: OperationalCheck.evaluate(window).metrics.map { ($0.name, $0.value) })
        #expect(metrics["requests"] == 100 && metrics["error_rate"] == 0.02)
        #expect(metrics["latency_p50_ms"] == 50 && metrics["latency_p95_ms"] == 95 && metrics["latency_p99_ms"] == 99)
        #expect(metrics["latency_mean_ms"] == 50.5)
    }

    @Test func performanceIsScoredOverallAndPerSlice() throws {
        // 40 requests with feedback: plan "pro" always right, "free" right half the time.
        let plans = (0..<40).map { $0 < 20 ? "pro" : "free" }
        let predicted = (0..<40).map { $0 % 2 == 0 ? "1" : "0" }
        let truth: [String?] = (0..<40).map { $0 < 20 ? ($0 % 2 == 0 ? "1" : "0") : "1" }
        let ages = (0..<40).map { Double($0) }
        // One more request without feedback, which no score counts.
        let window = try window(ages: ages + [5], plans: plans + ["pro"], predicted: predicted + ["1"], truth: truth + [nil])
        let spec = try spec("""
            {"name": "p", "deployment": "d", "kind": "performance", "min_rows": 10,
             "performance": {"slices": [{"column": "plan"}, {"column": "age", "bins": [10, 30]}], "min_samples": 10}}
            """)
        let outcome = try PerformanceCheck.evaluate(spec, window: window)
        func value(_ metric: String, _ series: String = "") -> Double? {
            outcome.metrics.first { $0.name == metric && $0.series == series }?.value
        }
        #expect(value("labelled") == 40)
        #expect(value("accuracy") == 30.0 / 40)
        #expect(value("accuracy", "plan=pro") == 1 && value("accuracy", "plan=free") == 0.5)
        #expect(value("labelled", "age=[10, 30)") == 20 && value("labelled", "age>=30") == 10)
        #expect(value("labelled", "age<10") == 10)
        // Fewer labelled requests than min_rows: skipped, not judged on too little.
        let strict = try self.spec(#"{"name": "p", "deployment": "d", "kind": "performance", "min_rows": 41}"#)
        #expect(try PerformanceCheck.evaluate(strict, window: window).status == .skipped)
    }

    @Test func driftComparesTheWindowWithTheReference() throws {
        let ages = (0..<200).map { Double($0 % 50) }
        let plans = (0..<200).map { ["free", "pro", "team"][$0 % 3] }
        let window = try window(ages: ages.map { $0 + 40 }, plans: plans, predicted: Array(repeating: "1", count: 200),
                                truth: Array(repeating: nil, count: 200))
        let reference = DataTable(names: ["age", "plan"], columns: [.numeric(ages), .text(plans)], integral: [false, false], source: "ref.csv")
        let spec = try spec(#"{"name": "m", "deployment": "d", "kind": "drift", "reference": {"csv": "ref.csv"}}"#)
        let outcome = try DriftCheck.evaluate(spec, current: window.inputTable(source: "window"), reference: reference, requests: 200)
        func value(_ metric: String, _ series: String = "") -> Double? {
            outcome.metrics.first { $0.name == metric && $0.series == series }?.value
        }
        #expect(value("column_drifted", "age") == 1 && value("column_drifted", "plan") == 0)
        #expect(value("drift_share") == 0.5 && value("dataset_drift") == 1)

        // By position: the logged names do not matter, the counts do.
        let renamed = DataTable(names: ["f0", "f1"], columns: [.numeric(ages), .text(plans)], integral: [false, false], source: "ref.csv")
        let byName = try self.spec(#"{"name": "m", "deployment": "d", "kind": "drift", "reference": {"csv": "ref.csv"}}"#)
        #expect(throws: MonitorError.self) { try DriftCheck.evaluate(byName, current: window.inputTable(source: "w"), reference: renamed, requests: 200) }
        let byPosition = try self.spec(#"{"name": "m", "deployment": "d", "kind": "drift", "match": "position", "reference": {"csv": "ref.csv"}}"#)
        let positional = try DriftCheck.evaluate(byPosition, current: window.inputTable(source: "w"), reference: renamed, requests: 200)
        #expect(positional.metrics.contains { $0.name == "column_drifted" && $0.series == "f0" && $0.value == 1 })
    }
}
