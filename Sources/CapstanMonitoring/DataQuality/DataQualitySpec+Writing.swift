import CapstanJSON

extension DataQualitySpec {
    /// The spec in its written form (the shape ``init(json:)`` reads), leaving out what is
    /// not expected: `nullable: false` for a null share of 0, `mostly` only below 1.
    public func json() -> JSONValue {
        var root = JSONObjectBuilder()
        root.set("schema", schema)
        var table = JSONObjectBuilder()
        if let rowCount { table.set("row_count", Self.mapping(rowCount)) }
        if columnsExact { table.set("columns_exact", .bool(true)) }
        if columnsOrdered { table.set("columns_ordered", .bool(true)) }
        if let maxDuplicateRowShare { table.set("duplicate_rows", .object([("max_share", .double(maxDuplicateRowShare))])) }
        if !table.members.isEmpty { root.set("table", table.value) }
        if !columns.isEmpty { root.set("columns", .object(columns.map { ($0.name, Self.json($0)) })) }
        return root.value
    }

    /// The spec as YAML that ``init(yaml:)`` reads back to an equal spec.
    ///
    /// - Parameter comments: lines written first as `# …` comments (where the spec came from).
    public func yaml(comments: [String] = []) -> String {
        SpecYAML.write(json(), comments: comments)
    }

    static func json(_ column: ColumnExpectations) -> JSONValue {
        var entry = JSONObjectBuilder()
        entry.set("type", column.type?.rawValue)
        if let share = column.maxNullShare {
            entry.set(share == 0 ? "nullable" : "max_null_share", share == 0 ? .bool(false) : .double(share))
        }
        if let range = column.range { entry.set("range", .array([number(range.min), number(range.max)])) }
        if let allowed = column.allowed { entry.set("in_set", .array(allowed)) }
        entry.set("regex", column.pattern)
        if column.unique { entry.set("unique", .bool(true)) }
        if let length = column.length { entry.set("length", .array([length.min.map { .int(Int64($0)) } ?? .null, length.max.map { .int(Int64($0)) } ?? .null])) }
        if let cardinality = column.cardinality { entry.set("cardinality", mapping(cardinality)) }
        if column.mostly < 1 { entry.set("mostly", .double(column.mostly)) }
        return entry.value
    }

    /// Whole numbers as integers (`[0, 120]` reads better than `[0.0, 120.0]` and reads back
    /// as the same numbers).
    static func number(_ value: Double?) -> JSONValue {
        guard let value else { return .null }
        return value == value.rounded() && abs(value) < 9e15 ? .int(Int64(value)) : .double(value)
    }

    static func mapping(_ bounds: Bounds<Int>) -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("min", bounds.min.map { Int64($0) })
        object.set("max", bounds.max.map { Int64($0) })
        return object.value
    }
}
