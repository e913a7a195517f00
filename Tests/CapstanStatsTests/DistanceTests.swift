import Foundation
import Testing
@testable import CapstanStats

// Expected values come from Evidently 0.7.21's stattests (commit a4aa4c2), rerun with the real
// numpy 2.4.6, scipy 1.17.1 and pandas 2.3.3. Evidently itself isn't installed; its functions
// are restated below from `src/evidently/legacy/calculations/stattests/{utils,psi,
// jensenshannon,hellinger_distance,wasserstein_distance_norm}.py`. Each test's comment gives
// the call that produced its literals. Numerical columns use t = "num", categorical t = "cat".
//
//     import numpy as np, pandas as pd
//     from collections import defaultdict
//     from math import sqrt
//     from scipy import stats
//     from scipy.spatial import distance
//
//     def get_binned_data(ref, cur, t, feel_zeroes=True):      # utils.py, verbatim logic
//         if t == "num" and ref.nunique() > 20:
//             bins = np.histogram_bin_edges(np.asarray(pd.concat([ref, cur]).values), bins="sturges")
//             rp = np.histogram(ref, bins)[0] / len(ref); cp = np.histogram(cur, bins)[0] / len(cur)
//         else:
//             keys = list(set(ref.dropna().unique()) | set(cur.dropna().unique()))
//             rd = {**dict.fromkeys(keys, 0), **dict(ref.value_counts())}
//             cd = {**dict.fromkeys(keys, 0), **dict(cur.value_counts())}
//             rp = np.array([rd[k] / len(ref) for k in keys]); cp = np.array([cd[k] / len(cur) for k in keys])
//         if feel_zeroes:
//             for p in (rp, cp):
//                 m = min(p[p != 0]); np.place(p, p == 0, m / 10**6 if m <= 0.0001 else 0.0001)
//         return rp, cp
//
//     def psi(r, c, t):
//         rp, cp = get_binned_data(pd.Series(r), pd.Series(c), t)
//         return float(np.sum((rp - cp) * np.log(rp / cp)))
//     def js(r, c, t):
//         return float(distance.jensenshannon(*get_binned_data(pd.Series(r), pd.Series(c), t, False), None))
//     def wasserstein(r, c): return float(stats.wasserstein_distance(r, c))
//     def wasserstein_norm(r, c):
//         return float(stats.wasserstein_distance(r, c) / max(float(np.std(pd.Series(r))), 0.001))
//     def hellinger(r, c, t):                                    # hellinger_distance.py
//         ref, cur = pd.Series(r), pd.Series(c)
//         keys = list(set(ref.unique()) | set(cur.unique())); h = 0.0
//         if t == "cat":
//             p = (ref.value_counts() / len(ref)).to_dict(into=defaultdict(int))
//             q = (cur.value_counts() / len(cur)).to_dict(into=defaultdict(int))
//             for k in keys: h += sqrt(float(p[k]) * float(q[k]))
//         else:
//             bins = np.histogram_bin_edges(keys, bins="sturges")
//             h1 = np.histogram(ref.to_numpy(), bins=bins, density=True)[0]
//             h2 = np.histogram(cur.to_numpy(), bins=bins, density=True)[0]
//             w = (max(bins) - min(bins)) / (len(bins) - 1)
//             for i in range(len(h1)): h += sqrt(float(h1[i]) * float(h2[i])) * w
//         return float(sqrt(1 - np.clip(h, 0, 1)))

/// Relative 1e-9, or absolute 1e-12 near zero.
func matchesReference(_ actual: Double?, _ expected: Double, _ tolerance: Double = 1e-9) -> Bool {
    guard let actual else { return false }
    return abs(actual - expected) <= Swift.max(tolerance * abs(expected), 1e-12)
}

@Suite struct WassersteinTests {
    @Test func distanceIsTheAreaBetweenTheEmpiricalCDFs() {
        // wasserstein([1, 2, 3], [2, 3, 4]); scipy's docstring example with unequal sizes
        #expect(matchesReference(Wasserstein.distance([1, 2, 3], [2, 3, 4]), 1))
        #expect(matchesReference(Wasserstein.distance([0, 1, 3], [5, 6, 8]), 5))
        // wasserstein(A_ref, A_cur), wasserstein_norm(A_ref, A_cur)
        #expect(matchesReference(Wasserstein.distance(DriftFixtures.manyValuesReference, DriftFixtures.manyValuesCurrent), 1.687222222222222))
        #expect(matchesReference(Wasserstein.normed(reference: DriftFixtures.manyValuesReference, current: DriftFixtures.manyValuesCurrent), 0.5788317259719089))
    }

