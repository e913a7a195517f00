import Foundation
import Testing
@testable import CapstanStats

// Expected values come from alibi-detect's MMDDrift formulas (commit at the fetched HEAD of
// SeldonIO/alibi-detect) restated in numpy 2.4.6, since torch is not installed; the functions
// are `utils/pytorch/distance.py::squared_pairwise_distance`, `utils/pytorch/kernels.py::
// sigma_median` and `cd/pytorch/mmd.py::score` with `mmd2_from_kernel_matrix`:
//
//     import numpy as np
//     def sqdist(x, y):
//         return np.maximum((x**2).sum(1)[:, None] + (y**2).sum(1)[None, :] - 2 * x @ y.T, 1e-30)
//     def sigma_median(x, y, dist):
//         n = min(x.shape[0], y.shape[0])
//         n = n if x.shape == y.shape and (x[:n] == y[:n]).all() else 0
//         n_median = n + (np.prod(dist.shape) - n) // 2 - 1
//         return (.5 * np.sort(dist.flatten())[int(n_median)]) ** .5
//     def mmd2(x_ref, x, sigma):
//         z = np.vstack([x_ref, x]); K = np.exp(-sqdist(z, z) / (2 * sigma**2)); np.fill_diagonal(K, 0)
//         n, m = len(x_ref), len(x)
//         return K[:n, :n].sum() / (n*(n-1)) + K[n:, n:].sum() / (m*(m-1)) - 2 * K[n:, :n].mean()
//     rng = np.random.default_rng(7)
//     ref = np.round(rng.normal(size=(12, 3)), 3)
//     cur = np.round(rng.normal(loc=0.4, size=(10, 3)), 3)
//     s = sigma_median(ref, ref, sqdist(ref, ref))   # 1.3220728043492915
//     mmd2(ref, cur, s)                              # 0.2199036400104697
//     mmd2(ref, cur, 1.5)                            # 0.23784065843784974
//     a = np.round(rng.normal(size=(5, 2)), 2)
//     sigma_median(a, a, sqdist(a, a))               # 1.549870962370739

@Suite struct MaximumMeanDiscrepancyTests {
    static let reference: [[Double]] = [
        [0.001, 0.299, -0.274], [-0.891, -0.455, -0.992], [0.06, 1.34, -0.492], [-0.62, 0.49, 0.357],
        [0.105, -0.93, -0.029], [0.695, -1.344, -0.458], [-1.901, -1.29, -1.842], [-0.235, -1.267, 0.271],
        [0.157, -0.187, -2.517], [-0.539, -0.049, 0.113], [-1.53, -0.478, -0.979], [-0.809, 1.061, -0.808],
    ]
    static let current: [[Double]] = [
        [0.367, 1.284, -0.184], [0.288, 0.51, 0.464], [-0.825, 0.476, 1.759], [-1.147, 1.259, 0.519],
        [-0.241, 2.4, 1.162], [-0.799, 0.475, 0.977], [0.211, 1.083, 0.333], [1.067, 1.839, -0.276],
        [0.603, -0.063, 0.527], [-0.787, -0.179, 0.204],
    ]

