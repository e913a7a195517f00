import ArgumentParser
import CapstanJSON
import CapstanMonitoring
import Foundation

/// `capstan evaluate`: scores a file of predictions against its ground truth, the offline
/// counterpart of `mlflow.evaluate` with the numbers scikit-learn would give.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score predictions against the ground truth in a CSV file, as mlflow.evaluate and scikit-learn would.",
        discussion: """
        Classification: accuracy; precision, recall and F1 for the positive class (two \
        classes) and macro, micro and weighted over all classes; the confusion matrix (rows \
        actual, columns predicted); with --score (the probability of the positive class) ROC \
        AUC, average precision (scikit-learn's step-wise average_precision_score, not a \
        trapezoidal PR AUC) and log loss. The positive class is --pos-label, else the greater \
        of the two classes (1 for 0/1, "yes" for no/yes). Undefined precision or recall \
        (nothing predicted as a class, or no true instance of it) counts as 0, as scikit-learn \
        does by default.

        Regression: MAE, RMSE, MAPE (a fraction; a zero target divides by 2.2e-16, as in \
        scikit-learn, so read MAE when the target can be 0) and R².

        Without --task, the task is classification when --score or --pos-label is given, \
        when the target holds text, or when it holds only whole numbers with at most 20 \
        distinct values (class codes); otherwise regression. The report says which rule \
        applied.

        Exit code 2, with the file, column and line, for a file that cannot be read, a \
        missing column, a missing or non-numeric cell where numbers are needed, a score \
        outside [0, 1], or --score on data without exactly two classes in the target.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(help: "The CSV file holding the ground truth and the predictions.")
    var data: String

    @Option(help: "The ground-truth column.")
    var target: String

    @Option(help: "The model's prediction column (a class, or a number for regression).")
    var prediction: String

    @Option(help: "The probability of the positive class (binary classification): adds ROC AUC, average precision and log loss.")
    var score: String?

    @Option(help: "classification or regression (default: inferred from the target; see below).")
    var task: ModelEvaluation.Task?

    @Option(name: .customLong("pos-label"), help: "The positive class, as written in the file (default: the greater of the two classes).")
    var positiveLabel: String?

    @Option(help: "Output: text or json.")
    var format: Format = .text

    func validate() throws {
        if task == .regression, score != nil || positiveLabel != nil {
            throw ValidationError("--score and --pos-label apply to classification, not to --task regression")
        }
    }

    func run() throws {
        let evaluation: ModelEvaluation
        do {
            let table = try DataTable.read(csv: data)
            evaluation = try ModelEvaluation(table, options: .init(target: target, prediction: prediction, score: score,
                                                                   task: task, positiveLabel: positiveLabel))
        } catch {
            throw CommandFailure.exit(error)
        }
        switch format {
        case .text: print(EvaluationReportFormat(evaluation: evaluation).text(), terminator: "")
        case .json: print(JSONWriter.string(evaluation.json()))
        }
    }
}

/// `--task` parses straight into the library's enum, so the flag's values cannot drift from it.
extension ModelEvaluation.Task: ExpressibleByArgument {}
