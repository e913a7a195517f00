import CapstanJSON
import CapstanMonitoring
import CapstanStats
import Foundation

/// A performance monitor's evaluation: the window's predictions that have received
/// feedback, scored against it, for the whole window and per slice.
enum PerformanceCheck {
    static func evaluate(_ spec: MonitorSpec, window: LogWindow) throws -> MonitorOutcome {
        let options = spec.performance
        // Per labelled request: the truth, the prediction, and its slice keys.
        var labelled: [Int] = []
        for request in 0..<window.requestCount where window.feedbackLabels[request] != nil && !window.failed[request] {
            labelled.append(request)
        }
        guard labelled.count >= spec.minRows else {
            return .skipped("\(labelled.count) of \(window.requestCount) predictions have feedback; at least \(spec.minRows) needed (min_rows)",
                            requests: window.requestCount)
        }
        let sliceColumns = try options.slices.map { slice -> (MonitorSpec.Slice, DataTable.Column) in
            guard let index = window.inputs.names.firstIndex(of: slice.column) else {
                throw MonitorError.invalidData("slice column '\(slice.column)' is not among the logged inputs (\(window.inputs.names.prefix(8).joined(separator: ", ")))")
            }
            let column = window.inputs.columns[index]
            return (slice, column.texts.map { .text($0) } ?? .numeric(column.numbers))
        }
        var groups: [(series: String, requests: [Int])] = [("", labelled)]
        for (slice, column) in sliceColumns {
            var bySlice: [String: [Int]] = [:]
            for request in labelled {
                let row = window.firstInputRow[request]
                bySlice[sliceName(slice, column, row: row), default: []].append(request)
            }
            for key in bySlice.keys.sorted() where bySlice[key]!.count >= options.minSamples {
                groups.append((key, bySlice[key]!))
            }
        }
        var metrics: [MonitorOutcome.Metric] = []
        var details: [(String, JSONValue)] = []
        for group in groups {
            let scores = try score(group.requests, window: window, options: options)
            metrics.append(.init("labelled", series: group.series, Double(group.requests.count)))
            for (name, value) in scores where value.isFinite {
                metrics.append(.init(name, series: group.series, value))
            }
            let entry = JSONValue.object([("labelled", .int(Int64(group.requests.count)))] + scores.map { ($0.0, .double($0.1)) })
            details.append((group.series.isEmpty ? "all" : group.series, entry))
        }
        return MonitorOutcome(status: .ok, requests: window.requestCount, metrics: metrics, details: .object(details))
    }

    static func score(_ requests: [Int], window: LogWindow, options: MonitorSpec.PerformanceOptions) throws -> [(String, Double)] {
        switch options.task {
        case .classification:
            let truth = requests.map { window.feedbackLabels[$0]! }
            let predicted = requests.map { window.predictedLabels[$0] ?? "" }
            var scores: [(String, Double)] = []
            if let accuracy = ClassificationMetrics.accuracy(yTrue: truth, yPred: predicted) { scores.append(("accuracy", accuracy)) }
            let average: ClassAveraging<String> = options.positiveLabel.map { .binary(positiveLabel: $0) } ?? .macro
            if let prf = ClassificationMetrics.precisionRecallF1(yTrue: truth, yPred: predicted, average: average) {
                scores += [("precision", prf.precision), ("recall", prf.recall), ("f1", prf.f1)]
            }
            return scores
        case .regression:
            var truth: [Double] = [], predicted: [Double] = []
            for request in requests {
                guard let observed = Double(window.feedbackLabels[request]!), let value = predictedNumber(request, window: window) else { continue }
                truth.append(observed)
                predicted.append(value)
            }
            guard !truth.isEmpty else {
                throw MonitorError.invalidData("task: regression needs numeric feedback labels and a numeric model output")
            }
            return [("mae", RegressionMetrics.meanAbsoluteError(yTrue: truth, yPred: predicted)),
                    ("rmse", RegressionMetrics.rootMeanSquaredError(yTrue: truth, yPred: predicted)),
                    ("r2", RegressionMetrics.r2(yTrue: truth, yPred: predicted))].compactMap { name, value in value.map { (name, $0) } }
        }
    }

    /// A regression model's prediction for a request: its first numeric output's first row.
    static func predictedNumber(_ request: Int, window: LogWindow) -> Double? {
        guard let row = window.firstOutputRow[request] else { return nil }
        guard let column = window.outputs.columns.first(where: { $0.texts == nil }) else { return nil }
        let value = column.numbers[row]
        return value.isNaN ? nil : value
    }

    /// The slice a row falls in: `plan=pro`, or `age=[30, 65)` for a numeric range.
    static func sliceName(_ slice: MonitorSpec.Slice, _ column: DataTable.Column, row: Int) -> String {
        switch column {
        case .text(let values): return "\(slice.column)=\(values[row] ?? "(missing)")"
        case .numeric(let values):
            let value = values[row]
            if value.isNaN { return "\(slice.column)=(missing)" }
            guard let bins = slice.bins else { return "\(slice.column)=\(LoggedNumberText.text(value))" }
            let upper = bins.firstIndex(where: { value < $0 })
            switch upper {
            case 0?: return "\(slice.column)<\(LoggedNumberText.text(bins[0]))"
            case let index?: return "\(slice.column)=[\(LoggedNumberText.text(bins[index - 1])), \(LoggedNumberText.text(bins[index])))"
            case nil: return "\(slice.column)>=\(LoggedNumberText.text(bins.last!))"
            }
        }
    }
}

/// Whole numbers without a fraction ("30", not "30.0"), others as Swift writes them.
enum LoggedNumberText {
    static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
