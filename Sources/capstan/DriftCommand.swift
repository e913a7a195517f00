import ArgumentParser
import CapstanJSON
import CapstanMonitoring
import Foundation

/// `capstan drift`: data drift between two CSV files, column by column, with the tests and
/// thresholds Evidently's DataDriftPreset would choose.
struct DriftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Data drift between a reference and a current CSV file, as Evidently's DataDriftPreset computes it.",
        discussion: """
        Each column gets the test Evidently picks: with at most 1,000 reference rows, KS for \
        numbers with more than 5 distinct values, chi-square for 3 to 5 values or categories, \
        Z for two; with more rows, the normed Wasserstein distance for numbers and Jensen–Shannon \
        otherwise. Missing values (empty, NA, NaN, null, …) and infinities are dropped first. \
        The dataset drifts when at least half of the tested columns do. A column that cannot be \
        tested is reported with the reason, and the others are still tested. Exit code 2 for \
        a file that cannot be read, or columns that do not match.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, html
    }

    @Option(help: "The reference CSV file (the data the model was trained or validated on).")
    var reference: String

    @Option(help: "The current CSV file (recent data) to compare with it.")
    var current: String

    @Option(help: "The target column (its drift is target drift).")
    var target: String?

    @Option(help: "The prediction column (its drift is prediction drift).")
    var prediction: String?

    @Option(help: "Comma-separated columns to test as categories whatever their values.")
    var categorical: String?

    @Option(name: .customLong("num-method"), help: "Test for numerical columns: \(Self.methodNames).")
    var numericalMethod: String?

    @Option(name: .customLong("cat-method"), help: "Test for categorical columns: \(Self.methodNames).")
    var categoricalMethod: String?

    @Option(help: "Threshold for every column: a p-value below it, or a distance at or above it, is drift (default: the test's own, 0.05 or 0.1).")
    var threshold: Double?

    @Option(name: .customLong("drift-share"), help: "Share of drifted columns at which the dataset drifts.")
    var driftShare: Double = 0.5

    @Option(help: "Output: text, json or html.")
    var format: Format = .text

    static var methodNames: String { DriftMethod.allCases.map(\.rawValue).joined(separator: ", ") }

    func validate() throws {
        for (flag, name) in [("--num-method", numericalMethod), ("--cat-method", categoricalMethod)] {
            if let name, DriftMethod(rawValue: name) == nil {
                throw ValidationError("\(flag) '\(name)' is not a method; use one of \(Self.methodNames)")
            }
        }
        if let threshold, !(threshold > 0) { throw ValidationError("--threshold must be greater than 0") }
        guard driftShare > 0, driftShare <= 1 else { throw ValidationError("--drift-share must be in (0, 1]") }
    }

    func run() throws {
        do {
            let reference = try DataTable.read(csv: self.reference)
            let current = try DataTable.read(csv: self.current)
            var options = DatasetDrift.Options()
            options.categorical = Set((categorical ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            options.numericalMethod = numericalMethod.flatMap(DriftMethod.init(rawValue:))
            options.categoricalMethod = categoricalMethod.flatMap(DriftMethod.init(rawValue:))
            options.threshold = threshold
            options.driftShare = driftShare
            for (flag, column) in [("--target", target), ("--prediction", prediction)] {
                if let column, reference.column(named: column) == nil {
                    throw CommandFailure("\(flag) '\(column)': \(self.reference) has no such column (columns: \(reference.names.joined(separator: ", ")))")
                }
            }
            let drift = try DatasetDrift.compare(reference: reference, current: current, options: options)
            let roles = [target.map { ($0, "target") }, prediction.map { ($0, "prediction") }].compactMap { $0 }
            let report = DriftReportFormat(drift: drift, roles: Dictionary(roles, uniquingKeysWith: { first, _ in first }),
                                           reference: self.reference, current: self.current)
            switch format {
            case .text: print(report.text(), terminator: "")
            case .json: print(JSONWriter.string(report.json()))
            case .html: print(report.html(), terminator: "")
            }
        } catch {
            throw CommandFailure.exit(error)
        }
    }
}
