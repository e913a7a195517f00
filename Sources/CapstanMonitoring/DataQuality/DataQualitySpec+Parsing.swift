import CapstanJSON

extension DataQualitySpec {
    /// Reads a spec written as YAML (or JSON, which YAML contains).
    ///
    /// - Throws: ``SpecError`` naming the field (`columns.age.range`) and what it must be.
    public init(yaml text: String) throws(SpecError) {
        try self.init(json: SpecYAML.read(text))
    }

    /// Reads a spec from JSON, rejecting unknown settings so that a misspelt expectation
    /// is an error rather than a check that silently never runs.
    ///
    /// - Throws: ``SpecError`` naming the field and what it must be; a `regex` that does not
    ///   compile is one.
    public init(json: JSONValue) throws(SpecError) {
        let root = try SpecObject(json, path: "spec", root: true)
        try root.rejectUnknown(["schema", "table", "columns"])
        self.init(schema: try root.optionalString("schema"))
        if root.has("table") {
            let table = try root.object("table")
            try table.rejectUnknown(["row_count", "columns_exact", "columns_ordered", "duplicate_rows"])
            rowCount = try Self.counts(table, "row_count")
            columnsOrdered = try table.optionalBool("columns_ordered") ?? false
            columnsExact = try table.optionalBool("columns_exact") ?? columnsOrdered
            if columnsOrdered, !columnsExact {
                throw SpecError("table.columns_ordered needs table.columns_exact (columns in order are exactly those columns)")
            }
            if table.has("duplicate_rows") {
                let duplicates = try table.object("duplicate_rows")
                try duplicates.rejectUnknown(["max_share"])
                maxDuplicateRowShare = try Self.share(duplicates, "max_share")
            }
        }
        if root.has("columns") {
            guard case .object(let members) = try root.value("columns") else {
                throw SpecError("columns must be a mapping of column names to expectations")
            }
            var seen: Set<String> = []
            for (name, value) in members {
                guard seen.insert(name).inserted else { throw SpecError("columns.\(name) is given twice") }
                columns.append(try Self.column(name, value))
            }
        }
    }

    static let columnKeys: Set<String> = [
        "type", "nullable", "max_null_share", "range", "in_set", "regex", "unique", "length", "cardinality", "mostly",
    ]

    static func column(_ name: String, _ value: JSONValue) throws(SpecError) -> ColumnExpectations {
        var column = ColumnExpectations(name: name)
        // `age:` alone (null) or `age: {}`: the column must exist, nothing more.
        if value == .null { return column }
        let spec = try SpecObject(value, path: "columns.\(name)")
        try spec.rejectUnknown(columnKeys)
        if let type = try spec.optionalString("type") {
            guard let known = ColumnType(rawValue: type) else {
                throw SpecError("\(spec.field("type")) must be one of \(ColumnType.allCases.map(\.rawValue).joined(separator: ", ")), got '\(type)'")
            }
            column.type = known
        }
        if spec.has("nullable"), spec.has("max_null_share") {
            throw SpecError("\(spec.path) gives both nullable and max_null_share; nullable: false is max_null_share: 0")
        }
        if let nullable = try spec.optionalBool("nullable") { column.maxNullShare = nullable ? nil : 0 }
        if spec.has("max_null_share") { column.maxNullShare = try share(spec, "max_null_share") }
        column.range = try range(spec, "range")
        if spec.has("in_set") {
            let values = try spec.array("in_set")
            guard !values.isEmpty else { throw SpecError("\(spec.field("in_set")) must list at least one value") }
            for (index, value) in values.enumerated() {
                switch value {
                case .string, .int, .bool: continue
                case .double(let number) where number.isFinite: continue
                default:
                    throw SpecError("\(spec.field("in_set"))[\(index)] must be text, a number or a boolean (missing cells are max_null_share's business)")
                }
            }
            column.allowed = values
        }
        if let pattern = try spec.optionalString("regex") {
            do {
                _ = try Regex(pattern)
            } catch {
                throw SpecError("\(spec.field("regex")) is not a valid regular expression: \(error)")
            }
            column.pattern = pattern
        }
        column.unique = try spec.optionalBool("unique") ?? false
        column.length = try counts(spec, "length")
        column.cardinality = try counts(spec, "cardinality")
        if let mostly = try spec.optionalNumber("mostly") {
            guard mostly > 0, mostly <= 1 else { throw SpecError("\(spec.field("mostly")) must be in (0, 1], got \(mostly)") }
            column.mostly = mostly
        }
        return column
    }

    static func share(_ spec: SpecObject, _ key: String) throws(SpecError) -> Double {
        let share = try spec.number(key)
        guard share >= 0, share <= 1 else { throw SpecError("\(spec.field(key)) must be a share in [0, 1], got \(share)") }
        return share
    }

    /// `[min, max]` or `{min: …, max: …}`; either end may be null (unbounded).
    static func ends(_ spec: SpecObject, _ key: String) throws(SpecError) -> (JSONValue, JSONValue)? {
        guard spec.has(key) else { return nil }
        let field = spec.field(key)
        switch try spec.value(key) {
        case .array(let pair) where pair.count == 2:
            return (pair[0], pair[1])
        case .object:
            let bounds = try spec.object(key)
            try bounds.rejectUnknown(["min", "max"])
            return (bounds.fields.last { $0.0 == "min" }?.1 ?? .null, bounds.fields.last { $0.0 == "max" }?.1 ?? .null)
        default:
            throw SpecError("\(field) must be [min, max] or {min: …, max: …} (null for no bound)")
        }
    }

    static func range(_ spec: SpecObject, _ key: String) throws(SpecError) -> Bounds<Double>? {
        guard let (low, high) = try ends(spec, key) else { return nil }
        func bound(_ value: JSONValue, _ end: String) throws(SpecError) -> Double? {
            if value == .null { return nil }
            guard let number = SpecObject.number(value) else { throw SpecError("\(spec.field(key)) \(end) must be a number or null") }
            return number
        }
        let bounds = Bounds(min: try bound(low, "min"), max: try bound(high, "max"))
        try ordered(bounds, spec.field(key))
        return bounds
    }

    static func counts(_ spec: SpecObject, _ key: String) throws(SpecError) -> Bounds<Int>? {
        guard let (low, high) = try ends(spec, key) else { return nil }
        func bound(_ value: JSONValue, _ end: String) throws(SpecError) -> Int? {
            if value == .null { return nil }
            guard let number = SpecObject.number(value), number >= 0, number == number.rounded(), number < 1e15 else {
                throw SpecError("\(spec.field(key)) \(end) must be a whole number ≥ 0 or null")
            }
            return Int(number)
        }
        let bounds = Bounds(min: try bound(low, "min"), max: try bound(high, "max"))
        try ordered(bounds, spec.field(key))
        return bounds
    }

    static func ordered<Bound>(_ bounds: Bounds<Bound>, _ field: String) throws(SpecError) {
        if let min = bounds.min, let max = bounds.max, min > max {
            throw SpecError("\(field) has min \(min) above max \(max)")
        }
    }
}
