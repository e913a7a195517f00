import CapstanMonitoring
import CapstanServing
import CapstanStorage
import Foundation
import Synchronization

/// A window of a deployment's prediction log as one evaluation reads it: the served inputs
/// and outputs as columns, and per request its outcome, latency and feedback.
public struct LogWindow: Sendable {
    public var start: Int64
    public var end: Int64
    /// Every row of every request's inputs (a request may carry several rows).
    public var inputs = LoggedColumns()
    public var outputs = LoggedColumns()
    /// Per request: where its rows start in `inputs` and `outputs`.
    public var firstInputRow: [Int] = []
    public var firstOutputRow: [Int?] = []
    public var predictedLabels: [String?] = []
    public var feedbackLabels: [String?] = []
    public var latencies: [Double] = []
    public var failed: [Bool] = []
    /// When the window's first and last predictions were made.
    public var earliest: Int64?
    public var latest: Int64?
    /// Logged frames that could not be decoded (a damaged row); left out, and reported.
    public var undecodable = 0

    public var requestCount: Int { latencies.count }

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    /// Reads the window from the log. `frames` decodes inputs and outputs, which only
    /// checks of the data need; operational checks read the outcomes alone. A large window
    /// is read as two halves at once, on two connections.
    public static func read(_ query: PredictionWindowQuery, frames: Bool, from store: PredictionLogStore) async throws -> LogWindow {
        var query = query
        query.withFrames = frames
        let parts = try await store.halves(of: query)
        var window = LogWindow(start: query.since, end: query.until)
        try await withThrowingTaskGroup(of: (Int, LogWindow).self) { group in
            for (index, part) in parts.enumerated() {
                group.addTask { (index, try await readPart(part, frames: frames, from: store)) }
            }
            var read = [LogWindow?](repeating: nil, count: parts.count)
            for try await (index, part) in group { read[index] = part }
            for part in read { window.append(contentsOf: part!) }
        }
        return window
    }

    private static func readPart(_ query: PredictionWindowQuery, frames: Bool, from store: PredictionLogStore) async throws -> LogWindow {
        var empty = LogWindow(start: query.since, end: query.until)
        if let latest = query.latest, frames {
            // Single-row requests are the common case: room for that many rows up front.
            empty.inputs = LoggedColumns(expectedRows: latest)
            empty.outputs = LoggedColumns(expectedRows: latest)
            for list in [\LogWindow.predictedLabels, \LogWindow.feedbackLabels] { empty[keyPath: list].reserveCapacity(latest) }
            empty.latencies.reserveCapacity(latest)
            empty.failed.reserveCapacity(latest)
            empty.firstInputRow.reserveCapacity(latest)
            empty.firstOutputRow.reserveCapacity(latest)
        }
        let builder = Mutex(empty)
        try await store.forEachPrediction(in: query) { prediction in
            builder.withLock { $0.add(prediction, frames: frames) }
        }
        return builder.withLock { window in
            var result = LogWindow(start: 0, end: 0)
            swap(&result, &window)
            return result
        }
    }

    /// Appends the requests of another part of the same window.
    mutating func append(contentsOf other: LogWindow) {
        let inputOffset = inputs.rowCount, outputOffset = outputs.rowCount
        if requestCount == 0 {
            inputs = other.inputs
            outputs = other.outputs
        } else {
            inputs.append(contentsOf: other.inputs)
            outputs.append(contentsOf: other.outputs)
        }
        firstInputRow += other.firstInputRow.map { $0 + inputOffset }
        firstOutputRow += other.firstOutputRow.map { $0.map { $0 + outputOffset } }
        predictedLabels += other.predictedLabels
        feedbackLabels += other.feedbackLabels
        latencies += other.latencies
        failed += other.failed
        earliest = [earliest, other.earliest].compactMap { $0 }.min()
        latest = [latest, other.latest].compactMap { $0 }.max()
        undecodable += other.undecodable
    }

    mutating func add(_ prediction: LoggedPrediction, frames: Bool) {
        if frames {
            let inputRow = inputs.rowCount
            do {
                try inputs.append(prediction.inputs)
            } catch {
                // Frames come from this server's own encoder: one that does not decode is a
                // damaged row. It is left out and counted.
                undecodable += 1
                return
            }
            firstInputRow.append(inputRow)
            let outputRow = outputs.rowCount
            if let bytes = prediction.outputs, (try? outputs.append(bytes)) != nil {
                firstOutputRow.append(outputRow)
            } else {
                if prediction.outputs != nil { undecodable += 1 }
                firstOutputRow.append(nil)
            }
        }
        earliest = min(earliest ?? prediction.time, prediction.time)
        latest = max(latest ?? prediction.time, prediction.time)
        predictedLabels.append(prediction.predictedLabel)
        feedbackLabels.append(prediction.feedbackLabel)
        latencies.append(prediction.latencyMilliseconds)
        failed.append(prediction.status != .ok)
    }

    /// The inputs as a table, for drift and data-quality checks.
    public func inputTable(source: String) -> DataTable {
        DataTable(logged: inputs, source: source)
    }
}

extension DataTable {
    /// Logged columns as a table: numbers stay numbers (integers marked integral, as pandas
    /// would read them), text stays text.
    public init(logged: LoggedColumns, source: String) {
        let columns = logged.columns.map { column -> DataTable.Column in
            if let texts = column.texts { return .text(texts) }
            return .numeric(column.numbers)
        }
        let integral = logged.columns.map { column in
            column.texts == nil && column.integral && !column.numbers.isEmpty && !column.numbers.contains(where: \.isNaN)
        }
        self.init(names: logged.names, columns: columns, integral: integral, source: source)
    }
}
