import Foundation

/// How per-class scores are combined into one number.
///
/// The choice matters for monitoring: `micro` follows the bulk of the traffic (for
/// single-label data it equals accuracy), `macro` lets a rare class that collapses drag
/// the score down, and `weighted` sits between. `binary` scores one class of interest,
/// for example "fraud", the way scikit-learn's `average="binary"` with `pos_label` does.
public enum ClassAveraging<T: Hashable & Comparable> {
    /// Scores only `positiveLabel`. The data must hold at most two distinct labels.
    case binary(positiveLabel: T)
    /// Unweighted mean over every label seen in either the truth or the predictions.
    case macro
    /// Computed from the counts pooled over all labels.
    case micro
    /// Mean over labels weighted by how often each is the true label (its support).
    case weighted
}

extension ClassAveraging: Equatable {}
extension ClassAveraging: Sendable where T: Sendable {}

/// Precision, recall and F1 from the same counts, so a dashboard gets all three in one pass.
public struct PrecisionRecallF1: Sendable, Equatable {
    public var precision: Double
    public var recall: Double
    public var f1: Double

    public init(precision: Double, recall: Double, f1: Double) {
        self.precision = precision
        self.recall = recall
        self.f1 = f1
    }
}

/// Classification quality of a window of predictions joined to ground truth, matching
/// scikit-learn 1.9.1 (`sklearn.metrics`) to within rounding, so numbers in Capstan agree
/// with the ones a team computed offline when it validated the model.
///
/// Conventions shared by every function here:
/// - Bad input (empty arrays, different lengths, labels or probabilities scikit-learn
///   would reject) returns nil instead of throwing. A monitor evaluating thousands of
///   windows wants "no value for this window", not an exception; the doc of each
///   function lists its nil cases so a caller can tell the user what to fix.
/// - Labels are any `Hashable & Comparable` type; classes are ordered by `<`, as
///   scikit-learn orders them with `np.unique`. For `String` labels the two orders agree
///   whenever the labels are in Unicode normal form C (Swift compares the scalars of the
///   NFC form, NumPy compares code points), which covers ASCII class names.
/// - Zero division: when a precision, recall or F1 is undefined (nothing predicted as the
///   class, or no true instances of it), the value is 0.0. That is what scikit-learn's
///   default `zero_division="warn"` yields (it warns, then uses 0.0); we cannot warn, so we
///   document it. Undefined per-class values still count in `macro` and `weighted` means.
///
/// The algorithms follow scikit-learn's definitions (`precision_recall_fscore_support`,
/// `_log_loss`); the code is written independently and runs in O(n + k log k) time for
/// n predictions and k classes.
public enum ClassificationMetrics {
    /// Fraction of predictions equal to the truth (`accuracy_score`).
    ///
    /// Nil when the inputs are empty or of different lengths.
    public static func accuracy<T: Equatable>(yTrue: [T], yPred: [T]) -> Double? {
        guard !yTrue.isEmpty, yTrue.count == yPred.count else { return nil }
        var correct = 0
        for i in 0..<yTrue.count where yTrue[i] == yPred[i] { correct += 1 }
        return Double(correct) / Double(yTrue.count)
    }

