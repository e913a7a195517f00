import SQLKit

/// Appends metric values and keeps `latest_metrics` current, inside the caller's transaction.
///
/// The latest value of a key is the greatest by (step, timestamp, value), as MLflow's SQL
/// store decides it (`_update_latest_metrics_if_necessary`). NaN is stored as 0 with
/// `is_nan = 1`, because SQLite cannot store NaN.
enum MetricWriter {
    static func insert(_ metrics: [Metric], runId: String, on db: any SQLDatabase) async throws {
        guard !metrics.isEmpty else { return }
        for chunk in chunked(metrics, size: 100) {
            let rows = chunk.map { metric -> SQLQueryString in
                """
                (\(bind: runId), \(bind: metric.key), \(bind: stored(metric.value)), \(bind: metric.value.isNaN ? 1 : 0),
                \(bind: metric.timestamp), \(bind: metric.step), \(bind: metric.modelId ?? ""),
                \(bind: metric.datasetName), \(bind: metric.datasetDigest))
                """
            }
            try await db.raw("""
                INSERT INTO metrics (run_id, key, value, is_nan, timestamp, step, model_id, dataset_name, dataset_digest)
                VALUES \(rows.joined(separator: ", ")) ON CONFLICT DO NOTHING
                """).run()
        }
        // One upsert per key with the batch's own maximum: PostgreSQL refuses to update
        // one row twice in a statement, and fewer rows is faster anyway.
        var latest: [String: Metric] = [:]
        for metric in metrics where latest[metric.key].map({ isAfter(metric, $0) }) ?? true {
            latest[metric.key] = metric
        }
        for chunk in chunked(Array(latest.values), size: 100) {
            let rows = chunk.map { metric -> SQLQueryString in
                """
                (\(bind: runId), \(bind: metric.key), \(bind: stored(metric.value)), \(bind: metric.value.isNaN ? 1 : 0),
                \(bind: metric.timestamp), \(bind: metric.step))
                """
            }
            try await db.raw("""
                INSERT INTO latest_metrics (run_id, key, value, is_nan, timestamp, step) VALUES \(rows.joined(separator: ", "))
                ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, is_nan = excluded.is_nan,
                    timestamp = excluded.timestamp, step = excluded.step
                WHERE excluded.step > latest_metrics.step
                   OR (excluded.step = latest_metrics.step AND excluded.timestamp > latest_metrics.timestamp)
                   OR (excluded.step = latest_metrics.step AND excluded.timestamp = latest_metrics.timestamp
                       AND excluded.value >= latest_metrics.value)
                """).run()
        }
    }

    /// Whether `a` replaces `b` as the latest value: (step, timestamp, value) compared in order.
    static func isAfter(_ a: Metric, _ b: Metric) -> Bool {
        if a.step != b.step { return a.step > b.step }
        if a.timestamp != b.timestamp { return a.timestamp > b.timestamp }
        return stored(a.value) >= stored(b.value)
    }

    static func stored(_ value: Double) -> Double {
        value.isNaN ? 0 : value
    }

    static func metric(from row: any SQLRow, runId: String? = nil) throws -> Metric {
        let modelId = try row.optionalString("model_id")
        return Metric(
            key: try row.string("key"),
            value: try row.bool("is_nan") ? .nan : try row.double("value"),
            timestamp: try row.int64("timestamp"),
            step: try row.int64("step"),
            modelId: modelId?.isEmpty == false ? modelId : nil,
            runId: runId
        )
    }
}
