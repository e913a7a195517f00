import Testing
@testable import CapstanStats

/// Distributions and tests against scipy 1.16's values (computed with scipy.stats:
/// norm.cdf/ppf, t.cdf/ppf, ttest_ind(equal_var=False), and the pooled z formula).
@Suite struct SignificanceTestsTests {
    func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool { abs(a - b) <= tolerance * max(1, abs(b)) }

    @Test func normal() {
        #expect(close(NormalDistribution.cdf(1.2345), 0.8914916766373298))
        #expect(close(NormalDistribution.cdf(-3.1), 0.0009676032132183563))
        #expect(close(NormalDistribution.quantile(0.975), 1.959963984540054))
        #expect(close(NormalDistribution.quantile(0.8), 0.8416212335729143))
        #expect(close(NormalDistribution.quantile(1e-6), -4.753424308822899, 1e-10))
    }

    @Test func studentT() {
        #expect(close(StudentT.cdf(2.1, degrees: 7.3), 0.9638766432875733, 1e-10))
        #expect(close(StudentT.cdf(-0.5, degrees: 3), 0.3257239824240755, 1e-10))
        #expect(close(StudentT.cdf(1.96, degrees: 1000), 0.9748634075221256, 1e-10))
        #expect(close(StudentT.quantile(0.975, degrees: 9), 2.262157162798205, 1e-9))
    }

    @Test func twoProportionZAndWelch() throws {
        let z = try #require(SignificanceTests.twoProportionZ(successes1: 120, trials1: 1000, successes2: 150, trials2: 1000))
        #expect(close(z.statistic, 1.963049807622355) && close(z.pValue, 0.04964038686536878, 1e-10))
        let welch = try #require(SignificanceTests.welchT([1.2, 2.3, 0.7, 3.1, 2.2, 1.9, 2.8], [2.9, 3.4, 2.2, 4.1, 3.8, 2.7]))
        #expect(close(welch.statistic, 2.6656319798763684) && close(welch.pValue, 0.021964930468893872, 1e-9))
    }

    @Test func intervalsAndSampleSizes() throws {
        // Wilson 95% for 12/100, the closed form evaluated in Python with statistics.NormalDist.
        let interval = try #require(Estimation.wilson(successes: 12, trials: 100))
        #expect(close(interval.low, 0.06999406437019488, 1e-10) && close(interval.high, 0.19812099426711416, 1e-10))
        // 10% vs 12%: the textbook answer is 3,841 per group.
        #expect(Estimation.sampleSizeForProportions(0.10, 0.12) == 3841)
        // δ = 0.5σ: 63 per group (2·(1.96+0.8416)²/0.25 = 62.8).
        #expect(Estimation.sampleSizeForMeans(delta: 0.5, standardDeviation: 1) == 63)
        #expect(Estimation.sampleSizeForProportions(0.1, 0.1) == nil)
        // Means that differ only by rounding: no finite sample separates them (and no crash).
        #expect(Estimation.sampleSizeForMeans(delta: 1e-17, standardDeviation: 0.1) == nil)
    }
}
