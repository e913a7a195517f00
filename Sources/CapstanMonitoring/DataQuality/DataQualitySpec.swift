import CapstanJSON

/// What a table must look like: expectations on the whole table and on named columns,
/// checked by ``DataValidation`` and derived from reference data by ``DataProfiler``.
///
/// The written form (YAML or JSON) is the compact core of Great Expectations, Deequ and
/// Evidently checks:
///
/// ```yaml
/// schema: churn_features@3              # optional name for people and reports
/// table:
///   row_count: {min: 900, max: 1100}
///   columns_exact: true                 # no column beyond those listed below
///   columns_ordered: false              # and (when true) in the order listed
///   duplicate_rows: {max_share: 0.0}    # share of rows repeating an earlier row
/// columns:
///   user_id: {type: string, nullable: false, unique: true, length: [8, 8]}
///   age: {type: int, max_null_share: 0.02, range: [0, 120], mostly: 0.999}
///   plan: {type: category, in_set: [free, pro, team], cardinality: {min: 2, max: 4}}
///   email: {type: string, regex: '[^@\s]+@[^@\s]+', mostly: 0.99}
/// ```
///
/// Expectations relative to a reference (the proposal's `rel_to_ref`, Evidently's ±10 %)
/// are resolved by the profiler into absolute bounds, so a spec stands on its own.
public struct DataQualitySpec: Sendable, Equatable {
    /// A name such as `churn_features@3`, for people and reports.
    public var schema: String?
    public var rowCount: Bounds<Int>?
    /// The data has no column beyond those in ``columns`` (each listed column must exist
    /// in any case).
    public var columnsExact: Bool
    /// The data's columns come in the order of ``columns`` (implies ``columnsExact``).
    public var columnsOrdered: Bool
    /// The largest share of rows that repeat an earlier row (pandas' `duplicated()`).
    public var maxDuplicateRowShare: Double?
    public var columns: [ColumnExpectations]

    public init(schema: String? = nil, rowCount: Bounds<Int>? = nil, columnsExact: Bool = false, columnsOrdered: Bool = false,
                maxDuplicateRowShare: Double? = nil, columns: [ColumnExpectations] = []) {
        self.schema = schema
        self.rowCount = rowCount
        self.columnsExact = columnsExact
        self.columnsOrdered = columnsOrdered
        self.maxDuplicateRowShare = maxDuplicateRowShare
        self.columns = columns
    }

    public func column(named name: String) -> ColumnExpectations? {
        columns.first { $0.name == name }
    }
}
