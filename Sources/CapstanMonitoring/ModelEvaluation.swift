import CapstanStats

/// How good a model's predictions are against the ground truth, computed offline from one
/// table with a target column, a prediction column and, for a binary classifier, a score
/// column: the counterpart of `mlflow.evaluate` on a predictions file, so a team can score
/// a model the way a performance monitor will score it in production.
///
/// The numbers come from `CapstanStats` (``ClassificationMetrics``, ``ConfusionMatrix``,
/// ``RankingMetrics``, ``RegressionMetrics``), which match scikit-learn 1.9.1; this type
/// only reads the columns, checks them and picks the labels. Every problem with the data is
/// a ``DataFileError`` naming the file, the column and, for a bad cell, its line, because a
/// metric quietly computed over a half-broken join is worse than none.
///
/// ```swift
/// let table = try DataTable.read(csv: "predictions.csv")
/// let evaluation = try ModelEvaluation(table, options: .init(target: "churned", prediction: "label", score: "p_churn"))
/// ```
public struct ModelEvaluation: Sendable {
    /// What the predictions are: classes, or numbers measured by their distance to the truth.
    public enum Task: String, Sendable, CaseIterable {
        case classification, regression
    }

    /// Which columns play which part, as `capstan evaluate`'s flags name them.
    public struct Options: Sendable {
        /// The ground truth.
        public var target: String
        /// The model's output: a class, or a number for regression.
        public var prediction: String
        /// Probability of the positive class (binary classification only).
        public var score: String?
        /// nil: inferred (see ``inferTask(target:options:)``).
        public var task: Task?
        /// The positive class as written in the file; nil: the greater of the two classes.
        public var positiveLabel: String?

        public init(target: String, prediction: String, score: String? = nil, task: Task? = nil, positiveLabel: String? = nil) {
            self.target = target
            self.prediction = prediction
            self.score = score
            self.task = task
            self.positiveLabel = positiveLabel
        }
    }

    /// Classification quality. Classes are the sorted union of the target's and the
    /// prediction's labels (scikit-learn's `unique_labels`).
    public struct Classification: Sendable {
        /// Sorted, as scikit-learn's `np.unique` sorts them.
        public var classes: [ClassLabel]
        /// Share of rows whose prediction equals the target.
        public var accuracy: Double
        /// The class the binary scores are about; nil with more than two classes.
        public var positiveLabel: ClassLabel?
        /// Precision, recall and F1 of `positiveLabel` alone (`average="binary"`).
        public var binary: PrecisionRecallF1?
        /// Unweighted mean over the classes: a rare class that collapses drags it down.
        public var macro: PrecisionRecallF1
        /// From the pooled counts (precision = recall = F1 = accuracy for one label per row).
        public var micro: PrecisionRecallF1
        /// Mean weighted by each class's count in the target.
        public var weighted: PrecisionRecallF1
        /// Rows: actual class; columns: predicted class; both in `classes` order.
        public var confusionMatrix: ConfusionMatrix<ClassLabel>
        /// With a score column only.
        public var rocAUC: Double?
        /// scikit-learn's `average_precision_score`: the step-wise sum Σ (Rₖ − Rₖ₋₁) Pₖ, not
        /// the trapezoidal area MLflow reports as `precision_recall_auc`.
        public var averagePrecision: Double?
        /// Mean cross-entropy with probabilities clipped to [ε, 1 − ε], ε = 2.2e-16.
        public var logLoss: Double?
    }

    /// Regression error, as fractions for MAPE (0.1 is 10%).
    public struct Regression: Sendable {
        /// In the target's unit.
        public var meanAbsoluteError: Double
        /// In the target's unit; large misses weigh more.
        public var rootMeanSquaredError: Double
        /// |y − ŷ| / max(|y|, 2.2e-16), averaged: enormous when a target is 0.
        public var meanAbsolutePercentageError: Double
        /// nil with a single row (undefined; scikit-learn returns NaN).
        public var r2: Double?
    }

