import CapstanStats
import Foundation
import Testing
@testable import CapstanMonitoring

/// The domain classifier as a multivariate drift check: about 0.5 when nothing changed,
/// high when something did (even when no single column shows it), the changed column
/// ranked first, and the same answer every run.
@Suite struct DomainClassifierTests {
    /// Seeded samples for the tables below.
    struct Sampler {
        var random: SplitMix64
        init(seed: UInt64) { random = SplitMix64(seed: seed) }

        mutating func uniform() -> Double { Double(random.next() >> 11) / Double(1 << 53) }

        /// Box–Muller.
        mutating func normal() -> Double {
            let u = max(uniform(), 1e-300), v = uniform()
            return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }

        mutating func normals(_ count: Int, mean: Double = 0) -> [Double] { (0..<count).map { _ in mean + normal() } }

        mutating func choices(_ count: Int, _ values: [String], weights: [Double]) -> [String?] {
            (0..<count).map { _ in
                var u = uniform() * weights.reduce(0, +)
                for (value, weight) in zip(values, weights) {
                    if u < weight { return value }
                    u -= weight
                }
                return values.last
            }
        }
    }

    func table(_ columns: [(String, DataTable.Column)], source: String) -> DataTable {
        DataTable(names: columns.map(\.0), columns: columns.map(\.1), source: source)
    }

    /// Columns `a`, `b`, `c` (normal) and `city` (four categories), `rows` rows;
    /// `shiftB` moves `b`'s mean.
    func sample(_ rows: Int, seed: UInt64, shiftB: Double = 0, cityWeights: [Double] = [4, 3, 2, 1]) -> DataTable {
        var sampler = Sampler(seed: seed)
        return table([
            ("a", .numeric(sampler.normals(rows))), ("b", .numeric(sampler.normals(rows, mean: shiftB))),
            ("c", .numeric(sampler.normals(rows))),
            ("city", .text(sampler.choices(rows, ["Oslo", "Rio", "Lima", "Pune"], weights: cityWeights))),
        ], source: "seed\(seed).csv")
    }

    @Test func identicalDistributionsScoreAboutAHalf() throws {
        for seed: UInt64 in [1, 3] {
            let result = try DomainClassifier.measure(reference: sample(2000, seed: seed), current: sample(2000, seed: seed + 1))
            let auc = try #require(result.rocAUC)
            #expect(abs(auc - 0.5) < 0.05, "AUC \(auc)")
            #expect(!result.alert)
            #expect(result.referenceRows == 2000 && result.currentRows == 2000 && result.folds == 5)
        }
    }

    @Test func aShiftedColumnScoresHighAndRanksFirst() throws {
        let result = try DomainClassifier.measure(reference: sample(2000, seed: 5), current: sample(2000, seed: 6, shiftB: 1))
        let auc = try #require(result.rocAUC)
        // Two unit normals one standard deviation apart: the best possible AUC is Φ(1/√2) ≈ 0.76.
        #expect(auc > 0.7 && auc < 0.8, "AUC \(auc)")
        #expect(result.alert)
        #expect(result.topFeatures.first?.column == "b")
        #expect(try #require(result.topFeatures.first?.importance) > 0.5)
        let total = result.topFeatures.reduce(0) { $0 + $1.importance }
        #expect(abs(total - 1) < 1e-9, "all four columns are listed, so their shares sum to 1")
    }

    /// The point of a multivariate check: x and y keep their distributions while their
    /// correlation flips from +0.8 to −0.8. Per-column tests see nothing; the classifier does.
    @Test func aFlippedCorrelationIsCaughtWhereColumnTestsSeeNothing() throws {
        func correlated(_ rows: Int, seed: UInt64, rho: Double) -> DataTable {
            var sampler = Sampler(seed: seed)
            let x = sampler.normals(rows)
            let y = x.map { rho * $0 + (1 - rho * rho).squareRoot() * sampler.normal() }
            return table([("x", .numeric(x)), ("y", .numeric(y)), ("noise", .numeric(sampler.normals(rows)))], source: "seed\(seed).csv")
        }
        let reference = correlated(3000, seed: 11, rho: 0.8), current = correlated(3000, seed: 12, rho: -0.8)
        let perColumn = try DatasetDrift.compare(reference: reference, current: current)
        #expect(perColumn.driftedColumns == 0, "\(perColumn.columns.map { ($0.column, $0.statistic ?? -1) })")
        let result = try DomainClassifier.measure(reference: reference, current: current)
        let auc = try #require(result.rocAUC)
        #expect(auc > 0.8, "AUC \(auc)")
        #expect(Set(result.topFeatures.prefix(2).map(\.column)) == ["x", "y"])
    }

    @Test func aCategoryShiftAndAnUnseenCategoryAreFound() throws {
        let shifted = try DomainClassifier.measure(reference: sample(2000, seed: 21), current: sample(2000, seed: 22, cityWeights: [1, 2, 3, 4]))
        #expect(try #require(shifted.rocAUC) > 0.65)
        #expect(shifted.topFeatures.first?.column == "city")

        // 25 categories: the 20 most frequent get their own feature, the rest pool as
        // "other", where a category new in the current data lands too.
        var sampler = Sampler(seed: 23)
        let names = (0..<25).map { "c\($0)" }
        let reference = table([("kind", .text(sampler.choices(2000, names, weights: (0..<25).map { 30 - Double($0) }))),
                               ("a", .numeric(sampler.normals(2000)))], source: "ref.csv")
        var current = sampler.choices(2000, names, weights: (0..<25).map { 30 - Double($0) })
        for row in stride(from: 0, to: 2000, by: 4) { current[row] = "brand-new" }
        let unseen = try DomainClassifier.measure(
            reference: reference, current: table([("kind", .text(current)), ("a", .numeric(sampler.normals(2000)))], source: "cur.csv"))
        #expect(try #require(unseen.rocAUC) > 0.6)
        #expect(unseen.topFeatures.first?.column == "kind")
    }

