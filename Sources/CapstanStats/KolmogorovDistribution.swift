import Foundation

/// The null distribution of the one-sample Kolmogorov–Smirnov statistics for a finite sample
/// size n: the two-sided Dₙ = supₓ |Fₙ(x) − F(x)| and the one-sided Dₙ⁺ (Smirnov).
///
/// The two-sample test needs it because, for large samples, its p-value is approximated by
/// the two-sided one-sample law with n = round(n₁n₂ / (n₁ + n₂)), as scipy's ks_2samp does
/// (scipy's `kstwo.sf`). No single algorithm is accurate and fast for every (n, d), so, like
/// scipy, we follow the method selection of Simard & L'Ecuyer (2011), "Computing the
/// Two-Sided Kolmogorov-Smirnov Distribution", J. Stat. Software 39(11):
/// - Ruben & Gambino's closed forms at the extremes (d ≤ 1/n, d ≥ 1 − 1/n);
/// - for d ≥ 1/2, twice the exact one-sided tail (the two one-sided events cannot both occur);
/// - for small n: Durbin's matrix (1968) in Marsaglia, Tsang & Wang's form (2003) when
///   n·d² is small, Pomeranz's recursion (1974) when moderate, the one-sided tail otherwise;
/// - for large n: the one-sided tail for the upper tail, otherwise Durbin's matrix while its
///   matrix stays small, and Pelz & Good's (1976) expansion beyond that.
enum KolmogorovDistribution {
    /// P(Dₙ ≥ d), the two-sided upper tail, clipped to [0, 1]. NaN when n < 1.
    static func survival(_ d: Double, sampleSize n: Int) -> Double {
        guard n >= 1, !d.isNaN else { return .nan }
        // The support is [1/(2n), 1]: below it every sample exceeds d, above none does.
        if d <= 0.5 / Double(n) { return 1 }
        if d >= 1 { return 0 }
        let size = Double(n)
        let t = size * d
        if t <= 1 {
            // Ruben & Gambino: P(Dₙ ≤ d) = n!/nⁿ · (2nd − 1)ⁿ for 1/(2n) ≤ d ≤ 1/n.
            if t <= 0.5 { return 1 }
            let cdf: Double
            if n <= 140 {
                cdf = (1...n).reduce(1.0) { $0 * (Double($1) * (1.0 / size) * (2 * t - 1)) }
            } else {
                cdf = exp(logFactorialOverPower(n) + size * log(2 * t - 1))
            }
            return clippedToUnit(1 - cdf)
        }
        if t >= size - 1 {
            // Ruben & Gambino: P(Dₙ ≥ d) = 2(1 − d)ⁿ for d ≥ 1 − 1/n.
            return clippedToUnit(2 * pow(1 - d, size))
        }
        if d >= 0.5 {
            // Dₙ⁺ ≥ d and Dₙ⁻ ≥ d are disjoint events once d > 1/2.
            return clippedToUnit(2 * SmirnovDistribution.survival(d, sampleSize: n))
        }
        let nd2 = t * d
        if n <= 140 {
            if nd2 <= 0.754693 { return clippedToUnit(1 - durbinCDF(d, sampleSize: n)) }
            if nd2 <= 4 { return clippedToUnit(1 - pomeranzCDF(d, sampleSize: n)) }
            // Miller's approximation: the one-sided events barely overlap out here.
            return clippedToUnit(2 * SmirnovDistribution.survival(d, sampleSize: n))
        }
        // Large n: the thresholds Simard & L'Ecuyer give for the upper tail.
        if nd2 >= 370 { return 0 }
        if nd2 >= 2.2 { return clippedToUnit(2 * SmirnovDistribution.survival(d, sampleSize: n)) }
        let cdf: Double
        if n <= 100_000 && size * pow(d, 1.5) <= 1.4 {
            cdf = durbinCDF(d, sampleSize: n)
        } else {
            cdf = pelzGoodCDF(d, sampleSize: n)
        }
        return clippedToUnit(1 - cdf)
    }

    // MARK: Durbin's matrix method

