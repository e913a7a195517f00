import SQLKit

extension RunStore {
    /// Every logged value of one metric, ordered by (timestamp, step, value), a page at a time.
    ///
    /// - Parameter maxResults: page size; nil returns all values.
    public func metricHistory(runId: String, key: String, maxResults: Int?, pageToken: String?) async throws -> Page<Metric> {
        let offset = try PageToken.offset(from: pageToken)
        return try await database.read { db in
            _ = try await Self.info(runId: runId, on: db)
            // Both engines accept LIMIT before OFFSET; "no limit" is the largest BIGINT.
            let limit: SQLQueryString = "LIMIT \(bind: maxResults.map { Int64($0) + 1 } ?? Int64.max) OFFSET \(bind: offset)"
            var metrics = try await db.raw("""
                SELECT key, value, is_nan, timestamp, step, model_id FROM metrics
                WHERE run_id = \(bind: runId) AND key = \(bind: key)
                ORDER BY timestamp, step, value, model_id \(limit)
                """).all().map { try MetricWriter.metric(from: $0, runId: runId) }
            var next: String?
            if let maxResults, metrics.count > maxResults {
                metrics.removeLast(metrics.count - maxResults)
                next = PageToken.make(offset: offset + maxResults)
            }
            return Page(items: metrics, nextPageToken: next)
        }
    }
}