    @Test func tiesAndEdgeValuesDoNotChangeTheArea() {
        // wasserstein / wasserstein_norm of B (few values, many ties) and C (values on edges)
        #expect(matchesReference(Wasserstein.distance(DriftFixtures.fewValuesReference, DriftFixtures.fewValuesCurrent), 1.81))
        #expect(matchesReference(Wasserstein.normed(reference: DriftFixtures.fewValuesReference, current: DriftFixtures.fewValuesCurrent), 0.8942879854268537))
        #expect(matchesReference(Wasserstein.distance(DriftFixtures.integerEdgesReference, DriftFixtures.integerEdgesCurrent), 0.34187192118226606))
        #expect(matchesReference(Wasserstein.normed(reference: DriftFixtures.integerEdgesReference, current: DriftFixtures.integerEdgesCurrent), 0.1634460403700629))
    }

    @Test func constantReferenceUsesTheStandardDeviationFloor() {
        // E_ref = [3.0] * 50; E_cur = [3.0] * 40 + [3.5] * 10
        // wasserstein -> 0.09999999999999998, wasserstein_norm -> 99.99999999999997 (σ floored to 0.001)
        let reference = [Double](repeating: 3, count: 50)
        let current = [Double](repeating: 3, count: 40) + [Double](repeating: 3.5, count: 10)
        #expect(matchesReference(Wasserstein.distance(reference, current), 0.09999999999999998))
        #expect(matchesReference(Wasserstein.normed(reference: reference, current: current), 99.99999999999997))
    }

    @Test func identicalSamplesAreZeroApart() {
        #expect(Wasserstein.distance(DriftFixtures.largeReference, DriftFixtures.largeReference) == 0)
        #expect(Wasserstein.normed(reference: [5, 5, 5], current: [5, 5]) == 0)
    }

    @Test func emptySideHasNoDistance() {
        #expect(Wasserstein.distance([], [1]) == nil)
        #expect(Wasserstein.normed(reference: [1, 2], current: []) == nil)
    }
}

@Suite struct PopulationStabilityTests {
    @Test func numericalColumnWithManyValuesUsesSturgesBins() {
        #expect(matchesReference(PopulationStability.index(reference: DriftFixtures.manyValuesReference, current: DriftFixtures.manyValuesCurrent), 1.4171330628122336))  // psi(A_ref, A_cur, "num")
    }

    @Test func numericalColumnWithFewValuesUsesOneBinPerValue() {
        #expect(matchesReference(PopulationStability.index(reference: DriftFixtures.fewValuesReference, current: DriftFixtures.fewValuesCurrent), 3.2836754065847007))  // psi(B_ref, B_cur, "num")
    }

    @Test func valuesOnBinEdgesLandInNumpysBins() {
        // psi(C_ref, C_cur, "num") and psi(C2_ref, C2_cur, "num"): the same counts, so the same PSI
        #expect(matchesReference(PopulationStability.index(reference: DriftFixtures.integerEdgesReference, current: DriftFixtures.integerEdgesCurrent), 0.029691980430266062))
        #expect(matchesReference(PopulationStability.index(reference: DriftFixtures.tenthsReference, current: DriftFixtures.tenthsCurrent), 0.029691980430266062))
    }

    @Test func categoriesMissingOnEitherSideAreFilled() {
        // F_ref = ["a"] * 5 + ["b"] * 3 + ["c"] * 2; F_cur = ["b"] * 4 + ["c"] * 4 + ["d"] * 2; psi(F_ref, F_cur, "cat")
        let reference = Array(repeating: "a", count: 5) + Array(repeating: "b", count: 3) + Array(repeating: "c", count: 2)
        let current = Array(repeating: "b", count: 4) + Array(repeating: "c", count: 4) + Array(repeating: "d", count: 2)
        #expect(matchesReference(PopulationStability.index(categoricalReference: reference, categoricalCurrent: current), 5.944562921408607))
    }

