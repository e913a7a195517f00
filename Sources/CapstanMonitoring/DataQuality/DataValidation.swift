import CapstanJSON

/// A table checked against a ``DataQualitySpec``: one ``ExpectationResult`` per
/// expectation, table expectations first, then each listed column's in the spec's order.
///
/// Pure: the table comes in as values, so `capstan validate` on a CSV file and the
/// server's data-quality monitors on a window of logged predictions run the same checks.
///
/// ```swift
/// let spec = try DataQualitySpec(yaml: text)
/// let validation = try DataValidation(table, spec: spec)
/// for failure in validation.failures { print(failure.column ?? "table", failure.expectation) }
/// ```
public struct DataValidation: Sendable {
    public let results: [ExpectationResult]
    public let rowCount: Int
    /// Where the table came from (``DataTable/source``).
    public let source: String

    public var passed: Bool { results.allSatisfy(\.passed) }
    public var failures: [ExpectationResult] { results.filter { !$0.passed } }

    /// Checks every expectation of `spec` on `table`. A column the spec lists and the table
    /// lacks fails its `exists` expectation (its other expectations are not checked); an
    /// expectation that does not fit the column's values (a range on text) fails with a note.
    ///
    /// - Parameter sampleSize: how many unexpected values each result quotes (0 for none,
    ///   where the values must not leave the process).
    /// - Throws: ``SpecError`` for a `regex` that does not compile (a spec read by
    ///   ``DataQualitySpec/init(json:)`` has none).
    public init(_ table: DataTable, spec: DataQualitySpec, sampleSize: Int = 5) throws(SpecError) {
        var patterns: [String: Regex<AnyRegexOutput>] = [:]
        for column in spec.columns {
            guard let pattern = column.pattern else { continue }
            do {
                patterns[column.name] = try Regex(pattern).matchingSemantics(.unicodeScalar)
            } catch {
                throw SpecError("columns.\(column.name).regex is not a valid regular expression: \(error)")
            }
        }
        var results = Self.tableResults(table, spec: spec)
        for column in spec.columns {
            guard let data = table.column(named: column.name) else {
                results.append(ExpectationResult(column: column.name, expectation: .exists, passed: false, observed: .bool(false),
                                                 expected: .bool(true), note: "\(table.source) has no column '\(column.name)'"))
                continue
            }
            var check = ColumnCheck(column: column, facts: ColumnFacts(data), sampleSize: sampleSize)
            check.record(.exists, passed: true, observed: .bool(true), expected: .bool(true))
            check.run(pattern: patterns[column.name])
            results += check.results
        }
        self.results = results
        self.rowCount = table.rowCount
        self.source = table.source
    }

    /// `{"passed", "source", "row_count", "statistics": {"evaluated", "successful",
    /// "unsuccessful"}, "results": [ExpectationResult.json()…]}`, results in check order.
    public func json() -> JSONValue {
        .object([
            ("passed", .bool(passed)),
            ("source", .string(source)),
            ("row_count", .int(Int64(rowCount))),
            ("statistics", .object([
                ("evaluated", .int(Int64(results.count))),
                ("successful", .int(Int64(results.count - failures.count))),
                ("unsuccessful", .int(Int64(failures.count))),
            ])),
            ("results", .array(results.map { $0.json() })),
        ])
    }

    static func tableResults(_ table: DataTable, spec: DataQualitySpec) -> [ExpectationResult] {
        var results: [ExpectationResult] = []
        if let rowCount = spec.rowCount {
            results.append(ExpectationResult(column: nil, expectation: .rowCount, passed: rowCount.contains(table.rowCount),
                                             observed: .int(Int64(table.rowCount)), expected: DataQualitySpec.mapping(rowCount)))
        }
        let listed = spec.columns.map(\.name)
        let names = JSONValue.array(table.names.map(JSONValue.string))
        if spec.columnsExact {
            let extra = table.names.filter { !listed.contains($0) }
            let missing = listed.filter { !table.names.contains($0) }
            var notes: [String] = []
            if !extra.isEmpty { notes.append("not in the spec: \(extra.joined(separator: ", "))") }
            if !missing.isEmpty { notes.append("missing: \(missing.joined(separator: ", "))") }
            results.append(ExpectationResult(column: nil, expectation: .columnsExact, passed: extra.isEmpty && missing.isEmpty,
                                             observed: names, expected: .array(listed.map(JSONValue.string)),
                                             unexpectedCount: extra.count + missing.count, elementCount: table.names.count,
                                             unexpectedSample: (extra + missing).map(JSONValue.string),
                                             note: notes.isEmpty ? nil : notes.joined(separator: "; ")))
        }
        if spec.columnsOrdered {
            results.append(ExpectationResult(column: nil, expectation: .columnsOrdered, passed: table.names == listed,
                                             observed: names, expected: .array(listed.map(JSONValue.string))))
        }
        if let maxShare = spec.maxDuplicateRowShare {
            let duplicates = duplicateRows(table)
            let share = table.rowCount == 0 ? 0 : Double(duplicates) / Double(table.rowCount)
            results.append(ExpectationResult(column: nil, expectation: .duplicateRows, passed: share <= maxShare,
                                             observed: .double(share), expected: .double(maxShare),
                                             unexpectedCount: duplicates, elementCount: table.rowCount))
        }
        return results
    }

    /// Rows equal to an earlier row in every column, missing cells equal to each other
    /// (pandas' `DataFrame.duplicated()`): each column is coded by value first, as pandas
    /// factorizes, and rows compare by their codes.
    static func duplicateRows(_ table: DataTable) -> Int {
        let rows = table.rowCount
        guard rows > 1, !table.columns.isEmpty else { return 0 }
        var codes = [[Int32]](repeating: [], count: rows)
        for column in table.columns {
            switch column {
            case .numeric(let values):
                var seen: [Double: Int32] = [:]
                // -0.0 and 0.0 are one value.
                for (row, value) in values.enumerated() { codes[row].append(code(value.isNaN ? nil : value + 0, &seen)) }
            case .text(let values):
                var seen: [String: Int32] = [:]
                for (row, value) in values.enumerated() { codes[row].append(code(value, &seen)) }
            }
        }
        var seenRows: Set<[Int32]> = []
        var duplicates = 0
        for row in codes where !seenRows.insert(row).inserted { duplicates += 1 }
        return duplicates
    }

    /// The value's code: -1 when missing, else its index among the distinct values seen.
    static func code<Key: Hashable>(_ value: Key?, _ seen: inout [Key: Int32]) -> Int32 {
        guard let value else { return -1 }
        if let code = seen[value] { return code }
        let code = Int32(seen.count)
        seen[value] = code
        return code
    }
}
