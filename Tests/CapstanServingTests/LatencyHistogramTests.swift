import Foundation
import Testing
import CapstanStats
@testable import CapstanServing

@Suite("Latency histogram")
struct LatencyHistogramTests {
    /// The exact nearest-rank quantile, the histogram's reference.
    func exact(_ values: [Double], _ q: Double) -> Double {
        let sorted = values.sorted()
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }

    @Test(arguments: [1, 7, 100, 5_000])
    func quantilesAreObservedValuesAtMostOnePercentAboveTheExactOnes(count: Int) throws {
        var generator = SplitMix64(seed: UInt64(count))
        // Log-normal-ish latencies from microseconds to seconds, and some exact repeats.
        let values = (0..<count).map { index in
            index % 5 == 0 ? 2.0 : exp(Double.random(in: -7...8, using: &generator))
        }
        var histogram = LatencyHistogram()
        values.forEach { histogram.add($0) }
        #expect(histogram.count == count)
        for q in [0.01, 0.5, 0.9, 0.99, 1] {
            let approximate = try #require(histogram.quantile(q))
            let truth = exact(values, q)
            #expect(values.contains(approximate))
            #expect(approximate >= truth && approximate <= truth * 1.01, "q=\(q): \(approximate) vs \(truth)")
        }
    }

    @Test func aBucketOfOneValueGivesItExactly() {
        var histogram = LatencyHistogram()
        for _ in 0..<99 { histogram.add(2) }
        histogram.add(80)
        #expect(histogram.quantile(0.99) == 2)
        #expect(histogram.quantile(1) == 80)
        #expect(LatencyHistogram().quantile(0.5) == nil)
    }

    @Test func mergingEqualsAddingEverything() {
        let left = [0.0001, 0.5, 3, 3.01, 1e7], right = [0.7, 3.02, 250, .infinity]
        var a = LatencyHistogram(), b = LatencyHistogram(), all = LatencyHistogram()
        left.forEach { a.add($0); all.add($0) }
        right.forEach { b.add($0); all.add($0) }
        a.add(b)
        #expect(a == all)
        #expect(all.count == 8, "an infinite latency is not a measurement")
        #expect(all.quantile(1) == 1e7, "beyond the last bucket, still the observed value")
        #expect(all.quantile(0) == 0.0001)
    }
}