    @Test func rareCategoryShrinksTheFill() {
        // G_ref = ["a"] * 6000 + ["b"] * 3999 + ["c"] (smallest share exactly 1e-4: fill 1e-10),
        // G2_ref with ["b"] * 3998 (smallest share 1/9999 > 1e-4: fill 1e-4),
        // G_cur = ["a"] * 5 + ["b"] * 3 + ["d"] * 2; psi(G_ref, G_cur, "cat"), psi(G2_ref, G_cur, "cat")
        let current = Array(repeating: "a", count: 5) + Array(repeating: "b", count: 3) + Array(repeating: "d", count: 2)
        #expect(matchesReference(PopulationStability.index(categoricalReference: DriftFixtures.rareReference(bCount: 3999), categoricalCurrent: current), 4.330229217954564))
        #expect(matchesReference(PopulationStability.index(categoricalReference: DriftFixtures.rareReference(bCount: 3998), categoricalCurrent: current), 1.5663557297629245))
    }

    @Test func largeColumns() {
        // psi(L_ref, L_cur, "num"); psi(K_ref as floats, K_cur as floats, "num"); psi(["c%d" % k ...], "cat")
        #expect(matchesReference(PopulationStability.index(reference: DriftFixtures.largeReference, current: DriftFixtures.largeCurrent), 0.27194712650751274))
        #expect(matchesReference(PopulationStability.index(reference: DriftFixtures.codesReference.map(Double.init), current: DriftFixtures.codesCurrent.map(Double.init)), 2.0476945776069293))
        #expect(matchesReference(PopulationStability.index(categoricalReference: DriftFixtures.codesReference.map { "c\($0)" }, categoricalCurrent: DriftFixtures.codesCurrent.map { "c\($0)" }), 2.04769457760693))
    }

    @Test func identicalColumnsAreStable() {
        #expect(PopulationStability.index(reference: DriftFixtures.largeReference, current: DriftFixtures.largeReference) == 0)
        #expect(PopulationStability.index(reference: [5, 5, 5], current: [5, 5]) == 0)
        #expect(PopulationStability.index(categoricalReference: ["x", "y"], categoricalCurrent: ["y", "x"]) == 0)
    }

    @Test func emptySideHasNoIndex() {
        #expect(PopulationStability.index(reference: [], current: [1]) == nil)
        #expect(PopulationStability.index(categoricalReference: ["a"], categoricalCurrent: [String]()) == nil)
    }
}

@Suite struct JensenShannonTests {
    @Test func numericalColumns() {
        // js(A_ref, A_cur, "num"), js(B_ref, B_cur, "num"), js(C_ref, C_cur, "num"), js(C2_ref, C2_cur, "num")
        #expect(matchesReference(JensenShannon.distance(reference: DriftFixtures.manyValuesReference, current: DriftFixtures.manyValuesCurrent), 0.269203340610269))
        #expect(matchesReference(JensenShannon.distance(reference: DriftFixtures.fewValuesReference, current: DriftFixtures.fewValuesCurrent), 0.40450253596913555))
        #expect(matchesReference(JensenShannon.distance(reference: DriftFixtures.integerEdgesReference, current: DriftFixtures.integerEdgesCurrent), 0.06084826757810872))
        #expect(matchesReference(JensenShannon.distance(reference: DriftFixtures.tenthsReference, current: DriftFixtures.tenthsCurrent), 0.06084826757810872))
    }

    @Test func categoricalColumnsNeedNoFill() {
        // js(F_ref, F_cur, "cat"), js(G_ref, G_cur, "cat"), js(G2_ref, G_cur, "cat")
        let reference = Array(repeating: "a", count: 5) + Array(repeating: "b", count: 3) + Array(repeating: "c", count: 2)
        let current = Array(repeating: "b", count: 4) + Array(repeating: "c", count: 4) + Array(repeating: "d", count: 2)
        #expect(matchesReference(JensenShannon.distance(categoricalReference: reference, categoricalCurrent: current), 0.5130059389776461))
        let rareCurrent = Array(repeating: "a", count: 5) + Array(repeating: "b", count: 3) + Array(repeating: "d", count: 2)
        #expect(matchesReference(JensenShannon.distance(categoricalReference: DriftFixtures.rareReference(bCount: 3999), categoricalCurrent: rareCurrent), 0.2742302795479321))
        #expect(matchesReference(JensenShannon.distance(categoricalReference: DriftFixtures.rareReference(bCount: 3998), categoricalCurrent: rareCurrent), 0.27422774867289046))
    }

