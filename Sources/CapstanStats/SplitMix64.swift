import Foundation

/// Steele, Lea and Flood's SplitMix64 ("Fast splittable pseudorandom number generators",
/// OOPSLA 2014): small, fast and seedable, so everything Capstan draws at random — MMD's
/// permutations, the domain classifier's samples and folds, synthetic frames for
/// benchmarks — is the same on every run and every machine for a given seed (the system
/// generator is neither seedable nor portable).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal draw (Box–Muller).
    public mutating func normal() -> Double {
        let u1 = Double(next() >> 11) / Double(1 << 53) + 1e-300
        let u2 = Double(next() >> 11) / Double(1 << 53)
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * .pi * u2)
    }

    /// `count` distinct indices of `0..<population`, ascending (a partial Fisher–Yates
    /// shuffle): all of them when `count >= population`. Ascending keeps rows in file order,
    /// which makes a sample easy to reason about and cache-friendly to read.
    public mutating func sample(_ count: Int, of population: Int) -> [Int] {
        guard count < population else { return Array(0..<population) }
        var indices = Array(0..<population)
        for position in 0..<count {
            let pick = position + Int(next(upperBound: UInt64(population - position)))
            indices.swapAt(position, pick)
        }
        return indices[..<count].sorted()
    }

    /// `values` in a random order (Fisher–Yates).
    public mutating func shuffled(_ values: [Int]) -> [Int] {
        var values = values
        var position = values.count - 1
        while position > 0 {
            values.swapAt(position, Int(next(upperBound: UInt64(position + 1))))
            position -= 1
        }
        return values
    }
}