    /// The task's numbers; one case per ``Task``.
    public enum Metrics: Sendable {
        case classification(Classification)
        case regression(Regression)
    }

    /// The options the evaluation ran with.
    public let options: Options
    public let task: Task
    /// Why the task is what it is: the flag, or the rule that inferred it.
    public let taskReason: String
    /// Rows scored: every row of the file (none may be skipped).
    public let rows: Int
    public let metrics: Metrics
    /// The table's source, for reports.
    public let source: String

    /// Classification codes seldom have more classes than this; a whole-number target
    /// with more distinct values is taken for a count or an amount (regression).
    public static let maximumInferredClasses = 20

    /// Evaluates `table`; throws a ``DataFileError`` for a missing column, a missing or
    /// malformed cell (with its line), labels of two kinds, a score outside [0, 1], a score
    /// with fewer or more than two classes, or a positive label that is not a class.
    public init(_ table: DataTable, options: Options) throws(DataFileError) {
        for (flag, name) in [("--target", options.target), ("--prediction", options.prediction), ("--score", options.score)] {
            if let name, table.column(named: name) == nil {
                throw DataFileError(file: table.source, line: 1, column: name,
                                    message: "\(flag) names a column the file does not have (columns: \(table.names.joined(separator: ", ")))")
            }
        }
        guard table.rowCount > 0 else {
            throw DataFileError(file: table.source, line: nil, column: nil, message: "the file has a header but no rows to evaluate")
        }
        let target = ColumnReader(table: table, name: options.target, role: "target")
        let (task, reason) = Self.inferTask(target: table.column(named: options.target)!, options: options)
        self.options = options
        self.task = task
        self.taskReason = reason
        self.rows = table.rowCount
        self.source = table.source
        switch task {
        case .classification:
            let prediction = ColumnReader(table: table, name: options.prediction, role: "prediction")
            let score = options.score.map { ColumnReader(table: table, name: $0, role: "score") }
            metrics = .classification(try Self.classify(target: target, prediction: prediction, score: score, options: options))
        case .regression:
            guard options.score == nil, options.positiveLabel == nil else {
                throw DataFileError(file: table.source, line: nil, column: nil,
                                    message: "--score and --pos-label apply to classification, but the task is regression (\(reason))")
            }
            let prediction = ColumnReader(table: table, name: options.prediction, role: "prediction")
            metrics = .regression(try Self.regress(target: target, prediction: prediction))
        }
    }

    /// The task when `--task` is not given, decided from the target alone so that a bad
    /// prediction column cannot change it:
    /// - `--score` or `--pos-label` given: classification (they only mean something there);
    /// - the target holds text: classification;
    /// - the target holds whole numbers only, with at most ``maximumInferredClasses``
    ///   distinct values: classification (class codes such as 0/1 or 1…5);
    /// - otherwise (fractions, or many distinct whole numbers): regression.
    ///
    /// A regression on small counts (0…20) is therefore taken for classification; such a
    /// target needs `--task regression`, and the reason printed with the report says so.
    static func inferTask(target: DataTable.Column, options: Options) -> (Task, String) {
        if let task = options.task { return (task, "given by --task") }
        if options.score != nil { return (.classification, "inferred: --score was given") }
        if options.positiveLabel != nil { return (.classification, "inferred: --pos-label was given") }
        switch target {
        case .text:
            return (.classification, "inferred: the target holds text")
        case .numeric(let values):
            var distinct = Set<Double>()
            for value in values where !value.isNaN {
                guard value.isFinite, value == value.rounded() else {
                    return (.regression, "inferred: the target holds numbers with fractions; --task classification to override")
                }
                distinct.insert(value)
                if distinct.count > maximumInferredClasses {
                    return (.regression, "inferred: the target holds more than \(maximumInferredClasses) distinct numbers; --task classification to override")
                }
            }
            return (.classification, "inferred: the target holds whole numbers with \(distinct.count) distinct values (class codes); --task regression to override")
        }
    }
}
