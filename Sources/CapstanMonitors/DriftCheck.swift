import CapstanJSON
import CapstanMonitoring

/// A drift monitor's evaluation: the window's inputs against the reference, with the same
/// per-column tests and dataset rule as `capstan drift`.
enum DriftCheck {
    static func evaluate(_ spec: MonitorSpec, current: DataTable, reference: DataTable, requests: Int) throws -> MonitorOutcome {
        let current = try ColumnAlignment.align(current, to: reference, match: spec.match)
        var names = spec.drift.columns ?? reference.names.filter { current.column(named: $0) != nil }
        if let listed = spec.drift.columns {
            for name in listed where reference.column(named: name) == nil || current.column(named: name) == nil {
                let side = reference.column(named: name) == nil ? "the reference (\(reference.source))" : "the logged inputs"
                throw MonitorError.invalidData("drift.columns names '\(name)', which \(side) does not have")
            }
            names = listed
        }
        guard !names.isEmpty else {
            throw MonitorError.invalidData("""
                the reference (\(reference.source)) and the logged inputs share no column; reference: \
                \(reference.names.prefix(8).joined(separator: ", ")); logged: \(current.names.prefix(8).joined(separator: ", "))\
                \(spec.match == .names ? ". If the model takes one tensor, set match: position" : "")
                """)
        }
        var options = DatasetDrift.Options()
        options.categorical = Set(spec.drift.categorical)
        options.numericalMethod = spec.drift.numericalMethod
        options.categoricalMethod = spec.drift.categoricalMethod
        options.textMethod = spec.drift.textMethod
        options.threshold = spec.drift.threshold
        options.driftShare = spec.drift.driftShare
        let selectedReference = reference.selecting(names), selectedCurrent = current.selecting(names)
        let drift = try DatasetDrift.compare(reference: selectedReference, current: selectedCurrent, options: options)
        var metrics = [
            MonitorOutcome.Metric("drift_share", drift.share),
            MonitorOutcome.Metric("drifted_columns", Double(drift.driftedColumns)),
            MonitorOutcome.Metric("dataset_drift", drift.drifted ? 1 : 0),
            MonitorOutcome.Metric("rows", Double(current.rowCount)),
        ]
        for column in drift.columns where column.notTestable == nil {
            if let statistic = column.statistic, statistic.isFinite {
                metrics.append(.init("drift_score", series: column.column, statistic))
            }
            metrics.append(.init("column_drifted", series: column.column, column.drifted ? 1 : 0))
        }
        return MonitorOutcome(status: .ok, requests: requests, metrics: metrics,
                              details: details(drift, reference: selectedReference, current: selectedCurrent))
    }

    /// `capstan drift`'s report with one more top-level key, `histograms`: per tested
    /// column, the reference and current shares over the same bins (``DriftHistogram``).
    /// The report's own keys stay as `capstan drift --format json` prints them.
    static func details(_ drift: DatasetDrift, reference: DataTable, current: DataTable) -> JSONValue {
        // Per column, on every core: a window can hold a million values per column.
        let tested = drift.columns.filter { $0.notTestable == nil }
        let histograms: [(String, JSONValue)] = ParallelMap.map(tested.indices) { index -> (String, JSONValue)? in
            let column = tested[index]
            guard let kind = column.kind, let ref = reference.column(named: column.column), let cur = current.column(named: column.column),
                  let histogram = DriftHistogram.make(kind: kind, reference: ref, current: cur) else { return nil }
            return (column.column, histogram.json)
        }.compactMap { $0 }
        guard case .object(var members) = drift.json() else { return drift.json() }
        members.append(("histograms", .object(histograms)))
        return .object(members)
    }
}

/// Matching the logged columns to a reference's.
enum ColumnAlignment {
    /// `current` with its columns named as the reference's: unchanged when matching by name;
    /// renamed in order when matching by position (the counts must agree).
    static func align(_ current: DataTable, to reference: DataTable, match: MonitorSpec.ColumnMatch) throws -> DataTable {
        guard match == .position else { return current }
        guard current.names.count == reference.names.count else {
            throw MonitorError.invalidData(
                "match: position needs as many logged input columns (\(current.names.count)) as reference columns (\(reference.names.count))")
        }
        return DataTable(names: reference.names, columns: current.columns, integral: current.integral, source: current.source)
    }
}

extension DataTable {
    /// Only the named columns, in that order (each must exist).
    func selecting(_ names: [String]) -> DataTable {
        let indexes = names.map { self.names.firstIndex(of: $0)! }
        return DataTable(names: names, columns: indexes.map { columns[$0] }, integral: indexes.map { integral[$0] }, source: source)
    }
}
