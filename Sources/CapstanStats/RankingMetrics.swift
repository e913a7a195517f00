/// Threshold-free quality of a binary scorer: how well its scores rank positives above
/// negatives, whatever cut-off the serving side later applies. Matches scikit-learn 1.9.1's
/// `roc_auc_score` and `average_precision_score` for binary targets.
///
/// Both walk the scores once in descending order after an O(n log n) sort, so a window of
/// a million predictions costs a sort, never a pairwise comparison. Samples with equal
/// scores are one threshold, as in scikit-learn's `_binary_clf_curve`: a model cannot be
/// credited for an order among ties that it never expressed.
///
/// Bad input returns nil (see each function), like the rest of `CapstanStats`.
public enum RankingMetrics {
    /// Area under the ROC curve: the probability that a random positive outscores a random
    /// negative, counting ties as half (`roc_auc_score` for binary `y_true`).
    ///
    /// Computed as the trapezoid rule over the ROC points with tied scores collapsed into
    /// one point, which is what scikit-learn does; the diagonal segment across a tie is
    /// exactly the "ties count half" rule. Areas are accumulated in integer counts, so the
    /// only rounding is the final division.
    ///
    /// `positiveLabel` defaults to the greater of the two labels, scikit-learn's choice
    /// (`label_binarize` on the sorted classes): 1 for 0/1, "yes" for "no"/"yes".
    ///
    /// Nil when: inputs empty or of different lengths; a score is NaN or infinite;
    /// `yTrue` does not hold exactly two distinct labels (with one class the AUC is
    /// undefined; scikit-learn warns and returns NaN); `positiveLabel` is not one of them.
    @inlinable // lets callers specialise the label scan for their `T`; about 3× faster
    public static func rocAUC<T: Hashable & Comparable>(yTrue: [T], scores: [Double], positiveLabel: T? = nil) -> Double? {
        guard let isPositive = binarize(yTrue, positiveLabel: positiveLabel, requireBothClasses: true) else { return nil }
        return rocAUC(isPositive: isPositive, scores: scores)
    }

    /// ROC AUC for targets already reduced to positive/negative; see the labelled version.
    /// Nil when empty, lengths differ, a score is not finite, or only one class is present.
    public static func rocAUC(isPositive: [Bool], scores: [Double]) -> Double? {
        guard let groups = tieGroups(isPositive: isPositive, scores: scores),
              let last = groups.last, last.tp > 0, last.fp > 0 else { return nil }
        // Twice the area in units of (one false positive × one true positive).
        var doubleArea = 0
        var previous = (tp: 0, fp: 0)
        for point in groups {
            doubleArea += (point.fp - previous.fp) * (point.tp + previous.tp)
            previous = point
        }
        return Double(doubleArea) / (2 * Double(last.tp) * Double(last.fp))
    }

    /// Average precision, scikit-learn's `average_precision_score` for binary targets:
    /// Σₖ (Rₖ − Rₖ₋₁) · Pₖ over the distinct score thresholds in descending order.
    ///
    /// This is a step-wise sum, NOT the trapezoid area under the precision-recall curve:
    /// linear interpolation between PR points is optimistic (precision does not vary
    /// linearly with recall), which is why scikit-learn dropped it. Do not compare it with
    /// tools that report a trapezoidal "PR AUC".
    ///
    /// `positiveLabel` is required: scikit-learn's default (`pos_label=1`) has no generic
    /// meaning, and for labels {1, 2} it picks the smaller one, unlike `rocAUC`.
    ///
    /// Nil when: inputs empty or of different lengths; a score is NaN or infinite; `yTrue`
    /// holds more than two labels, or two of which neither is `positiveLabel`; no sample is
    /// positive. The last case deviates on purpose: scikit-learn warns and returns 0.0,
    /// which a monitor would chart as a collapsed model rather than a window with no
    /// positives to rank.
    @inlinable // lets callers specialise the label scan for their `T`
    public static func averagePrecision<T: Hashable & Comparable>(yTrue: [T], scores: [Double], positiveLabel: T) -> Double? {
        guard let isPositive = binarize(yTrue, positiveLabel: positiveLabel, requireBothClasses: false) else { return nil }
        return averagePrecision(isPositive: isPositive, scores: scores)
    }

    /// Average precision for targets already reduced to positive/negative; see the
    /// labelled version. Nil when empty, lengths differ, a score is not finite, or there
    /// are no positives. All-positive input gives 1.0, as in scikit-learn.
    public static func averagePrecision(isPositive: [Bool], scores: [Double]) -> Double? {
        guard let groups = tieGroups(isPositive: isPositive, scores: scores),
              let last = groups.last, last.tp > 0 else { return nil }
        var sum = CompensatedSum()
        var previousTP = 0
        for point in groups where point.tp > previousTP {
            // (recall step) × precision at this threshold, with the 1/P factored out.
            sum.add(Double(point.tp - previousTP) * (Double(point.tp) / Double(point.tp + point.fp)))
            previousTP = point.tp
        }
        return sum.value / Double(last.tp)
    }

    /// Cumulative (true positives, false positives) after each distinct score, highest
    /// score first: the points of scikit-learn's `_binary_clf_curve`. Nil on empty or
    /// mismatched input or a non-finite score (scikit-learn rejects those too).
    private static func tieGroups(isPositive: [Bool], scores: [Double]) -> [(tp: Int, fp: Int)]? {
        guard !scores.isEmpty, scores.count == isPositive.count, scores.allSatisfy(\.isFinite) else { return nil }
        // Sort the positives' and the negatives' scores separately as plain Double arrays
        // (much faster than sorting pairs or indices through a closure), then merge them
        // from the top: each step takes every score equal to the current maximum.
        var positives = [Double](), negatives = [Double]()
        for i in 0..<scores.count {
            if isPositive[i] { positives.append(scores[i]) } else { negatives.append(scores[i]) }
        }
        positives.sort()
        negatives.sort()

        var groups = [(tp: Int, fp: Int)]()
        var p = positives.count, n = negatives.count // unconsumed prefixes, consumed from the end
        while p > 0 || n > 0 {
            let threshold = max(p > 0 ? positives[p - 1] : -.infinity, n > 0 ? negatives[n - 1] : -.infinity)
            // -0.0 == 0.0, so they form one group, as in NumPy's `diff`.
            while p > 0, positives[p - 1] == threshold { p -= 1 }
            while n > 0, negatives[n - 1] == threshold { n -= 1 }
            groups.append((positives.count - p, negatives.count - n))
        }
        return groups
    }

    /// Maps labels to positive/negative. Nil for more than two distinct labels, or for a
    /// positive label that is absent while two labels are present. With
    /// `requireBothClasses`, also nil unless exactly two labels are present.
    @inlinable
    static func binarize<T: Hashable & Comparable>(_ yTrue: [T], positiveLabel: T?, requireBothClasses: Bool) -> [Bool]? {
        // At most two labels are allowed, so comparing against the ones seen so far is
        // cheaper than hashing.
        var distinct = [T]()
        for label in yTrue where !distinct.contains(label) {
            if distinct.count == 2 { return nil }
            distinct.append(label)
        }
        if requireBothClasses, distinct.count != 2 { return nil }
        guard let positive = positiveLabel ?? distinct.max() else { return nil }
        if distinct.count == 2, !distinct.contains(positive) { return nil }
        return yTrue.map { $0 == positive }
    }
}
