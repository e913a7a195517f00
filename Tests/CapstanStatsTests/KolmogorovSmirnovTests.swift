import Testing
@testable import CapstanStats

/// The two-sample Kolmogorov–Smirnov test against scipy 1.17.1 (`scipy.stats.ks_2samp(a, b)`,
/// two-sided, method "auto", numpy 2.4). Statistic to 1e-12 absolute, p-value to 1e-6 relative.
///
/// Large samples are not embedded: both sides generate them with the same 64-bit LCG (Knuth's
/// MMIX constants), summing three uniforms, so the data are bit-identical in Swift and Python:
///
///     def lcg(count, seed, shift=0.0, ties=0):
///         s = seed; out = []
///         for _ in range(count):
///             total = 0.0
///             for _ in range(3):
///                 s = (s * 6364136223846793005 + 1442695040888963407) % 2**64
///                 total += (s >> 11) * 2.0**-53
///             out.append(float(math.floor(total * ties)) if ties else total + shift)
///         return out
///     r = scipy.stats.ks_2samp(lcg(n1, seed1, shift1, ties1), lcg(n2, seed2, shift2, ties2))
///     print(float(r.statistic), float(r.pvalue))
@Suite struct KolmogorovSmirnovTests {
    struct Sample {
        var count: Int, seed: UInt64, shift: Double, ties: Int
        init(_ count: Int, seed: UInt64, shift: Double, ties: Int) {
            (self.count, self.seed, self.shift, self.ties) = (count, seed, shift, ties)
        }

        var values: [Double] {
            var state = seed
            return (0..<count).map { _ in
                var total = 0.0
                for _ in 0..<3 {
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    total += Double(state >> 11) * 0x1p-53
                }
                return ties > 0 ? (total * Double(ties)).rounded(.down) : total + shift
            }
        }
    }

    struct Case: CustomTestStringConvertible {
        var name: String, reference: Sample, current: Sample, statistic: Double, pValue: Double
        init(_ name: String, _ reference: Sample, _ current: Sample, _ statistic: Double, _ pValue: Double) {
            (self.name, self.reference, self.current, self.statistic, self.pValue) = (name, reference, current, statistic, pValue)
        }
        var testDescription: String { name }
    }

    static func matches(_ result: TestResult, statistic: Double, pValue: Double) -> Bool {
        let statisticOK = abs(result.statistic - statistic) <= 1e-12
        let pOK = pValue > 1e-300 ? abs(result.pValue - pValue) <= 1e-6 * pValue : result.pValue <= 1e-300
        return statisticOK && pOK && result.degrees == nil
    }

