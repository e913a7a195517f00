import Foundation

/// The histogram that Evidently's PSI, Jensen–Shannon and KL drift tests share.
///
/// Capstan reproduces Evidently 0.7's `get_binned_data`
/// (`src/evidently/legacy/calculations/stattests/utils.py`) rule for rule, so a drift score
/// computed here matches the one in an Evidently report on the same data. The rules are:
/// - A numerical column whose reference has more than 20 distinct values gets equal-width
///   bins over the combined range of both sides. The bin count comes from numpy's Sturges
///   estimator (`np.histogram_bin_edges(concat(ref, cur), bins="sturges")`). Evidently's
///   `n_bins` argument and its docstring's "reference quantiles" play no part.
/// - Every other column gets one bin per distinct value in the union of both sides.
/// - Each side's share of a bin is its count over its own length.
/// - With `fillZeroes` (PSI, KL), each side's empty bins get a small positive share so the
///   log ratio stays finite. Let `m` be that side's smallest non-zero share: an empty bin
///   gets `m / 1e6` if `m <= 1e-4`, otherwise `1e-4`. The filled shares no longer sum to 1.
///
/// Every function returns `nil` when either side is empty, and when a numerical range is too
/// narrow for its Sturges bins to be distinct. Evidently raises in both cases.
/// Numeric inputs must be finite; callers drop NaN and ±inf first, as Evidently does.
/// Each function sorts once or makes one dictionary pass, so 100,000-row columns are cheap.
public enum DriftBinning {
    /// The two sides' shares, aligned bin for bin.
    public struct Shares: Sendable, Equatable {
        public var reference: [Double]
        public var current: [Double]

        public init(reference: [Double], current: [Double]) {
            self.reference = reference
            self.current = current
        }
    }

    /// Evidently only histograms a numerical column when its reference has more than this many
    /// distinct values. Otherwise each value is its own bin.
    public static let maximumDistinctValuesForValueBins = 20

    /// Shares of a numerical column, binned as Evidently bins it.
    ///
    /// ```swift
    /// let shares = DriftBinning.shares(reference: trainingAges, current: servingAges, fillZeroes: true)
    /// ```
    public static func shares(reference: [Double], current: [Double], fillZeroes: Bool) -> Shares? {
        guard !reference.isEmpty, !current.isEmpty else { return nil }
        return shares(sortedReference: reference.sorted(), sortedCurrent: current.sorted(), fillZeroes: fillZeroes)
    }

    /// Shares of a categorical column (strings, codes, flags), one bin per category seen on
    /// either side. A category that one side lacks gets a zero share there, or the filled
    /// share when `fillZeroes` is set.
    ///
    /// The bins are in order of first appearance, the reference's categories first (Evidently
    /// iterates a Python set, whose order varies between runs). Both vectors use the same order.
    public static func shares<Category: Hashable>(
        categoricalReference reference: [Category], categoricalCurrent current: [Category], fillZeroes: Bool
    ) -> Shares? {
        guard !reference.isEmpty, !current.isEmpty else { return nil }
        let (referenceCounts, referenceOrder) = counts(of: reference), (currentCounts, currentOrder) = counts(of: current)
        // In order of first appearance, not the dictionary's: the sums over the bins then
        // come out the same, to the last bit, in every run.
        let categories = referenceOrder + currentOrder.filter { referenceCounts[$0] == nil }
        let referenceLength = Double(reference.count), currentLength = Double(current.count)
        var result = Shares(
            reference: categories.map { Double(referenceCounts[$0, default: 0]) / referenceLength },
            current: categories.map { Double(currentCounts[$0, default: 0]) / currentLength }
        )
        if fillZeroes { result.fillZeroes() }
        return result
    }

    /// Evidently's rule for empty bins, applied to one side: zeros become `m / 1e6` if the
    /// smallest non-zero share `m` is at most `1e-4`, otherwise `1e-4`. Keeping the fill
    /// below the smallest observed share avoids inventing mass comparable to real bins. A
    /// vector with no non-zero share (impossible for a non-empty side) comes back unchanged.
    public static func fillingZeroes(_ shares: [Double]) -> [Double] {
        var smallest = Double.infinity
        for share in shares where share != 0 { smallest = Swift.min(smallest, share) }
        guard smallest.isFinite else { return shares }
        let fill = smallest <= 1e-4 ? smallest / 1e6 : 1e-4
        return shares.map { $0 == 0 ? fill : $0 }
    }