    /// P(Dₙ ≤ d) by Durbin's matrix method, computed as Marsaglia, Tsang & Wang (2003) do:
    /// with d = (k − h)/n, the answer is n!/nⁿ times the central entry of Hⁿ for an
    /// (2k−1)×(2k−1) matrix H, raised by repeated squaring with explicit power-of-two scaling.
    /// O(k³ log n) work, so only used while k = ⌈nd⌉ is small.
    static func durbinCDF(_ d: Double, sampleSize n: Int) -> Double {
        if d >= 1 { return 1 }
        let nd = Double(n) * d
        if nd <= 0.5 { return 0 }
        let k = Int(nd.rounded(.up))
        let h = Double(k) - nd
        let m = 2 * k - 1

        // v[j] = (1 − h^(j+1)) / (j+1)!  (first column, and last row reversed);
        // w[j] = 1/j!  (the Toeplitz part above).
        var v = [Double](repeating: 0, count: m)
        var w = [Double](repeating: 0, count: m)
        var factorial = 1.0
        for j in 1...m {
            w[j - 1] = factorial
            factorial /= Double(j)
            v[j - 1] = (1 - pow(h, Double(j))) * factorial
        }
        let corner = pow(max(2 * h - 1, 0), Double(m)) - 2 * pow(h, Double(m))
        v[m - 1] = (1 + corner) * factorial

        var base = SquareMatrix(size: m)
        for column in 1..<m {
            for row in (column - 1)..<m { base[row, column] = w[row - column + 1] }
        }
        for row in 0..<m { base[row, 0] = v[row] }
        for column in 0..<m { base[m - 1, column] = v[m - 1 - column] }

        let scale = 0x1p128, center = k - 1
        var power = SquareMatrix.identity(size: m)
        var powerExponent = 0, baseExponent = 0
        var remaining = n
        while remaining > 0 {
            if remaining % 2 == 1 {
                power = power * base
                powerExponent += baseExponent
            }
            remaining /= 2
            guard remaining > 0 else { break }
            base = base * base
            baseExponent *= 2
            if abs(base[center, center]) > scale {
                base.scale(by: 1 / scale)
                baseExponent += 128
            }
        }

        // Multiply by n!/nⁿ one factor at a time, keeping the running value representable.
        var p = power[center, center]
        for i in 1...n {
            p = Double(i) * p / Double(n)
            if abs(p) < 1 / scale {
                p *= scale
                powerExponent -= 128
            }
        }
        return clippedToUnit(scalbn(p, powerExponent))
    }

    // MARK: Pomeranz's recursion

