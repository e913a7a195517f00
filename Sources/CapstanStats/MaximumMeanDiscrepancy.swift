import Foundation

/// Maximum mean discrepancy (MMD) between two samples of vectors, the drift test for
/// embeddings, as alibi-detect's `MMDDrift` computes it (`cd/pytorch/mmd.py`,
/// `utils/pytorch/kernels.py`, `utils/pytorch/distance.py`).
///
/// Per-column tests cannot see a change in how embedding dimensions move together; MMD
/// compares whole distributions through a kernel: MMD² = E k(x,x′) + E k(y,y′) − 2 E k(x,y),
/// zero exactly when the distributions agree (for a characteristic kernel such as the
/// Gaussian). There is no closed-form null distribution for the estimate, so the p-value
/// comes from a permutation test: relabel the pooled vectors at random and see how often
/// MMD² comes out at least as large.
///
/// ```swift
/// let result = MaximumMeanDiscrepancy.test(reference: referenceEmbeddings, current: currentEmbeddings)
/// // result?.squaredMMD, result?.pValue, result?.bandwidth
/// ```
///
/// Cost: the (n+m)² kernel matrix is computed once (memory 8·(n+m)² bytes: 2,000 vectors
/// take 32 MB); each permutation relabels indices and sums the matrix again, O((n+m)²).
public enum MaximumMeanDiscrepancy {
    /// A sample of `count` vectors of `dimension` values, stored row-major in one buffer.
    public struct Vectors: Sendable, Equatable {
        public let values: [Double]
        public let dimension: Int

        /// nil when `dimension` is not positive or does not divide the buffer.
        public init?(flat values: [Double], dimension: Int) {
            guard dimension > 0, values.count % dimension == 0 else { return nil }
            self.values = values
            self.dimension = dimension
        }

        /// nil when there are no rows or the rows differ in length.
        public init?(rows: [[Double]]) {
            guard let dimension = rows.first?.count, dimension > 0, rows.allSatisfy({ $0.count == dimension }) else { return nil }
            self.init(flat: rows.flatMap { $0 }, dimension: dimension)
        }

        public var count: Int { values.count / dimension }
    }

    /// The outcome of a permutation test.
    public struct Result: Sendable, Equatable {
        /// The unbiased estimate of MMD² between the reference and current samples (it can be
        /// slightly negative when the distributions agree).
        public var squaredMMD: Double
        /// (1 + exceedances) / (1 + permutations): the share of relabelings, the observed one
        /// included, with MMD² at least the observed value. It is never 0, so its smallest
        /// value is 1 / (permutations + 1). alibi-detect reports exceedances / permutations
        /// instead, which is 0 for clear drift.
        public var pValue: Double
        /// The Gaussian kernel's bandwidth σ in k(x, y) = exp(−‖x − y‖² / (2σ²)).
        public var bandwidth: Double
        public var permutations: Int
        /// How many permuted MMD² values were at least the observed one.
        public var exceedances: Int
    }

    /// The permutation test of `reference` against `current` with a Gaussian RBF kernel.
    ///
    /// - Parameters:
    ///   - bandwidth: σ; nil takes alibi-detect's default, ``medianBandwidth(_:)`` of the
    ///     reference (`configure_kernel_from_x_ref=True`).
    ///   - permutations: how many random relabelings (alibi-detect's default is 100).
    ///   - seed: seeds the relabelings, so the same inputs give the same p-value.
    /// - Returns: nil when either side has fewer than two vectors (the unbiased estimator
    ///   divides by n(n − 1)), the dimensions differ, a value is not finite, the bandwidth is
    ///   not positive, or `permutations` is negative.
    public static func test(reference: Vectors, current: Vectors, bandwidth: Double? = nil,
                            permutations: Int = 100, seed: UInt64 = 0) -> Result? {
        var generator = SplitMix64(seed: seed)
        return test(reference: reference, current: current, bandwidth: bandwidth, permutations: permutations, using: &generator)
    }

    /// ``test(reference:current:bandwidth:permutations:seed:)`` for samples given as rows.
    public static func test(reference: [[Double]], current: [[Double]], bandwidth: Double? = nil,
                            permutations: Int = 100, seed: UInt64 = 0) -> Result? {
        guard let reference = Vectors(rows: reference), let current = Vectors(rows: current) else { return nil }
        return test(reference: reference, current: current, bandwidth: bandwidth, permutations: permutations, seed: seed)
    }

    /// The permutation test, drawing relabelings from `generator`.
    public static func test<G: RandomNumberGenerator>(reference: Vectors, current: Vectors, bandwidth: Double? = nil,
                                                      permutations: Int = 100, using generator: inout G) -> Result? {
        let n = reference.count, m = current.count
        guard n >= 2, m >= 2, reference.dimension == current.dimension, permutations >= 0,
              reference.values.allSatisfy(\.isFinite), current.values.allSatisfy(\.isFinite),
              let sigma = bandwidth ?? medianBandwidth(reference), sigma > 0, sigma.isFinite else { return nil }
        let kernel = KernelMatrix(reference: reference, current: current, bandwidth: sigma)

        // Group membership by pooled index: the reference first, as alibi-detect stacks them.
        var inReference = [Double](repeating: 0, count: n + m)
        for index in 0..<n { inReference[index] = 1 }
        let observed = kernel.squaredMMD(inReference: inReference, referenceCount: n)
        var order = Array(0..<(n + m))
        var exceedances = 0
        for _ in 0..<permutations {
            order.shuffle(using: &generator)
            for (position, index) in order.enumerated() { inReference[index] = position < n ? 1 : 0 }
            if kernel.squaredMMD(inReference: inReference, referenceCount: n) >= observed { exceedances += 1 }
        }
        return Result(squaredMMD: observed, pValue: Double(1 + exceedances) / Double(1 + permutations),
                      bandwidth: sigma, permutations: permutations, exceedances: exceedances)
    }

