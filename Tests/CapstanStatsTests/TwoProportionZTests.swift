import Foundation
import Testing
@testable import CapstanStats

/// Evidently's column Z test against scipy 1.17.1. Evidently is not installed; its
/// `z_stattest.py` is reproduced in Python, with the tail from `norm.sf` (Capstan's choice;
/// Evidently's own `2 * (1 - norm.cdf(|z|))` is shown beside it where the two differ):
///
///     def evidently_z(ref, cur):
///         if len(set(ref)) == 1 and len(set(cur)) == 1 and set(ref) == set(cur):
///             return 0.0, 1.0
///         first = sorted(set(ref) | set(cur))[0]
///         r = [0 if x == first else 1 for x in ref]; c = [0 if x == first else 1 for x in cur]
///         n1, n2 = len(r), len(c)
///         p1 = float(sum(r)) / n1; p2 = float(sum(c)) / n2
///         P = float(p1 * n1 + p2 * n2) / (n1 + n2)
///         z = (p1 - p2) / np.sqrt(P * (1 - P) * (1.0 / n1 + 1.0 / n2))
///         return z, 2 * scipy.stats.norm.sf(abs(z))
@Suite struct TwoProportionZTests {
    func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool { abs(a - b) <= tolerance * abs(b) }

    func repeated<T>(_ counts: KeyValuePairs<T, Int>) -> [T] {
        counts.flatMap { Array(repeating: $0.key, count: $0.value) }
    }

    @Test func numbers() throws {
        // {0: 40, 1: 60} vs {0: 55, 1: 45} → (2.1239769762143657, 0.033672068856345855);
        // Evidently's 1 − cdf form: 0.03367206885634588.
        let result = try #require(TwoProportionZ.test(reference: repeated([0: 40, 1: 60]), current: repeated([0: 55, 1: 45])))
        #expect(close(result.statistic, 2.1239769762143657) && close(result.pValue, 0.033672068856345855))
        #expect(close(result.pValue, 0.03367206885634588, 1e-13))
        #expect(result.degrees == nil)
        // Any two numbers: 0/1 are not special, only their order is.
        let shifted = try #require(TwoProportionZ.test(reference: repeated([-2.5: 40, 7.0: 60]), current: repeated([-2.5: 55, 7.0: 45])))
        #expect(shifted == result)
    }

