/// Neumaier's improvement of Kahan summation: carries the rounding error of each addition
/// so that sums over a million terms stay within a few ulps of the exact value, whatever
/// the order. NumPy's pairwise sum is less accurate than this, never more, so agreement
/// with scikit-learn and scipy is bounded by NumPy's own rounding (≈1e-13 relative at 1e6
/// terms). Shared by the metrics and the distances.
struct CompensatedSum {
    private var sum = 0.0
    private var compensation = 0.0

    mutating func add(_ x: Double) {
        let t = sum + x
        if abs(sum) >= abs(x) {
            compensation += (sum - t) + x
        } else {
            compensation += (x - t) + sum
        }
        sum = t
    }

    var value: Double { sum + compensation }
}
