import Testing
@testable import CapstanStats

/// Evidently's shared drift binning against numpy 2.4.6. The fixtures and the Python helpers
/// are in `DistanceTests.swift`. Edges and counts must match numpy exactly, because a value
/// sitting on an edge changes bins with a one-ulp difference.
@Suite struct DriftBinningTests {
    @Test func sturgesEdgesMatchNumpyBitForBit() {
        // np.histogram_bin_edges(A_ref + A_cur, bins="sturges"): 105 values over [0, 12.5]
        #expect(DriftBinning.sturgesEdges(count: 105, lowest: 0, highest: 12.5) == [0, 1.5625, 3.125, 4.6875, 6.25, 7.8125, 9.375, 10.9375, 12.5])
        // np.histogram_bin_edges(C_ref + C_cur, bins="sturges"): 64 values over [0, 7]
        #expect(DriftBinning.sturgesEdges(count: 64, lowest: 0, highest: 7) == [0, 1, 2, 3, 4, 5, 6, 7])
        // np.histogram_bin_edges(C2_ref + C2_cur, bins="sturges"): linspace's rounded edges
        #expect(DriftBinning.sturgesEdges(count: 64, lowest: 0, highest: 0.7)
            == [0, 0.09999999999999999, 0.19999999999999998, 0.3, 0.39999999999999997, 0.49999999999999994, 0.6, 0.7])
    }

    @Test func roundingCanAddASturgesBin() {
        // np.histogram_bin_edges([0.0] * 63 + [2.1], bins="sturges"): 8 bins, not log2(64) + 1 = 7,
        // because 2.1 / (2.1 / 7) rounds just above 7.
        #expect(DriftBinning.sturgesEdges(count: 64, lowest: 0, highest: 2.1)
            == [0, 0.2625, 0.525, 0.7875000000000001, 1.05, 1.3125, 1.5750000000000002, 1.8375000000000001, 2.1])
    }

    @Test func singleValueGetsAUnitWideBin() {
        // np.histogram_bin_edges([5.0] * 17, bins="sturges") -> [4.5, 5.5]
        #expect(DriftBinning.sturgesEdges(count: 17, lowest: 5, highest: 5) == [4.5, 5.5])
        #expect(DriftBinning.sturgesEdges(count: 0, lowest: 0, highest: 1) == nil)
    }

    @Test func rangeTooNarrowForItsBinsHasNoEdges() {
        // np.histogram_bin_edges([1e16] * 63 + [1e16 + 2], bins="sturges")
        // -> ValueError: Too many bins for data range. Cannot create 7 finite-sized bins.
        #expect(DriftBinning.sturgesEdges(count: 64, lowest: 1e16, highest: 1e16 + 2) == nil)
        // hellinger([1e16] * 63, [1e16 + 2], "num") -> ValueError (2 bins over a 1-ulp span)
        #expect(Hellinger.distance(reference: [Double](repeating: 1e16, count: 63), current: [1e16 + 2]) == nil)
        // psi([1e16 + 2 * i for i in range(21)], [1e16, 1e16 + 2], "num") -> 8.055248697647407 (a wider span is fine)
        let reference = (0..<21).map { 1e16 + 2 * Double($0) }
        #expect(matchesReference(PopulationStability.index(reference: reference, current: [1e16, 1e16 + 2]), 8.055248697647407))
    }

    @Test func valuesOnEdgesFallIntoTheBinTheyOpen() throws {
        // e = np.histogram_bin_edges(C2_ref + C2_cur, bins="sturges")
        // np.histogram(C2_ref, e)[0] -> [4, 4, 4, 4, 4, 4, 5]; np.histogram(C2_cur, e)[0] -> [5, 5, 5, 4, 4, 4, 8]
        let edges = try #require(DriftBinning.sturgesEdges(count: 64, lowest: 0, highest: 0.7))
        #expect(DriftBinning.binCounts(sorted: DriftFixtures.tenthsReference.sorted(), edges: edges) == [4, 4, 4, 4, 4, 4, 5])
        #expect(DriftBinning.binCounts(sorted: DriftFixtures.tenthsCurrent.sorted(), edges: edges) == [5, 5, 5, 4, 4, 4, 8])
        // The last bin is closed; values outside the edges are dropped.
        #expect(DriftBinning.binCounts(sorted: [-1, 0, 0.5, 1, 1, 2], edges: [0, 0.5, 1]) == [1, 3])
    }

    @Test func numericalSharesOverSturgesBinsWithTheZeroFill() throws {
        // get_binned_data(pd.Series(A_ref), pd.Series(A_cur), "num") -- the reference's empty last bin gets 1e-4
        let shares = try #require(DriftBinning.shares(reference: DriftFixtures.manyValuesReference, current: DriftFixtures.manyValuesCurrent, fillZeroes: true))
        #expect(shares.reference == [0.16666666666666666, 0.15, 0.15, 0.16666666666666666, 0.15, 0.15, 0.06666666666666667, 0.0001])
        #expect(shares.current == [0.1111111111111111, 0.08888888888888889, 0.15555555555555556, 0.1111111111111111,
                                   0.13333333333333333, 0.13333333333333333, 0.08888888888888889, 0.17777777777777778])
    }

    @Test func fewDistinctValuesGetOneBinEach() throws {
        // B: reference 0…6, current 1…9 -> nine bins; each side's missing values get 1e-4
        let shares = try #require(DriftBinning.shares(reference: DriftFixtures.fewValuesReference, current: DriftFixtures.fewValuesCurrent, fillZeroes: true))
        #expect(shares.reference.count == 10)
        #expect(shares.reference.filter { $0 == 1e-4 }.count == 3)
        #expect(shares.current.filter { $0 == 1e-4 }.count == 1)
        let unfilled = try #require(DriftBinning.shares(reference: DriftFixtures.fewValuesReference, current: DriftFixtures.fewValuesCurrent, fillZeroes: false))
        #expect(unfilled.reference.filter { $0 == 0 }.count == 3)
    }

    @Test func zeroFillFollowsTheSmallestShare() throws {
        // sorted(get_binned_data(pd.Series(G_ref), pd.Series(G_cur), "cat")[0]) -> [1e-10, 0.0001, 0.3999, 0.6]
        let current = Array(repeating: "a", count: 5) + Array(repeating: "b", count: 3) + Array(repeating: "d", count: 2)
        let small = try #require(DriftBinning.shares(categoricalReference: DriftFixtures.rareReference(bCount: 3999), categoricalCurrent: current, fillZeroes: true))
        #expect(small.reference.sorted() == [1e-10, 0.0001, 0.3999, 0.6])
        #expect(small.current.sorted() == [0.0001, 0.2, 0.3, 0.5])
        // G2: smallest share 1/9999 > 1e-4 -> [0.0001, 0.00010001000100010001, 0.3998399839983998, 0.6000600060006]
        let large = try #require(DriftBinning.shares(categoricalReference: DriftFixtures.rareReference(bCount: 3998), categoricalCurrent: current, fillZeroes: true))
        #expect(large.reference.sorted() == [0.0001, 0.00010001000100010001, 0.3998399839983998, 0.6000600060006])
        #expect(DriftBinning.fillingZeroes([0, 0.5, 0, 0.5]) == [1e-4, 0.5, 1e-4, 0.5])
        #expect(DriftBinning.fillingZeroes([0, 2e-5, 1]) == [2e-5 / 1e6, 2e-5, 1])
    }

    @Test func categoricalBinsAlignAcrossSides() throws {
        let shares = try #require(DriftBinning.shares(categoricalReference: [1, 1, 2], categoricalCurrent: [2, 3, 3, 3], fillZeroes: false))
        let pairs = Set(zip(shares.reference, shares.current).map { "\($0)|\($1)" })
        #expect(pairs == ["0.6666666666666666|0.0", "0.3333333333333333|0.25", "0.0|0.75"])
    }

    @Test func emptySideHasNoShares() {
        #expect(DriftBinning.shares(reference: [], current: [1], fillZeroes: true) == nil)
        #expect(DriftBinning.shares(categoricalReference: ["a"], categoricalCurrent: [String](), fillZeroes: false) == nil)
    }
}
