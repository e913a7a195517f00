import CapstanJSON

extension DatasetDrift {
    /// The report as `capstan drift --format json` prints it and drift monitors store it:
    /// `{"dataset": {"drifted", "share", "drifted_columns", "columns", …}, "columns": {NAME:
    /// {"type", "method", "statistic", "p_value", "threshold", "drifted"}}}`; `roles` marks
    /// columns such as the target or the prediction.
    public func json(roles: [String: String] = [:]) -> JSONValue {
        var columns = JSONObjectBuilder()
        for column in self.columns {
            var entry = JSONObjectBuilder()
            entry.set("type", column.kind.map { .string($0.rawValue) } ?? .null)
            if let role = roles[column.column] { entry.set("role", role) }
            entry.set("method", column.method.map { .string($0.rawValue) } ?? .null)
            entry.set("statistic", column.statistic.map { .double($0) } ?? .null)
            entry.set("p_value", column.pValue.map { .double($0) } ?? .null)
            entry.set("threshold", column.threshold.map { .double($0) } ?? .null)
            entry.set("drifted", .bool(column.drifted))
            if let reason = column.notTestable { entry.set("not_testable", reason) }
            columns.set(column.column, entry.value)
        }
        var dataset = JSONObjectBuilder()
        dataset.set("drifted", .bool(drifted))
        dataset.set("share", .double(share))
        dataset.set("drifted_columns", Int64(driftedColumns))
        dataset.set("columns", Int64(tested))
        dataset.set("not_testable", Int64(self.columns.count - tested))
        dataset.set("drift_share", .double(driftShare))
        return .object([("dataset", dataset.value), ("columns", columns.value)])
    }
}
