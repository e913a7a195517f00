import CapstanJSON
import Testing
@testable import CapstanMonitoring

/// Specs derived from reference data by Deequ-style suggestion rules; the reference itself
/// must pass the spec derived from it.
@Suite struct DataProfilerTests {
    /// 200 rows: an id, whole numbers with missing cells, fractions, a category, booleans, free text.
    let reference: DataTable = {
        let rows = 200
        var ages: [Double] = [], amounts: [Double] = [], plans: [String?] = [], flags: [String?] = [], notes: [String?] = []
        for row in 0..<rows {
            ages.append(row % 20 == 0 ? .nan : Double(20 + row % 50))
            amounts.append(Double(row) * 0.75 + 10.25)
            plans.append(["free", "pro", "team"][row % 3])
            flags.append(row % 2 == 0 ? "True" : "False")
            notes.append(row % 4 == 0 ? nil : String(repeating: "n", count: 1 + row % 7) + "\(row)")
        }
        return DataTable(names: ["id", "age", "amount", "plan", "flag", "note"],
                         columns: [.numeric((1...rows).map(Double.init)), .numeric(ages), .numeric(amounts),
                                   .text(plans), .text(flags), .text(notes)],
                         source: "reference.csv")
    }()

    let spec: DataQualitySpec

    init() {
        spec = DataProfiler().profile(reference, schema: "test@1")
    }

    @Test func tableExpectationsAllowTheTolerance() {
        #expect(spec.schema == "test@1")
        #expect(spec.rowCount == Bounds(min: 180, max: 220))
        #expect(spec.columnsExact && spec.maxDuplicateRowShare == 0)
        #expect(spec.columns.map(\.name) == reference.names)
    }

    @Test func typesAreKeptAndTextWithASmallSetIsACategory() {
        #expect(spec.columns.map(\.type) == [.int, .int, .float, .category, .bool, .string])
    }

    @Test func completeColumnsMustStayCompleteOthersGetAWaldMargin() {
        #expect(spec.column(named: "id")?.maxNullShare == 0)
        // 10 of 200 missing: 0.05 + 1.96·√(0.05·0.95/200) = 0.0802 → 0.09.
        #expect(spec.column(named: "age")?.maxNullShare == 0.09)
        // 50 of 200: 0.25 + 1.96·√(0.25·0.75/200) = 0.310 → 0.32.
        #expect(spec.column(named: "note")?.maxNullShare == 0.32)
    }

    @Test func rangesWidenByTheToleranceButNotBelowZero() {
        // ids 1…200: span 199, margin 19.9 → [0 (not -18.9), 219.9 → 220 as whole numbers].
        #expect(spec.column(named: "id")?.range == Bounds(min: 0, max: 220))
        // ages 20…69 present: margin 4.9 → [15.1 → 15, 73.9 → 74].
        #expect(spec.column(named: "age")?.range == Bounds(min: 15, max: 74))
        let amount = spec.column(named: "amount")?.range
        // 159.5 + 14.925 = 174.425, rounded up to a step of 1 (three digits of the span 149.25).
        #expect(amount?.min == 0 && amount?.max == 175)
    }

    @Test func anInfiniteValueLeavesItsSideOpen() {
        let table = DataTable(names: ["x"], columns: [.numeric([-1, 2, .infinity, 5])])
        let range = DataProfiler().profile(table).columns[0].range
        #expect(abs((range?.min ?? 0) + 1.6) < 1e-12 && range?.max == nil)
    }

    @Test func smallSetsBecomeAllowedValuesInOrderOfAppearance() {
        #expect(spec.column(named: "plan")?.allowed == [.string("free"), .string("pro"), .string("team")])
        #expect(spec.column(named: "flag")?.allowed == [.string("True"), .string("False")])
        #expect(spec.column(named: "age")?.allowed == nil, "50 values are more than 20")
        let few = DataTable(names: ["c"], columns: [.text(["a", "b", "c", "d"])])
        #expect(DataProfiler().profile(few).columns[0].allowed == nil, "4 distinct values in 4 rows are not a set yet")
    }

    @Test func uniqueWhenEveryValueIsDistinctExceptFractions() {
        #expect(spec.column(named: "id")?.unique == true)
        #expect(spec.column(named: "amount")?.unique == false)
        #expect(spec.column(named: "note")?.unique == true)
        #expect(spec.column(named: "plan")?.unique == false)
    }

    @Test func lengthsAndCardinality() {
        #expect(spec.column(named: "note")?.length == Bounds(min: 2, max: 10))
        #expect(spec.column(named: "plan")?.length == nil)
        #expect(spec.column(named: "plan")?.cardinality == Bounds(min: 2, max: 4))
        #expect(spec.column(named: "id")?.cardinality == Bounds(min: 180, max: 220))
    }

    @Test func theReferencePassesItsOwnSpecAndReadsBackFromYAML() throws {
        let validation = try DataValidation(reference, spec: spec)
        #expect(validation.passed, "failures: \(validation.failures.map { "\($0.column ?? "table") \($0.expectation.rawValue)" })")
        #expect(try DataQualitySpec(yaml: spec.yaml()) == spec)
    }

    @Test func aChangedTableFailsTheNamedExpectations() throws {
        var columns = reference.columns
        columns[3] = .text((0..<200).map { $0 == 7 ? "enterprise" : ["free", "pro", "team"][$0 % 3] })
        columns[0] = .numeric((1...200).map { $0 == 200 ? 1 : Double($0) })
        let changed = DataTable(names: reference.names, columns: columns, source: "current.csv")
        let failures = try DataValidation(changed, spec: spec).failures.map { "\($0.column ?? "table").\($0.expectation.rawValue)" }
        #expect(failures == ["id.unique", "plan.in_set"])
    }
}
