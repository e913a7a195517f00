import CapstanMonitoring
import CapstanStats

/// An evaluation as `capstan evaluate` prints it for people: the task and why, the metrics
/// in a table, and the confusion matrix with actual classes down and predicted across.
/// Numbers keep six significant digits here; `--format json` has them exact.
struct EvaluationReportFormat {
    let evaluation: ModelEvaluation

    func text() -> String {
        let options = evaluation.options
        var out = "Evaluation of \(evaluation.source): \(evaluation.task.rawValue) (\(evaluation.taskReason)), \(evaluation.rows) rows\n"
        out += "target: \(options.target), prediction: \(options.prediction)" + (options.score.map { ", score: \($0)" } ?? "") + "\n\n"
        switch evaluation.metrics {
        case .classification(let result): out += classification(result)
        case .regression(let result):
            out += TextTable.render(headers: ["metric", "value"], rows: [
                ["MAE", Self.number(result.meanAbsoluteError)],
                ["RMSE", Self.number(result.rootMeanSquaredError)],
                ["MAPE", Self.number(result.meanAbsolutePercentageError)],
                ["R²", result.r2.map(Self.number) ?? "undefined (one row)"],
            ]) + "\n"
        }
        return out
    }

    private func classification(_ result: ModelEvaluation.Classification) -> String {
        var out = "accuracy: \(Self.number(result.accuracy))\n"
        if let roc = result.rocAUC, let precision = result.averagePrecision, let loss = result.logLoss {
            out += "ROC AUC: \(Self.number(roc)), average precision: \(Self.number(precision)), log loss: \(Self.number(loss))\n"
        }
        out += "\n"
        var rows: [[String]] = []
        if let binary = result.binary, let positive = result.positiveLabel {
            rows.append(["class \(positive)"] + Self.scores(binary))
        }
        rows += [["macro"] + Self.scores(result.macro), ["micro"] + Self.scores(result.micro), ["weighted"] + Self.scores(result.weighted)]
        out += TextTable.render(headers: ["average", "precision", "recall", "f1"], rows: rows) + "\n\n"
        let labels = result.confusionMatrix.labels.map(\.description)
        out += "Confusion matrix (rows: actual, columns: predicted)\n"
        out += TextTable.render(headers: ["actual \\ predicted"] + labels,
                                rows: zip(labels, result.confusionMatrix.counts).map { [$0] + $1.map(String.init) }) + "\n"
        return out
    }

    private static func scores(_ value: PrecisionRecallF1) -> [String] {
        [number(value.precision), number(value.recall), number(value.f1)]
    }

    static func number(_ value: Double) -> String {
        value.isFinite ? String(format: "%.6g", value) : "\(value)"
    }
}
