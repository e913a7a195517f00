import Foundation

/// The regularized incomplete gamma functions P(a, x) = γ(a, x)/Γ(a) and Q(a, x) = Γ(a, x)/Γ(a).
///
/// They are here for their tails: a drift test's p-value is Q(k/2, x/2), and a monitor ranks
/// and logs p-values far below 1e-16, so Q has to keep its relative precision where 1 − P has
/// none. Each function is computed directly in the region where it is the smaller one, and the
/// other is taken as its complement there:
/// - x < a + 1: P from its power series (DLMF 8.7.1, `x^a e^{-x}/Γ(a+1) · Σ xⁿ/(a+1)…(a+n)`);
/// - x ≥ a + 1: Q from its continued fraction (DLMF 8.9.2), evaluated with the modified Lentz
///   method. The split and both expansions follow Numerical Recipes (§6.2).
///
/// Both expansions share the factor `x^a e^{-x}/Γ(a)`, whose logarithm is a difference of
/// large, nearly equal terms when a is large and x ≈ a (a = 5000: about 4e4 − 4e4 + …). It is
/// rewritten as `a·(ln(1+t) − t) + ½ ln(a/2π) − stirlerr(a)` with t = (x − a)/a, so no
/// digits cancel (Loader's trick for binomial and Poisson densities; cephes' `igam_fac`, which
/// scipy uses, does the same with a Lanczos sum in place of Stirling's series). The relative error is then about ε·|ln result|: ~1e-13 near 1e-300.
///
/// Where it is weaker: for a < 1/2 and x around 1 (outside every chi-square use, whose
/// a = degrees/2 ≥ 1/2), Q comes from 1 − P, so its error is absolute (~1e-16) rather than
/// relative.
public enum IncompleteGamma {
    /// P(a, x), the regularized lower incomplete gamma function: the chi-square (2a degrees)
    /// or gamma (shape a) cdf at 2x or x. NaN for a < 0, x < 0 or NaN input; P(0, x > 0) = 1,
    /// as in scipy's `gammainc`.
    public static func lowerRegularized(_ a: Double, _ x: Double) -> Double {
        evaluate(a, x).lower
    }

    /// Q(a, x) = 1 − P(a, x), computed without the subtraction where Q is small (the upper
    /// tail of the chi-square and gamma distributions). Matches scipy's `gammaincc` at the
    /// edges: Q(a, 0) = 1, Q(a, ∞) = 0, Q(0, x > 0) = 0, Q(0, 0) = NaN.
    public static func upperRegularized(_ a: Double, _ x: Double) -> Double {
        evaluate(a, x).upper
    }

    /// Both P and Q, from one expansion.
    static func evaluate(_ a: Double, _ x: Double) -> (lower: Double, upper: Double) {
        guard !a.isNaN, !x.isNaN, a >= 0, x >= 0 else { return (.nan, .nan) }
        if a == 0 { return x > 0 ? (1, 0) : (.nan, .nan) }
        if x == 0 { return (0, 1) }
        if x.isInfinite { return a.isInfinite ? (.nan, .nan) : (1, 0) }
        if a.isInfinite { return (0, 1) }

        let logFactor = logPowerExpOverGamma(a, x)
        if x < a + 1 {
            let lower = scaled(logFactor, lowerSeries(a, x))
            return (lower, 1 - lower)
        } else {
            let upper = scaled(logFactor, upperContinuedFraction(a, x))
            return (1 - upper, upper)
        }
    }

    /// exp(logFactor) · s, without overflow when exp alone would underflow and s is large
    /// (tiny a makes the series sum ~1/a).
    private static func scaled(_ logFactor: Double, _ s: Double) -> Double {
        logFactor > -700 ? exp(logFactor) * s : exp(logFactor + log(s))
    }

    /// Σ_{n≥0} xⁿ / (a (a+1) … (a+n)), so that P = x^a e^{-x}/Γ(a) · sum. Every term is
    /// positive; the ratio of successive terms x/(a+n) falls below 1 at once for x < a + 1.
    private static func lowerSeries(_ a: Double, _ x: Double) -> Double {
        var term = 1 / a, sum = term, denominator = a
        for _ in 0..<100_000 {
            denominator += 1
            term *= x / denominator
            sum += term
            if term <= sum * Double.ulpOfOne { break }
        }
        return sum
    }

    /// 1/(x+1−a− 1(1−a)/(x+3−a− 2(2−a)/(x+5−a− …))), so that Q = x^a e^{-x}/Γ(a) · value.
    /// Lentz's method evaluates it front to back, replacing zero denominators by a tiny
    /// number (Thompson & Barnett's modification).
    private static func upperContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var value = d
        for i in 1..<100_000 {
            let n = Double(i)
            let numerator = -n * (n - a)
            b += 2
            d = numerator * d + b
            if abs(d) < tiny { d = tiny }
            c = b + numerator / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            value *= delta
            if abs(delta - 1) <= Double.ulpOfOne { break }
        }
        return value
    }

    /// ln(x^a e^{-x} / Γ(a)).
    static func logPowerExpOverGamma(_ a: Double, _ x: Double) -> Double {
        if a < 10 { return a * log(x) - x - lgamma(a) }
        let t = (x - a) / a
        // a ln(x/a) − (x − a), the part that cancels; exact-ish near x = a via log1pmx.
        let core = abs(t) < 0.5 ? a * log1pMinusX(t) : a * log(x / a) - (x - a)
        return core + 0.5 * log(a / (2 * Double.pi)) - stirlingError(a)
    }

    /// ln(1 + t) − t for |t| < 1/2, without the cancellation of `log1p(t) − t`: with
    /// y = t/(2+t), ln(1+t) = 2 atanh y = 2(y + y³/3 + …) and 2y − t = −t²/(2+t).
    static func log1pMinusX(_ t: Double) -> Double {
        let y = t / (2 + t), y2 = y * y
        var power = y * y2, sum = 0.0, k = 3.0
        while true {
            let term = power / k
            sum += term
            if abs(term) <= abs(sum) * 1e-17 || power == 0 { break }
            power *= y2
            k += 2
        }
        return -t * t / (2 + t) + 2 * sum
    }

    /// ln Γ(a) − [(a − ½) ln a − a + ½ ln 2π], the remainder of Stirling's formula, from its
    /// asymptotic series (a ≥ 10: the first omitted term is below 1e-17).
    static func stirlingError(_ a: Double) -> Double {
        if a < 10 { return lgamma(a) - ((a - 0.5) * log(a) - a + 0.5 * log(2 * Double.pi)) }
        let r = 1 / a, r2 = r * r
        // Bernoulli numbers B₂ₖ/(2k(2k−1)): 1/12, −1/360, 1/1260, −1/1680, 1/1188, −691/360360, 1/156.
        let coefficients: [Double] = [1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188, -691.0 / 360360, 1.0 / 156]
        var sum = 0.0
        for coefficient in coefficients.reversed() { sum = sum * r2 + coefficient }
        return sum * r
    }
}
