import SQLKit

/// A deployment's traffic in one time bucket, for one variant or shadow: what the
/// dashboard draws as requests, errors and latency over time.
public struct TrafficBucket: Sendable, Equatable {
    public var variant: String
    public var isShadow: Bool
    /// The bucket's start, milliseconds since the epoch (a multiple of the bucket size).
    public var start: Int64
    /// Predictions served (inputs that did not fit the model are not counted: they were
    /// refused, not served).
    public var requests: Int64
    /// Of those, predictions the model failed on.
    public var errors: Int64
    public var meanLatencyMilliseconds: Double
    public var maxLatencyMilliseconds: Double

    public init(variant: String, isShadow: Bool, start: Int64, requests: Int64, errors: Int64,
                meanLatencyMilliseconds: Double, maxLatencyMilliseconds: Double) {
        self.variant = variant
        self.isShadow = isShadow
        self.start = start
        self.requests = requests
        self.errors = errors
        self.meanLatencyMilliseconds = meanLatencyMilliseconds
        self.maxLatencyMilliseconds = maxLatencyMilliseconds
    }

    /// Errors over requests (0 for an empty bucket).
    public var errorRate: Double { requests == 0 ? 0 : Double(errors) / Double(requests) }
}

extension PredictionLogStore {
    /// A deployment's predictions in `since..<until` (ms), counted per variant and per
    /// bucket of `bucketMilliseconds`, oldest bucket first. Buckets without predictions are
    /// absent. The database does the counting, so the cost of a day of traffic is one
    /// indexed range scan, not a day of rows sent to the server.
    ///
    /// - Throws: `StoreError.invalidParameter` when the bucket is not positive.
    public func traffic(deployment: String, since: Int64, until: Int64, bucketMilliseconds: Int64) async throws -> [TrafficBucket] {
        guard bucketMilliseconds > 0 else {
            throw StoreError.invalidParameter("the bucket size must be positive, got \(bucketMilliseconds) ms")
        }
        return try await database.read { db in
            try await db.raw(Self.trafficQuery(deployment: deployment, since: since, until: until, bucket: bucketMilliseconds))
                .all().map { row in
                    TrafficBucket(
                        variant: try row.string("variant"), isShadow: try row.int64("is_shadow") != 0, start: try row.int64("bucket"),
                        requests: try row.int64("requests"), errors: try row.int64("errors"),
                        meanLatencyMilliseconds: try row.double("latency_mean"), maxLatencyMilliseconds: try row.double("latency_max"))
                }
        }
    }

    /// Integer division of the BIGINT `time` truncates on both engines, so `time / b * b` is
    /// the bucket's start (times are never negative). The bucket size is written into the
    /// SQL rather than bound: PostgreSQL does not see two placeholders as one expression, so
    /// a bound size in both SELECT and GROUP BY would not group. It is an integer, so
    /// writing it in is safe.
    static func trafficQuery(deployment: String, since: Int64, until: Int64, bucket: Int64) -> SQLQueryString {
        let size: SQLQueryString = "\(unsafeRaw: String(bucket))"
        return """
            SELECT variant, is_shadow, (time / \(size)) * \(size) AS bucket, COUNT(*) AS requests,
                SUM(CASE WHEN status = \(bind: PredictionRecord.Status.error.rawValue) THEN 1 ELSE 0 END) AS errors,
                AVG(latency_ms) AS latency_mean, MAX(latency_ms) AS latency_max
            FROM predictions
            WHERE deployment = \(bind: deployment) AND time >= \(bind: since) AND time < \(bind: until)
              AND status <> \(bind: PredictionRecord.Status.invalidInput.rawValue)
            GROUP BY variant, is_shadow, (time / \(size)) * \(size)
            ORDER BY bucket, variant
            """
    }
}