    /// The unbiased MMD² with a given bandwidth (alibi-detect's `mmd2_from_kernel_matrix`
    /// with the diagonal zeroed): Σ_{i≠j} k(xᵢ,xⱼ)/(n(n−1)) + Σ_{i≠j} k(yᵢ,yⱼ)/(m(m−1)) −
    /// 2 Σ k(xᵢ,yⱼ)/(nm). nil on the inputs ``test(reference:current:bandwidth:permutations:seed:)``
    /// rejects.
    public static func squaredMMD(reference: Vectors, current: Vectors, bandwidth: Double) -> Double? {
        guard reference.count >= 2, current.count >= 2, reference.dimension == current.dimension,
              bandwidth > 0, bandwidth.isFinite,
              reference.values.allSatisfy(\.isFinite), current.values.allSatisfy(\.isFinite) else { return nil }
        let kernel = KernelMatrix(reference: reference, current: current, bandwidth: bandwidth)
        var inReference = [Double](repeating: 0, count: kernel.size)
        for index in 0..<reference.count { inReference[index] = 1 }
        return kernel.squaredMMD(inReference: inReference, referenceCount: reference.count)
    }

    /// alibi-detect's median heuristic (`sigma_median` on the reference against itself):
    /// σ = √(d/2), d the median squared Euclidean distance between distinct reference
    /// vectors (taking the lower middle value when their count is even), so a typical pair
    /// sits at kernel value e⁻¹. Distances are floored at 1e-30 as alibi-detect clamps them.
    /// nil with fewer than two vectors.
    ///
    /// alibi-detect sorts all n² entries and takes index n + (n² − n)//2 − 1; the n zeros on
    /// the diagonal come first and every other distance appears twice, so that entry is the
    /// ⌊(P − 1)/2⌋-th smallest of the P = n(n − 1)/2 distinct pairs, which is what is taken here.
    public static func medianBandwidth(_ reference: Vectors) -> Double? {
        let n = reference.count
        guard n >= 2 else { return nil }
        var pairs: [Double] = []
        pairs.reserveCapacity(n * (n - 1) / 2)
        for i in 0..<n {
            for j in (i + 1)..<n { pairs.append(squaredDistance(reference, i, reference, j)) }
        }
        pairs.sort()
        let median = Swift.max(pairs[(pairs.count - 1) / 2], 1e-30)
        return (0.5 * median).squareRoot()
    }

    /// ‖a_i − b_j‖², summed over differences rather than alibi-detect's ‖a‖² + ‖b‖² − 2a·b,
    /// which loses digits when vectors are close; the two agree to rounding otherwise.
    static func squaredDistance(_ a: Vectors, _ i: Int, _ b: Vectors, _ j: Int) -> Double {
        let d = a.dimension
        var sum = 0.0
        a.values.withUnsafeBufferPointer { left in
            b.values.withUnsafeBufferPointer { right in
                let x = left.baseAddress! + i * d, y = right.baseAddress! + j * d
                for k in 0..<d {
                    let difference = x[k] - y[k]
                    sum += difference * difference
                }
            }
        }
        return sum
    }

    /// The pooled kernel matrix with a zero diagonal, computed once per test.
    struct KernelMatrix {
        let size: Int
        let entries: [Double]
        /// Each row's sum, so a row's sum over the current group is its total less its sum over
        /// the reference group.
        let rowTotals: [Double]

        init(reference: Vectors, current: Vectors, bandwidth: Double) {
            let n = reference.count
            size = n + current.count
            let gamma = 1 / (2 * bandwidth * bandwidth)
            var entries = [Double](repeating: 0, count: size * size)
            for i in 0..<size {
                for j in (i + 1)..<size {
                    let distance = i < n
                        ? (j < n ? squaredDistance(reference, i, reference, j) : squaredDistance(reference, i, current, j - n))
                        : squaredDistance(current, i - n, current, j - n)
                    let value = exp(-Swift.max(distance, 1e-30) * gamma)
                    entries[i * size + j] = value
                    entries[j * size + i] = value
                }
            }
            let size = size
            rowTotals = (0..<size).map { row in entries[(row * size)..<((row + 1) * size)].reduce(0, +) }
            self.entries = entries
        }

        /// MMD² for the split where `inReference[i]` is 1 for the reference group and 0 for
        /// the current one.
        func squaredMMD(inReference: [Double], referenceCount n: Int) -> Double {
            let m = size - n
            var xx = 0.0, xy = 0.0, yy = 0.0
            entries.withUnsafeBufferPointer { matrix in
                inReference.withUnsafeBufferPointer { weights in
                    for row in 0..<size {
                        let entriesInRow = matrix.baseAddress! + row * size
                        var towardReference = 0.0
                        for column in 0..<size { towardReference += entriesInRow[column] * weights[column] }
                        if weights[row] == 1 {
                            xx += towardReference
                        } else {
                            xy += towardReference
                            yy += rowTotals[row] - towardReference
                        }
                    }
                }
            }
            let referencePairs = Double(n) * Double(n - 1), currentPairs = Double(m) * Double(m - 1)
            return xx / referencePairs + yy / currentPairs - 2 * xy / (Double(n) * Double(m))
        }
    }
}
