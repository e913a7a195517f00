import Foundation

/// Student's t distribution with `degrees` of freedom (not necessarily whole, as Welch's
/// test needs).
public enum StudentT {
    /// P(T ≤ t), from the regularized incomplete beta function:
    /// P(|T| > |t|) = I_{ν/(ν+t²)}(ν/2, 1/2).
    public static func cdf(_ t: Double, degrees: Double) -> Double {
        guard t.isFinite else { return t > 0 ? 1 : 0 }
        let tail = 0.5 * IncompleteBeta.regularized(degrees / (degrees + t * t), a: degrees / 2, b: 0.5)
        return t > 0 ? 1 - tail : tail
    }

    /// Two-sided p-value of an observed t.
    public static func twoSidedP(_ t: Double, degrees: Double) -> Double {
        IncompleteBeta.regularized(degrees / (degrees + t * t), a: degrees / 2, b: 0.5)
    }

    /// The t with P(T ≤ t) = p, by bisection on the cdf (used for interval widths, where
    /// 100 halvings reach the precision of a double).
    public static func quantile(_ p: Double, degrees: Double) -> Double {
        guard p > 0, p < 1 else { return p <= 0 ? -.infinity : .infinity }
        var low = -1e3, high = 1e3
        for _ in 0..<100 {
            let mid = (low + high) / 2
            if cdf(mid, degrees: degrees) < p { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }
}

/// The regularized incomplete beta function I_x(a, b).
enum IncompleteBeta {
    /// By its continued fraction (evaluated with the modified Lentz method), on the side of
    /// x where it converges fast, as in Numerical Recipes §6.4.
    static func regularized(_ x: Double, a: Double, b: Double) -> Double {
        guard x > 0 else { return 0 }
        guard x < 1 else { return 1 }
        let front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x))
        if x < (a + 1) / (a + b + 2) {
            return front * continuedFraction(x, a: a, b: b) / a
        }
        return 1 - front * continuedFraction(1 - x, a: b, b: a) / b
    }

    private static func continuedFraction(_ x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        d = abs(d) < tiny ? tiny : d
        d = 1 / d
        var h = d
        for m in 1...300 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
            d = 1 + aa * d; d = abs(d) < tiny ? tiny : d
            c = 1 + aa / c; c = abs(c) < tiny ? tiny : c
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
            d = 1 + aa * d; d = abs(d) < tiny ? tiny : d
            c = 1 + aa / c; c = abs(c) < tiny ? tiny : c
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return h
    }
}
