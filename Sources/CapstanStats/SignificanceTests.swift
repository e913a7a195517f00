import Foundation

/// A test's statistic and two-sided p-value.
public struct TestResult: Sendable, Equatable {
    public var statistic: Double
    public var pValue: Double
    /// Degrees of freedom (t tests).
    public var degrees: Double?
}

public enum SignificanceTests {
    /// The pooled two-proportion z-test of p₂ − p₁ (successes over trials per group).
    public static func twoProportionZ(successes1: Int, trials1: Int, successes2: Int, trials2: Int) -> TestResult? {
        guard trials1 > 0, trials2 > 0 else { return nil }
        let p1 = Double(successes1) / Double(trials1), p2 = Double(successes2) / Double(trials2)
        let pooled = Double(successes1 + successes2) / Double(trials1 + trials2)
        let se = (pooled * (1 - pooled) * (1 / Double(trials1) + 1 / Double(trials2))).squareRoot()
        guard se > 0 else { return TestResult(statistic: 0, pValue: 1, degrees: nil) }
        let z = (p2 - p1) / se
        return TestResult(statistic: z, pValue: 2 * NormalDistribution.survival(abs(z)), degrees: nil)
    }

    /// Welch's unequal-variances t-test of mean₂ − mean₁.
    public static func welchT(_ first: [Double], _ second: [Double]) -> TestResult? {
        guard first.count > 1, second.count > 1 else { return nil }
        let (m1, v1) = meanAndVariance(first), (m2, v2) = meanAndVariance(second)
        let s1 = v1 / Double(first.count), s2 = v2 / Double(second.count)
        guard s1 + s2 > 0 else { return TestResult(statistic: 0, pValue: m1 == m2 ? 1 : 0, degrees: nil) }
        let t = (m2 - m1) / (s1 + s2).squareRoot()
        let degrees = (s1 + s2) * (s1 + s2) / (s1 * s1 / Double(first.count - 1) + s2 * s2 / Double(second.count - 1))
        return TestResult(statistic: t, pValue: StudentT.twoSidedP(t, degrees: degrees), degrees: degrees)
    }

    /// Mean and unbiased (n − 1) variance.
    public static func meanAndVariance(_ values: [Double]) -> (Double, Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.count > 1 ? values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1) : 0
        return (mean, variance)
    }
}

/// Confidence intervals and sample sizes for comparing variants.
public enum Estimation {
    /// Wilson's score interval for a proportion (better than the Wald interval near 0 and 1
    /// and for small n).
    public static func wilson(successes: Int, trials: Int, confidence: Double = 0.95) -> (low: Double, high: Double)? {
        guard trials > 0 else { return nil }
        let z = NormalDistribution.quantile(1 - (1 - confidence) / 2)
        let n = Double(trials), p = Double(successes) / n
        let center = (p + z * z / (2 * n)) / (1 + z * z / n)
        let half = z / (1 + z * z / n) * (p * (1 - p) / n + z * z / (4 * n * n)).squareRoot()
        return (center - half, center + half)
    }

    /// The t interval for a mean.
    public static func meanInterval(_ values: [Double], confidence: Double = 0.95) -> (low: Double, high: Double)? {
        guard values.count > 1 else { return nil }
        let (mean, variance) = SignificanceTests.meanAndVariance(values)
        let t = StudentT.quantile(1 - (1 - confidence) / 2, degrees: Double(values.count - 1))
        let half = t * (variance / Double(values.count)).squareRoot()
        return (mean - half, mean + half)
    }

    /// Trials per group a two-sided two-proportion test needs to detect p₁ vs p₂ with the
    /// given power (the normal-approximation formula, as in Fleiss' textbook).
    public static func sampleSizeForProportions(_ p1: Double, _ p2: Double, alpha: Double = 0.05, power: Double = 0.8) -> Int? {
        guard p1 != p2 else { return nil }
        let za = NormalDistribution.quantile(1 - alpha / 2), zb = NormalDistribution.quantile(power)
        let mean = (p1 + p2) / 2
        let root = za * (2 * mean * (1 - mean)).squareRoot() + zb * (p1 * (1 - p1) + p2 * (1 - p2)).squareRoot()
        return count(root * root / ((p1 - p2) * (p1 - p2)))
    }

    /// Observations per group a two-sided two-sample test of means needs to detect a
    /// difference `delta` given a common standard deviation.
    public static func sampleSizeForMeans(delta: Double, standardDeviation: Double, alpha: Double = 0.05, power: Double = 0.8) -> Int? {
        guard delta != 0, standardDeviation > 0 else { return nil }
        let za = NormalDistribution.quantile(1 - alpha / 2), zb = NormalDistribution.quantile(power)
        let n = 2 * (za + zb) * (za + zb) * standardDeviation * standardDeviation / (delta * delta)
        return count(n)
    }

    /// A sample size as a count; nil past 10¹² (a difference that small is no difference).
    private static func count(_ n: Double) -> Int? {
        guard n.isFinite, n <= 1e12 else { return nil }
        return Int(n.rounded(.up))
    }
}
