import Foundation

/// The population stability index (PSI), the credit-scoring industry's drift score, computed
/// as Evidently 0.7 computes it (`src/evidently/legacy/calculations/stattests/psi.py`).
///
/// PSI is a symmetrised KL divergence over histogram bins. Its folklore thresholds, 0.1
/// ("some shift") and 0.25 ("major shift"), only mean the same thing with Evidently's binning
/// and zero fill, so the column functions bin with ``DriftBinning`` and `fillZeroes: true`.
/// They return `nil` when either side is empty.
public enum PopulationStability {
    /// `Σ (ref − cur) · ln(ref / cur)` over aligned shares.
    ///
    /// Every share must be positive, which is why Evidently fills empty bins first. A zero
    /// share gives an infinite or NaN index, as in numpy. The vectors must have equal length.
    public static func index(referenceShares reference: [Double], currentShares current: [Double]) -> Double {
        precondition(reference.count == current.count, "PSI needs shares over the same bins")
        var total = 0.0
        for (r, c) in zip(reference, current) { total += (r - c) * log(r / c) }
        return total
    }

    /// PSI of a numerical column: Sturges bins over both sides when the reference has more
    /// than 20 distinct values, one bin per value otherwise.
    ///
    /// ```swift
    /// if let psi = PopulationStability.index(reference: trainingScores, current: liveScores), psi >= 0.1 { … }
    /// ```
    public static func index(reference: [Double], current: [Double]) -> Double? {
        DriftBinning.shares(reference: reference, current: current, fillZeroes: true)
            .map { index(referenceShares: $0.reference, currentShares: $0.current) }
    }

    /// ``index(reference:current:)`` for samples already in ascending order.
    public static func index(sortedReference reference: [Double], sortedCurrent current: [Double]) -> Double? {
        DriftBinning.shares(sortedReference: reference, sortedCurrent: current, fillZeroes: true)
            .map { index(referenceShares: $0.reference, currentShares: $0.current) }
    }

    /// PSI of a categorical column: one bin per category seen on either side.
    public static func index<Category: Hashable>(categoricalReference reference: [Category], categoricalCurrent current: [Category]) -> Double? {
        DriftBinning.shares(categoricalReference: reference, categoricalCurrent: current, fillZeroes: true)
            .map { index(referenceShares: $0.reference, currentShares: $0.current) }
    }
}
