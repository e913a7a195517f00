import CapstanMonitoring
import CapstanServing
import CapstanStorage
import Foundation

/// A window of a deployment's prediction log as one evaluation reads it: the served inputs
/// and outputs as columns, and per request its outcome, latency and feedback.
public struct LogWindow: Sendable {
    public var start: Int64
    public var end: Int64
    /// Every row of every request's inputs (a request may carry several rows).
    public var inputs = LoggedColumns()
    public var outputs = LoggedColumns()
    /// Per request (read with `.inputsAndOutputs` only, for performance checks: a drift
    /// check over a million requests would write 50 MB of them for nothing): where its rows
    /// start in `inputs` and `outputs`, and its predicted and true labels.
    public var firstInputRow: [Int] = []
    public var firstOutputRow: [Int?] = []
    public var predictedLabels: [String?] = []
    public var feedbackLabels: [String?] = []
    /// Per request, whatever was read.
    public var latencies: [Double] = []
    public var failed: [Bool] = []
    /// When the window's first and last predictions were made.
    public var earliest: Int64?
    public var latest: Int64?
    /// Logged frames that could not be decoded (a damaged row); left out, and reported.
    public var undecodable = 0

    public var requestCount: Int { latencies.count }

    /// What an evaluation reads of each logged prediction besides its outcome (status,
    /// latency, time, feedback): a frame costs more to read than everything else together.
    public enum Contents: Sendable {
        /// Nothing more (operational checks).
        case outcomes
        /// The inputs (drift and data-quality checks).
        case inputs
        /// The inputs, outputs and predicted labels (performance checks).
        case inputsAndOutputs
    }

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    /// Reads the window from the log, each prediction's outcome and `contents`.
    ///
    /// A large window is read as two halves at once, each on a thread of its own rather than
    /// on Swift's cooperative pool: stepping a million rows takes a second or more, and on
    /// the pool it would hold the threads that answer predictions for that long.
    ///
    /// - Parameter splitAbove: the smallest window read in halves (lowered by tests).
    public static func read(_ query: PredictionWindowQuery, reading contents: Contents, from store: PredictionLogStore,
                            splitAbove: Int = 100_000) async throws -> LogWindow {
        var query = query
        query.withInputs = contents != .outcomes
        query.withOutputs = contents == .inputsAndOutputs
        let parts = try await store.halves(of: query, minimumRows: splitAbove)
        let threads = parts.map { _ in ThreadExecutor(name: "monitor-read") }
        defer { for thread in threads { thread.stop() } }
        var read = [LogWindow?](repeating: nil, count: parts.count)
        try await withThrowingTaskGroup(of: (Int, LogWindow).self) { group in
            for (index, part) in parts.enumerated() {
                // The first part is the one the others join: room for the whole window.
                let expectedRows = index == 0 ? query.latest : part.latest
                group.addTask(executorPreference: threads[index]) {
                    (index, try await readPart(part, reading: contents, expectedRows: expectedRows, from: store))
                }
            }
            for try await (index, part) in group { read[index] = part }
        }
        // The first part keeps the room it reserved; the others join it. It is moved out of
        // `read` before it grows: a second reference would make the first append copy it.
        var window = read[0]!
        read[0] = nil
        (window.start, window.end) = (query.since, query.until)
        for index in read.indices.dropFirst() {
            window.append(contentsOf: read[index]!)
            read[index] = nil
        }
        return window
    }

    private static func readPart(_ query: PredictionWindowQuery, reading contents: Contents, expectedRows: Int?,
                                 from store: PredictionLogStore) async throws -> LogWindow {
        var empty = LogWindow(start: query.since, end: query.until)
        if let expectedRows, contents != .outcomes {
            // Single-row requests are the common case: room for that many rows up front.
            empty.inputs = LoggedColumns(expectedRows: expectedRows)
            empty.latencies.reserveCapacity(expectedRows)
            empty.failed.reserveCapacity(expectedRows)
            if contents == .inputsAndOutputs {
                empty.outputs = LoggedColumns(expectedRows: expectedRows)
                for list in [\LogWindow.predictedLabels, \LogWindow.feedbackLabels] { empty[keyPath: list].reserveCapacity(expectedRows) }
                empty.firstInputRow.reserveCapacity(expectedRows)
                empty.firstOutputRow.reserveCapacity(expectedRows)
            }
        }
        let builder = Builder(empty)
        try await store.forEachPrediction(in: query) { prediction in builder.window.add(prediction, reading: contents) }
        return builder.take()
    }

    /// The window a part's rows are added to. `forEachPrediction` calls its body on one
    /// thread, one row after another, and returns after the last: no lock is needed.
    private final class Builder: @unchecked Sendable {
        @exclusivity(unchecked) var window: LogWindow

        init(_ window: LogWindow) {
            self.window = window
        }

        func take() -> LogWindow {
            var taken = LogWindow(start: 0, end: 0)
            swap(&taken, &window)
            return taken
        }
    }

    /// Appends the requests of another part of the same window.
    mutating func append(contentsOf other: LogWindow) {
        let inputOffset = inputs.rowCount, outputOffset = outputs.rowCount
        inputs.append(contentsOf: other.inputs)
        outputs.append(contentsOf: other.outputs)
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

    mutating func add(_ prediction: LoggedPrediction, reading contents: Contents) {
        if contents != .outcomes {
            let inputRow = inputs.rowCount
            do {
                try inputs.append(prediction.inputs)
            } catch {
                // Frames come from this server's own encoder: one that does not decode is a
                // damaged row. It is left out and counted.
                undecodable += 1
                return
            }
            if contents == .inputsAndOutputs {
                firstInputRow.append(inputRow)
                let outputRow = outputs.rowCount
                if let bytes = prediction.outputs, (try? outputs.append(bytes)) != nil {
                    firstOutputRow.append(outputRow)
                } else {
                    if prediction.outputs != nil { undecodable += 1 }
                    firstOutputRow.append(nil)
                }
                predictedLabels.append(prediction.predictedLabel)
                feedbackLabels.append(prediction.feedbackLabel)
            }
        }
        earliest = min(earliest ?? prediction.time, prediction.time)
        latest = max(latest ?? prediction.time, prediction.time)
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