    /// P(Dₙ ≤ d) by Pomeranz's (1974) recursion: the 2n+1 steps between the boundary
    /// crossings of the empirical CDF are Poisson-weighted convolutions, and only a short
    /// band of each row can be non-zero. n! times the final entry is the answer.
    static func pomeranzCDF(_ d: Double, sampleSize n: Int) -> Double {
        let t = Double(n) * d
        let whole = Int(t.rounded(.down))
        let fraction = t - Double(whole)
        let g = min(fraction, 1 - fraction)
        let ceilFraction = fraction > 0 ? 1 : 0
        let roundFraction = fraction > 0.5 ? 1 : 0
        let terms = 2 * (whole + 1)

        // Unnormalised Poisson weights (λ/n)^k / k! for the three step lengths that occur.
        var gPowers = [Double](repeating: 1, count: terms)
        var twoGPowers = gPowers, oneMinusTwoGPowers = gPowers
        let gOverN = g / Double(n), twoGOverN = 2 * g / Double(n), restOverN = (1 - 2 * g) / Double(n)
        for k in 1..<terms {
            gPowers[k] = gPowers[k - 1] * gOverN / Double(k)
            twoGPowers[k] = twoGPowers[k - 1] * twoGOverN / Double(k)
            oneMinusTwoGPowers[k] = oneMinusTwoGPowers[k - 1] * restOverN / Double(k)
        }

        func band(_ i: Int) -> (low: Int, high: Int) {
            let j1: Int, j2: Int
            if i == 0 {
                (j1, j2) = (-whole - ceilFraction - 1, whole + ceilFraction - 1)
            } else {
                let half = (i + 1) / 2
                if (i + 1) % 2 == 0 {
                    if half == n + 1 {
                        (j1, j2) = (n - whole - ceilFraction - 1, n + whole + ceilFraction - 1)
                    } else {
                        (j1, j2) = (half - 1 - whole - roundFraction - 1, half + whole - 1 + ceilFraction - 1)
                    }
                } else {
                    (j1, j2) = (half - 1 - whole - 1, half + whole + roundFraction - 1)
                }
            }
            return (max(j1 + 2, 0), min(j2, n))
        }

        let scale = 0x1p128
        var exponent = 0
        var previous = [Double](repeating: 0, count: terms)
        var current = [Double](repeating: 0, count: terms)
        current[0] = 1
        var previousStart = 0, currentStart = 0
        var (j1, j2) = band(0)
        for i in 1..<(2 * n + 2) {
            let k1 = j1
            swap(&previous, &current)
            swap(&previousStart, &currentStart)
            for index in current.indices { current[index] = 0 }
            (j1, j2) = band(i)
            let weights = (i == 1 || i == 2 * n + 1) ? gPowers : (i % 2 == 1 ? twoGPowers : oneMinusTwoGPowers)
            let length = j2 - k1 + 1
            guard length > 0 else { continue }
            // Entries [j1 − k1, j2 − k1] of the convolution of previous[k1 − start ...] with the weights.
            let offset = k1 - previousStart
            let sourceCount = min(length, terms - offset)
            let weightCount = min(length, terms)
            for out in 0..<(j2 - j1 + 1) {
                let l = j1 - k1 + out
                var sum = 0.0
                var s = max(0, l - (weightCount - 1))
                while s <= min(l, sourceCount - 1) {
                    sum += previous[offset + s] * weights[l - s]
                    s += 1
                }
                current[out] = sum
            }
            if let largest = current.max(), largest > 0, largest < 1 / scale {
                for index in current.indices { current[index] *= scale }
                exponent -= 128
            }
            currentStart = previousStart + j1 - k1
        }

        var answer = current[n - currentStart]
        for factor in 1...n {
            if abs(answer) > scale {
                answer /= scale
                exponent += 128
            }
            answer *= Double(factor)
        }
        return clippedToUnit(scalbn(answer, exponent))
    }

    // MARK: Pelz–Good expansion