    /// Precision, recall and F1 under one averaging rule (`precision_recall_fscore_support`
    /// with `beta=1`, `zero_division="warn"` → 0.0 for undefined values).
    ///
    /// Nil when the inputs are empty or of different lengths; for `.binary`, also when the
    /// data holds more than two labels, or two labels of which neither is `positiveLabel`
    /// (scikit-learn raises in both cases). A positive label absent from a single-label
    /// window is allowed and scores 0.0, as in scikit-learn.
    public static func precisionRecallF1<T: Hashable & Comparable>(
        yTrue: [T], yPred: [T], average: ClassAveraging<T>
    ) -> PrecisionRecallF1? {
        guard let encoded = LabelEncoding(yTrue: yTrue, yPred: yPred) else { return nil }
        let k = encoded.labels.count
        // Per-class true positives, predicted counts and true counts (support).
        var truePositives = [Int](repeating: 0, count: k)
        var predicted = [Int](repeating: 0, count: k)
        var actual = [Int](repeating: 0, count: k)
        for i in 0..<encoded.trueCodes.count {
            let t = encoded.trueCodes[i], p = encoded.predCodes[i]
            actual[t] += 1
            predicted[p] += 1
            if t == p { truePositives[t] += 1 }
        }

        switch average {
        case .binary(let positive):
            guard k <= 2 else { return nil }
            guard let c = encoded.labels.firstIndex(of: positive) else {
                // scikit-learn accepts a positive label missing from one-label data and
                // scores it 0 (every ratio is 0/0); with two labels it is a mistake.
                return k == 2 ? nil : PrecisionRecallF1(precision: 0, recall: 0, f1: 0)
            }
            return scores(tp: truePositives[c], predicted: predicted[c], actual: actual[c])
        case .micro:
            return scores(tp: truePositives.reduce(0, +), predicted: predicted.reduce(0, +), actual: actual.reduce(0, +))
        case .macro, .weighted:
            let perClass = (0..<k).map { scores(tp: truePositives[$0], predicted: predicted[$0], actual: actual[$0]) }
            let weights = average == .macro ? [Double](repeating: 1, count: k) : actual.map(Double.init)
            let totalWeight = weights.reduce(0, +)
            // Only reachable for `.weighted` with no support at all, which non-empty input
            // rules out; scikit-learn returns the zero-division value there.
            guard totalWeight > 0 else { return PrecisionRecallF1(precision: 0, recall: 0, f1: 0) }
            func mean(_ value: (PrecisionRecallF1) -> Double) -> Double {
                var sum = CompensatedSum()
                for c in 0..<k { sum.add(value(perClass[c]) * weights[c]) }
                return sum.value / totalWeight
            }
            return PrecisionRecallF1(precision: mean(\.precision), recall: mean(\.recall), f1: mean(\.f1))
        }
    }

    /// Precision alone; see `precisionRecallF1` for the rules and nil cases.
    public static func precision<T: Hashable & Comparable>(yTrue: [T], yPred: [T], average: ClassAveraging<T>) -> Double? {
        precisionRecallF1(yTrue: yTrue, yPred: yPred, average: average)?.precision
    }

    /// Recall alone; see `precisionRecallF1` for the rules and nil cases.
    public static func recall<T: Hashable & Comparable>(yTrue: [T], yPred: [T], average: ClassAveraging<T>) -> Double? {
        precisionRecallF1(yTrue: yTrue, yPred: yPred, average: average)?.recall
    }

    /// F1 alone; see `precisionRecallF1` for the rules and nil cases.
    public static func f1<T: Hashable & Comparable>(yTrue: [T], yPred: [T], average: ClassAveraging<T>) -> Double? {
        precisionRecallF1(yTrue: yTrue, yPred: yPred, average: average)?.f1
    }

    /// F1 as 2·TP / (2·TP + FP + FN) = 2·TP / (predicted + actual), the form scikit-learn
    /// uses: it is defined whenever either count is non-zero, even if precision or recall
    /// is not, and avoids the rounding of the harmonic mean of two ratios.
    private static func scores(tp: Int, predicted: Int, actual: Int) -> PrecisionRecallF1 {
        PrecisionRecallF1(
            precision: predicted > 0 ? Double(tp) / Double(predicted) : 0,
            recall: actual > 0 ? Double(tp) / Double(actual) : 0,
            f1: predicted + actual > 0 ? 2 * Double(tp) / Double(predicted + actual) : 0
        )
    }

    // MARK: - Log loss

