/// Chooses a variant for each request from weights: at random, or by a sticky key.
///
/// The variants share [0, 1) in order, each a slice as wide as its share of the weights.
/// A sticky key's place in that interval (``StableHash``) never changes, so a key keeps
/// its variant for as long as the weights do. When a canary's weight grows, its slice
/// grows into its neighbour's: keys only move to the canary, never back and forth.
public struct TrafficSplit: Sendable, Equatable {
    /// Upper ends of each variant's slice of [0, 1); the last is 1.
    public let boundaries: [Double]

    /// - Precondition: at least one weight, none negative, and a positive sum.
    public init(weights: [Double]) {
        let total = weights.reduce(0, +)
        var running = 0.0
        var ends = weights.map { weight in
            running += weight
            return running / total
        }
        // Rounding must not leave a sliver past the last variant that has weight, nor give
        // one to a zero-weight variant after it.
        let lastWeighted = weights.lastIndex { $0 > 0 } ?? weights.count - 1
        for index in lastWeighted..<ends.count { ends[index] = 1 }
        boundaries = ends
    }

    /// The variant index at `point` in [0, 1): the first whose slice ends past it (a
    /// zero-weight variant's slice is empty, so it is never chosen).
    public func variant(at point: Double) -> Int {
        // Few variants: a linear scan beats a binary search.
        boundaries.firstIndex { point < $0 } ?? boundaries.count - 1
    }

    /// The variant for a request: by its sticky key when it has one, else at random.
    public func choose<G: RandomNumberGenerator>(key: String?, using random: inout G) -> Int {
        variant(at: key.map(StableHash.unitInterval) ?? Double.random(in: 0..<1, using: &random))
    }
}