    /// P(Dₙ ≤ d) from Pelz & Good (1976): Li-Chien's and Korolyuk's expansion
    /// K₀(z) + K₁(z)/√n + K₂(z)/n + K₃(z)/n^{3/2} (z = d√n), rewritten through the Jacobi
    /// theta identity so that it converges quickly for small z, where the classical
    /// Kolmogorov series does not. Not clipped (callers clip their complement).
    static func pelzGoodCDF(_ d: Double, sampleSize n: Int) -> Double {
        if d <= 0 { return 0 }
        if d >= 1 { return 1 }
        let piSquared = Double.pi * Double.pi, piFour = piSquared * piSquared, piSix = piFour * piSquared
        let sqrtTwoPi = (2 * Double.pi).squareRoot()
        let z = Double(n).squareRoot() * d
        let z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2
        let logQ = -piSquared / 8 / z2
        if logQ < -708 { return 0 }
        var q = exp(logQ)

        let k1a = -z2, k1b = piSquared / 4
        let k2a = 6 * z6 + 2 * z4
        let k2b = (2 * z4 - 5 * z2) * piSquared / 4
        let k2c = piFour * (1 - 2 * z2) / 16
        let k3d = piSix * (5 - 30 * z2) / 64
        let k3c = piFour * (-60 * z2 + 212 * z4) / 16
        let k3b = piSquared * (135 * z4 - 96 * z6) / 4
        let k3a = -30 * z6 - 90 * pow(z, 8)

        // Σ over odd m = 2k−1 of c(m)·q^(m²), by Horner's scheme in q⁸ᵏ.
        var terms = [0.0, 0.0, 0.0, 0.0]
        let maxK = Int((16 * z / Double.pi).rounded(.up))
        var k = maxK
        while k >= 1 {
            let m = Double(2 * k - 1)
            let m2 = m * m, m4 = m2 * m2, m6 = m4 * m2
            let qPower = pow(q, Double(8 * k))
            let coefficients = [1.0,
                                k1a + k1b * m2,
                                k2a + k2b * m2 + k2c * m4,
                                k3a + k3b * m2 + k3c * m4 + k3d * m6]
            for index in 0..<4 { terms[index] = terms[index] * qPower + coefficients[index] }
            k -= 1
        }
        let divisors = [z, 6 * z4, 72 * pow(z, 7), 6480 * pow(z, 10)]
        for index in 0..<4 { terms[index] = terms[index] * q * sqrtTwoPi / divisors[index] }

        // The remaining sums of K₂ and K₃ run over all integers k, with q = exp(−π²/(2z²)).
        q = exp(-piSquared / 2 / z2)
        var k2Extra = 0.0, k3Extra = 0.0
        let sqrt3z = 3.0.squareRoot() * z
        for k in stride(from: maxK, through: 1, by: -1) {
            let kk = Double(k), k2 = kk * kk
            let qPower = pow(q, k2)
            k2Extra += k2 * qPower
            k3Extra += (sqrt3z + Double.pi * kk) * (sqrt3z - Double.pi * kk) * k2 * qPower
        }
        terms[2] += k2Extra * (piSquared * sqrtTwoPi / (-36 * z3))
        terms[3] += k3Extra * (piSquared * sqrtTwoPi / (216 * z6))
        var sum = 0.0
        for index in 0..<4 { sum += terms[index] / pow(Double(n), Double(index) / 2) }
        return sum
    }

    // MARK: Helpers

    /// log(n!/nⁿ) by Stirling's series, with n·log n removed up front so it does not cancel.
    static func logFactorialOverPower(_ n: Int) -> Double {
        // B₂ⱼ / (2j(2j−1)) for j = 8, …, 1.
        let stirling = [-2.955065359477124183e-2, 6.4102564102564102564e-3,
                        -1.9175269175269175269e-3, 8.4175084175084175084e-4,
                        -5.952380952380952381e-4, 7.9365079365079365079e-4,
                        -2.7777777777777777778e-3, 8.3333333333333333333e-2]
        let size = Double(n), reciprocal = 1 / size
        let series = stirling.reduce(0.0) { $0 * (reciprocal / size) + $1 }
        return log(size) / 2 - size + log(2 * Double.pi) / 2 + reciprocal * series
    }

}

