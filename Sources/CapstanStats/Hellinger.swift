import Foundation

/// The Hellinger distance between two columns, as Evidently 0.7 computes it
/// (`src/evidently/legacy/calculations/stattests/hellinger_distance.py`).
///
/// It is bounded in `[0, 1]`, symmetric and needs no zero fill. Evidently bins it differently
/// from PSI and Jensen–Shannon:
/// - A numerical column is always histogrammed, even with few distinct values. The Sturges
///   bin count comes from the number of distinct values in the union, not the row count.
/// - The histograms are densities, multiplied back by the bin width.
///
/// The functions return `nil` when either side is empty.
public enum Hellinger {
    /// `√(1 − BC)`, where the Bhattacharyya coefficient `BC = Σ √(p · q)` is clamped to
    /// `[0, 1]` against rounding. This is Evidently's categorical formula, applied to two
    /// share vectors that each sum to 1. The vectors must have equal length.
    ///
    /// Two identical distributions can come out as about 1e-8 rather than 0. A coefficient a
    /// few ulps below 1 has a square root that large. Evidently has the same behaviour.
    public static func distance(referenceShares reference: [Double], currentShares current: [Double]) -> Double {
        precondition(reference.count == current.count, "Hellinger needs shares over the same bins")
        var coefficient = 0.0
        for (p, q) in zip(reference, current) { coefficient += (p * q).squareRoot() }
        return fromCoefficient(coefficient)
    }

    /// Hellinger distance of a categorical column, over the categories seen on either side.
    public static func distance<Category: Hashable>(categoricalReference reference: [Category], categoricalCurrent current: [Category]) -> Double? {
        guard let shares = DriftBinning.shares(categoricalReference: reference, categoricalCurrent: current, fillZeroes: false)
        else { return nil }
        return distance(referenceShares: shares.reference, currentShares: shares.current)
    }

    /// Hellinger distance of a numerical column, from numpy's Sturges histograms.
    ///
    /// The edges come from the distinct values of both sides
    /// (`np.histogram_bin_edges(keys, bins="sturges")`). Each side's density is
    /// `count / (edge width · length)`. The coefficient sums `√(p₁ · p₂) · w` bin by bin, where
    /// `w = (last − first) / bins`. The arithmetic follows Evidently's order of operations, so
    /// results agree to the last bit or close to it.
    ///
    /// ```swift
    /// let h = Hellinger.distance(reference: trainingLatencies, current: liveLatencies)
    /// ```
    public static func distance(reference: [Double], current: [Double]) -> Double? {
        guard !reference.isEmpty, !current.isEmpty else { return nil }
        let sortedReference = reference.sorted(), sortedCurrent = current.sorted()
        let (referenceCounts, _) = DriftBinning.countsPerDistinctValue(sortedReference, sortedCurrent)
        guard let edges = DriftBinning.sturgesEdges(
            count: referenceCounts.count,
            lowest: Swift.min(sortedReference[0], sortedCurrent[0]),
            highest: Swift.max(sortedReference[sortedReference.count - 1], sortedCurrent[sortedCurrent.count - 1])
        ) else { return nil }
        let referenceDensity = density(sorted: sortedReference, edges: edges)
        let currentDensity = density(sorted: sortedCurrent, edges: edges)
        let width = (edges[edges.count - 1] - edges[0]) / Double(edges.count - 1)
        var coefficient = 0.0
        for (p, q) in zip(referenceDensity, currentDensity) { coefficient += (p * q).squareRoot() * width }
        return fromCoefficient(coefficient)
    }

    /// numpy's `histogram(…, density=True)`: `count / edge width / total count`.
    private static func density(sorted values: [Double], edges: [Double]) -> [Double] {
        let counts = DriftBinning.binCounts(sorted: values, edges: edges)
        let total = Double(counts.reduce(0, +))
        return counts.indices.map { Double(counts[$0]) / (edges[$0 + 1] - edges[$0]) / total }
    }

    private static func fromCoefficient(_ coefficient: Double) -> Double {
        (1 - Swift.min(Swift.max(coefficient, 0), 1)).squareRoot()
    }
}
