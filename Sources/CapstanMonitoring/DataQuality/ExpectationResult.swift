import CapstanJSON

/// The outcome of one expectation, in one shape for all of them (as Great Expectations
/// reports results), so that reports, alerts and the CLI treat them alike.
public struct ExpectationResult: Sendable, Equatable {
    /// The expectations, named as the spec writes them.
    public enum Expectation: String, Sendable, CaseIterable {
        // Table expectations.
        case rowCount = "row_count"
        case columnsExact = "columns_exact"
        case columnsOrdered = "columns_ordered"
        case duplicateRows = "duplicate_rows"
        // Column expectations; `exists` holds for every listed column.
        case exists
        case type
        case maxNullShare = "max_null_share"
        case range
        case inSet = "in_set"
        case regex
        case length
        case unique
        case cardinality

        /// Checked value by value, passing when at least `mostly` of the present values do.
        public var isPerValue: Bool {
            switch self {
            case .range, .inSet, .regex, .length, .unique: true
            default: false
            }
        }
    }

    /// nil for a table expectation.
    public var column: String?
    public var expectation: Expectation
    public var passed: Bool
    /// What the data shows; by expectation: `row_count` and `cardinality` the count;
    /// `columns_exact`/`columns_ordered` the data's column names; `duplicate_rows` and
    /// `max_null_share` the share of rows; `exists` true or false; `type` the observed
    /// type (null without present values); `range` and `length` `{min, max}` of the present
    /// values (numbers, or lengths); `in_set`, `regex` and `unique` the share of present
    /// values that pass.
    public var observed: JSONValue
    /// The spec's value for the expectation.
    public var expected: JSONValue
    /// The share of present values that must pass (per-value expectations only).
    public var mostly: Double?
    /// Values (or rows, or columns) that break the expectation, out of ``elementCount``;
    /// nil where the expectation has no such count.
    public var unexpectedCount: Int?
    /// What ``unexpectedCount`` counts among: present values for per-value expectations
    /// and `type`, rows for `max_null_share` and `duplicate_rows`.
    public var elementCount: Int?
    /// A few distinct unexpected values in row order (column names for `columns_exact`).
    public var unexpectedSample: [JSONValue]
    /// Why the expectation could not be checked as written (a missing column, text where
    /// numbers are expected); such an expectation fails.
    public var note: String?

    public init(column: String?, expectation: Expectation, passed: Bool, observed: JSONValue, expected: JSONValue,
                mostly: Double? = nil, unexpectedCount: Int? = nil, elementCount: Int? = nil,
                unexpectedSample: [JSONValue] = [], note: String? = nil) {
        self.column = column
        self.expectation = expectation
        self.passed = passed
        self.observed = observed
        self.expected = expected
        self.mostly = mostly
        self.unexpectedCount = unexpectedCount
        self.elementCount = elementCount
        self.unexpectedSample = unexpectedSample
        self.note = note
    }

    /// Unexpected over elements, in percent (0 with no elements).
    public var unexpectedPercent: Double? {
        guard let unexpectedCount, let elementCount else { return nil }
        return elementCount == 0 ? 0 : Double(unexpectedCount) / Double(elementCount) * 100
    }

    /// `{"column", "expectation", "passed", "observed", "expected", "mostly",
    /// "unexpected_count", "element_count", "unexpected_percent", "unexpected_sample",
    /// "note"}`: every key present, null where it does not apply, so scripts read one shape.
    public func json() -> JSONValue {
        .object([
            ("column", column.map(JSONValue.string) ?? .null),
            ("expectation", .string(expectation.rawValue)),
            ("passed", .bool(passed)),
            ("observed", observed),
            ("expected", expected),
            ("mostly", mostly.map(JSONValue.double) ?? .null),
            ("unexpected_count", unexpectedCount.map { .int(Int64($0)) } ?? .null),
            ("element_count", elementCount.map { .int(Int64($0)) } ?? .null),
            ("unexpected_percent", unexpectedPercent.map(JSONValue.double) ?? .null),
            ("unexpected_sample", .array(unexpectedSample)),
            ("note", note.map(JSONValue.string) ?? .null),
        ])
    }
}