/// The one-sided Kolmogorov–Smirnov (Smirnov) statistic Dₙ⁺ = supₓ (Fₙ(x) − F(x)).
///
/// Its exact upper tail is the Birnbaum & Tingey (1951) sum (already in Smirnov, 1944):
/// P(Dₙ⁺ ≥ d) = d Σ_{v=0}^{⌊n(1−d)⌋} C(n, v) (d + v/n)^{v−1} (1 − d − v/n)^{n−v}.
/// Every term is positive, so summing in log space keeps full relative accuracy even far
/// out in the tail, which is where the two-sided law borrows it (2·P(Dₙ⁺ ≥ d)).
enum SmirnovDistribution {
    /// P(Dₙ⁺ ≥ d), clipped to [0, 1].
    static func survival(_ d: Double, sampleSize n: Int) -> Double {
        guard n > 0, d >= 0, d <= 1 else { return .nan }
        if n == 1 { return 1 - d }
        if d == 0 { return 1 }
        if d == 1 { return 0 }
        let size = Double(n)
        // ⌊nd⌋ and the fractional part, with the rounding error of n·d recovered exactly.
        let product = size * d
        let productError = fma(size, d, -product)
        var whole = product.rounded(.down)
        var fraction = (product - whole) + productError
        if fraction < 0 { whole -= 1; fraction += 1 }
        if fraction >= 1 { whole += 1; fraction -= 1 }
        let floorND = Int(whole)

        if floorND == 0 || (floorND == 1 && fraction == 0) {
            // d ≤ 1/n: only the v = 0 boundary matters for the lower tail.
            return clippedToUnit(1 - d * pow(1 + d, size - 1))
        }
        // exp(−2nd²) underflows: so does the tail (cephes' MINLOG).
        if -2 * size * d * d < -7.08396418532264106224e2 { return 0 }
        if floorND >= n - 1 { return clippedToUnit(pow(1 - d, size)) }
        if n > 1_000_000 {
            // Too many terms: the approximation P ≈ exp(−(6nd + 1)² / (18n)).
            let logP = -pow(6 * size * d + 1, 2) / 18 / size
            return clippedToUnit(logP < -M_LN2 ? exp(logP) : 1 + expm1(logP))
        }

        // The lower sum, v = 0 … n − ⌊nd⌋ − 1, each factor written from the exact split
        // nd = ⌊nd⌋ + fraction. (scipy's cephes code also has an "upper" sum for d ≲ 1/(2√n);
        // the two-sided law never asks for the one-sided tail there, so it is not needed.)
        let lastTerm = n - floorND - 1
        // log C(n, v) is built up over up to ~n steps while it grows into the thousands, so
        // it is summed with Kahan's compensation; plain summation drifts by ~n·ε.
        var logBinomial = 0.0, logBinomialCompensation = 0.0
        var sum = 0.0
        for v in 0...lastTerm {
            let logTerm: Double
            if v == 0 {
                logTerm = -log(d) + size * log1p(-d)
            } else {
                let step = log(Double(n - v + 1) / Double(v)) - logBinomialCompensation
                let updated = logBinomial + step
                logBinomialCompensation = (updated - logBinomial) - step
                logBinomial = updated
                // d + v/n, and log(1 − d − v/n) via log1p: a difference of two logs of n
                // would cost n·ε in the exponent.
                let crossing = (Double(floorND + v) + fraction) / size
                logTerm = logBinomial + Double(v - 1) * log(crossing) + Double(n - v) * log1p(-crossing)
            }
            let term = exp(logTerm)
            sum += term
            // Past the peak the terms fall geometrically; stop once the rest cannot matter.
            if term != 0 {
                if 4 * Double(lastTerm - v + 1) * term < Double.ulpOfOne * sum, v != lastTerm { break }
            } else if v > n / 2 {
                break
            }
        }
        return clippedToUnit(d * sum)
    }
}

/// A probability clipped to [0, 1] (NaN passes through, as with numpy's clip).
func clippedToUnit(_ p: Double) -> Double { p.isNaN ? p : min(max(p, 0), 1) }

/// A dense square matrix, just enough for Durbin's matrix powers.
struct SquareMatrix {
    let size: Int
    private(set) var entries: [Double]

    init(size: Int) {
        self.size = size
        entries = [Double](repeating: 0, count: size * size)
    }

    static func identity(size: Int) -> SquareMatrix {
        var matrix = SquareMatrix(size: size)
        for i in 0..<size { matrix[i, i] = 1 }
        return matrix
    }

    subscript(row: Int, column: Int) -> Double {
        get { entries[row * size + column] }
        set { entries[row * size + column] = newValue }
    }

    mutating func scale(by factor: Double) {
        for index in entries.indices { entries[index] *= factor }
    }

    static func * (left: SquareMatrix, right: SquareMatrix) -> SquareMatrix {
        let n = left.size
        var product = SquareMatrix(size: n)
        left.entries.withUnsafeBufferPointer { a in
            right.entries.withUnsafeBufferPointer { b in
                product.entries.withUnsafeMutableBufferPointer { c in
                    // Row-major i-k-j order: the inner loop streams through rows of b and c.
                    for i in 0..<n {
                        for k in 0..<n {
                            let aik = a[i * n + k]
                            if aik == 0 { continue }
                            for j in 0..<n { c[i * n + j] += aik * b[k * n + j] }
                        }
                    }
                }
            }
        }
        return product
    }
}