    /// `count` vectors of independent normals (Box–Muller), every coordinate moved by `shift`.
    static func normals(_ count: Int, dimension: Int, shift: Double = 0, seed: UInt64) -> [[Double]] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            (0..<dimension).map { _ in
                let u = Double.random(in: Double.ulpOfOne..<1, using: &generator), v = Double.random(in: 0..<1, using: &generator)
                return (-2 * log(u)).squareRoot() * cos(2 * .pi * v) + shift
            }
        }
    }

    @Test func medianHeuristicMatchesAlibiDetect() throws {
        let reference = try #require(MaximumMeanDiscrepancy.Vectors(rows: Self.reference))
        #expect(matchesReference(MaximumMeanDiscrepancy.medianBandwidth(reference), 1.3220728043492915))
        // Ten pairs, an even count: alibi-detect's index picks the lower of the middle two.
        let five = try #require(MaximumMeanDiscrepancy.Vectors(rows: [[0.9, 1.15], [-1.32, -0.79], [0.65, -1.99], [-0.46, -0.1], [1.26, 0.69]]))
        #expect(matchesReference(MaximumMeanDiscrepancy.medianBandwidth(five), 1.549870962370739))
    }

    @Test func unbiasedSquaredMMDMatchesAlibiDetect() throws {
        let reference = try #require(MaximumMeanDiscrepancy.Vectors(rows: Self.reference))
        let current = try #require(MaximumMeanDiscrepancy.Vectors(rows: Self.current))
        #expect(matchesReference(MaximumMeanDiscrepancy.squaredMMD(reference: reference, current: current, bandwidth: 1.5), 0.23784065843784974))
        let result = try #require(MaximumMeanDiscrepancy.test(reference: Self.reference, current: Self.current))
        #expect(matchesReference(result.bandwidth, 1.3220728043492915))
        #expect(matchesReference(result.squaredMMD, 0.2199036400104697))
        #expect(result.permutations == 100)
    }

    @Test func flatBufferAndRowsGiveTheSameTest() throws {
        let flat = try #require(MaximumMeanDiscrepancy.Vectors(flat: Self.reference.flatMap { $0 }, dimension: 3))
        let current = try #require(MaximumMeanDiscrepancy.Vectors(flat: Self.current.flatMap { $0 }, dimension: 3))
        #expect(flat.count == 12)
        let fromFlat = MaximumMeanDiscrepancy.test(reference: flat, current: current, permutations: 50, seed: 3)
        let fromRows = MaximumMeanDiscrepancy.test(reference: Self.reference, current: Self.current, permutations: 50, seed: 3)
        #expect(fromFlat != nil && fromFlat == fromRows)
    }

    @Test func sameDistributionGivesLargePValues() throws {
        var pValues: [Double] = []
        for seed in 1...10 as ClosedRange<UInt64> {
            let reference = Self.normals(60, dimension: 4, seed: seed)
            let current = Self.normals(50, dimension: 4, seed: seed + 1000)
            pValues.append(try #require(MaximumMeanDiscrepancy.test(reference: reference, current: current, permutations: 200, seed: seed)).pValue)
        }
        // Under the null the p-value is uniform: none of ten is tiny, and they spread.
        #expect(pValues.allSatisfy { $0 > 0.01 })
        let mean = pValues.reduce(0, +) / Double(pValues.count)
        #expect(mean > 0.25 && mean < 0.75)
    }

    @Test func shiftedDistributionGivesTheSmallestPValue() throws {
        let reference = Self.normals(60, dimension: 4, seed: 11)
        let current = Self.normals(50, dimension: 4, shift: 1.5, seed: 12)
        let result = try #require(MaximumMeanDiscrepancy.test(reference: reference, current: current, permutations: 100, seed: 5))
        #expect(result.exceedances == 0)
        #expect(result.pValue == 1.0 / 101)
        #expect(result.squaredMMD > 0.3)
    }

    @Test func theSameSeedGivesTheSamePValue() throws {
        let reference = Self.normals(30, dimension: 2, seed: 21)
        let current = Self.normals(30, dimension: 2, shift: 0.3, seed: 22)
        let first = MaximumMeanDiscrepancy.test(reference: reference, current: current, permutations: 300, seed: 9)
        let second = MaximumMeanDiscrepancy.test(reference: reference, current: current, permutations: 300, seed: 9)
        #expect(first != nil && first == second)
    }

    @Test func unusableSamplesGiveNil() {
        #expect(MaximumMeanDiscrepancy.test(reference: [[1, 2]], current: [[1, 2], [3, 4]]) == nil)
        #expect(MaximumMeanDiscrepancy.test(reference: [[1, 2], [2, 3]], current: [[1], [3]]) == nil)
        #expect(MaximumMeanDiscrepancy.test(reference: [[1, 2], [2, .nan]], current: [[1, 2], [3, 4]]) == nil)
        #expect(MaximumMeanDiscrepancy.test(reference: [[1, 2], [2, 3]], current: [[1, 2], [3, 4]], bandwidth: 0) == nil)
        #expect(MaximumMeanDiscrepancy.Vectors(rows: [[1, 2], [3]]) == nil)
        #expect(MaximumMeanDiscrepancy.Vectors(flat: [1, 2, 3], dimension: 2) == nil)
    }
}
