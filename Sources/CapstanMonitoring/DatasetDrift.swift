/// Drift between two samples of a dataset, column by column, with Evidently's
/// DataDriftPreset rules: how each column is typed (by the current data, as Evidently's
/// report does), which test it gets, and the dataset verdict (drifted when at least
/// `driftShare` of the tested columns drifted). Free text is tested by a text classifier
/// (``TextContentDrift``) and counts in the share like any other tested column.
public struct DatasetDrift: Sendable {
    /// Choices that override Evidently's defaults, as `capstan drift`'s flags set them.
    public struct Options: Sendable {
        /// Columns tested as categories whatever their values look like.
        public var categorical: Set<String> = []
        public var numericalMethod: DriftMethod?
        public var categoricalMethod: DriftMethod?
        /// For free text: `perc_text_content_drift` or `abs_text_content_drift`.
        public var textMethod: DriftMethod?
        /// For every column, as Evidently's `stattest_threshold`; for the text tests it is
        /// the AUC threshold (abs) or the percentile level (perc).
        public var threshold: Double?
        public var driftShare = 0.5

        public init() {}
    }

    public var columns: [ColumnDrift]
    public var driftShare: Double

    public var tested: Int { columns.count { $0.notTestable == nil } }
    public var driftedColumns: Int { columns.count(where: \.drifted) }
    /// Drifted over tested columns (0 when none could be tested).
    public var share: Double { tested == 0 ? 0 : Double(driftedColumns) / Double(tested) }
    public var drifted: Bool { tested > 0 && share >= driftShare }

    /// Compares every column of `reference` with the same column of `current`.
    ///
    /// - Throws: ``DataFileError`` naming the file and column when a column is on one side
    ///   only: the two samples must describe the same data.
    public static func compare(reference: DataTable, current: DataTable, options: Options = Options()) throws(DataFileError) -> DatasetDrift {
        try reference.requireSameColumns(as: current, categorical: options.categorical)
        let columns = ParallelMap.map(reference.names.indices) { index -> ColumnDrift in
            let name = reference.names[index]
            let referenceColumn = reference.columns[index]
            let currentIndex = current.names.firstIndex(of: name)!
            let currentColumn = current.columns[currentIndex]
            switch (referenceColumn, currentColumn) {
            case (.numeric, .text): return .untestable(name, "numbers in the reference but text in the current data")
            case (.text, .numeric): return .untestable(name, "text in the reference but numbers in the current data")
            default: break
            }
            let kind: DriftColumnKind
            if options.categorical.contains(name) {
                kind = .categorical
            } else {
                // Evidently types columns by the current data (its report's data definition).
                switch ColumnTyping.evidentlyKind(currentColumn, integral: current.integral[currentIndex]) {
                case .numerical: kind = .numerical
                case .categorical: kind = .categorical
                case .text: kind = .text
                case .empty:
                    return .untestable(name, "no values in the current data once missing ones are dropped")
                }
            }
            let method = switch kind {
            case .numerical: options.numericalMethod
            case .categorical: options.categoricalMethod
            case .text: options.textMethod
            }
            return ColumnDrift.measure(name, kind: kind, reference: referenceColumn, current: currentColumn,
                                       method: method, threshold: options.threshold)
        }
        return DatasetDrift(columns: columns, driftShare: options.driftShare)
    }
}

/// How Evidently types a column read from a pandas frame (`core/datasets.py::infer_column_type`).
enum ColumnTyping {
    enum Kind {
        case numerical, categorical, text, empty
    }

    /// Integers (int64 in pandas) with at most 10 distinct values are categories, other
    /// numbers numerical; text is free text when more than half of its present values are
    /// distinct, else categories; a column of only True/False (pandas' bool) is categorical.
    static func evidentlyKind(_ column: DataTable.Column, integral: Bool) -> Kind {
        switch column {
        case .numeric(let values):
            guard values.contains(where: { !$0.isNaN }) else { return .empty }
            // An integral column has no missing cells, so every value counts.
            return integral && DistinctValues.count(values, [], upTo: 11) <= 10 ? .categorical : .numerical
        case .text(let values):
            let present = values.compactMap { $0 }
            if present.isEmpty { return .empty }
            if present.count == values.count, present.allSatisfy({ $0 == "True" || $0 == "False" }) { return .categorical }
            return Double(Set(present).count) > Double(present.count) * 0.5 ? .text : .categorical
        }
    }
}
