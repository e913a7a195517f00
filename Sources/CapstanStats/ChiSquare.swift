import Foundation

/// The chi-square distribution's upper tail, and the chi-square drift test Evidently runs on
/// categorical columns (and on numeric columns with 3 to 5 distinct values when the
/// reference has at most 1,000 rows).
public enum ChiSquare {
    /// P(χ²ₖ > x) = Q(k/2, x/2), with relative precision in the far tail (a drift monitor
    /// compares and logs p-values like 1e-80, which `1 − cdf` would round to 0).
    ///
    /// The edges follow scipy's `chdtrc`, so a ported test gives the same verdict:
    /// NaN for x < 0, degrees < 0 or NaN input; survival(0, k) = 1; and at 0 degrees (a
    /// test with a single category) the distribution is a point mass at 0, so any x > 0
    /// gives 0 and x = 0 gives NaN.
    public static func survival(_ x: Double, degrees: Double) -> Double {
        guard !x.isNaN, !degrees.isNaN, x >= 0, degrees >= 0 else { return .nan }
        if degrees == 0 { return x > 0 ? 0 : .nan }
        return IncompleteGamma.upperRegularized(degrees / 2, x / 2)
    }

    /// Evidently's `chisquare` drift test (`evidently/legacy/calculations/stattests/
    /// chisquare_stattest.py`, 0.7.x): Pearson's goodness-of-fit of the current column's
    /// category counts against the reference's proportions, not a contingency test of the two
    /// samples. It is reproduced exactly so that a Capstan report flags the same columns as
    /// an Evidently one; drift is `pValue < threshold` (0.05 by default, strict `<`).
    ///
    /// - Categories are the union of both sides' distinct values; one absent from a side
    ///   counts 0 there. Expected = reference count · (n_current / n_reference), observed =
    ///   current count, degrees = categories − 1 (`scipy.stats.chisquare(f_obs, f_exp)`).
    /// - A category seen only in current has expected 0, so its term is x/0 = ∞: the statistic
    ///   is ∞ and p = 0. That is how Evidently flags a new category, a side effect of the
    ///   arithmetic rather than a rule. (0/0 cannot occur: every category is seen somewhere.)
    ///   A category that vanished from current contributes its full expected count.
    /// - One category in all (degrees 0): scipy's p is NaN when the statistic is exactly 0,
    ///   which is never drift, but 0 (drift!) when n_ref · (n_cur/n_ref) rounds away from
    ///   n_cur, e.g. 49 reference and 1 current row. The expected counts are computed with
    ///   the same floating-point operations as Evidently so that this quirk is reproduced too.
    /// - As in Evidently's column preprocessing (`data_drift.py::get_one_column_drift`), NaN
    ///   and ±∞ are dropped from floating-point columns first. Other missing markers (nil,
    ///   "") are values here; drop them before calling.
    ///
    /// Returns nil when a side is empty after that (Evidently raises `ValueError`).
    /// Counting is one dictionary pass per side.
    public static func goodnessOfFit<T: Hashable>(reference: [T], current: [T]) -> TestResult? {
        let (referenceCounts, referenceTotal) = valueCounts(reference)
        let (currentCounts, currentTotal) = valueCounts(current)
        guard referenceTotal > 0, currentTotal > 0 else { return nil }

        // Evidently's k_norm and f_exp, operation for operation.
        let scale = Double(currentTotal) / Double(referenceTotal)
        // Neumaier-compensated, so the statistic is within an ulp or two whatever the order
        // (numpy sums pairwise, in Python's set order).
        var sum = CompensatedSum()
        for (category, count) in referenceCounts {
            let expected = Double(count) * scale
            let difference = Double(currentCounts[category] ?? 0) - expected
            sum.add(difference * difference / expected)
        }
        let unseen = currentCounts.keys.count(where: { referenceCounts[$0] == nil })
        let categories = referenceCounts.count + unseen
        let statistic = unseen > 0 ? Double.infinity : sum.value
        let degrees = Double(categories - 1)
        return TestResult(statistic: statistic, pValue: survival(statistic, degrees: degrees), degrees: degrees)
    }

    /// Occurrences of each value and their total, without NaN and ±∞ (the values Evidently
    /// removes before any drift test). NaN is recognised generically as a value unequal to
    /// itself, which also keeps NaNs out of the dictionary (each would be a separate key);
    /// infinities are looked for among the distinct keys only, so the pass over the rows
    /// stays a plain count.
    static func valueCounts<T: Hashable>(_ values: [T]) -> (counts: [T: Int], total: Int) {
        var counts: [T: Int] = [:]
        var total = 0
        for value in values where value == value {
            counts[value, default: 0] += 1
            total += 1
        }
        if T.self is any FloatingPoint.Type {
            for key in Array(counts.keys) {
                if let number = key as? any FloatingPoint, number.isInfinite {
                    total -= counts.removeValue(forKey: key) ?? 0
                }
            }
        }
        return (counts, total)
    }
}
