import CapstanJSON
import Testing
@testable import CapstanMonitoring

/// Tables checked against data-quality specs: each expectation passing and failing, with
/// the observed value, the unexpected count and a sample; `mostly`; missing values.
@Suite struct DataValidationTests {
    let table = DataTable(
        names: ["id", "age", "score", "city", "flag"],
        columns: [
            .numeric([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
            .numeric([30, 41, .nan, 25, 67, .nan, 52, 38, 19, 44]),
            .numeric([0.5, 1.5, 2.5, 3.5, .infinity, 0.5, 1.5, 2.5, 3.5, 4.5]),
            .text(["Oslo", "Rio", nil, "Lima", "Oslo", "Rio", "Oslo", "oslo", "Pune", "Lima"]),
            .text(["True", "False", "true", nil, "False", "True", "True", "FALSE", "True", "False"]),
        ],
        source: "data.csv")

    func result(_ spec: DataQualitySpec, _ column: String?, _ expectation: ExpectationResult.Expectation) throws -> ExpectationResult {
        let validation = try DataValidation(table, spec: spec)
        return try #require(validation.results.first { $0.column == column && $0.expectation == expectation })
    }

    func check(_ column: ColumnExpectations) throws -> DataValidation {
        try DataValidation(table, spec: DataQualitySpec(columns: [column]))
    }

    @Test func rowCountWithinBounds() throws {
        #expect(try result(DataQualitySpec(rowCount: Bounds(min: 10, max: 10)), nil, .rowCount).passed)
        let tooFew = try result(DataQualitySpec(rowCount: Bounds(min: 11)), nil, .rowCount)
        #expect(!tooFew.passed && tooFew.observed == .int(10))
    }

    @Test func exactColumnsNameWhatIsExtraAndMissing() throws {
        let spec = DataQualitySpec(columnsExact: true, columns: ["id", "age", "score", "city", "zip"].map { ColumnExpectations(name: $0) })
        let exact = try result(spec, nil, .columnsExact)
        #expect(!exact.passed && exact.unexpectedSample == [.string("flag"), .string("zip")])
        #expect(exact.note == "not in the spec: flag; missing: zip")
        let all = ["id", "age", "score", "city", "flag"].map { ColumnExpectations(name: $0) }
        #expect(try result(DataQualitySpec(columnsExact: true, columns: all), nil, .columnsExact).passed)
        #expect(try result(DataQualitySpec(columnsExact: true, columnsOrdered: true, columns: all), nil, .columnsOrdered).passed)
        #expect(try !result(DataQualitySpec(columnsExact: true, columnsOrdered: true, columns: all.reversed()), nil, .columnsOrdered).passed)
    }

    @Test func aMissingColumnFailsExistsAndIsNotCheckedFurther() throws {
        let validation = try check(ColumnExpectations(name: "zip", type: .int, range: Bounds(min: 0)))
        #expect(validation.results.count == 1)
        #expect(validation.failures.first?.expectation == .exists)
        #expect(validation.failures.first?.note == "data.csv has no column 'zip'")
    }

    @Test func duplicateRowsCountRowsRepeatingAnEarlierOne() throws {
        let data = DataTable(names: ["a", "b"], columns: [.numeric([1, 1, .nan, .nan, -0.0, 0]), .text(["x", "x", nil, nil, "y", "y"])])
        let passing = try DataValidation(data, spec: DataQualitySpec(maxDuplicateRowShare: 0.5))
        #expect(passing.passed && passing.results[0].unexpectedCount == 3, "missing equals missing and -0 equals 0, as in pandas")
        #expect(try !DataValidation(data, spec: DataQualitySpec(maxDuplicateRowShare: 0.49)).passed)
    }

    @Test func typesFollowTheValuesRead() throws {
        func type(_ name: String, _ expected: ColumnType) throws -> ExpectationResult {
            try #require(check(ColumnExpectations(name: name, type: expected)).results.last)
        }
        #expect(try type("id", .int).passed && type("id", .float).passed && type("id", .category).passed)
        #expect(try type("age", .int).passed, "missing cells do not make whole numbers fractional")
        let score = try type("score", .int)
        #expect(!score.passed && score.observed == .string("float") && score.unexpectedCount == 10)
        #expect(try !type("score", .category).passed && type("score", .float).passed)
        #expect(try type("flag", .bool).passed && type("flag", .string).passed && type("flag", .category).passed)
        let city = try type("city", .bool)
        #expect(!city.passed && city.unexpectedCount == 9 && city.unexpectedSample.first == .string("Oslo"))
        let numbersAsText = try type("city", .float)
        #expect(!numbersAsText.passed && numbersAsText.note == "the column holds text")
    }

    @Test func nullShareAgainstItsMaximum() throws {
        let nulls = try #require(check(ColumnExpectations(name: "age", maxNullShare: 0.2)).results.last)
        #expect(nulls.passed && nulls.observed == .double(0.2) && nulls.unexpectedCount == 2 && nulls.elementCount == 10)
        #expect(try !check(ColumnExpectations(name: "age", maxNullShare: 0.1)).passed)
        #expect(try !check(ColumnExpectations(name: "age", maxNullShare: 0)).passed)
        #expect(try check(ColumnExpectations(name: "id", maxNullShare: 0)).passed)
    }

    @Test func rangeCountsPresentValuesOutsideWithInfinities() throws {
        let range = try #require(check(ColumnExpectations(name: "score", range: Bounds(min: 0.5, max: 4))).results.last)
        #expect(!range.passed)
        #expect(range.observed == .object([("min", .double(0.5)), ("max", .double(.infinity))]))
        #expect(range.unexpectedCount == 2 && range.elementCount == 10 && range.unexpectedPercent == 20)
        #expect(range.unexpectedSample == [.double(.infinity), .double(4.5)])
        let ages = try #require(check(ColumnExpectations(name: "age", range: Bounds(min: 19, max: 67))).results.last)
        #expect(ages.passed && ages.elementCount == 8, "NaN is missing, not out of range")
        #expect(try check(ColumnExpectations(name: "score", range: Bounds(min: 0))).passed, "an open end is unbounded")
        let text = try #require(check(ColumnExpectations(name: "city", range: Bounds(min: 0))).results.last)
        #expect(!text.passed && text.note == "the column holds text; range applies to numbers")
    }

    @Test func mostlyLetsAShareOfValuesFail() throws {
        let range = Bounds<Double>(min: 0.5, max: 4)
        #expect(try check(ColumnExpectations(name: "score", range: range, mostly: 0.8)).passed)
        #expect(try !check(ColumnExpectations(name: "score", range: range, mostly: 0.81)).passed)
        let result = try #require(check(ColumnExpectations(name: "score", range: range, mostly: 0.8)).results.last)
        #expect(result.mostly == 0.8)
    }

    @Test func allowedSetsCompareNumbersWithNumbersAndTextWithText() throws {
        let cities = try #require(check(ColumnExpectations(name: "city", allowed: [.string("Oslo"), .string("Rio"), .string("Lima")])).results.last)
        #expect(!cities.passed && cities.unexpectedCount == 2 && cities.unexpectedSample == [.string("oslo"), .string("Pune")])
        #expect(cities.observed == .double(7.0 / 9.0))
        #expect(try check(ColumnExpectations(name: "id", allowed: (1...10).map { .int(Int64($0)) })).passed)
        #expect(try !check(ColumnExpectations(name: "id", allowed: (1...10).map { .string(String($0)) })).passed)
        #expect(try check(ColumnExpectations(name: "flag", allowed: [.bool(true), .bool(false)])).passed)
        #expect(try !check(ColumnExpectations(name: "flag", allowed: [.string("True"), .string("False")])).passed)
    }

    @Test func regexMustMatchTheWholeValue() throws {
        let result = try #require(check(ColumnExpectations(name: "city", pattern: "[A-Z][a-z]+")).results.last)
        #expect(!result.passed && result.unexpectedCount == 1 && result.unexpectedSample == [.string("oslo")])
        #expect(try !check(ColumnExpectations(name: "city", pattern: "[A-Z]")).passed, "a prefix match is not enough")
        #expect(try check(ColumnExpectations(name: "city", pattern: "(?i)[a-z]+")).passed)
        #expect(try check(ColumnExpectations(name: "city", pattern: "[A-Z][a-z]+", mostly: 0.85)).passed)
        #expect(try !check(ColumnExpectations(name: "id", pattern: "\\d+")).passed, "regex applies to text")
    }

    @Test func aRegexThatDoesNotCompileIsASpecError() {
        #expect(throws: SpecError.self) { try check(ColumnExpectations(name: "city", pattern: "(unclosed")) }
    }

    @Test func lengthInCodePoints() throws {
        let data = DataTable(names: ["w"], columns: [.text(["Zürich", "é", nil, "abcdefg"])])
        let result = try #require(DataValidation(data, spec: DataQualitySpec(columns: [ColumnExpectations(name: "w", length: Bounds(min: 1, max: 6))])).results.last)
        #expect(!result.passed && result.observed == .object([("min", .int(1)), ("max", .int(7))]))
        #expect(result.unexpectedSample == [.string("abcdefg")] && result.elementCount == 3)
    }

    @Test func uniqueCountsEveryOccurrenceOfARepeatedValue() throws {
        #expect(try check(ColumnExpectations(name: "id", unique: true)).passed)
        let cities = try #require(check(ColumnExpectations(name: "city", unique: true)).results.last)
        #expect(!cities.passed && cities.unexpectedCount == 7, "Oslo ×3, Rio ×2, Lima ×2; the missing cell is not a value")
        #expect(cities.unexpectedSample == [.string("Oslo"), .string("Rio"), .string("Lima")])
    }

    @Test func cardinalityCountsDistinctPresentValues() throws {
        let cities = try #require(check(ColumnExpectations(name: "city", cardinality: Bounds(min: 2, max: 5))).results.last)
        #expect(cities.passed && cities.observed == .int(5))
        #expect(try !check(ColumnExpectations(name: "city", cardinality: Bounds(max: 4))).passed)
        #expect(try check(ColumnExpectations(name: "score", cardinality: Bounds(min: 6, max: 6))).passed)
    }

    @Test func anAllMissingColumnPassesPerValueExpectations() throws {
        let data = DataTable(names: ["x"], columns: [.numeric([.nan, .nan])])
        let spec = DataQualitySpec(columns: [ColumnExpectations(name: "x", type: .int, range: Bounds(min: 0, max: 1), unique: true)])
        let validation = try DataValidation(data, spec: spec)
        #expect(validation.passed)
        #expect(validation.results.first { $0.expectation == .type }?.observed == .null)
    }

    @Test func samplesCanBeTurnedOff() throws {
        let spec = DataQualitySpec(columns: [ColumnExpectations(name: "city", allowed: [.string("Rio")])])
        let validation = try DataValidation(table, spec: spec, sampleSize: 0)
        #expect(validation.failures.first?.unexpectedSample == [] && validation.failures.first?.unexpectedCount == 7)
    }

    @Test func jsonHasOneShapeForEveryResult() throws {
        let validation = try check(ColumnExpectations(name: "age", type: .int, range: Bounds(min: 20)))
        let json = validation.json()
        #expect(json["passed"] == .bool(false))
        #expect(json["statistics"]?["unsuccessful"] == .int(1))
        guard case .array(let results)? = json["results"] else { Issue.record("no results"); return }
        let keys = ["column", "expectation", "passed", "observed", "expected", "mostly", "unexpected_count", "element_count",
                    "unexpected_percent", "unexpected_sample", "note"]
        for result in results {
            guard case .object(let members) = result else { Issue.record("result is not an object"); continue }
            #expect(members.map(\.0) == keys)
        }
    }
}
