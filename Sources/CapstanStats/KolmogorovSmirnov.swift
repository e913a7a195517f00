import Foundation

/// The two-sample Kolmogorov–Smirnov test, the drift test for numeric columns.
///
/// It is used because it makes no assumption about the shape of either distribution: it
/// compares the two empirical CDFs directly, so any change (location, spread, shape) moves
/// the statistic. Its p-value follows `scipy.stats.ks_2samp(reference, current)` (two-sided,
/// method "auto", scipy 1.17) exactly, branch for branch, so drift reports agree with
/// Evidently's, which calls that function.
public enum KolmogorovSmirnov {
    /// Beyond this many observations in the larger sample the exact null distribution is
    /// too costly and the asymptotic one is used instead (scipy's `MAX_AUTO_N`).
    public static let exactSizeLimit = 10_000

    /// The two-sided two-sample test of `reference` against `current`; nil when a side is
    /// empty (there is no empirical CDF to compare) or holds NaN (drop missing values first).
    ///
    /// The statistic is D = maxₓ |F_ref(x) − F_cur(x)| over the pooled data, ties included.
    /// The p-value, as scipy's ks_2samp chooses it:
    /// - exact when both samples have at most `exactSizeLimit` observations, counting the
    ///   lattice paths that leave the band |x/n₁ − y/n₂| < D (Hodges, 1957); the statistic
    ///   is then reported as the lattice value h / lcm(n₁, n₂) it was rounded to;
    /// - otherwise (or if the exact computation fails) asymptotic, using the one-sample
    ///   two-sided law P(D_N ≥ D) with N = round(n₁n₂ / (n₁ + n₂)).
    public static func twoSample(_ reference: [Double], _ current: [Double]) -> TestResult? {
        guard !reference.isEmpty, !current.isEmpty, !reference.contains(where: \.isNaN), !current.contains(where: \.isNaN) else {
            return nil
        }
        return twoSample(sortedReference: reference.sorted(), sortedCurrent: current.sorted())
    }

    /// ``twoSample(_:_:)`` for samples already in ascending order and free of NaN (a caller
    /// that sorts a column once, faster than a comparison sort); nil when a side is empty.
    public static func twoSample(sortedReference reference: [Double], sortedCurrent current: [Double]) -> TestResult? {
        guard !reference.isEmpty, !current.isEmpty else { return nil }
        return test(statistic: statistic(reference, current), reference.count, current.count)
    }

    /// The test's outcome for statistic `d` between samples of `n1` and `n2` observations.
    static func test(statistic d: Double, _ n1: Int, _ n2: Int) -> TestResult {
        var d = d
        if max(n1, n2) <= exactSizeLimit, let exact = ExactTwoSampleKS.attempt(d, n1, n2) {
            d = exact.latticeStatistic
            if let p = exact.pValue {
                return TestResult(statistic: d, pValue: clippedToUnit(p), degrees: nil)
            }
            // Rounding pushed the exact value out of [0, 1]: scipy falls back to the
            // asymptotic law, keeping the lattice-rounded statistic.
        }
        let larger = Double(max(n1, n2)), smaller = Double(min(n1, n2))
        let effectiveSize = (larger * smaller / (larger + smaller)).rounded(.toNearestOrEven)
        let p = effectiveSize >= 1 ? KolmogorovDistribution.survival(d, sampleSize: Int(effectiveSize)) : .nan
        return TestResult(statistic: d, pValue: clippedToUnit(p), degrees: nil)
    }

    /// max |F₁ − F₂| over the pooled sorted data. Both ECDFs are evaluated just after each
    /// distinct value (searchsorted "right"), so ties within and across samples count as
    /// scipy counts them; the differences are formed as i/n₁ − j/n₂ exactly as scipy does.
    static func statistic(_ first: [Double], _ second: [Double]) -> Double {
        let n1 = first.count, n2 = second.count
        let size1 = Double(n1), size2 = Double(n2)
        var i = 0, j = 0
        var largest = 0.0, smallest = 0.0
        while i < n1 || j < n2 {
            let value = min(i < n1 ? first[i] : .infinity, j < n2 ? second[j] : .infinity)
            while i < n1 && first[i] <= value { i += 1 }
            while j < n2 && second[j] <= value { j += 1 }
            let difference = Double(i) / size1 - Double(j) / size2
            largest = max(largest, difference)
            smallest = min(smallest, difference)
        }
        let below = min(max(-smallest, 0), 1)
        return below > largest ? below : largest
    }
}

