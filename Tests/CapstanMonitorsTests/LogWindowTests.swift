import CapstanInference
import CapstanMonitoring
import CapstanServing
import CapstanStorage
import Foundation
import Logging
import Testing
@testable import CapstanMonitors

/// A window read in two halves at once holds exactly what one read of it holds: the same
/// requests, with each request's inputs, outputs, latency and outcome kept together.
@Suite struct LogWindowTests {
    @Test func aWindowReadInHalvesEqualsItReadWhole() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-window-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let database = try await Database.open(.sqlite(path: directory.appendingPathComponent("capstan.db").path), logger: logger)
        defer { Task { await database.close() } }
        let log = PredictionLogStore(database: database)
        // 60 requests over 20 milliseconds (ties at every boundary), one with two rows, a
        // column that only later requests have, a text column, and some failures.
        var records: [PredictionRecord] = []
        for index in 0..<60 {
            var columns: [(name: String, column: FeatureFrame.Column)] = [
                (name: "age", column: .float32(index == 7 ? [20, 21] : [Float(index)])),
                (name: "plan", column: .string(index == 7 ? ["free", "pro"] : [index % 3 == 0 ? "pro" : "free"])),
            ]
            if index >= 40 { columns.append((name: "income", column: .float64([Double(index) * 1.5]))) }
            let inputs = try FeatureFrame(columns)
            let outputs = try FeatureFrame([(name: "label", column: .int64(Array(repeating: Int64(index % 2), count: inputs.rowCount)))])
            records.append(PredictionRecord(
                requestId: "r\(index)", variant: "stable", deployment: "churn", revision: 1, modelName: "m", modelVersion: 1, isShadow: false,
                status: index % 11 == 5 ? .error : .ok, error: nil, rowCount: Int64(inputs.rowCount), inputs: FrameEncoding.encode(inputs),
                outputs: FrameEncoding.encode(outputs), predictedLabel: String(index % 2), latencyMilliseconds: Double(index), time: Int64(index / 3)))
        }
        try await log.insert(records)

        /// Each request as one comparable line: outcome, latency, label, and its input rows.
        func requests(_ window: LogWindow) -> [String] {
            let table = window.inputTable(source: "test")
            func row(_ row: Int) -> String {
                table.names.indices.map { column -> String in
                    switch table.columns[column] {
                    case .numeric(let values): values[row].isNaN ? "-" : String(values[row])
                    case .text(let values): values[row] ?? "-"
                    }
                }.joined(separator: ",")
            }
            guard !window.firstInputRow.isEmpty else {
                // Read without outputs, a window keeps no request's rows apart: its outcomes
                // and its input rows are compared each as a whole.
                return (0..<window.requestCount).map { "\(window.failed[$0]) \(window.latencies[$0])" }.sorted()
                    + (0..<window.inputs.rowCount).map(row).sorted()
            }
            return (0..<window.requestCount).map { request in
                let first = window.firstInputRow[request]
                let last = request + 1 < window.requestCount ? window.firstInputRow[request + 1] : window.inputs.rowCount
                let rows = (first..<last).map(row)
                return "\(window.failed[request]) \(window.latencies[request]) \(window.predictedLabels[request] ?? "-") \(rows)"
            }.sorted()
        }
        for (latest, successfulOnly) in [(nil, true), (25, true), (41, false), (1000, true)] as [(Int?, Bool)] {
            for contents in [LogWindow.Contents.inputs, .inputsAndOutputs] {
                let query = PredictionWindowQuery(deployment: "churn", since: 0, until: 100, latest: latest, successfulOnly: successfulOnly)
                let whole = try await LogWindow.read(query, reading: contents, from: log, splitAbove: .max)
                let halves = try await LogWindow.read(query, reading: contents, from: log, splitAbove: 1)
                #expect(whole.requestCount == min(latest ?? .max, successfulOnly ? 55 : 60))
                #expect(requests(halves) == requests(whole), "latest \(String(describing: latest)), \(contents)")
                #expect(halves.inputs.names.sorted() == whole.inputs.names.sorted())
                #expect((halves.earliest, halves.latest) == (whole.earliest, whole.latest))
                if contents == .inputsAndOutputs {
                    #expect(halves.outputs.rowCount == whole.outputs.rowCount)
                }
            }
        }
    }
}