    /// Small samples written out, scipy's values printed by `ks_2samp(a, b)`.
    static let literalCases: [(String, [Double], [Double], Double, Double)] = [
        ("one each", [0.5], [1.5], 1.0, 1.0),
        ("one against three", [2.0], [1.0, 3.0, 4.0], 0.6666666666666666, 1.0),
        ("two against five", [0.1, 0.9], [0.2, 0.3, 0.4, 0.5, 0.6], 0.5, 0.8095238095238095),
        ("three each, interleaved", [1.0, 3.0, 5.0], [2.0, 4.0, 6.0], 0.3333333333333333, 1.0),
        ("four against five with cross ties", [1.0, 2.0, 2.0, 3.0], [2.0, 3.0, 3.0, 4.0, 5.0], 0.55, 0.4285714285714286),
        ("five against two", [-1.0, 0.0, 1.0, 2.0, 3.0], [2.5, 10.0], 0.8, 0.2857142857142857),
        ("five each, separated", [1.0, 2.0, 3.0, 4.0, 5.0], [6.0, 7.0, 8.0, 9.0, 10.0], 1.0, 0.007936507936507936),
        // The exact sum rounds to just above 1, so scipy falls back to kstwo.sf(1/7, 4).
        ("seven each, lattice rounding falls back to asymptotic", [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
         [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 0.5], 0.14285714285714285, 0.9999609537692629),
    ]

    @Test func smallSamples() throws {
        for (name, reference, current, statistic, pValue) in Self.literalCases {
            let result = try #require(KolmogorovSmirnov.twoSample(reference, current))
            #expect(Self.matches(result, statistic: statistic, pValue: pValue), "\(name): \(result)")
        }
    }

    /// Which p-value branch scipy takes is noted above each case ("exact" below 10,001 per side,
    /// otherwise kstwo.sf(d, round(n₁n₂/(n₁+n₂))) and the method Simard & L'Ecuyer select).
    static let generatedCases: [Case] = [
        // exact, n₁ == n₂ (reflection sum)
        Case("equal sizes", .init(50, seed: 1, shift: 0.0, ties: 0), .init(50, seed: 2, shift: 0.4, ties: 0), 0.34, 0.005841778142694731),
        // exact, band recursion
        Case("gcd 15", .init(60, seed: 3, shift: 0.0, ties: 0), .init(45, seed: 4, shift: 0.3, ties: 0), 0.35, 0.00276839367841739),
        Case("coprime", .init(37, seed: 5, shift: 0.0, ties: 0), .init(53, seed: 6, shift: 0.2, ties: 0), 0.3227944926058134, 0.01570626088665698),
        Case("integer ties", .init(200, seed: 7, shift: 0.0, ties: 5), .init(150, seed: 8, shift: 0.0, ties: 6), 0.21333333333333335, 0.0006943885462783837),
        Case("identical", .init(120, seed: 9, shift: 0.0, ties: 0), .init(120, seed: 9, shift: 0.0, ties: 0), 0.0, 1.0),
        Case("separated, unequal", .init(300, seed: 10, shift: 0.0, ties: 0), .init(250, seed: 11, shift: 5.0, ties: 0), 1.0, 1.54727738786109e-163),
        Case("separated, equal", .init(400, seed: 12, shift: 0.0, ties: 0), .init(400, seed: 13, shift: 5.0, ties: 0), 1.0, 1.0635896769518578e-239),
        Case("exact at the switch", .init(10000, seed: 14, shift: 0.0, ties: 0), .init(3000, seed: 15, shift: 0.03, ties: 0), 0.027166666666666665, 0.06516571231546221),
        Case("exact, equal at the switch", .init(10000, seed: 16, shift: 0.0, ties: 0), .init(10000, seed: 17, shift: 0.02, ties: 0), 0.015, 0.21055778388518093),
        // asymptotic: Pelz-Good
        Case("asymptotic just past the switch", .init(10001, seed: 18, shift: 0.0, ties: 0), .init(5000, seed: 19, shift: 0.03, ties: 0), 0.016549645035496496, 0.31737240861802307),
        // asymptotic with N = 9: Pomeranz
        Case("asymptotic, tiny second sample", .init(12000, seed: 20, shift: 0.0, ties: 0), .init(9, seed: 21, shift: 0.4, ties: 0), 0.4231111111111111, 0.05625011167483984),
        // asymptotic: 2 × Smirnov's one-sided tail
        Case("asymptotic, large, small shift", .init(100000, seed: 22, shift: 0.0, ties: 0), .init(80000, seed: 23, shift: 0.01, ties: 0), 0.009805000000000008, 0.0003862420615379889),
        // asymptotic: Pelz-Good
        Case("asymptotic, large, no shift", .init(100000, seed: 24, shift: 0.0, ties: 0), .init(80000, seed: 25, shift: 0.0, ties: 0), 0.005470000000000003, 0.13939386989687175),
        Case("asymptotic, large, smaller shift", .init(100000, seed: 26, shift: 0.0, ties: 0), .init(80000, seed: 27, shift: 0.003, ties: 0), 0.0049000000000000155, 0.23551909558118211),
        // asymptotic: 2 × Smirnov's one-sided tail
        Case("asymptotic, large, ties", .init(30000, seed: 28, shift: 0.0, ties: 40), .init(20000, seed: 29, shift: 0.0, ties: 41), 0.02798333333333336, 1.3480210526718435e-08),
    ]

    @Test(arguments: generatedCases) func generatedSamples(_ testCase: Case) throws {
        let result = try #require(KolmogorovSmirnov.twoSample(testCase.reference.values, testCase.current.values))
        #expect(Self.matches(result, statistic: testCase.statistic, pValue: testCase.pValue), "\(result)")
    }

    /// Values i mod 2000 against (i mod 2000) + 0.5: D = 1/2000 with N = 44,444 lands in
    /// the Durbin-matrix range for large N (scipy: statistic 0.000500000000000056, p 1.0).
    @Test func durbinRangeForLargeSamples() throws {
        let reference = (0..<100_000).map { Double($0 % 2000) }
        let current = (0..<80_000).map { Double($0 % 2000) + 0.5 }
        let result = try #require(KolmogorovSmirnov.twoSample(reference, current))
        #expect(Self.matches(result, statistic: 0.000500000000000056, pValue: 1.0))
    }

    @Test func emptySideHasNoTest() {
        #expect(KolmogorovSmirnov.twoSample([], [1, 2]) == nil)
        #expect(KolmogorovSmirnov.twoSample([1, 2], []) == nil)
    }

    @Test func symmetricInTheSamples() throws {
        let a = Sample(300, seed: 40, shift: 0, ties: 0).values, b = Sample(170, seed: 41, shift: 0.2, ties: 0).values
        let forward = try #require(KolmogorovSmirnov.twoSample(a, b))
        let backward = try #require(KolmogorovSmirnov.twoSample(b, a))
        #expect(forward.statistic == backward.statistic && forward.pValue == backward.pValue)
    }

    /// The one-sample two-sided law on its own, one point per method it selects:
    /// `float(scipy.stats.kstwo.sf(d, n))`.
    @Test func oneSampleDistribution() {
        let cases: [(Int, Double, Double)] = [
            (10, 0.05, 1.0),                          // below the support, d ≤ 1/(2n)
            (10, 0.08, 0.9999978058034054),           // Ruben–Gambino, d ≤ 1/n
            (10, 0.95, 1.9531250000000172e-13),       // Ruben–Gambino, d ≥ 1 − 1/n
            (10, 0.6, 0.0005681672000000003),         // 2 × one-sided, d ≥ 1/2
            (10, 0.2, 0.7487190399999999),            // Durbin matrix, small n
            (10, 0.45, 0.022891810311717498),         // Pomeranz, small n
            (100, 0.25, 5.408871776434847e-06),       // 2 × one-sided (Miller), small n
            (1000, 0.012, 0.9984464668620097),        // Durbin matrix, large n
            (1000, 0.02, 0.8108971656895577),         // Pelz–Good, large n
            (1000, 0.035, 0.16848479713738718),       // Pelz–Good, large n
            (1000, 0.06, 0.001428597887952891),       // 2 × one-sided, large n
            (200000, 0.002, 0.39995085369038097),     // Pelz–Good, n > 100,000
            (44444, 0.05, 5.301731126507238e-97),     // 2 × one-sided, far tail
            (1000, 0.7, 0.0),                         // the one-sided tail underflows
        ]
        for (n, d, expected) in cases {
            let p = KolmogorovDistribution.survival(d, sampleSize: n)
            let ok = expected > 1e-300 ? abs(p - expected) <= 1e-6 * expected : p <= 1e-300
            #expect(ok, "n \(n), d \(d): \(p) vs \(expected)")
        }
    }
}

/// The statistic and p-value of a current sample much larger than the reference, computed
/// without sorting it, against the merge of both sorted samples (checked against SciPy above).
@Suite struct KolmogorovSmirnovLargeCurrentTests {
    @Test(arguments: [(0.0, false), (0.0, true), (0.2, false), (-5, true), (5, false), (0.01, true)])
    func agreesWithTheMergeOfBothSortedSamples(shift: Double, decimals: Bool) throws {
        var random = SplitMix64(seed: 7 &+ UInt64(bitPattern: Int64(shift * 100)) &+ (decimals ? 1 : 0))
        let tests = WassersteinLargeCurrentTests()
        // Rounded values tie within and across the samples; a 30,000-row current sample
        // takes the asymptotic p-value and a 5,000-row one the exact one.
        let reference = tests.sample(400, shift: 0, decimals: decimals, &random).sorted()
        for currentCount in [5_000, 30_000] {
            let current = tests.sample(currentCount, shift: shift, decimals: decimals, &random)
            let merged = try #require(KolmogorovSmirnov.twoSample(sortedReference: reference, sortedCurrent: current.sorted()))
            let placed = try #require(KolmogorovSmirnov.twoSample(sortedReference: reference, unsortedCurrent: current))
            #expect(placed.statistic == merged.statistic && placed.pValue == merged.pValue, "\(currentCount): \(merged) vs \(placed)")
        }
    }

    @Test func constantAndDisjointSamples() throws {
        #expect(KolmogorovSmirnov.statistic(sortedReference: [2, 2, 2], unsortedCurrent: [1, 2, 3, 2]) == KolmogorovSmirnov.statistic([2, 2, 2], [1, 2, 2, 3]))
        #expect(KolmogorovSmirnov.statistic(sortedReference: [1, 2], unsortedCurrent: [5, 4, 3]) == 1)
        #expect(KolmogorovSmirnov.statistic(sortedReference: [3, 4], unsortedCurrent: [2, 1, 0]) == 1)
        #expect(KolmogorovSmirnov.twoSample(sortedReference: [], unsortedCurrent: [1]) == nil)
    }
}