    @Test func stringsAreOrderedLikePython() throws {
        // {"b": 30, "a": 20, "c": 10} vs {"b": 20, "a": 30, "c": 15}: "a" is keys[0], so the test
        // is "a" against the rest → (1.4617633655117153, 0.14380606632000256).
        let three = try #require(TwoProportionZ.test(
            reference: repeated(["b": 30, "a": 20, "c": 10]), current: repeated(["b": 20, "a": 30, "c": 15])))
        #expect(close(three.statistic, 1.4617633655117153) && close(three.pValue, 0.14380606632000256))
        // {"9": 25, "10": 15} vs {"9": 15, "10": 25}: sorted(["9", "10"])[0] == "10" (code
        // points, not numbers), so the 1s are the "9"s → (2.23606797749979, 0.025347318677468252).
        // The sign of z shows which key came first.
        let digits = try #require(TwoProportionZ.test(
            reference: repeated(["9": 25, "10": 15]), current: repeated(["9": 15, "10": 25])))
        #expect(close(digits.statistic, 2.23606797749979) && close(digits.pValue, 0.025347318677468252))
        // Booleans: False sorts first → {False: 70, True: 30} vs {False: 60, True: 40} gives
        // (-1.4824986333222028, 0.1382076669740257).
        let flags = try #require(TwoProportionZ.test(
            reference: repeated([false: 70, true: 30]), current: repeated([false: 60, true: 40])))
        #expect(close(flags.statistic, -1.4824986333222028) && close(flags.pValue, 0.1382076669740257))
    }

    @Test func constantSides() throws {
        // Same constant on both sides: p = 1 (Evidently's special case; z would be 0/0).
        let same = try #require(TwoProportionZ.test(reference: Array(repeating: "x", count: 10), current: Array(repeating: "x", count: 4)))
        #expect(same.pValue == 1 && same.statistic == 0)
        // Different constants, 30 each: (-7.745966692414835, 9.485737571073745e-15);
        // Evidently's 1 − cdf gives 9.547918011776346e-15 here, 0.7% off.
        let different = try #require(TwoProportionZ.test(reference: Array(repeating: "x", count: 30), current: Array(repeating: "y", count: 30)))
        #expect(close(different.statistic, -7.745966692414835) && close(different.pValue, 9.485737571073745e-15, 1e-12))
    }

    @Test func tinyPValuesKeepTheirDigits() throws {
        // Evidently's 1 − cdf gives 0.0 for all three.
        // {0: 900, 1: 100} vs {0: 650, 1: 350} → (-13.386988815041645, 7.204279477904761e-41)
        let p41 = try #require(TwoProportionZ.test(reference: repeated([0: 900, 1: 100]), current: repeated([0: 650, 1: 350])))
        #expect(close(p41.statistic, -13.386988815041645) && close(p41.pValue, 7.204279477904761e-41, 1e-11))
        // {0: 900, 1: 100} vs {0: 500, 1: 500} → (-19.518001458970662, 7.719934594295634e-85)
        let p85 = try #require(TwoProportionZ.test(reference: repeated([0: 900, 1: 100]), current: repeated([0: 500, 1: 500])))
        #expect(close(p85.statistic, -19.518001458970662) && close(p85.pValue, 7.719934594295634e-85, 1e-11))
        // {0: 9000, 1: 1000} vs {0: 7000, 1: 3000} → (-35.35533905932737, 8.300172571198413e-274)
        let p274 = try #require(TwoProportionZ.test(reference: repeated([0: 9000, 1: 1000]), current: repeated([0: 7000, 1: 3000])))
        #expect(close(p274.statistic, -35.35533905932737) && close(p274.pValue, 8.300172571198413e-274, 1e-10))
    }

    /// 100,000 rows a side:
    ///
    ///     zr   = [1 if (i * 2654435761 % 2**32) % 7 == 0 else 0 for i in range(100_000)]
    ///     zcur = [1 if ((j * 40503 + 17) % 65536) % 6 == 0 else 0 for j in range(100_000)]
    ///     evidently_z(zr, zcur)  # (-14.733920481681176, 3.9038565936767025e-49)
    @Test func largeColumns() throws {
        let reference = (0..<100_000).map { i in i * 2654435761 % (1 << 32) % 7 == 0 ? 1 : 0 }
        let current = (0..<100_000).map { j in (j * 40503 + 17) % 65536 % 6 == 0 ? 1 : 0 }
        let result = try #require(TwoProportionZ.test(reference: reference, current: current))
        #expect(close(result.statistic, -14.733920481681176, 1e-12) && close(result.pValue, 3.9038565936767025e-49, 1e-11))
    }

    @Test func missingValuesAndEmptySides() throws {
        let reference = repeated([0.0: 40, 1.0: 60]) + [.nan, -.infinity]
        let current = repeated([0.0: 55, 1.0: 45]) + [.infinity, .nan, .nan]
        let result = try #require(TwoProportionZ.test(reference: reference, current: current))
        #expect(close(result.statistic, 2.1239769762143657) && close(result.pValue, 0.033672068856345855))
        #expect(TwoProportionZ.test(reference: [Double.nan], current: [1.0]) == nil)
        // Any floating-point type, not just Double.
        let floats = TwoProportionZ.test(reference: [Float(1), .infinity, 2, 2, .nan], current: [Float(1), 1, 2, -.infinity])
        #expect(floats == TwoProportionZ.test(reference: [1, 2, 2], current: [1, 1, 2]))
        #expect(TwoProportionZ.test(reference: [1], current: []) == nil)
    }
}
