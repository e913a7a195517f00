import CapstanJSON

/// One column's expectations checked against its values, collecting results in the
/// order ``DataValidation`` reports them.
struct ColumnCheck {
    let column: ColumnExpectations
    let facts: ColumnFacts
    let sampleSize: Int
    private(set) var results: [ExpectationResult] = []

    init(column: ColumnExpectations, facts: ColumnFacts, sampleSize: Int) {
        self.column = column
        self.facts = facts
        self.sampleSize = sampleSize
    }

    mutating func record(_ expectation: ExpectationResult.Expectation, passed: Bool, observed: JSONValue, expected: JSONValue,
                         unexpected: (count: Int, sample: [JSONValue])? = nil, elements: Int? = nil, note: String? = nil) {
        results.append(ExpectationResult(
            column: column.name, expectation: expectation, passed: passed, observed: observed, expected: expected,
            mostly: expectation.isPerValue ? column.mostly : nil, unexpectedCount: unexpected?.count,
            elementCount: unexpected == nil ? nil : (elements ?? facts.cells.count), unexpectedSample: unexpected?.sample ?? [],
            note: note))
    }

    /// Records a per-value expectation: `test` says whether a present value passes; the
    /// expectation passes when at least `mostly` of them do (vacuously with none).
    mutating func recordPerValue(_ expectation: ExpectationResult.Expectation, expected: JSONValue, observed: JSONValue? = nil,
                                 _ test: (ColumnFacts.Cell) -> Bool) {
        let unexpected = tally(test)
        let present = facts.cells.count
        let passShare = present == 0 ? 1 : Double(present - unexpected.count) / Double(present)
        record(expectation, passed: passShare >= column.mostly, observed: observed ?? .double(passShare), expected: expected,
               unexpected: unexpected)
    }

    /// Present values failing `test`, and the first few distinct ones in row order.
    func tally(_ test: (ColumnFacts.Cell) -> Bool) -> (count: Int, sample: [JSONValue]) {
        var count = 0
        var sample: [ColumnFacts.Cell] = []
        for cell in facts.cells where !test(cell) {
            count += 1
            if sample.count < sampleSize, !sample.contains(cell) { sample.append(cell) }
        }
        return (count, sample.map(\.json))
    }

    /// A failed expectation that does not fit the column's values.
    mutating func misfit(_ expectation: ExpectationResult.Expectation, expected: JSONValue, _ note: String) {
        record(expectation, passed: false, observed: .null, expected: expected, note: note)
    }

    var kindName: String { facts.isNumeric ? "numbers" : "text" }

    mutating func run(pattern: Regex<AnyRegexOutput>?) {
        if let type = column.type { checkType(type) }
        if let maxShare = column.maxNullShare {
            record(.maxNullShare, passed: facts.nullShare <= maxShare, observed: .double(facts.nullShare), expected: .double(maxShare),
                   unexpected: (facts.nullCount, []), elements: facts.rows)
        }
        if let range = column.range { checkRange(range) }
        if let allowed = column.allowed { checkAllowed(allowed) }
        if let pattern, let text = column.pattern {
            if facts.isNumeric {
                misfit(.regex, expected: .string(text), "the column holds numbers; regex applies to text")
            } else {
                recordPerValue(.regex, expected: .string(text)) { cell in
                    guard case .text(let value) = cell else { return false }
                    return (try? pattern.wholeMatch(in: value)) != nil
                }
            }
        }
        if let length = column.length { checkLength(length) }
        if column.unique {
            let counts = facts.counts
            recordPerValue(.unique, expected: .bool(true)) { counts[$0] == 1 }
        }
        if let cardinality = column.cardinality {
            record(.cardinality, passed: cardinality.contains(facts.distinct), observed: .int(Int64(facts.distinct)),
                   expected: DataQualitySpec.mapping(cardinality))
        }
    }

    mutating func checkType(_ type: ColumnType) {
        let observed = facts.observedType.map { JSONValue.string($0.rawValue) } ?? .null
        guard let seen = facts.observedType else {
            record(.type, passed: true, observed: observed, expected: .string(type.rawValue), note: "no present values")
            return
        }
        // Count the values that break the type where a value can (a fraction in an int
        // column, a word in a bool column); a column of the other kind breaks it as a whole.
        var unexpected: (count: Int, sample: [JSONValue])?
        switch (type, facts.isNumeric) {
        case (.int, true), (.category, true):
            unexpected = tally { if case .number(let value) = $0 { ColumnFacts.isWhole(value) } else { false } }
        case (.bool, false):
            unexpected = tally { if case .text(let value) = $0 { ColumnType.booleanWords.contains(value) } else { false } }
        default:
            break
        }
        let note = type.accepts(seen) || unexpected != nil ? nil : "the column holds \(kindName)"
        record(.type, passed: type.accepts(seen), observed: observed, expected: .string(type.rawValue), unexpected: unexpected, note: note)
    }

    mutating func checkRange(_ range: Bounds<Double>) {
        let expected = JSONValue.array([DataQualitySpec.number(range.min), DataQualitySpec.number(range.max)])
        guard facts.isNumeric else { return misfit(.range, expected: expected, "the column holds text; range applies to numbers") }
        let observed = JSONValue.object([("min", facts.minimum.map(JSONValue.double) ?? .null),
                                         ("max", facts.maximum.map(JSONValue.double) ?? .null)])
        recordPerValue(.range, expected: expected, observed: observed) { cell in
            if case .number(let value) = cell { range.contains(value) } else { false }
        }
    }

    mutating func checkLength(_ length: Bounds<Int>) {
        let expected = JSONValue.array([length.min.map { .int(Int64($0)) } ?? .null, length.max.map { .int(Int64($0)) } ?? .null])
        guard !facts.isNumeric else { return misfit(.length, expected: expected, "the column holds numbers; length applies to text") }
        let observed = JSONValue.object([("min", facts.shortest.map { .int(Int64($0)) } ?? .null),
                                         ("max", facts.longest.map { .int(Int64($0)) } ?? .null)])
        recordPerValue(.length, expected: expected, observed: observed) { cell in
            if case .text(let value) = cell { length.contains(value.unicodeScalars.count) } else { false }
        }
    }

    /// Numbers match numbers, text matches text, and a boolean matches pandas' words for
    /// it (`true` matches `True`, `true`, `TRUE`), as pandas' `isin` compares the values it
    /// read: the number 1 does not match the text "1".
    mutating func checkAllowed(_ allowed: [JSONValue]) {
        var numbers: Set<Double> = []
        var texts: Set<String> = []
        for value in allowed {
            switch value {
            case .int(let number): numbers.insert(Double(number))
            case .double(let number): numbers.insert(number)
            case .string(let text): texts.insert(text)
            case .bool(let flag):
                texts.formUnion(flag ? ["True", "true", "TRUE"] : ["False", "false", "FALSE"])
            default: continue
            }
        }
        recordPerValue(.inSet, expected: .array(allowed)) { cell in
            switch cell {
            case .number(let value): numbers.contains(value)
            case .text(let value): texts.contains(value)
            }
        }
    }
}