    @Test func missingValuesAreImputedAndTheirRateIsAFeature() throws {
        var sampler = Sampler(seed: 31)
        func withMissing(_ share: Double) -> [Double] {
            sampler.normals(2000).map { sampler.uniform() < share ? .nan : $0 }
        }
        let reference = table([("income", .numeric(withMissing(0.05))), ("a", .numeric(sampler.normals(2000))),
                               ("empty", .numeric(Array(repeating: .nan, count: 2000)))], source: "ref.csv")
        let current = table([("income", .numeric(withMissing(0.4))), ("a", .numeric(sampler.normals(2000))),
                             ("empty", .numeric(Array(repeating: .nan, count: 2000)))], source: "cur.csv")
        let result = try DomainClassifier.measure(reference: reference, current: current)
        // Only the 35-point rise in missing cells separates the sides: AUC ≈ 0.5 + 0.35/2.
        let auc = try #require(result.rocAUC)
        #expect(auc > 0.62 && auc < 0.72, "AUC \(auc)")
        #expect(result.topFeatures.first?.column == "income")
        #expect(result.leftOut.map(\.column) == ["empty"])
        #expect(result.columns == ["income", "a"])
    }

    @Test func excludedFreeTextAndMistypedColumnsAreLeftOutWithAReason() throws {
        var sampler = Sampler(seed: 41)
        let ids = (0..<500).map { "id-\($0)" }
        let reference = table([("a", .numeric(sampler.normals(500))), ("id", .text(ids)), ("target", .numeric(sampler.normals(500))),
                               ("code", .numeric(sampler.normals(500)))], source: "ref.csv")
        let current = table([("a", .numeric(sampler.normals(500))), ("id", .text(ids)), ("target", .numeric(sampler.normals(500))),
                             ("code", .text(ids))], source: "cur.csv")
        var options = DomainClassifier.Options()
        options.excluded = ["target": "the target column"]
        let result = try DomainClassifier.measure(reference: reference, current: current, options: options)
        #expect(result.columns == ["a"])
        #expect(result.leftOut.map(\.column) == ["id", "target", "code"])
        #expect(result.leftOut[0].reason.contains("free text"))
        #expect(result.leftOut[1].reason == "the target column")
        #expect(result.leftOut[2].reason.contains("numbers in the reference but text"))
        #expect(result.rocAUC != nil)
    }

    @Test func sidesAreSubsampledToTheSameSize() throws {
        var options = DomainClassifier.Options()
        options.maxRowsPerSide = 700
        let capped = try DomainClassifier.measure(reference: sample(3000, seed: 51), current: sample(1200, seed: 52), options: options)
        #expect(capped.referenceRows == 700 && capped.currentRows == 700)
        let balanced = try DomainClassifier.measure(reference: sample(3000, seed: 51), current: sample(900, seed: 52))
        #expect(balanced.referenceRows == 900 && balanced.currentRows == 900)
    }

    @Test func theSameSeedGivesTheSameResult() throws {
        let reference = sample(1500, seed: 61), current = sample(1500, seed: 62, shiftB: 0.3)
        let first = try DomainClassifier.measure(reference: reference, current: current)
        let second = try DomainClassifier.measure(reference: reference, current: current)
        #expect(first == second)
        var options = DomainClassifier.Options()
        options.seed = 99
        let reseeded = try DomainClassifier.measure(reference: reference, current: current, options: options)
        #expect(reseeded.rocAUC != first.rocAUC, "another seed draws other folds")
        #expect(abs(try #require(reseeded.rocAUC) - (try #require(first.rocAUC))) < 0.03)
    }

    @Test func tooFewRowsGiveNoAUCAndAReason() throws {
        let result = try DomainClassifier.measure(reference: sample(4, seed: 71), current: sample(30, seed: 72))
        #expect(result.rocAUC == nil && !result.alert)
        #expect(result.unavailable?.contains("at least 5 rows on each side") == true)
    }

    @Test func aColumnOnOneSideOnlyIsAnErrorNamingIt() {
        let reference = table([("a", .numeric([1, 2])), ("b", .numeric([1, 2]))], source: "ref.csv")
        let current = table([("a", .numeric([1, 2]))], source: "cur.csv")
        #expect(throws: DataFileError(file: "cur.csv", line: 1, column: "b", message: "the reference (ref.csv) has this column; the current data does not")) {
            try DomainClassifier.measure(reference: reference, current: current)
        }
    }

    /// scikit-learn's `_find_binning_thresholds`: midpoints between distinct values when
    /// they fit, midpoint percentiles otherwise.
    @Test func binsCutLikeScikitLearn() {
        #expect(BinnedMatrix.cuts([3, 1, 2, 2, 1], maxBins: 4) == [1.5, 2.5])
        #expect(BinnedMatrix.cuts((0..<101).map(Double.init), maxBins: 4) == [25, 50, 75])
        #expect(BinnedMatrix.cuts((0..<100).map(Double.init), maxBins: 4) == [24.5, 49.5, 74.5])
        var matrix = BinnedMatrix(rowCount: 5)
        matrix.appendNumeric([3, 1, 2, 1, 2], maxBins: 4)
        #expect(matrix.codes == [2, 0, 1, 0, 1] && matrix.binCounts == [3])
    }
}