    /// numpy's `histogram_bin_edges(values, bins="sturges")`, given the sample's size and
    /// extremes. numpy asks for no more than these.
    ///
    /// Capstan follows numpy's arithmetic exactly, and edges the data sits on depend on it:
    /// - The width is `(max − min) / (log2(count) + 1)`, and the bin count is
    ///   `ceil((max − min) / width)`, so rounding can add a bin.
    /// - The edges follow `linspace`: `first + i · step` with `step = span / bins`, and the
    ///   last edge is set to `max` exactly.
    /// - A zero-width sample gets one bin over `(min − 0.5, max + 0.5)`.
    ///
    /// Returns `nil` for an empty sample, a non-finite range, or a range too narrow for its bin
    /// count. In the last case neighbouring edges would coincide, and numpy raises.
    public static func sturgesEdges(count: Int, lowest: Double, highest: Double) -> [Double]? {
        guard count > 0, lowest.isFinite, highest.isFinite, lowest <= highest else { return nil }
        var first = lowest, last = highest
        if first == last {
            first -= 0.5
            last += 0.5
        }
        let span = last - first
        guard span.isFinite else { return nil }
        // numpy divides the data's peak-to-peak by the Sturges factor and then divides the outer
        // span by that width. The two divisions don't cancel exactly. A zero width (a single
        // value, or an underflowing span) means one bin.
        let width = (highest - lowest) / (log2(Double(count)) + 1)
        let bins = width != 0 ? Int((span / width).rounded(.up)) : 1
        let step = span / Double(bins)
        var edges = (0..<bins).map { index -> Double in
            // numpy's gh-5437 branch for a subnormal step.
            step != 0 ? Double(index) * step + first : Double(index) / Double(bins) * span + first
        }
        edges.append(last)
        // numpy raises "Too many bins for data range" when rounding makes neighbouring edges
        // collide, which only happens for spans of a few ulps.
        guard zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }) else { return nil }
        return edges
    }

    /// Counts per bin of an ascending sample, where bin `i` is `[edges[i], edges[i + 1])` and
    /// the last bin also includes its right edge. Values outside the edges aren't counted.
    ///
    /// This is numpy's `histogram(values, bins=edges)` for an explicit edge array. numpy
    /// counts that case by binary search on the sorted sample, not by its arithmetic fast
    /// path. Capstan does the same, so a value sitting on a rounded edge lands where numpy
    /// puts it.
    public static func binCounts(sorted values: [Double], edges: [Double]) -> [Int] {
        guard edges.count > 1 else { return [] }
        var cumulative = edges.dropLast().map { edge in partitionPoint(values) { $0 >= edge } }
        cumulative.append(partitionPoint(values) { $0 > edges[edges.count - 1] })
        return (0..<(edges.count - 1)).map { cumulative[$0 + 1] - cumulative[$0] }
    }

    /// The number of distinct values in an ascending sample.
    static func distinctCount(sorted values: [Double]) -> Int {
        guard var previous = values.first else { return 0 }
        var count = 1
        for value in values.dropFirst() where value != previous {
            count += 1
            previous = value
        }
        return count
    }

    /// ``shares(reference:current:fillZeroes:)`` for samples already in ascending order.
    public static func shares(sortedReference reference: [Double], sortedCurrent current: [Double], fillZeroes: Bool) -> Shares? {
        guard let referenceFirst = reference.first, let currentFirst = current.first else { return nil }
        let referenceLength = Double(reference.count), currentLength = Double(current.count)
        var result: Shares
        if distinctCount(sorted: reference) > maximumDistinctValuesForValueBins {
            guard let edges = sturgesEdges(
                count: reference.count + current.count,
                lowest: Swift.min(referenceFirst, currentFirst),
                highest: Swift.max(reference[reference.count - 1], current[current.count - 1])
            ) else { return nil }
            result = Shares(
                reference: binCounts(sorted: reference, edges: edges).map { Double($0) / referenceLength },
                current: binCounts(sorted: current, edges: edges).map { Double($0) / currentLength }
            )
        } else {
            let (referenceCounts, currentCounts) = countsPerDistinctValue(reference, current)
            result = Shares(
                reference: referenceCounts.map { Double($0) / referenceLength },
                current: currentCounts.map { Double($0) / currentLength }
            )
        }
        if fillZeroes { result.fillZeroes() }
        return result
    }

    /// Walks two ascending samples together and counts each side's occurrences of every
    /// distinct value in their union, in ascending order.
    static func countsPerDistinctValue(_ first: [Double], _ second: [Double]) -> ([Int], [Int]) {
        var firstCounts: [Int] = [], secondCounts: [Int] = []
        var i = 0, j = 0
        while i < first.count || j < second.count {
            let value = j == second.count || (i < first.count && first[i] <= second[j]) ? first[i] : second[j]
            var inFirst = 0, inSecond = 0
            while i < first.count, first[i] == value { inFirst += 1; i += 1 }
            while j < second.count, second[j] == value { inSecond += 1; j += 1 }
            firstCounts.append(inFirst)
            secondCounts.append(inSecond)
        }
        return (firstCounts, secondCounts)
    }

    /// The index of the first element satisfying `predicate`, for an array partitioned so
    /// that every element failing it comes first (numpy's `searchsorted`).
    private static func partitionPoint(_ values: [Double], _ predicate: (Double) -> Bool) -> Int {
        var low = 0, high = values.count
        while low < high {
            let middle = low + (high - low) / 2
            if predicate(values[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// Each value's count, and the distinct values in order of first appearance.
    private static func counts<Category: Hashable>(of values: [Category]) -> ([Category: Int], [Category]) {
        var counts: [Category: Int] = [:]
        var order: [Category] = []
        for value in values {
            if let index = counts.index(forKey: value) {
                counts.values[index] += 1
            } else {
                counts[value] = 1
                order.append(value)
            }
        }
        return (counts, order)
    }
}

extension DriftBinning.Shares {
    mutating func fillZeroes() {
        reference = DriftBinning.fillingZeroes(reference)
        current = DriftBinning.fillingZeroes(current)
    }
}

