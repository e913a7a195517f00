import CapstanJSON
import CapstanStats

extension ModelEvaluation {
    /// The evaluation as `capstan evaluate --format json` prints it. The shape is fixed per
    /// task, so scripts can read it without probing: a member that does not apply is null,
    /// never absent.
    ///
    /// ```text
    /// {"data", "rows", "task", "task_reason", "target", "prediction", "score",
    ///  "metrics": classification: {"classes", "accuracy_score", "pos_label",
    ///                              "binary": {"precision", "recall", "f1"} | null,
    ///                              "macro", "micro", "weighted": {"precision", "recall", "f1"},
    ///                              "roc_auc", "average_precision", "log_loss" (null without --score),
    ///                              "confusion_matrix": {"labels", "counts"}}
    ///            regression: {"mean_absolute_error", "root_mean_squared_error",
    ///                         "mean_absolute_percentage_error", "r2_score"}}
    /// ```
    ///
    /// Labels are JSON numbers or strings as the file holds them; `counts[i][j]` is how
    /// many rows of actual class `labels[i]` were predicted `labels[j]`. Metric names are
    /// scikit-learn's and MLflow's, except `average_precision`: MLflow's
    /// `precision_recall_auc` is a trapezoidal area, a different number.
    public func json() -> JSONValue {
        var report = JSONObjectBuilder()
        report.set("data", source)
        report.set("rows", Int64(rows))
        report.set("task", task.rawValue)
        report.set("task_reason", taskReason)
        report.set("target", options.target)
        report.set("prediction", options.prediction)
        report.set("score", options.score.map(JSONValue.string) ?? .null)
        switch metrics {
        case .classification(let result): report.set("metrics", Self.json(result))
        case .regression(let result): report.set("metrics", Self.json(result))
        }
        return report.value
    }

    static func json(_ result: Classification) -> JSONValue {
        func scores(_ value: PrecisionRecallF1?) -> JSONValue {
            guard let value else { return .null }
            return .object([("precision", .double(value.precision)), ("recall", .double(value.recall)), ("f1", .double(value.f1))])
        }
        func number(_ value: Double?) -> JSONValue { value.map(JSONValue.double) ?? .null }
        var metrics = JSONObjectBuilder()
        metrics.set("classes", .array(result.classes.map(\.json)))
        metrics.set("accuracy_score", .double(result.accuracy))
        metrics.set("pos_label", result.positiveLabel?.json ?? .null)
        metrics.set("binary", scores(result.binary))
        metrics.set("macro", scores(result.macro))
        metrics.set("micro", scores(result.micro))
        metrics.set("weighted", scores(result.weighted))
        metrics.set("roc_auc", number(result.rocAUC))
        metrics.set("average_precision", number(result.averagePrecision))
        metrics.set("log_loss", number(result.logLoss))
        metrics.set("confusion_matrix", .object([
            ("labels", .array(result.confusionMatrix.labels.map(\.json))),
            ("counts", .array(result.confusionMatrix.counts.map { .array($0.map { .int(Int64($0)) }) })),
        ]))
        return metrics.value
    }

    static func json(_ result: Regression) -> JSONValue {
        .object([
            ("mean_absolute_error", .double(result.meanAbsoluteError)),
            ("root_mean_squared_error", .double(result.rootMeanSquaredError)),
            ("mean_absolute_percentage_error", .double(result.meanAbsolutePercentageError)),
            ("r2_score", result.r2.map(JSONValue.double) ?? .null),
        ])
    }
}

extension ClassLabel {
    /// A number stays a JSON number (whole ones as integers), text a string.
    var json: JSONValue {
        switch self {
        case .text(let text): .string(text)
        case .number(let value): value == value.rounded() && abs(value) < 9.0e15 ? .int(Int64(value)) : .double(value)
        }
    }
}
