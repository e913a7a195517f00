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
        otherwise. Free text (text with more than half its values distinct) gets Evidently's text \
        test: a TF-IDF linear classifier learns to tell reference texts from current ones on half \
        of them, and its ROC AUC on the other half is the statistic; with at most 1,000 reference \
        texts (perc_text_content_drift) it drifts above the 95th percentile of random classifiers' \
        AUCs, with more (abs_text_content_drift) above 0.55. At most 10,000 texts a side are used \
        (a seeded sample). Missing values (empty, NA, NaN, null, …) and infinities are dropped first. \
        The dataset drifts when at least half of the tested columns do. A column that cannot be \
        tested is reported with the reason, and the others are still tested. Exit code 2 for \
        a file that cannot be read, or columns that do not match.

        --multivariate adds NannyML's domain classifier: a small gradient-boosted tree \
        ensemble learns to tell reference rows from current rows (at most 10,000 a side, \
        sampled with a fixed seed), and its 5-fold cross-validated ROC AUC measures how \
        different the samples are jointly, including changes no single column shows (a \
        correlation that flips). About 0.5: the classifier cannot tell them apart; 1: it \
        separates them perfectly. NannyML alerts when the AUC leaves [0.45, 0.65]; a value \
        above about 0.55 is already worth a look at the columns it leaned on most, which are \
        listed with their share of the classifier's split gain. The --target and \
        --prediction columns and free-text columns are left out of it, with a note.
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

    @Option(name: .customLong("text-method"), help: "Test for free-text columns: \(Self.textMethodNames).")
    var textMethod: String?

    @Option(help: "Threshold for every column: a p-value below it, or a distance at or above it, is drift; for free text the AUC (abs_text_content_drift) or the random classifiers' percentile level (perc_text_content_drift) (default: the test's own, 0.05, 0.1, 0.55 or 0.95).")
    var threshold: Double?

    @Option(name: .customLong("drift-share"), help: "Share of drifted columns at which the dataset drifts.")
    var driftShare: Double = 0.5

    @Flag(help: "Also train a domain classifier to tell reference from current rows and report its cross-validated ROC AUC and the most telling columns.")
    var multivariate = false

    @Option(help: "Output: text, json or html.")
    var format: Format = .text

    static var methodNames: String { DriftMethod.allCases.filter { !$0.isTextContent }.map(\.rawValue).joined(separator: ", ") }
    static var textMethodNames: String { DriftMethod.allCases.filter(\.isTextContent).map(\.rawValue).joined(separator: ", ") }

    func validate() throws {
        for (flag, name) in [("--num-method", numericalMethod), ("--cat-method", categoricalMethod)] {
            if let name, DriftMethod(rawValue: name).map({ !$0.isTextContent }) != true {
                throw ValidationError("\(flag) '\(name)' is not a method for that kind of column; use one of \(Self.methodNames)"
                                      + (DriftMethod(rawValue: name)?.isTextContent == true ? " (\(name) is for free text: --text-method)" : ""))
            }
        }
        if let textMethod, DriftMethod(rawValue: textMethod)?.isTextContent != true {
            throw ValidationError("--text-method '\(textMethod)' is not a test of free text; use one of \(Self.textMethodNames)")
        }
        if let threshold, !(threshold > 0) { throw ValidationError("--threshold must be greater than 0") }
        guard driftShare > 0, driftShare <= 1 else { throw ValidationError("--drift-share must be in (0, 1]") }
    }

    func run() throws {
        HeapPolicy.returnLargeBlocksWhenFreed()
        do {
            let reference = try DataTable.read(csv: self.reference)
            let current = try DataTable.read(csv: self.current)
            var options = DatasetDrift.Options()
            options.categorical = Set((categorical ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            options.numericalMethod = numericalMethod.flatMap(DriftMethod.init(rawValue:))
            options.categoricalMethod = categoricalMethod.flatMap(DriftMethod.init(rawValue:))
            options.textMethod = textMethod.flatMap(DriftMethod.init(rawValue:))
            options.threshold = threshold
            options.driftShare = driftShare
            for (flag, column) in [("--target", target), ("--prediction", prediction)] {
                if let column, reference.column(named: column) == nil {
                    throw CommandFailure("\(flag) '\(column)': \(self.reference) has no such column (columns: \(reference.names.joined(separator: ", ")))")
                }
            }
            let drift = try DatasetDrift.compare(reference: reference, current: current, options: options)
            let roles = Dictionary([target.map { ($0, "target") }, prediction.map { ($0, "prediction") }].compactMap { $0 },
                                   uniquingKeysWith: { first, _ in first })
            var classifier: DomainClassifier?
            if multivariate {
                var classifierOptions = DomainClassifier.Options()
                classifierOptions.categorical = options.categorical
                // Like NannyML's, the classifier looks at the model's inputs; the target's and
                // the prediction's own drift is in the per-column report.
                classifierOptions.excluded = roles.mapValues { "the \($0) column, whose drift is reported per column" }
                classifier = try DomainClassifier.measure(reference: reference, current: current, options: classifierOptions)
            }
            let report = DriftReportFormat(drift: drift, roles: roles, multivariate: classifier,
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
