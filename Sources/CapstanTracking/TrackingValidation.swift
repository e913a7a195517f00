import CapstanStorage

/// MLflow's validation rules for names and logged values, with its messages.
enum TrackingValidation {
    /// Keys may contain alphanumerics, `_`, `-`, `.`, space, `:` and `/`, must be normalised
    /// paths (no `a//b`, `a/`, `./a`, `..`) and at most 250 characters.
    static func validateKey(_ key: String, kind: String) throws {
        let allowed = key.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || scalar.properties.numericType != nil || "_-. :/".unicodeScalars.contains(scalar)
        }
        guard allowed else {
            throw TrackingError.invalidParameter(
                "Invalid \(kind) name: '\(key)'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/)."
            )
        }
        let segments = key.split(separator: "/", omittingEmptySubsequences: false)
        let normalised = !key.isEmpty && !key.hasPrefix("/") && !key.hasSuffix("/")
            && !segments.contains { $0.isEmpty || $0 == "." || $0 == ".." }
        guard normalised else {
            throw TrackingError.invalidParameter(
                "Invalid \(kind) name: '\(key)'. Names cannot contain upward or empty path segments, nor start or end with '/'."
            )
        }
        guard key.count <= TrackingLimits.maxKeyLength else {
            throw TrackingError.invalidParameter(
                "'\(kind)' name exceeds the maximum length of \(TrackingLimits.maxKeyLength) characters (got \(key.count))."
            )
        }
    }

    static func validateMetric(_ metric: Metric) throws {
        try validateKey(metric.key, kind: "metric")
        guard metric.timestamp >= 0 else {
            throw TrackingError.invalidParameter(
                "Got invalid timestamp \(metric.timestamp) for metric '\(metric.key)' (value=\(metric.value)). Timestamp must be a nonnegative long (64-bit integer) "
            )
        }
    }

    /// Params and tags keep at most `limit` characters, as MLflow truncates long values.
    static func truncated(_ pair: KeyValue, limit: Int) -> KeyValue {
        pair.value.count <= limit ? pair : KeyValue(key: pair.key, value: String(pair.value.prefix(limit)))
    }

    static func validateBatch(metrics: Int, params: [KeyValue], tags: Int) throws {
        if metrics > TrackingLimits.maxBatchMetrics {
            throw TrackingError.invalidParameter(
                "A batch logging request can contain at most \(TrackingLimits.maxBatchMetrics) metrics. Got \(metrics) metrics. Please split up metrics across multiple requests and try again."
            )
        }
        if params.count > TrackingLimits.maxBatchParams {
            throw TrackingError.invalidParameter(
                "A batch logging request can contain at most \(TrackingLimits.maxBatchParams) params. Got \(params.count) params. Please split up params across multiple requests and try again."
            )
        }
        if tags > TrackingLimits.maxBatchTags {
            throw TrackingError.invalidParameter(
                "A batch logging request can contain at most \(TrackingLimits.maxBatchTags) tags. Got \(tags) tags. Please split up tags across multiple requests and try again."
            )
        }
        let total = metrics + params.count + tags
        if total > TrackingLimits.maxBatchEntities {
            throw TrackingError.invalidParameter(
                "A batch logging request can contain at most \(TrackingLimits.maxBatchEntities) metrics, params, and tags in total. Got \(total) in total. Please split up across multiple requests and try again."
            )
        }
        var seen: [String: String] = [:]
        var duplicates: [String] = []
        for param in params {
            if let previous = seen.updateValue(param.value, forKey: param.key), previous != param.value, !duplicates.contains(param.key) {
                duplicates.append(param.key)
            }
        }
        if !duplicates.isEmpty {
            throw TrackingError.invalidParameter(
                "Duplicate parameter keys have been submitted: \(duplicates). Please ensure the request contains only one param value per param key."
            )
        }
    }

    static func validateExperimentName(_ name: String) throws {
        guard !name.isEmpty else {
            throw TrackingError.invalidParameter("Invalid experiment name: ''")
        }
        guard name.count <= TrackingLimits.maxExperimentNameLength else {
            throw TrackingError.invalidParameter(
                "'name' exceeds the maximum length of \(TrackingLimits.maxExperimentNameLength) characters"
            )
        }
    }

    static func validateMaxResults(_ value: Int, limit: Int) throws {
        guard value > 0, value <= limit else {
            throw TrackingError.invalidParameter(
                "Invalid value \(value) for parameter 'max_results' supplied. It must be at most \(limit), but got value \(value)"
            )
        }
    }
}
