import CapstanJSON

extension DomainClassifier {
    /// The result as `capstan drift --multivariate --format json` prints it under
    /// `"multivariate"`: `{"method": "domain_classifier", "roc_auc", "rows": {"reference",
    /// "current"}, "folds", "thresholds": {"lower", "upper"}, "alert", "top_features":
    /// [{"column", "importance"}], "not_used": {NAME: reason}}`; `roc_auc` is null with
    /// `"unavailable"` giving the reason when it could not be computed.
    public func json() -> JSONValue {
        var object = JSONObjectBuilder()
        object.set("method", .string("domain_classifier"))
        object.set("roc_auc", rocAUC.map { .double($0) } ?? .null)
        if let unavailable { object.set("unavailable", unavailable) }
        var rows = JSONObjectBuilder()
        rows.set("reference", Int64(referenceRows))
        rows.set("current", Int64(currentRows))
        object.set("rows", rows.value)
        object.set("folds", Int64(folds))
        var thresholds = JSONObjectBuilder()
        thresholds.set("lower", .double(Self.lowerThreshold))
        thresholds.set("upper", .double(Self.upperThreshold))
        object.set("thresholds", thresholds.value)
        object.set("alert", .bool(alert))
        object.set("top_features", .array(topFeatures.map { feature in
            var entry = JSONObjectBuilder()
            entry.set("column", feature.column)
            entry.set("importance", .double(feature.importance))
            return entry.value
        }))
        var notUsed = JSONObjectBuilder()
        for column in leftOut { notUsed.set(column.column, column.reason) }
        object.set("not_used", notUsed.value)
        return object.value
    }
}
