import CapstanStats

extension ModelEvaluation {
    /// Accuracy, precision/recall/F1 under every averaging, the confusion matrix and, with
    /// a score column, the ranking metrics and log loss of a binary classifier.
    ///
    /// The positive class is `--pos-label`, else the greater of two classes: scikit-learn's
    /// choice for `roc_auc_score` and `log_loss` (1 for 0/1, "yes" for no/yes). Its
    /// `precision_score` defaults to `pos_label=1` instead, which has no meaning for text
    /// labels; pass `--pos-label` to score the other class.
    static func classify(target: ColumnReader, prediction: ColumnReader, score: ColumnReader?,
                         options: Options) throws(DataFileError) -> Classification {
        let truth = try target.labels()
        let predicted = try prediction.labels()
        guard target.holdsText == prediction.holdsText else {
            let kinds = target.holdsText ? ("text", "numbers") : ("numbers", "text")
            throw prediction.failure(row: nil, "the target holds \(kinds.0) but the prediction holds \(kinds.1); labels must be of one kind to be compared")
        }
        let classes = Set(truth).union(predicted).sorted()
        let classList = classes.map(\.description).joined(separator: ", ")

        var positive: ClassLabel? = classes.count == 2 ? classes[1] : nil
        if let written = options.positiveLabel {
            let label: ClassLabel
            if target.holdsText {
                label = .text(written)
            } else if let number = Array(written.utf8).withUnsafeBufferPointer({ CellReading.number($0) }) {
                label = .number(number.value)
            } else {
                throw target.failure(row: nil, "--pos-label '\(written)' is not a number, but the classes are (\(classList))")
            }
            guard classes.contains(label) else {
                throw target.failure(row: nil, "--pos-label '\(written)' is not one of the classes (\(classList))")
            }
            guard classes.count <= 2 else {
                throw target.failure(row: nil, "--pos-label names the positive class of a binary task, but there are \(classes.count) classes (\(classList))")
            }
            positive = label
        }

        // Non-empty columns of one table have equal lengths, the only nil cases below
        // apart from `.binary`'s, which the checks above rule out.
        var result = Classification(
            classes: classes,
            accuracy: ClassificationMetrics.accuracy(yTrue: truth, yPred: predicted)!,
            positiveLabel: positive,
            binary: positive.flatMap { ClassificationMetrics.precisionRecallF1(yTrue: truth, yPred: predicted, average: .binary(positiveLabel: $0)) },
            macro: ClassificationMetrics.precisionRecallF1(yTrue: truth, yPred: predicted, average: .macro)!,
            micro: ClassificationMetrics.precisionRecallF1(yTrue: truth, yPred: predicted, average: .micro)!,
            weighted: ClassificationMetrics.precisionRecallF1(yTrue: truth, yPred: predicted, average: .weighted)!,
            confusionMatrix: ConfusionMatrix(yTrue: truth, yPred: predicted)!
        )
        guard let score else { return result }

        guard classes.count <= 2 else {
            throw score.failure(row: nil, "--score is the probability of the positive class of a binary task, but there are \(classes.count) classes (\(classList))")
        }
        let truthClasses = Set(truth)
        guard truthClasses.count == 2, let positive else {
            throw target.failure(row: nil, """
                --score needs both classes in the target to rank the scores (ROC AUC is undefined otherwise); \
                the target holds only \(truthClasses.first?.description ?? "nothing")
                """)
        }
        let scores = try score.probabilities()
        let isPositive = truth.map { $0 == positive ? 1 : 0 }
        // Both classes are present and every score is finite, so none of these is nil.
        result.rocAUC = RankingMetrics.rocAUC(yTrue: truth, scores: scores, positiveLabel: positive)
        result.averagePrecision = RankingMetrics.averagePrecision(yTrue: truth, scores: scores, positiveLabel: positive)
        // As `log_loss(y_true == pos, score)`: the score is the positive class's probability
        // whichever class sorts last.
        result.logLoss = ClassificationMetrics.logLoss(yTrue: isPositive, positiveProbabilities: scores, labels: [0, 1])
        return result
    }
}
