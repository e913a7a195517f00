import CapstanStats
import Foundation
import Testing
@testable import CapstanMonitoring

/// Evidently's DataDriftPreset rules on tables: the test each column gets, the dataset
/// verdict, and columns that cannot be tested reported without hiding the others.
@Suite struct DatasetDriftTests {
    /// A deterministic sample: `count` values spread over `distinct` levels (or continuous
    /// when nil), shifted by `shift`.
    func values(_ count: Int, distinct: Int? = nil, shift: Double = 0, seed: Int = 1) -> [Double] {
        (0..<count).map { index in
            let u = Double((index * 7_919 + seed * 104_729) % 10_007) / 10_007
            if let distinct { return Double(Int(u * Double(distinct))) + shift }
            return u * 10 + shift
        }
    }

    func table(_ columns: [(String, DataTable.Column, Bool)], source: String) -> DataTable {
        DataTable(names: columns.map(\.0), columns: columns.map(\.1), integral: columns.map(\.2), source: source)
    }

    @Test func eachColumnGetsEvidentlysTest() throws {
        func method(rows: Int, _ column: (Int) -> (DataTable.Column, Bool)) throws -> DriftMethod? {
            let (reference, integral) = column(rows)
            let drift = try DatasetDrift.compare(reference: table([("x", reference, integral)], source: "ref.csv"),
                                                 current: table([("x", reference, integral)], source: "cur.csv"))
            return drift.columns[0].method
        }
        // Floats: KS, chi-square or Z by distinct values up to 1,000 reference rows; beyond, distances.
        #expect(try method(rows: 1000) { (.numeric(values($0)), false) } == .ks)
        #expect(try method(rows: 1000) { (.numeric(values($0, distinct: 4).map { $0 + 0.5 }), false) } == .chisquare)
        #expect(try method(rows: 1000) { (.numeric(values($0, distinct: 2).map { $0 + 0.5 }), false) } == .z)
        #expect(try method(rows: 1001) { (.numeric(values($0)), false) } == .wassersteinNormed)
        #expect(try method(rows: 1001) { (.numeric(values($0, distinct: 5).map { $0 + 0.5 }), false) } == .jensenshannon)
        // Integers with at most 10 distinct values are categories (chi-square, not KS).
        #expect(try method(rows: 500) { (.numeric(values($0, distinct: 8)), true) } == .chisquare)
        #expect(try method(rows: 500) { (.numeric(values($0, distinct: 11)), true) } == .ks)
        // Text categories.
        #expect(try method(rows: 300) { n in (.text((0..<n).map { ["a", "b", "c"][$0 % 3] }), false) } == .chisquare)
        #expect(try method(rows: 300) { n in (.text((0..<n).map { $0 % 2 == 0 ? "True" : "False" }), false) } == .z)
        #expect(try method(rows: 3000) { n in (.text((0..<n).map { ["a", "b", "c"][$0 % 3] }), false) } == .jensenshannon)
    }

    @Test func aShiftedColumnDriftsAndTheDatasetFollowsTheShare() throws {
        let reference = table([
            ("moved", .numeric(values(800)), false), ("still", .numeric(values(800, seed: 2)), false),
            ("city", .text((0..<800).map { ["Oslo", "Rio"][$0 % 2] }), false),
        ], source: "ref.csv")
        let current = table([
            ("moved", .numeric(values(600, shift: 3, seed: 3)), false), ("still", .numeric(values(600, seed: 4)), false),
            ("city", .text((0..<600).map { ["Oslo", "Rio"][$0 % 2] }), false),
        ], source: "cur.csv")
        let drift = try DatasetDrift.compare(reference: reference, current: current)
        let moved = try #require(drift.columns.first { $0.column == "moved" })
        let direct = try #require(KolmogorovSmirnov.twoSample(values(800), values(600, shift: 3, seed: 3)))
        #expect(moved.method == .ks && moved.statistic == direct.statistic && moved.pValue == direct.pValue)
        #expect(moved.drifted && moved.threshold == 0.05)
        #expect(drift.columns.first { $0.column == "still" }?.drifted == false)
        #expect(drift.columns.first { $0.column == "city" }?.method == .z)
        #expect(drift.driftedColumns == 1 && drift.tested == 3)
        #expect(!drift.drifted, "one column of three is below the 50% share")

        var options = DatasetDrift.Options()
        options.driftShare = 0.3
        #expect(try DatasetDrift.compare(reference: reference, current: current, options: options).drifted)
        options.numericalMethod = .psi
        options.threshold = 0.2
        let psi = try DatasetDrift.compare(reference: reference, current: current, options: options)
        let movedPSI = try #require(psi.columns.first { $0.column == "moved" })
        #expect(movedPSI.method == .psi && movedPSI.pValue == nil && movedPSI.threshold == 0.2)
        #expect(movedPSI.statistic == PopulationStability.index(reference: values(800), current: values(600, shift: 3, seed: 3)))
    }

    @Test func columnsThatCannotBeTestedAreReportedAndTheRestStillTested() throws {
        let ids = (0..<200).map { "id-\($0)" }
        let reference = table([
            ("score", .numeric(values(200)), false), ("gone", .numeric(values(200)), false),
            ("kind", .numeric(values(200)), false), ("id", .text(ids), false),
        ], source: "ref.csv")
        let current = table([
            ("score", .numeric(values(200, seed: 5)), false), ("gone", .numeric(Array(repeating: .nan, count: 200)), false),
            ("kind", .text(ids), false), ("id", .text(ids), false),
        ], source: "cur.csv")
        let drift = try DatasetDrift.compare(reference: reference, current: current)
        let reasons = Dictionary(uniqueKeysWithValues: drift.columns.map { ($0.column, $0.notTestable) })
        #expect(reasons["score"] == .some(nil))
        #expect(reasons["gone"]??.contains("no values in the current data") == true)
        #expect(reasons["kind"]??.contains("numbers in the reference but text in the current data") == true)
        #expect(reasons["id"] == .some(nil), "free text is tested by the text classifier")
        #expect(drift.columns.first { $0.column == "id" }?.method == .percTextContentDrift)
        #expect(drift.tested == 2)

        var options = DatasetDrift.Options()
        options.categorical = ["id"]
        let asCategories = try DatasetDrift.compare(reference: reference, current: current, options: options)
        #expect(asCategories.columns.first { $0.column == "id" }?.method == .chisquare)
        options.categoricalMethod = .ks
        options.categorical = ["score"]
        let refused = try DatasetDrift.compare(reference: reference, current: current, options: options)
        #expect(refused.columns.first { $0.column == "score" }?.notTestable?.contains("ks needs a numerical column") == true)
    }

    @Test func aColumnOnOneSideOnlyNamesTheFileAndColumn() {
        let reference = table([("a", .numeric([1]), true), ("b", .numeric([1]), true)], source: "ref.csv")
        let current = table([("a", .numeric([1]), true)], source: "cur.csv")
        #expect(throws: DataFileError(file: "cur.csv", line: 1, column: "b", message: "the reference (ref.csv) has this column; the current data does not")) {
            try DatasetDrift.compare(reference: reference, current: current)
        }
        #expect(throws: DataFileError.self) { try DatasetDrift.compare(reference: current, current: reference) }
        var options = DatasetDrift.Options()
        options.categorical = ["nope"]
        #expect(throws: DataFileError.self) { try DatasetDrift.compare(reference: reference, current: reference, options: options) }
    }
}
