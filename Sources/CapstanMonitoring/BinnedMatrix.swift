/// Features reduced to small integer bins, column by column: the form a histogram
/// gradient-boosting learner trains on (LightGBM's and scikit-learn's
/// `HistGradientBoosting*` design). A split then only asks "bin ≤ b?", the candidate splits
/// per feature are at most `maxBins − 1`, and a node's statistics are one pass that adds
/// each row's gradient into its bin, instead of a sort per node.
struct BinnedMatrix: Sendable {
    /// Column-major: feature `f`'s code for row `r` is `codes[f * rowCount + r]`, so a
    /// histogram pass over one feature reads one contiguous run of bytes.
    var codes: [UInt8]
    var rowCount: Int
    /// Per feature, the number of bins its codes use (codes are `0..<binCounts[f]`).
    var binCounts: [Int]
    /// Per feature: its codes are categories (split one against the rest), not ordered bins.
    var categorical: [Bool]

    var featureCount: Int { binCounts.count }

    init(rowCount: Int) {
        codes = []
        self.rowCount = rowCount
        binCounts = []
        categorical = []
    }

    /// Appends a 0/1 feature (a missing indicator): two bins.
    mutating func appendIndicator(_ flags: [Bool]) {
        precondition(flags.count == rowCount)
        codes.append(contentsOf: flags.lazy.map { $0 ? 1 : 0 })
        binCounts.append(2)
        categorical.append(false)
    }

    /// Appends a categorical feature: each row's category number, `0..<count`.
    ///
    /// A split on it sends one category one way and all others the other, exactly the
    /// splits a tree finds on the one-hot encoding of the column, but with one histogram
    /// for the column instead of one per category: for a 20-value column, a twentieth of
    /// the work.
    mutating func appendCategories(_ categories: [UInt8], count: Int) {
        precondition(categories.count == rowCount && count >= 1 && count <= 256)
        codes.append(contentsOf: categories)
        binCounts.append(count)
        categorical.append(true)
    }

    /// Appends a numeric feature cut into at most `maxBins` bins (every value finite).
    ///
    /// The cuts are scikit-learn's (`_find_binning_thresholds`): with at most `maxBins`
    /// distinct values, the midpoints between consecutive ones, so every value has its own
    /// bin; otherwise the `maxBins − 1` inner percentiles (midpoint interpolation), repeated
    /// cuts merged. A value `x` lands in the bin of the first cut `≥ x`, as scikit-learn's
    /// `x <= threshold goes left`.
    mutating func appendNumeric(_ values: [Double], maxBins: Int) {
        precondition(values.count == rowCount && maxBins >= 2 && maxBins <= 256)
        let cuts = Self.cuts(values, maxBins: maxBins)
        codes.reserveCapacity(codes.count + rowCount)
        for value in values {
            // Binary search: the number of cuts strictly below `value`.
            var low = 0, high = cuts.count
            while low < high {
                let middle = (low + high) / 2
                if cuts[middle] < value { low = middle + 1 } else { high = middle }
            }
            codes.append(UInt8(low))
        }
        binCounts.append(cuts.count + 1)
        categorical.append(false)
    }

    static func cuts(_ values: [Double], maxBins: Int) -> [Double] {
        let sorted = values.sorted()
        var distinct: [Double] = []
        for value in sorted where distinct.last != value { distinct.append(value) }
        if distinct.count <= maxBins {
            return zip(distinct, distinct.dropFirst()).map { ($0 + $1) / 2 }
        }
        var cuts: [Double] = []
        let last = Double(sorted.count - 1)
        for step in 1..<maxBins {
            let position = Double(step) / Double(maxBins) * last
            let cut = (sorted[Int(position.rounded(.down))] + sorted[Int(position.rounded(.up))]) / 2
            if cuts.last != cut { cuts.append(cut) }
        }
        return cuts
    }
}
