import Foundation

/// Error of numeric predictions against ground truth, matching scikit-learn 1.9.1's
/// `mean_absolute_error`, `root_mean_squared_error`, `mean_absolute_percentage_error` and
/// `r2_score` (single output, no sample weights).
///
/// Bad input returns nil rather than throwing, like the rest of `CapstanStats`: a monitor
/// evaluating many windows wants "no value here", and the nil cases are few:
/// - empty inputs or inputs of different lengths (the join of truth to predictions failed);
/// - a NaN or infinite value on either side (scikit-learn rejects those as well);
/// - for `r2`, fewer than two samples (scikit-learn warns and returns NaN).
///
/// Sums are compensated (Neumaier), so a million-row window does not drift from NumPy's
/// pairwise sums by more than rounding of the result.
public enum RegressionMetrics {
    /// Mean |y − ŷ|: the typical miss in the target's own unit, robust to a few outliers.
    public static func meanAbsoluteError(yTrue: [Double], yPred: [Double]) -> Double? {
        meanOfTerms(yTrue, yPred) { t, p in abs(p - t) }
    }

    /// √(mean (y − ŷ)²): same unit as the target but punishes large misses, which is what
    /// alerts on "the model is sometimes badly wrong" need.
    public static func rootMeanSquaredError(yTrue: [Double], yPred: [Double]) -> Double? {
        meanOfTerms(yTrue, yPred) { t, p in (t - p) * (t - p) }.map { $0.squareRoot() }
    }

    /// Mean |y − ŷ| / max(|y|, ε) with ε = `Double.ulpOfOne`, as scikit-learn defines it.
    ///
    /// The result is a fraction, not a percentage (0.1 means 10%). ε only keeps the
    /// division finite: a true value of 0 with any miss yields an enormous term (miss /
    /// 2.2e-16), deliberately, because MAPE is meaningless there; use MAE when the target
    /// can be zero.
    public static func meanAbsolutePercentageError(yTrue: [Double], yPred: [Double]) -> Double? {
        meanOfTerms(yTrue, yPred) { t, p in abs(p - t) / max(abs(t), Double.ulpOfOne) }
    }

    /// Coefficient of determination R² = 1 − SS_res / SS_tot: the share of the target's
    /// variance the model explains (1 is perfect, 0 is "predicts the mean", negative is
    /// worse than that).
    ///
    /// When `yTrue` is constant SS_tot is 0 and the ratio is undefined; like scikit-learn's
    /// default `force_finite=True`, the result is then 1.0 if the predictions are perfect
    /// and 0.0 otherwise, so a window where the target happens not to vary cannot put NaN
    /// or −∞ on a chart.
    ///
    /// Deviation: "constant" is decided by comparing the values exactly. scikit-learn
    /// tests the computed SS_tot for zero, and its floating-point mean of a constant such
    /// as 0.1 can be off by an ulp (0.1 × 3 sums to 0.30000000000000004), leaving SS_tot
    /// around 1e-33 and an R² near −1.7e31. We return the special-case value there instead.
    ///
    /// Nil when inputs are empty, of different lengths, not finite, or hold fewer than two
    /// samples.
    public static func r2(yTrue: [Double], yPred: [Double]) -> Double? {
        guard yTrue.count >= 2, yTrue.count == yPred.count,
              yTrue.allSatisfy(\.isFinite), yPred.allSatisfy(\.isFinite) else { return nil }
        var residual = CompensatedSum()
        for i in 0..<yTrue.count { residual.add((yTrue[i] - yPred[i]) * (yTrue[i] - yPred[i])) }
        let ssRes = residual.value
        let isConstant = yTrue.allSatisfy { $0 == yTrue[0] }
        if isConstant { return ssRes == 0 ? 1 : 0 }
        var total = CompensatedSum()
        for y in yTrue { total.add(y) }
        let mean = total.value / Double(yTrue.count)
        var spread = CompensatedSum()
        for y in yTrue { spread.add((y - mean) * (y - mean)) }
        let ssTot = spread.value
        if ssRes == 0 { return 1 }
        // Unreachable in exact arithmetic for non-constant y; kept for scikit-learn's rule.
        if ssTot == 0 { return 0 }
        return 1 - ssRes / ssTot
    }

    /// Mean of `term(y, ŷ)` over the pairs, or nil for empty, mismatched or non-finite input.
    private static func meanOfTerms(_ yTrue: [Double], _ yPred: [Double], _ term: (Double, Double) -> Double) -> Double? {
        guard !yTrue.isEmpty, yTrue.count == yPred.count else { return nil }
        var sum = CompensatedSum()
        for i in 0..<yTrue.count {
            guard yTrue[i].isFinite, yPred[i].isFinite else { return nil }
            sum.add(term(yTrue[i], yPred[i]))
        }
        return sum.value / Double(yTrue.count)
    }
}
