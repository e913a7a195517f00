import Foundation

/// Evidently's `z` drift test, which it picks for columns with at most two distinct values
/// (when the reference has at most 1,000 rows).
public enum TwoProportionZ {
    /// Evidently's column Z test (`evidently/legacy/calculations/stattests/z_stattest.py`,
    /// 0.7.x), reproduced so that a Capstan report flags the same columns as an Evidently
    /// one; drift is `pValue < threshold` (0.05 by default, strict `<`).
    ///
    /// - Each value becomes 0 if it equals the smallest distinct value of both sides together
    ///   (`sorted(keys)[0]`) and 1 otherwise, so a column with more than two values is tested
    ///   as "smallest value" against "anything else". Order is `Comparable`'s: numeric for
    ///   numbers, code point for (NFC) strings, as Python's `sorted`.
    /// - Pooled two-proportion test of the shares of 1s: `statistic` is
    ///   z = (p_ref − p_cur)/√(P(1−P)(1/n_ref + 1/n_cur)) (reference minus current, Evidently's
    ///   sign), and the p-value is two-sided.
    /// - Both sides constant with the same value: p = 1 and z = 0 (Evidently returns p = 1
    ///   without computing z, which would be 0/0). In every other case the pooled P lies
    ///   strictly between 0 and 1 (the smallest value occurs somewhere, and not every value
    ///   is it), so the variance is positive.
    /// - Deviation, on purpose: Evidently computes p = 2(1 − Φ(|z|)), which is exactly 0 once
    ///   p < 1.1e-16 (|z| > 8.3). This uses the normal survival function, 2·Φ(−|z|) via
    ///   erfc, which agrees to ~1e-16 absolute wherever Evidently's value is nonzero and keeps
    ///   full relative precision far below that, so very different drifts stay
    ///   distinguishable. Both give the same verdict at any threshold above 1e-15.
    /// - NaN and ±∞ are dropped from floating-point columns first, as in Evidently's column
    ///   preprocessing. Returns nil when a side is empty after that (Evidently raises).
    public static func test<T: Hashable & Comparable>(reference: [T], current: [T]) -> TestResult? {
        let (referenceCounts, referenceTotal) = ChiSquare.valueCounts(reference)
        let (currentCounts, currentTotal) = ChiSquare.valueCounts(current)
        guard referenceTotal > 0, currentTotal > 0 else { return nil }
        if referenceCounts.count == 1, currentCounts.count == 1, referenceCounts.keys.first == currentCounts.keys.first {
            return TestResult(statistic: 0, pValue: 1, degrees: nil)
        }
        // keys[0] of the sorted union; the non-empty checks above make both minima exist.
        let smallest = [referenceCounts.keys.min(), currentCounts.keys.min()].compactMap { $0 }.min()!
        return pooled(
            others1: referenceTotal - (referenceCounts[smallest] ?? 0), total1: referenceTotal,
            others2: currentTotal - (currentCounts[smallest] ?? 0), total2: currentTotal)
    }

    /// A Boolean column, with `false` as the first key (Python sorts False before True).
    public static func test(reference: [Bool], current: [Bool]) -> TestResult? {
        test(reference: reference.map { $0 ? 1 : 0 }, current: current.map { $0 ? 1 : 0 })
    }

    /// The pooled z test on counts of 1s, with Evidently's floating-point steps
    /// (`proportions_diff_z_stat_ind`) and the survival-function tail.
    static func pooled(others1: Int, total1: Int, others2: Int, total2: Int) -> TestResult {
        let n1 = Double(total1), n2 = Double(total2)
        let p1 = Double(others1) / n1, p2 = Double(others2) / n2
        let pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
        let z = (p1 - p2) / (pooled * (1 - pooled) * (1 / n1 + 1 / n2)).squareRoot()
        return TestResult(statistic: z, pValue: 2 * NormalDistribution.survival(abs(z)), degrees: nil)
    }
}
