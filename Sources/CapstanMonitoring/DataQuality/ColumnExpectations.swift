import CapstanJSON

/// What one column's values must satisfy. Every expectation is optional; a column listed
/// in a spec must at least exist in the data.
///
/// The per-value expectations (`range`, `allowed`, `pattern`, `unique`, `length`) look at
/// the present values only (missing cells are the null share's business) and pass when at
/// least `mostly` of them pass, as Great Expectations' `mostly` does.
public struct ColumnExpectations: Sendable, Equatable {
    public var name: String
    public var type: ColumnType?
    /// The largest share of missing cells allowed, in [0, 1]; 0 is `nullable: false`.
    public var maxNullShare: Double?
    /// Numbers must lie in it (both ends included); infinities are values, outside any
    /// finite end.
    public var range: Bounds<Double>?
    /// The values allowed: numbers compare with numbers, text with text.
    public var allowed: [JSONValue]?
    /// A regular expression every text value must match as a whole (Python's
    /// `re.fullmatch`; write `.*foo.*` to search).
    public var pattern: String?
    /// No present value occurs twice.
    public var unique: Bool
    /// Text lengths in characters (Unicode code points, as Python's `len`).
    public var length: Bounds<Int>?
    /// The number of distinct present values.
    public var cardinality: Bounds<Int>?
    /// The share of present values that must pass each per-value expectation, in (0, 1].
    public var mostly: Double

    public init(name: String, type: ColumnType? = nil, maxNullShare: Double? = nil, range: Bounds<Double>? = nil,
                allowed: [JSONValue]? = nil, pattern: String? = nil, unique: Bool = false, length: Bounds<Int>? = nil,
                cardinality: Bounds<Int>? = nil, mostly: Double = 1) {
        self.name = name
        self.type = type
        self.maxNullShare = maxNullShare
        self.range = range
        self.allowed = allowed
        self.pattern = pattern
        self.unique = unique
        self.length = length
        self.cardinality = cardinality
        self.mostly = mostly
    }
}