    /// Probabilities are clipped to [ε, 1 − ε] with ε = `Double.ulpOfOne` (2.22e-16), as
    /// scikit-learn 1.9.1 does with the machine epsilon of the input dtype (float64 here).
    /// A confident wrong answer (p = 0 for the true class) therefore costs −log ε ≈ 36.04
    /// instead of infinity, and one such row cannot make the whole window's loss infinite.
    static let logLossEpsilon = Double.ulpOfOne

    /// Mean log loss (cross-entropy) of binary predictions given as the probability of the
    /// positive class (`log_loss(y_true, p)` with a 1-D `p`).
    ///
    /// The positive class is the greater of the two labels (scikit-learn's
    /// `LabelBinarizer` order): 1 for 0/1 labels, "yes" for "no"/"yes". Pass `labels` (the
    /// two classes) when a window may contain only one of them; without it such a window
    /// returns nil, as scikit-learn raises.
    ///
    /// Nil when: inputs empty or of different lengths; a probability outside [0, 1] or not
    /// finite; the classes (from `labels`, else from `yTrue`) are not exactly two; `yTrue`
    /// holds a label missing from `labels`.
    public static func logLoss<T: Hashable & Comparable>(
        yTrue: [T], positiveProbabilities: [Double], labels: [T]? = nil
    ) -> Double? {
        guard !yTrue.isEmpty, yTrue.count == positiveProbabilities.count,
              let classes = logLossClasses(yTrue: yTrue, labels: labels), classes.count == 2
        else { return nil }
        var sum = CompensatedSum()
        for i in 0..<yTrue.count {
            let p = positiveProbabilities[i]
            guard p >= 0, p <= 1 else { return nil } // also rejects NaN
            // Like scikit-learn, form the negative column as 1 − p first, then clip.
            sum.add(-log(clipped(yTrue[i] == classes[1] ? p : 1 - p)))
        }
        return sum.value / Double(yTrue.count)
    }

    /// Mean log loss of multiclass predictions (`log_loss(y_true, P)` with a 2-D `P`).
    ///
    /// Column j of every row is the probability of the j-th class in sorted order (the
    /// order of `predict_proba` for a scikit-learn classifier fitted on these labels).
    /// Rows are NOT renormalised: scikit-learn 1.9.1 only warns when a row does not sum to
    /// one (older releases divided by the row sum), and we follow 1.9.1.
    ///
    /// Nil when: inputs empty or of different lengths; a row's length differs from the
    /// number of classes (from `labels`, else the distinct labels of `yTrue`); fewer than
    /// two classes; `yTrue` holds a label missing from `labels`; a probability outside
    /// [0, 1] or not finite.
    public static func logLoss<T: Hashable & Comparable>(
        yTrue: [T], probabilities: [[Double]], labels: [T]? = nil
    ) -> Double? {
        guard !yTrue.isEmpty, yTrue.count == probabilities.count,
              let classes = logLossClasses(yTrue: yTrue, labels: labels), classes.count >= 2
        else { return nil }
        var column = [T: Int](minimumCapacity: classes.count)
        for (j, label) in classes.enumerated() { column[label] = j }
        var sum = CompensatedSum()
        for i in 0..<yTrue.count {
            let row = probabilities[i]
            guard row.count == classes.count else { return nil }
            for p in row { guard p >= 0, p <= 1 else { return nil } }
            sum.add(-log(clipped(row[column[yTrue[i]]!])))
        }
        return sum.value / Double(yTrue.count)
    }

    /// Sorted distinct classes, or nil if `yTrue` uses a label outside `labels`.
    private static func logLossClasses<T: Hashable & Comparable>(yTrue: [T], labels: [T]?) -> [T]? {
        guard let labels else { return Set(yTrue).sorted() }
        let declared = Set(labels)
        for label in yTrue where !declared.contains(label) { return nil }
        return declared.sorted()
    }

    private static func clipped(_ p: Double) -> Double {
        min(max(p, logLossEpsilon), 1 - logLossEpsilon)
    }
}
