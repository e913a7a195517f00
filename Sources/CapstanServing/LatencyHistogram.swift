import Foundation

/// Latencies in buckets 1% wide, so a rollout step's quantiles cost the same at 100 or at
/// 500,000 predictions, and keeping them costs a fixed 25 KB per variant.
///
/// The idea is DDSketch's (Masson, Rim & Lee, VLDB 2019): logarithmic buckets bound the
/// relative error of every quantile. Each bucket also keeps the largest value it has seen,
/// and a quantile answers with that value: always a latency that was observed, never below
/// the exact nearest-rank quantile and at most 1% above it (exact when the bucket holds one
/// distinct value). Erring high keeps a `max` rule on the safe side.
public struct LatencyHistogram: Sendable, Equatable {
    /// Bucket 0 holds everything up to a microsecond; the last everything from 1,000 s up.
    static let smallest = 0.001
    static let growth = 1.01
    static let bucketCount = Int((log(1e9) / log(growth)).rounded(.up)) + 1

    private var counts: [UInt32] = []
    private var largest: [Double] = []
    public private(set) var count = 0

    public init() {}

    public mutating func add(_ milliseconds: Double) {
        guard milliseconds.isFinite else { return }
        if counts.isEmpty {
            counts = Array(repeating: 0, count: Self.bucketCount)
            largest = Array(repeating: -.infinity, count: Self.bucketCount)
        }
        let bucket = Self.bucket(milliseconds)
        counts[bucket] &+= 1
        largest[bucket] = Swift.max(largest[bucket], milliseconds)
        count += 1
    }

    public mutating func add(_ other: LatencyHistogram) {
        guard other.count > 0 else { return }
        guard count > 0 else { self = other; return }
        for bucket in 0..<Self.bucketCount where other.counts[bucket] > 0 {
            counts[bucket] &+= other.counts[bucket]
            largest[bucket] = Swift.max(largest[bucket], other.largest[bucket])
        }
        count += other.count
    }

    /// The nearest-rank quantile (the smallest value with at least q of the values at or
    /// below it), to within 1% as above; nil when empty.
    public func quantile(_ q: Double) -> Double? {
        guard count > 0, !q.isNaN else { return nil }
        let rank = Swift.min(count, Swift.max(1, Int((q * Double(count)).rounded(.up))))
        var seen = 0
        for bucket in 0..<Self.bucketCount {
            seen += Int(counts[bucket])
            if seen >= rank { return largest[bucket] }
        }
        return nil
    }

    static func bucket(_ milliseconds: Double) -> Int {
        guard milliseconds > smallest else { return 0 }
        let index = (log(milliseconds / smallest) / log(growth)).rounded(.up)
        return Int(Swift.min(index, Double(bucketCount - 1)))
    }
}
