import CapstanStorage

/// MLflow's validation rules for names and logged values (`mlflow/utils/validation.py`),
/// with its messages, which clients and tests match on.
enum TrackingValidation {
    /// Keys may contain letters, digits, `_`, `-`, `.`, space, `:` and `/`, must stay the
    /// same under POSIX path normalisation (no `a//b`, `a/`, `./a`, `..`, `/a`) and fit in
    /// 250 characters.
    ///
    /// - Parameters:
    ///   - path: the request field named in messages (`key` for params and tags, `name` for metrics).
    ///   - entity: how the length message names the key (`Param key`, `Metric name`, `key`).
    static func validateKey(_ key: String, path: String, entity: String) throws {
        let allowed = key.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || scalar.properties.numericType != nil || "_-. :/".unicodeScalars.contains(scalar)
        }
        guard allowed else {
            throw TrackingError.invalidParameter(invalidValue(
                path, key,
                "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/)."
            ))
        }
        let normalised = PosixPath.normalise(key)
        guard normalised == key, normalised != ".", !normalised.hasPrefix(".."), !normalised.hasPrefix("/") else {
            throw TrackingError.invalidParameter(invalidValue(
                path, key,
                "Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '\(normalised)'"
            ))
        }
        guard key.count <= TrackingLimits.maxKeyLength else {
            throw TrackingError.invalidParameter("'\(entity)' exceeds the maximum length of \(TrackingLimits.maxKeyLength) characters")
        }
    }

    static func validateTimestamp(_ metric: Metric) throws {
        guard metric.timestamp >= 0 else {
            throw TrackingError.invalidParameter(invalidValue(
                "timestamp", metric.timestamp,
                "metric '\(metric.key)' (value=\(pythonFloat(metric.value))). Timestamp must be a nonnegative long (64-bit integer) "
            ))
        }
    }

    /// MLflow stores ±infinity as ±`Double.greatestFiniteMagnitude` (its SQL store clamps them).
    static func clamped(_ metric: Metric) -> Metric {
        guard metric.value.isInfinite else { return metric }
        var metric = metric
        metric.value = metric.value > 0 ? .greatestFiniteMagnitude : -.greatestFiniteMagnitude
        return metric
    }

    /// Params and tags keep at most `limit` characters, as MLflow truncates long values.
    static func truncated(_ pair: KeyValue, limit: Int) -> KeyValue {
        pair.value.count <= limit ? pair : KeyValue(key: pair.key, value: String(pair.value.prefix(limit)))
    }

    static func validateBatch(metrics: Int, params: [KeyValue], tags: Int) throws {
        func tooMany(_ limit: Int, _ count: Int, _ what: String) -> TrackingError {
            .invalidParameter(
                "A batch logging request can contain at most \(limit) \(what). Got \(count) \(what). Please split up \(what) across multiple requests and try again."
            )
        }
        if metrics > TrackingLimits.maxBatchMetrics { throw tooMany(TrackingLimits.maxBatchMetrics, metrics, "metrics") }
        if params.count > TrackingLimits.maxBatchParams { throw tooMany(TrackingLimits.maxBatchParams, params.count, "params") }
        if tags > TrackingLimits.maxBatchTags { throw tooMany(TrackingLimits.maxBatchTags, tags, "tags") }
        let total = metrics + params.count + tags
        if total > TrackingLimits.maxBatchEntities {
            throw TrackingError.invalidParameter(
                "A batch logging request can contain at most \(TrackingLimits.maxBatchEntities) metrics, params, and tags in total. Got \(total) in total. Please split up across multiple requests and try again."
            )
        }
        var seen: Set<String> = []
        var duplicates: [String] = []
        for param in params where !seen.insert(param.key).inserted {
            duplicates.append(param.key)
        }
        if !duplicates.isEmpty {
            throw TrackingError.invalidParameter(
                "Duplicate parameter keys have been submitted: \(pythonList(duplicates)). Please ensure the request contains only one param value per param key."
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
                invalidValue("max_results", Int64(value), "It must be at most \(limit), but got value \(value)")
            )
        }
    }

    /// MLflow's `invalid_value` message: the value rendered as JSON.
    static func invalidValue(_ path: String, _ value: String, _ message: String) -> String {
        "Invalid value \(jsonString(value)) for parameter '\(path)' supplied: \(message)"
    }

    static func invalidValue(_ path: String, _ value: Int64, _ message: String) -> String {
        "Invalid value \(value) for parameter '\(path)' supplied: \(message)"
    }

    static func jsonString(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// A Python `repr` of a float (`1.0`, `nan`, `inf`).
    static func pythonFloat(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        return value == value.rounded() && abs(value) < 1e16 ? String(format: "%.1f", value) : "\(value)"
    }

    static func pythonList(_ items: [String]) -> String {
        "[" + items.map { "'\($0)'" }.joined(separator: ", ") + "]"
    }
}

/// POSIX lexical path normalisation, as Python's `posixpath.normpath`.
enum PosixPath {
    static func normalise(_ path: String) -> String {
        guard !path.isEmpty else { return "." }
        // POSIX keeps exactly two leading slashes; one or three-plus collapse to one.
        let leading = path.hasPrefix("//") && !path.hasPrefix("///") ? "//" : (path.hasPrefix("/") ? "/" : "")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) where part != "." {
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else if part == "..", !leading.isEmpty {
                continue
            } else {
                parts.append(part)
            }
        }
        let joined = leading + parts.joined(separator: "/")
        return joined.isEmpty ? "." : joined
    }
}
