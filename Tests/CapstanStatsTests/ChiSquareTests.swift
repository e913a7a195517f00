import Foundation
import Testing
@testable import CapstanStats

/// The incomplete gamma functions, the chi-square tail and Evidently's chi-square drift test
/// against scipy 1.17.1 (numpy 2.4.6). Evidently itself is not installed: its
/// `chisquare_stattest.py` is reproduced in Python as
///
///     def evidently_chi(ref, cur):
///         keys = list(set(ref) | set(cur))
///         rc = {**dict.fromkeys(keys, 0), **Counter(ref)}
///         cc = {**dict.fromkeys(keys, 0), **Counter(cur)}
///         k_norm = len(cur) / len(ref)
///         f_exp = [rc[k] * k_norm for k in keys]
///         f_obs = [cc[k] for k in keys]
///         return scipy.stats.chisquare(f_obs, f_exp)
///
/// (`Counter` in place of `pd.Series.value_counts`, which agree on NaN-free data.)
@Suite struct ChiSquareTests {
    /// |a − b| ≤ tolerance·|b|; equal infinities and NaN against NaN also match.
    func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
        if b.isNaN { return a.isNaN }
        if b.isInfinite || b == 0 { return a == b }
        return abs(a - b) <= tolerance * abs(b)
    }

    func repeated<T>(_ counts: KeyValuePairs<T, Int>) -> [T] {
        counts.flatMap { Array(repeating: $0.key, count: $0.value) }
    }

    /// `(a, x, scipy.special.gammainc(a, x), scipy.special.gammaincc(a, x))` across the
    /// series region (x < a + 1), the continued-fraction region, a ≈ x for large a, and far
    /// tails of both functions.
    static let gammaCases: [(a: Double, x: Double, p: Double, q: Double)] = [
        (0.5, 0.1, 0.34527915398142317, 0.6547208460185768),
        (0.5, 2.0, 0.9544997361036415, 0.04550026389635857),
        (1.0, 1e-05, 9.999950000166668e-06, 0.9999900000499998),
        (3.0, 2.5, 0.45618688411667035, 0.5438131158833297),
        (3.0, 10.0, 0.9972306042844884, 0.0027693957155115775),
        (10.0, 9.5, 0.47817397776279236, 0.5218260222372076),
        (10.5, 100.0, 1.0, 3.6230556333226084e-31),
        (100.0, 90.0, 0.15822098918643007, 0.84177901081357),
        (100.0, 130.0, 0.9972495916326934, 0.002750408367306518),
        (100.0, 1.0, 3.9812808189568606e-159, 1.0),
        (500.0, 700.0, 0.9999999999999993, 7.032145641828496e-16),
        (2500.0, 2400.0, 0.021659687865363323, 0.9783403121346367),
        (5000.0, 5100.0, 0.9206711189223811, 0.07932888107761896),
        (5000.0, 3000.0, 3.1206754765187716e-243, 1.0),
        (5000.0, 7500.0, 1.0, 5.915868829058352e-208),
        (1.0, 690.0, 1.0, 2.1717382813899402e-300),
        (0.5, 345.0, 1.0, 4.469841378183071e-152),
        (0.01, 0.5, 0.9943732438060326, 0.005626756193967183),
        (25.0, 0.001, 6.440754277466492e-101, 1.0),
    ]

    @Test func incompleteGammaMatchesScipy() {
        for c in Self.gammaCases {
            // scipy's own error reaches ~8e-12 for a in the thousands with x far from a
            // (checked with mpmath at 50 digits, where ours is within 3e-13), hence 1e-10 there.
            let tolerance = c.a >= 200 ? 1e-10 : 1e-12
            #expect(close(IncompleteGamma.lowerRegularized(c.a, c.x), c.p, tolerance), "P(\(c.a), \(c.x))")
            #expect(close(IncompleteGamma.upperRegularized(c.a, c.x), c.q, tolerance), "Q(\(c.a), \(c.x))")
        }
        // gammaincc(20, 800) = 4.45097412540615e-310, subnormal: only its size is checked.
        #expect(IncompleteGamma.upperRegularized(20, 800) < 1e-300)
    }

    @Test func incompleteGammaEdges() {
        // scipy: gammainc(a, 0) = 0, gammaincc(a, 0) = 1, gammaincc(a, inf) = 0,
        // gammaincc(0, 1) = 0, gammainc(0, 1) = 1, gammaincc(0, 0) = nan, negative → nan.
        #expect(IncompleteGamma.lowerRegularized(3, 0) == 0 && IncompleteGamma.upperRegularized(3, 0) == 1)
        #expect(IncompleteGamma.upperRegularized(3, .infinity) == 0 && IncompleteGamma.lowerRegularized(3, .infinity) == 1)
        #expect(IncompleteGamma.upperRegularized(0, 1) == 0 && IncompleteGamma.lowerRegularized(0, 1) == 1)
        #expect(IncompleteGamma.upperRegularized(0, 0).isNaN)
        #expect(IncompleteGamma.upperRegularized(-1, 2).isNaN && IncompleteGamma.upperRegularized(2, -1).isNaN)
        #expect(IncompleteGamma.upperRegularized(.nan, 2).isNaN)
        // Closed forms: Q(1, x) = e^{-x}, Q(1/2, x) = erfc(√x).
        for x in [0.01, 0.7, 1.3, 5.0, 40.0, 300.0] {
            #expect(close(IncompleteGamma.upperRegularized(1, x), exp(-x), 1e-13))
            #expect(close(IncompleteGamma.upperRegularized(0.5, x), erfc(x.squareRoot()), 1e-13))
        }
        // P + Q = 1 on both sides of the split.
        for (a, x) in [(7.0, 7.9), (7.0, 8.1), (4000.0, 4001.0), (4000.0, 3999.0)] {
            #expect(abs(IncompleteGamma.lowerRegularized(a, x) + IncompleteGamma.upperRegularized(a, x) - 1) < 1e-14)
        }
    }

    /// `scipy.stats.chi2.sf(x, k)`, from the center to 1e-301 and for k up to 10⁴.
    @Test func survivalMatchesScipy() {
        let cases: [(x: Double, k: Double, sf: Double)] = [
            (3.84, 1, 0.05004352124870519),
            (0.0, 3, 1.0),
            (1e-300, 0.5, 1.0),
            (5.99, 2, 0.05003662708658629),
            (100.0, 5, 5.285148360943219e-20),
            (11000.0, 10000.0, 3.6183295580964682e-12),
            (12000.0, 10000.0, 1.1470065524601128e-40),
            (1380.0, 1, 4.661158455674e-302),
            (16191.0, 10000.0, 9.312921721932005e-301),
            (1355.0, 50, 8.516191299278162e-251),
        ]
        for c in cases {
            #expect(close(ChiSquare.survival(c.x, degrees: c.k), c.sf, 1e-10), "sf(\(c.x), \(c.k))")
        }
        // Underflows in scipy too: chi2.sf(1500, 3), chi2.sf(1e5, 1e4), chi2.sf(25000, 1e4) are 0.0.
        for (x, k) in [(1500.0, 3.0), (1e5, 1e4), (25000.0, 1e4)] {
            #expect(ChiSquare.survival(x, degrees: k) < 1e-300)
        }
        #expect(ChiSquare.survival(.infinity, degrees: 4) == 0)
        // scipy.special.chdtrc(0, 1.0) = 0.0, chdtrc(0, 0.0) = nan, chdtrc(3, -1.0) = nan.
        #expect(ChiSquare.survival(1, degrees: 0) == 0)
        #expect(ChiSquare.survival(0, degrees: 0).isNaN)
        #expect(ChiSquare.survival(-1, degrees: 3).isNaN)
    }

    /// (name, reference counts, current counts) → evidently_chi(rep(ref), rep(cur)).
    @Test func goodnessOfFitMatchesEvidently() throws {
        // two: {0: 30, 1: 70} vs {0: 45, 1: 55}
        let two = try #require(ChiSquare.goodnessOfFit(reference: repeated([0: 30, 1: 70]), current: repeated([0: 45, 1: 55])))
        #expect(close(two.statistic, 10.714285714285715, 1e-12) && close(two.pValue, 0.001063114917158603) && two.degrees == 1)

        // three (strings): {"a": 50, "b": 30, "c": 20} vs {"a": 40, "b": 35, "c": 25}
        let three = try #require(ChiSquare.goodnessOfFit(
            reference: repeated(["a": 50, "b": 30, "c": 20]), current: repeated(["a": 40, "b": 35, "c": 25])))
        #expect(close(three.statistic, 4.083333333333333) && close(three.pValue, 0.129812176855438) && three.degrees == 2)

        // five, different sizes: {1: 10, 2: 20, 3: 30, 4: 25, 5: 15} vs {1: 12, 2: 18, 3: 40, 4: 20, 5: 10}
        let five = try #require(ChiSquare.goodnessOfFit(
            reference: repeated([1: 10, 2: 20, 3: 30, 4: 25, 5: 15]), current: repeated([1: 12, 2: 18, 3: 40, 4: 20, 5: 10])))
        #expect(close(five.statistic, 6.6000000000000005) && close(five.pValue, 0.15859761982533196) && five.degrees == 4)

        // fifty: {i: 20 + (i * 7 % 13)} vs {i: 20 + (i * 11 % 17)} for i in range(50)
        let fiftyReference = (0..<50).flatMap { i in Array(repeating: i, count: 20 + i * 7 % 13) }
        let fiftyCurrent = (0..<50).flatMap { i in Array(repeating: i, count: 20 + i * 11 % 17) }
        let fifty = try #require(ChiSquare.goodnessOfFit(reference: fiftyReference, current: fiftyCurrent))
        #expect(close(fifty.statistic, 63.718000690824994, 1e-12) && close(fifty.pValue, 0.07702188396411982) && fifty.degrees == 49)
    }

    @Test func categoriesPresentOnOneSideOnly() throws {
        // unseen: {"a": 10, "b": 5} vs {"a": 8, "b": 4, "c": 1} → (inf, 0.0): f_exp = 0 for "c".
        let unseen = try #require(ChiSquare.goodnessOfFit(
            reference: repeated(["a": 10, "b": 5]), current: repeated(["a": 8, "b": 4, "c": 1])))
        #expect(unseen.statistic == .infinity && unseen.pValue == 0 && unseen.degrees == 2)
        // vanished: {"a": 10, "b": 5, "c": 5} vs {"a": 12, "b": 8} → (7.2, 0.027323722447292555).
        let vanished = try #require(ChiSquare.goodnessOfFit(
            reference: repeated(["a": 10, "b": 5, "c": 5]), current: repeated(["a": 12, "b": 8])))
        #expect(close(vanished.statistic, 7.2) && close(vanished.pValue, 0.027323722447292555) && vanished.degrees == 2)
    }

    @Test func identicalAndSingleCategory() throws {
        // identical {"x": 7, "y": 3} twice, and proportional {"x": 14, "y": 6, "z": 2} vs
        // {"x": 7, "y": 3, "z": 1}: (0.0, 1.0).
        let identical = try #require(ChiSquare.goodnessOfFit(reference: repeated(["x": 7, "y": 3]), current: repeated(["x": 7, "y": 3])))
        #expect(identical.statistic == 0 && identical.pValue == 1)
        let proportional = try #require(ChiSquare.goodnessOfFit(
            reference: repeated(["x": 14, "y": 6, "z": 2]), current: repeated(["x": 7, "y": 3, "z": 1])))
        #expect(proportional.statistic == 0 && proportional.pValue == 1)
        // One category, 0 degrees. 49 vs 1: 49 * (1/49) = 0.9999999999999999, so scipy gives
        // (1.2325951644078312e-32, 0.0), drift; 5 vs 5 gives (0.0, nan), no drift.
        let rounded = try #require(ChiSquare.goodnessOfFit(reference: Array(repeating: "only", count: 49), current: ["only"]))
        #expect(rounded.statistic == 1.2325951644078312e-32 && rounded.pValue == 0 && rounded.degrees == 0)
        let exact = try #require(ChiSquare.goodnessOfFit(reference: Array(repeating: "only", count: 5), current: Array(repeating: "only", count: 5)))
        #expect(exact.statistic == 0 && exact.pValue.isNaN && exact.degrees == 0)
    }

    @Test func missingValuesAndEmptySides() throws {
        // NaN and ±inf are dropped as in Evidently's preprocessing: same result as "two".
        let reference = repeated([0.0: 30, 1.0: 70]) + [.nan, .infinity, -.infinity, .nan]
        let current = repeated([0.0: 45, 1.0: 55]) + [.nan, .infinity]
        let result = try #require(ChiSquare.goodnessOfFit(reference: reference, current: current))
        #expect(close(result.statistic, 10.714285714285715, 1e-12) && close(result.pValue, 0.001063114917158603) && result.degrees == 1)
        #expect(ChiSquare.goodnessOfFit(reference: [Double.nan, .infinity], current: [1.0]) == nil)
        #expect(ChiSquare.goodnessOfFit(reference: ["a"], current: [String]()) == nil)
    }

    /// 100,000 rows a side, generated identically in Python:
    ///
    ///     ref  = [(i * 2654435761 % 2**32) % 10 for i in range(100_000)]
    ///     cur  = [((j * 40503 + 17) % 65536) % 10 for j in range(100_000)]
    ///     cur2 = [3 if j % 97 == 0 else v for j, v in enumerate(cur)]
    ///     evidently_chi(ref, cur)   # (0.05239879099696273, 0.9999999985739069)
    ///     evidently_chi(ref, cur2)  # (93.69109255431212, 2.950431489082403e-16)
    ///     evidently_chi([f"c{v}" for v in ref], [f"c{v}" for v in cur2])
    ///                               # (93.6910925543121, 2.9504314890824154e-16): set order
    @Test func largeColumns() throws {
        let reference = (0..<100_000).map { i in i * 2654435761 % (1 << 32) % 10 }
        let current = (0..<100_000).map { j in (j * 40503 + 17) % 65536 % 10 }
        let biased = current.indices.map { j in j % 97 == 0 ? 3 : current[j] }

        let same = try #require(ChiSquare.goodnessOfFit(reference: reference, current: current))
        #expect(close(same.statistic, 0.05239879099696273, 1e-10) && close(same.pValue, 0.9999999985739069) && same.degrees == 9)
        let drifted = try #require(ChiSquare.goodnessOfFit(reference: reference, current: biased))
        #expect(close(drifted.statistic, 93.69109255431212, 1e-12) && close(drifted.pValue, 2.950431489082403e-16, 1e-11))

        let clock = ContinuousClock()
        let start = clock.now
        let strings = try #require(ChiSquare.goodnessOfFit(reference: reference.map { "c\($0)" }, current: biased.map { "c\($0)" }))
        let elapsed = clock.now - start
        #expect(close(strings.statistic, 93.6910925543121, 1e-12) && close(strings.pValue, 2.9504314890824154e-16, 1e-11))
        #expect(elapsed < .seconds(5), "200k string rows took \(elapsed)")
    }
}
