import CapstanJSON
import Testing
@testable import CapstanMonitoring

/// Data-quality specs read from YAML with every error naming its field, and written back
/// as YAML that reads to the same spec.
@Suite struct DataQualitySpecTests {
    func error(_ yaml: String) -> String? {
        do {
            _ = try DataQualitySpec(yaml: yaml)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func readsTheCompactFormat() throws {
        let spec = try DataQualitySpec(yaml: """
            schema: churn@3
            table:
              row_count: {min: 10, max: 20}
              columns_exact: true
              duplicate_rows: {max_share: 0.01}
            columns:
              user_id: {type: string, nullable: false, unique: true, length: [3, null]}
              age: {type: int, max_null_share: 0.02, range: [0, 120], mostly: 0.99}
              plan: {type: category, in_set: [free, pro, 3, true], cardinality: {max: 5}}
              email: {regex: '[^@\\s]+@[^@\\s]+'}
              note:
            """)
        #expect(spec.schema == "churn@3")
        #expect(spec.rowCount == Bounds(min: 10, max: 20))
        #expect(spec.columnsExact && !spec.columnsOrdered)
        #expect(spec.maxDuplicateRowShare == 0.01)
        #expect(spec.columns.map(\.name) == ["user_id", "age", "plan", "email", "note"])
        let userID = try #require(spec.column(named: "user_id"))
        #expect(userID.type == .string && userID.maxNullShare == 0 && userID.unique && userID.length == Bounds(min: 3, max: nil))
        let age = try #require(spec.column(named: "age"))
        #expect(age.range == Bounds(min: 0, max: 120) && age.maxNullShare == 0.02 && age.mostly == 0.99)
        #expect(spec.column(named: "plan")?.allowed == [.string("free"), .string("pro"), .int(3), .bool(true)])
        #expect(spec.column(named: "plan")?.cardinality == Bounds(min: nil, max: 5))
        #expect(spec.column(named: "email")?.pattern == "[^@\\s]+@[^@\\s]+")
        #expect(spec.column(named: "note") == ColumnExpectations(name: "note"))
    }

    @Test(arguments: [
        ("colums: {}", "colums is not a known setting"),
        ("table: {row_cont: {min: 1}}", "table.row_cont is not a known setting"),
        ("columns: {age: {rnage: [0, 1]}}", "columns.age.rnage is not a known setting"),
        ("columns: {age: {type: integer}}", "columns.age.type must be one of int, float, string, bool, category, got 'integer'"),
        ("columns: {age: {range: [5, 1]}}", "columns.age.range has min 5.0 above max 1.0"),
        ("columns: {age: {range: [0, 1, 2]}}", "columns.age.range must be [min, max]"),
        ("columns: {age: {range: [zero, 1]}}", "columns.age.range min must be a number or null"),
        ("columns: {age: {max_null_share: 1.5}}", "columns.age.max_null_share must be a share in [0, 1]"),
        ("columns: {age: {nullable: false, max_null_share: 0.1}}", "columns.age gives both nullable and max_null_share"),
        ("columns: {age: {mostly: 0}}", "columns.age.mostly must be in (0, 1]"),
        ("columns: {age: {in_set: []}}", "columns.age.in_set must list at least one value"),
        ("columns: {age: {in_set: [1, null]}}", "columns.age.in_set[1] must be text, a number or a boolean"),
        ("columns: {name: {regex: 'a[b'}}", "columns.name.regex is not a valid regular expression"),
        ("columns: {name: {length: [-1, 3]}}", "columns.name.length min must be a whole number"),
        ("columns: {name: {cardinality: {min: 1.5}}}", "columns.name.cardinality min must be a whole number"),
        ("columns: {name: {unique: yes please}}", "columns.name.unique must be true or false"),
        ("columns: [age]", "columns must be a mapping of column names to expectations"),
        ("table: {columns_ordered: true, columns_exact: false}", "table.columns_ordered needs table.columns_exact"),
    ])
    func errorsNameTheField(yaml: String, message: String) {
        let got = error(yaml)
        #expect(got?.hasPrefix(message) == true, "got: \(got ?? "no error")")
    }

    @Test func aColumnGivenTwiceIsAnError() {
        let json = JSONValue.object([("columns", .object([("age", .object([])), ("age", .object([]))]))])
        #expect(throws: SpecError("columns.age is given twice")) { try DataQualitySpec(json: json) }
        #expect(error("columns:\n  age: {}\n  age: {}\n")?.contains("'age'") == true)
    }

    @Test func yamlSyntaxErrorsGiveTheLine() {
        let got = error("columns:\n  age: {type: int\n  x: 1\n")
        #expect(got?.hasPrefix("not valid YAML: 3:") == true, "got: \(got ?? "no error")")
    }

    @Test func writtenYAMLReadsBackToTheSameSpec() throws {
        let spec = DataQualitySpec(
            schema: "orders@2", rowCount: Bounds(min: 900, max: nil), columnsExact: true, columnsOrdered: true,
            maxDuplicateRowShare: 0.0125,
            columns: [
                ColumnExpectations(name: "id", type: .int, maxNullShare: 0, range: Bounds(min: 1, max: 1e9), unique: true),
                ColumnExpectations(name: "price", type: .float, maxNullShare: 0.07, range: Bounds(min: -0.5, max: 1.0e-5), mostly: 0.995),
                // Text that YAML would otherwise read as something else must come back as text.
                ColumnExpectations(name: "answer: yes", type: .category,
                                   allowed: [.string("yes"), .string("No"), .string("on"), .string("null"), .string("12"),
                                             .string("1e3"), .string("2024-01-02"), .string(""), .string(" padded "),
                                             .string("a: b"), .string("#tag"), .string("quote\"d"), .string("line\nbreak"),
                                             .string("Zürich"), .string("-x"), .int(7), .double(2.5), .bool(false)],
                                   cardinality: Bounds(min: 2, max: 9)),
                ColumnExpectations(name: "email", type: .string, pattern: #"^[^@\s]+@[^@\s]+\.(com|org)$"#, length: Bounds(min: 3, max: 254)),
                ColumnExpectations(name: "empty"),
            ])
        let yaml = spec.yaml(comments: ["made by a test"])
        #expect(yaml.hasPrefix("# made by a test\nschema: orders@2\n"))
        #expect(try DataQualitySpec(yaml: yaml) == spec, "YAML was:\n\(yaml)")
        #expect(try DataQualitySpec(json: spec.json()) == spec)
        #expect(spec.yaml() == spec.yaml(), "writing is deterministic")
    }

    @Test func writesColumnsAsReadableBlocks() {
        let spec = DataQualitySpec(columns: [ColumnExpectations(name: "age", type: .int, maxNullShare: 0, range: Bounds(min: 0, max: 120))])
        #expect(spec.yaml() == """
            columns:
              age:
                type: int
                nullable: false
                range: [0, 120]

            """)
    }
}
