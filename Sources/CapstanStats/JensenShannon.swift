import Foundation

/// The Jensen–Shannon distance between two columns, as Evidently 0.7 computes it
/// (`src/evidently/legacy/calculations/stattests/jensenshannon.py`). It is Evidently's
/// default drift score for large categorical and low-cardinality numerical columns.
///
/// Unlike PSI, it is bounded, in `[0, √ln 2 ≈ 0.8326]` with natural logs, and symmetric. It
/// needs no zero fill, because each side is compared with the midpoint mixture, which is
/// positive wherever either side is. The column functions therefore bin with
/// ``DriftBinning`` and `fillZeroes: false`. They return `nil` when either side is empty.
public enum JensenShannon {
    /// SciPy's `scipy.spatial.distance.jensenshannon(p, q)` with natural logs: √(JSD).
    ///
    /// Like SciPy, it normalises each vector to sum to 1 first, so counts work as well as
    /// shares. The result is `nil` when either vector has no mass. The vectors must have equal
    /// length and non-negative entries.
    ///
    /// Where rounding makes the divergence of two near-identical vectors a tiny negative
    /// number, SciPy returns NaN. This function returns 0 instead.
    public static func distance(_ p: [Double], _ q: [Double]) -> Double? {
        precondition(p.count == q.count, "Jensen–Shannon needs shares over the same bins")
        let pMass = p.reduce(0, +), qMass = q.reduce(0, +)
        guard pMass > 0, qMass > 0 else { return nil }
        var left = 0.0, right = 0.0
        for (rawP, rawQ) in zip(p, q) {
            let pShare = rawP / pMass, qShare = rawQ / qMass
            let mixture = (pShare + qShare) / 2
            left += relativeEntropy(pShare, mixture)
            right += relativeEntropy(qShare, mixture)
        }
        return (Swift.max(left + right, 0) / 2).squareRoot()
    }

    /// Jensen–Shannon distance of a numerical column, binned as Evidently bins it.
    ///
    /// ```swift
    /// if let js = JensenShannon.distance(reference: trainingScores, current: liveScores), js >= 0.1 { … }
    /// ```
    public static func distance(reference: [Double], current: [Double]) -> Double? {
        DriftBinning.shares(reference: reference, current: current, fillZeroes: false)
            .flatMap { distance($0.reference, $0.current) }
    }

    /// ``distance(reference:current:)`` for samples already in ascending order.
    public static func distance(sortedReference reference: [Double], sortedCurrent current: [Double]) -> Double? {
        DriftBinning.shares(sortedReference: reference, sortedCurrent: current, fillZeroes: false)
            .flatMap { distance($0.reference, $0.current) }
    }

    /// Jensen–Shannon distance of a categorical column: one bin per category seen on either
    /// side. Disjoint categories give the maximum, √ln 2.
    public static func distance<Category: Hashable>(categoricalReference reference: [Category], categoricalCurrent current: [Category]) -> Double? {
        DriftBinning.shares(categoricalReference: reference, categoricalCurrent: current, fillZeroes: false)
            .flatMap { distance($0.reference, $0.current) }
    }

    /// SciPy's `rel_entr`: `x · ln(x / y)`, with 0 · ln(0 / y) = 0.
    private static func relativeEntropy(_ x: Double, _ y: Double) -> Double {
        if x > 0, y > 0 { return x * log(x / y) }
        return x == 0 && y >= 0 ? 0 : .infinity
    }
}