    @Test func disjointSupportsAreAtTheMaximum() {
        // js(["a", "b"], ["c", "d"], "cat") == js([0..29], [100..129], "num") == sqrt(log(2)) == 0.8325546111576977
        #expect(matchesReference(JensenShannon.distance(categoricalReference: ["a", "b"], categoricalCurrent: ["c", "d"]), 0.8325546111576977))
        #expect(matchesReference(JensenShannon.distance(reference: (0..<30).map(Double.init), current: (100..<130).map(Double.init)), 0.8325546111576977))
        #expect(matchesReference(JensenShannon.distance([1, 0], [0, 3]), log(2.0).squareRoot()))
    }

    @Test func identicalColumnsAreZeroApart() {
        #expect(JensenShannon.distance(reference: DriftFixtures.largeReference, current: DriftFixtures.largeReference) == 0)
        #expect(JensenShannon.distance(categoricalReference: [1, 2, 2], categoricalCurrent: [2, 1, 2]) == 0)
    }

    @Test func shareVectorsAreNormalisedLikeScipy() {
        // distance.jensenshannon([1, 2, 3], [3, 2, 1]) -> 0.29531004717204934 (counts work as shares)
        #expect(matchesReference(JensenShannon.distance([1, 2, 3], [3, 2, 1]), 0.29531004717204934))
        #expect(JensenShannon.distance([0, 0], [1, 1]) == nil)
    }

    @Test func largeColumns() {
        // js(L_ref, L_cur, "num"), js(K floats, "num"), js(K strings, "cat")
        #expect(matchesReference(JensenShannon.distance(reference: DriftFixtures.largeReference, current: DriftFixtures.largeCurrent), 0.17539273248001652))
        #expect(matchesReference(JensenShannon.distance(reference: DriftFixtures.codesReference.map(Double.init), current: DriftFixtures.codesCurrent.map(Double.init)), 0.17869362947772555))
        #expect(matchesReference(JensenShannon.distance(categoricalReference: DriftFixtures.codesReference.map { "c\($0)" }, categoricalCurrent: DriftFixtures.codesCurrent.map { "c\($0)" }), 0.1786936294777256))
    }
}

@Suite struct HellingerTests {
    @Test func numericalColumnsAreAlwaysHistogrammed() {
        // hellinger(A, "num"), hellinger(B, "num") (few values: still Sturges bins), hellinger(C, "num"), hellinger(C2, "num")
        #expect(matchesReference(Hellinger.distance(reference: DriftFixtures.manyValuesReference, current: DriftFixtures.manyValuesCurrent), 0.3158942032617921))
        #expect(matchesReference(Hellinger.distance(reference: DriftFixtures.fewValuesReference, current: DriftFixtures.fewValuesCurrent), 0.3513483859591961))
        #expect(matchesReference(Hellinger.distance(reference: DriftFixtures.integerEdgesReference, current: DriftFixtures.integerEdgesCurrent), 0.12765508450775698))
        #expect(matchesReference(Hellinger.distance(reference: DriftFixtures.tenthsReference, current: DriftFixtures.tenthsCurrent), 0.12765508450775828))
    }

    @Test func singleValueGetsOneUnitBin() {
        // hellinger([5.0] * 10, [5.0] * 7, "num") -> 0.0 (edges 4.5, 5.5)
        // hellinger([5.0] * 10, [5.0, 6.0, 7.0, 7.0], "num") -> 0.7071067811865477 (edges from the 3 distinct values)
        #expect(Hellinger.distance(reference: [Double](repeating: 5, count: 10), current: [Double](repeating: 5, count: 7)) == 0)
        #expect(matchesReference(Hellinger.distance(reference: [Double](repeating: 5, count: 10), current: [5, 6, 7, 7]), 0.7071067811865477))
    }

    @Test func categoricalColumns() {
        // hellinger(F, "cat"), hellinger(G, "cat"), hellinger(G2, "cat"), hellinger(["a","b"], ["c","d"], "cat") -> 1.0
        let reference = Array(repeating: "a", count: 5) + Array(repeating: "b", count: 3) + Array(repeating: "c", count: 2)
        let current = Array(repeating: "b", count: 4) + Array(repeating: "c", count: 4) + Array(repeating: "d", count: 2)
        #expect(matchesReference(Hellinger.distance(categoricalReference: reference, categoricalCurrent: current), 0.6088900771170487))
        let rareCurrent = Array(repeating: "a", count: 5) + Array(repeating: "b", count: 3) + Array(repeating: "d", count: 2)
        #expect(matchesReference(Hellinger.distance(categoricalReference: DriftFixtures.rareReference(bCount: 3999), categoricalCurrent: rareCurrent), 0.325439064892209))
        #expect(matchesReference(Hellinger.distance(categoricalReference: DriftFixtures.rareReference(bCount: 3998), categoricalCurrent: rareCurrent), 0.32543691968064514))
        #expect(Hellinger.distance(categoricalReference: ["a", "b"], categoricalCurrent: ["c", "d"]) == 1)
        #expect(Hellinger.distance(reference: (0..<30).map(Double.init), current: (100..<130).map(Double.init)) == 1)
    }