/// The exact null distribution of the two-sample statistic, P(D ≥ h / lcm(n₁, n₂)).
///
/// Under the null every interleaving of the two samples is equally likely, i.e. every
/// monotone lattice path from (0, 0) to (n₁, n₂); D ≥ d exactly when the path leaves the
/// diagonal band |x/n₁ − y/n₂| < d. Hodges (1957), "The significance probability of the
/// Smirnov two-sample test", treats both the reflection count for equal sizes and the
/// band-counting recursion used for unequal sizes.
enum ExactTwoSampleKS {
    struct Outcome {
        /// D rounded to the lattice value h / lcm it must take.
        var latticeStatistic: Double
        /// nil when the computation left [0, 1] (or failed) and the caller must fall back.
        var pValue: Double?
    }

    /// The exact p-value as scipy's `_attempt_exact_2kssamp` computes it, or nil when the
    /// lattice is too fine to count in Int32 (scipy's guard for forced exact mode).
    static func attempt(_ d: Double, _ n1: Int, _ n2: Int) -> Outcome? {
        let g = greatestCommonDivisor(n1, n2)
        let n1g = n1 / g, n2g = n2 / g
        guard Double(n1g) < Double(Int32.max) / Double(n2g) else { return nil }
        let lcm = n1g * n2
        let h = Int((d * Double(lcm)).rounded(.toNearestOrEven))
        let lattice = Double(h) * 1.0 / Double(lcm)
        if h == 0 { return Outcome(latticeStatistic: lattice, pValue: 1) }
        let p = n1 == n2
            ? outsideSquareProbability(n: n1, h: h)
            : outsideBandProbability(n1, n2, gcd: g, h: h)
        return Outcome(latticeStatistic: lattice, pValue: (0...1).contains(p) ? p : nil)
    }

    /// Equal sizes: by reflection, P(D ≥ h/n) = 2 Σ_{k≥1} (−1)^{k−1} C(2n, n − kh) / C(2n, n).
    /// The alternating sum cancels badly, so each ratio Aₖ = C(2n, n−kh)/C(2n, n−(k−1)h) is
    /// formed as a product of h simple factors and the sum is nested Horner-style:
    /// 2·A₁(1 − A₂(1 − A₃(1 − …))).
    static func outsideSquareProbability(n: Int, h: Int) -> Double {
        var nested = 0.0
        var k = n / h
        while k >= 0 {
            var ratio = 1.0
            for j in 0..<h {
                ratio = Double(n - k * h - j) * ratio / Double(n + k * h + j + 1)
            }
            nested = ratio * (1 - nested)
            k -= 1
        }
        return 2 * nested
    }

    /// Unequal sizes: walk the lattice column by column keeping, for each point inside the
    /// band, the fraction of paths into it that have already left the band (points outside
    /// count as 1). Counting the complement directly, rather than 1 − (paths inside)/C(n₁+n₂, n₁),
    /// keeps tiny p-values accurate (Viehmann, 2021, arXiv:2102.08037). Only the band of
    /// one column is stored, so memory is O(n) and time O(n₁ · band width).
    static func outsideBandProbability(_ n1: Int, _ n2: Int, gcd g: Int, h: Int) -> Double {
        // Symmetric in the sizes; walk along the larger.
        let m = max(n1, n2), n = min(n1, n2)
        let mg = m / g, ng = n / g
        // In column i, row j is inside the band when |ng·i − mg·j| < h.
        var low = 0
        var high = min(ceilingDivision(h, mg), n + 1)   // rows [low, high) are inside
        var column = [Double](repeating: 1, count: n + 2)
        for row in 0..<high { column[row] = 0 }
        return column.withUnsafeMutableBufferPointer { values -> Double in
            for i in 1...m {
                let previousLow = low, previousCount = high - low
                low = min(max(floorDivision(ng * i - h, mg) + 1, 0), n)
                high = min(ceilingDivision(ng * i + h, mg), n + 1)
                if high <= low { return 1 }   // the band closed: every path has left it
                // Entry k holds row low + k; entries past the band hold 1 (outside).
                var below = low == 0 ? 0.0 : 1.0
                let shift = low - previousLow
                let x = Double(i)
                for k in 0..<(high - low) {
                    let y = Double(low + k)
                    below = (values[k + shift] * x + below * y) / (x + y)
                    values[k] = below
                }
                let count = high - low
                if previousCount > count {
                    for k in count..<previousCount { values[k] = 1 }
                }
            }
            return values[high - low - 1]
        }
    }

    static func greatestCommonDivisor(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    static func floorDivision(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func ceilingDivision(_ a: Int, _ b: Int) -> Int { -floorDivision(-a, b) }
}
