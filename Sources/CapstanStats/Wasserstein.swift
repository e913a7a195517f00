/// The Wasserstein-1 (earth mover's) distance between two numerical samples. Evidently uses
/// it, divided by the reference's spread, as its default drift score for large numerical
/// columns.
///
/// Unlike a binned score, it grows with how far mass moves, not just with whether it moves,
/// and it needs no bins. Both functions return `nil` when either side is empty. Evidently
/// raises instead. Values must be finite; callers drop NaN first, as Evidently does.
///
/// Each call sorts both samples once and merges them: O(n log n).
public enum Wasserstein {
    /// The Wasserstein-1 distance between two empirical distributions, in the data's units.
    /// Both samples are weighted equally per observation.
    ///
    /// This is the area between the two empirical CDFs, as in SciPy's
    /// `scipy.stats.wasserstein_distance` (`_cdf_distance` with p = 1). Over the merged sorted
    /// values `x₀ ≤ … ≤ x_N`, it is `Σ |U(x_k) − V(x_k)| · (x_{k+1} − x_k)`.
    ///
    /// ```swift
    /// let shift = Wasserstein.distance([1, 2, 3], [2, 3, 4])  // 1.0
    /// ```
    public static func distance(_ first: [Double], _ second: [Double]) -> Double? {
        guard !first.isEmpty, !second.isEmpty else { return nil }
        return distance(sorted: first.sorted(), second.sorted())
    }

    /// Evidently's normed Wasserstein drift score (`wasserstein_distance_norm.py`): the
    /// distance in units of the reference's population standard deviation (ddof 0).
    ///
    /// Dividing by the spread makes one threshold (Evidently's default is 0.1, "moved by a
    /// tenth of a σ") work for every column whatever its scale. The divisor has a floor of
    /// 0.001, so a constant reference gives a large finite score rather than infinity.
    public static func normed(reference: [Double], current: [Double]) -> Double? {
        guard !reference.isEmpty, !current.isEmpty else { return nil }
        return normed(reference: reference, sortedReference: reference.sorted(), sortedCurrent: current.sorted())
    }

    /// ``normed(reference:current:)`` given both samples in ascending order as well, for a
    /// caller that sorts a column once for several uses. The spread is taken over
    /// `reference` in its own order, as numpy sums it, so the score does not depend on the
    /// sort; nil when a side is empty.
    public static func normed(reference: [Double], sortedReference: [Double], sortedCurrent: [Double]) -> Double? {
        guard !sortedReference.isEmpty, !sortedCurrent.isEmpty else { return nil }
        let distance = distance(sorted: sortedReference, sortedCurrent)
        return distance / Swift.max(populationStandardDeviation(reference), 0.001)
    }

    static func distance(sorted first: [Double], _ second: [Double]) -> Double {
        let firstLength = Double(first.count), secondLength = Double(second.count)
        var i = 0, j = 0
        var area = CompensatedSum()
        // Take the merged values one at a time. Once a value is taken, i and j count the
        // observations at or below it. Where the next value is larger, that is each CDF on
        // the step between them. Tied values give zero-width steps.
        while i + j < first.count + second.count - 1 {
            let value: Double
            if j == second.count || (i < first.count && first[i] <= second[j]) {
                value = first[i]
                i += 1
            } else {
                value = second[j]
                j += 1
            }
            let next = j == second.count || (i < first.count && first[i] <= second[j]) ? first[i] : second[j]
            let step = next - value
            if step != 0 {
                area.add(abs(Double(i) / firstLength - Double(j) / secondLength) * step)
            }
        }
        return area.value
    }

    /// numpy's `np.std` with its default ddof 0. The sums are compensated, so a long column
    /// still matches numpy's pairwise summation well within 1e-12.
    static func populationStandardDeviation(_ values: [Double]) -> Double {
        let length = Double(values.count)
        var sum = CompensatedSum()
        for value in values { sum.add(value) }
        let mean = sum.value / length
        var squares = CompensatedSum()
        for value in values { squares.add((value - mean) * (value - mean)) }
        return (squares.value / length).squareRoot()
    }
}