    @Test func identicalColumnsAreZeroUpToRounding() {
        // Exact binary shares sum to exactly 1, so the distance is exactly 0.
        #expect(Hellinger.distance(categoricalReference: ["a", "b", "b", "c"], categoricalCurrent: ["c", "b", "a", "b"]) == 0)
        // hellinger(L_ref, L_ref, "num") -> 1.0536712127723509e-08: the coefficient rounds a few
        // ulps below 1, and Capstan sums in Evidently's order, so it lands on the same value.
        #expect(matchesReference(Hellinger.distance(reference: DriftFixtures.largeReference, current: DriftFixtures.largeReference), 1.0536712127723509e-08))
    }

    @Test func largeColumns() {
        // hellinger(L, "num"), hellinger(K floats, "num"), hellinger(K strings, "cat")
        #expect(matchesReference(Hellinger.distance(reference: DriftFixtures.largeReference, current: DriftFixtures.largeCurrent), 0.1813690749675599))
        #expect(matchesReference(Hellinger.distance(reference: DriftFixtures.codesReference.map(Double.init), current: DriftFixtures.codesCurrent.map(Double.init)), 0.00719226708045088))
        #expect(matchesReference(Hellinger.distance(categoricalReference: DriftFixtures.codesReference.map { "c\($0)" }, categoricalCurrent: DriftFixtures.codesCurrent.map { "c\($0)" }), 0.21353368533850428))
    }

    @Test func emptySideHasNoDistance() {
        #expect(Hellinger.distance(reference: [1], current: []) == nil)
        #expect(Hellinger.distance(categoricalReference: [Int](), categoricalCurrent: [1]) == nil)
    }
}

/// Columns shared by the drift-distance tests, built by formulas that the Python reference
/// snippets in `DistanceTests.swift` repeat exactly.
enum DriftFixtures {
    /// The MMIX linear congruential generator (Knuth), uniform in [0, 1) from the top 53 bits.
    /// The Python twin, used for every large-column reference value:
    ///
    ///     def lcg(seed, n):
    ///         s = seed; out = []
    ///         for _ in range(n):
    ///             s = (6364136223846793005 * s + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
    ///             out.append((s >> 11) * 2.0**-53)
    ///         return out
    static func lcg(seed: UInt64, count: Int) -> [Double] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1p-53
        }
    }

    /// Reference with more than 20 distinct values: `[(i * 37 % 101) / 10 for i in range(60)]`.
    static let manyValuesReference = (0..<60).map { Double($0 * 37 % 101) / 10 }
    /// `[(i * 53 % 97) / 8 + 1 for i in range(45)]`
    static let manyValuesCurrent = (0..<45).map { Double($0 * 53 % 97) / 8 + 1 }

    /// Seven distinct values, 0…6: `[float(i % 7) for i in range(50)]`.
    static let fewValuesReference = (0..<50).map { Double($0 % 7) }
    /// 1…9, so each side lacks values the other has: `[float(i % 9 + 1) for i in range(40)]`.
    static let fewValuesCurrent = (0..<40).map { Double($0 % 9 + 1) }

    /// 64 values over [0, 7]: Sturges gives seven bins of width 1, and every current value sits
    /// on an edge. `[i * 0.25 for i in range(29)]`, `[float(i % 8) for i in range(35)]`.
    static let integerEdgesReference = (0..<29).map { Double($0) * 0.25 }
    static let integerEdgesCurrent = (0..<35).map { Double($0 % 8) }

    /// The same layout over [0, 0.7], where the edges are `i · 0.09999999999999999`. The values
    /// 0.3 and 0.6 sit exactly on rounded edges, and 0.1, 0.2, 0.4 and 0.5 just above them.
    /// `[i / 40 for i in range(29)]`, `[(i % 8) / 10 for i in range(35)]`.
    static let tenthsReference = (0..<29).map { Double($0) / 40 }
    static let tenthsCurrent = (0..<35).map { Double($0 % 8) / 10 }

    /// 100,000 Irwin–Hall(3) draws against 80,000 scaled and shifted ones.
    ///
    ///     u = lcg(1, 300_000); v = lcg(2, 240_000)
    ///     L_ref = [u[3*i] + u[3*i+1] + u[3*i+2] for i in range(100_000)]
    ///     L_cur = [1.1 * (v[3*i] + v[3*i+1] + v[3*i+2]) + 0.1 for i in range(80_000)]
    static let largeReference: [Double] = {
        let u = lcg(seed: 1, count: 300_000)
        return (0..<100_000).map { (i: Int) -> Double in
            let sum: Double = u[3 * i] + u[3 * i + 1]
            return sum + u[3 * i + 2]
        }
    }()
    static let largeCurrent: [Double] = {
        let v = lcg(seed: 2, count: 240_000)
        return (0..<80_000).map { (i: Int) -> Double in
            let sum: Double = v[3 * i] + v[3 * i + 1]
            return 1.1 * (sum + v[3 * i + 2]) + 0.1
        }
    }()

    /// 100,000 and 90,000 integer codes. A rare code on each side (99: one row in the
    /// reference, share 1e-5 ≤ 1e-4; 98: 16 rows in the current) exercises the
    /// `m / 1e6` fill.
    ///
    ///     K_ref = [99 if x < 0.00005 else int(x * 10) for x in lcg(3, 100_000)]
    ///     K_cur = [98 if x < 0.0002 else int(x * 11) for x in lcg(4, 90_000)]
    static let codesReference = lcg(seed: 3, count: 100_000).map { $0 < 0.00005 ? 99 : Int($0 * 10) }
    static let codesCurrent = lcg(seed: 4, count: 90_000).map { $0 < 0.0002 ? 98 : Int($0 * 11) }
}

extension DriftFixtures {
    /// `["a"] * 6000 + ["b"] * bCount + ["c"]`: a single "c" among 10,000 rows has share
    /// exactly 1e-4 (the `m / 1e6` fill). Among 9,999 rows its share is just above 1e-4 (the
    /// `1e-4` fill).
    static func rareReference(bCount: Int) -> [String] {
        Array(repeating: "a", count: 6000) + Array(repeating: "b", count: bCount) + ["c"]
    }
}

/// The Wasserstein distance of a current sample much larger than the reference, computed
/// without sorting it, against the merge of both sorted samples (checked against SciPy above).
@Suite struct WassersteinLargeCurrentTests {
    func sample(_ count: Int, shift: Double, decimals: Bool, _ random: inout SplitMix64) -> [Double] {
        (0..<count).map { _ in
            let value = Double.random(in: 0...1, using: &random) + Double.random(in: 0...1, using: &random) + shift
            return decimals ? (value * 100).rounded() / 100 : value
        }
    }

    @Test(arguments: [(0.0, false), (0.0, true), (0.3, false), (-5, false), (5, true), (0.001, false)])
    func agreesWithTheMergeOfBothSortedSamples(shift: Double, decimals: Bool) throws {
        var random = SplitMix64(seed: UInt64(bitPattern: Int64(shift * 1000)) &+ (decimals ? 1 : 0))
        // Rounded values give ties within and across the samples and current values equal to
        // reference steps; shifts put current values below, across and above the reference.
        let reference = sample(500, shift: 0, decimals: decimals, &random)
        let current = sample(20_000, shift: shift, decimals: decimals, &random)
        let sortedReference = reference.sorted()
        let merged = Wasserstein.distance(sorted: sortedReference, current.sorted())
        let placed = Wasserstein.distance(sortedReference: sortedReference, unsortedCurrent: current)
        #expect(abs(placed - merged) <= 1e-12 * merged, "merged \(merged), placed \(placed)")
        let normed = try #require(Wasserstein.normed(reference: reference, sortedReference: sortedReference, unsortedCurrent: current))
        #expect(abs(normed - Wasserstein.normed(reference: reference, current: current)!) <= 1e-12 * normed)
    }

    @Test func aConstantReferenceAndValuesOnItsSteps() {
        #expect(Wasserstein.distance(sortedReference: [2, 2, 2], unsortedCurrent: [1, 2, 3, 2]) == Wasserstein.distance([2, 2, 2], [1, 2, 3, 2]))
        #expect(Wasserstein.distance(sortedReference: [1, 2, 3], unsortedCurrent: [3, 1, 2]) == 0)
        #expect(Wasserstein.normed(reference: [], sortedReference: [], unsortedCurrent: [1]) == nil)
    }
}
