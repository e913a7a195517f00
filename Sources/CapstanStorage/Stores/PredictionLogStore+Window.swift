import SQLKit

/// Which logged predictions a monitor reads: a deployment's, in a time range, optionally
/// only the latest ones or one variant's.
public struct PredictionWindowQuery: Sendable, Equatable {
    public var deployment: String
    /// A variant or shadow name; nil for the deployment's primary traffic (no shadows).
    public var variant: String?
    public var since: Int64
    public var until: Int64
    /// Only the newest this many predictions of the range.
    public var latest: Int?
    /// Leave out predictions that failed (drift and data quality look at served inputs only).
    public var successfulOnly: Bool
    /// Join each prediction's feedback (performance monitors).
    public var withFeedback: Bool
    /// Read the logged inputs and outputs (checks of the data); without them a window of a
    /// million predictions reads a fraction of the bytes.
    public var withFrames: Bool

    public init(deployment: String, variant: String? = nil, since: Int64, until: Int64, latest: Int? = nil,
                successfulOnly: Bool = true, withFeedback: Bool = false, withFrames: Bool = true) {
        self.deployment = deployment
        self.variant = variant
        self.since = since
        self.until = until
        self.latest = latest
        self.successfulOnly = successfulOnly
        self.withFeedback = withFeedback
        self.withFrames = withFrames
    }
}

/// A logged prediction as a monitor reads it.
public struct LoggedPrediction: Sendable {
    public var variant: String
    public var modelVersion: Int64
    public var status: PredictionRecord.Status
    public var rowCount: Int64
    public var inputs: [UInt8]
    public var outputs: [UInt8]?
    public var predictedLabel: String?
    public var latencyMilliseconds: Double
    public var time: Int64
    public var feedbackLabel: String?
    public var reward: Double?

    public init(variant: String, modelVersion: Int64, status: PredictionRecord.Status, rowCount: Int64, inputs: [UInt8], outputs: [UInt8]?,
                predictedLabel: String?, latencyMilliseconds: Double, time: Int64, feedbackLabel: String?, reward: Double?) {
        self.variant = variant
        self.modelVersion = modelVersion
        self.status = status
        self.rowCount = rowCount
        self.inputs = inputs
        self.outputs = outputs
        self.predictedLabel = predictedLabel
        self.latencyMilliseconds = latencyMilliseconds
        self.time = time
        self.feedbackLabel = feedbackLabel
        self.reward = reward
    }
}

extension PredictionLogStore {
    /// Streams the window's predictions to `body`, without holding them all: a window can be
    /// millions of rows. Oldest first for a time range; newest first for the latest N (an
    /// outer sort of a million rows would cost more than the whole read, and every check is
    /// indifferent to order). Requests whose inputs did not fit the model are left out: they
    /// were never served.
    public func forEachPrediction(in window: PredictionWindowQuery, _ body: @escaping @Sendable (LoggedPrediction) -> Void) async throws {
        try await database.read { db in
            let query = Self.windowQuery(window)
            if let sqlite = db as? SQLiteSQLDatabase {
                // The hot path on SQLite: columns by position, not by name per row.
                let (sql, binds) = sqlite.serialize(query)
                try sqlite.connection.forEachRow(sql, try binds.map(SQLiteValue.init(bind:))) { row in
                    if let prediction = Self.loggedPrediction(row) { body(prediction) }
                }
                return
            }
            try await db.execute(sql: query) { row in
                // A row that does not decode is a damaged log row; skipping it keeps the rest of
                // the window usable (every column read here is NOT NULL or optional).
                if let prediction = try? Self.loggedPrediction(from: row, withFeedback: window.withFeedback) { body(prediction) }
            }
        }
    }

    static func windowQuery(_ w: PredictionWindowQuery) -> SQLQueryString {
        let variant: SQLQueryString = w.variant.map { "AND p.variant = \(bind: $0)" } ?? "AND p.is_shadow = 0"
        let status: SQLQueryString = w.successfulOnly
            ? "AND p.status = \(bind: PredictionRecord.Status.ok.rawValue)"
            : "AND p.status <> \(bind: PredictionRecord.Status.invalidInput.rawValue)"
        let frames: SQLQueryString = w.withFrames ? "p.inputs, p.outputs" : "NULL AS inputs, NULL AS outputs"
        let feedback: SQLQueryString = w.withFeedback ? "f.label AS feedback_label, f.reward" : "NULL AS feedback_label, NULL AS reward"
        let feedbackJoin: SQLQueryString = w.withFeedback
            ? "LEFT JOIN prediction_feedback f ON f.deployment = p.deployment AND f.request_id = p.request_id" : ""
        let select: SQLQueryString = """
            SELECT p.variant, p.model_version, p.status, p.row_count, \(frames), p.predicted_label, p.latency_ms, p.time, \(feedback)
            FROM predictions p \(feedbackJoin)
            WHERE p.deployment = \(bind: w.deployment) AND p.time >= \(bind: w.since) AND p.time < \(bind: w.until) \(variant) \(status)
            """
        guard let latest = w.latest else { return "\(select) ORDER BY p.time" }
        return "\(select) ORDER BY p.time DESC LIMIT \(unsafeRaw: String(max(0, latest)))"
    }

    /// A row of ``windowQuery(_:)`` by position; nil for a damaged row.
    static func loggedPrediction(_ row: SQLiteConnection.StatementRow) -> LoggedPrediction? {
        guard let variant = row.text(0), let status = row.text(2), !row.isNull(1), !row.isNull(3), !row.isNull(7), !row.isNull(8) else {
            return nil
        }
        return LoggedPrediction(variant: variant, modelVersion: row.int64(1), status: PredictionRecord.Status(rawValue: status) ?? .error,
                                rowCount: row.int64(3), inputs: row.bytes(4) ?? [], outputs: row.bytes(5), predictedLabel: row.text(6),
                                latencyMilliseconds: row.double(7), time: row.int64(8), feedbackLabel: row.text(9),
                                reward: row.isNull(10) ? nil : row.double(10))
    }

    static func loggedPrediction(from row: any SQLRow, withFeedback: Bool) throws -> LoggedPrediction {
        LoggedPrediction(
            variant: try row.string("variant"), modelVersion: try row.int64("model_version"),
            status: PredictionRecord.Status(rawValue: try row.string("status")) ?? .error, rowCount: try row.int64("row_count"),
            inputs: try row.optionalBytes("inputs") ?? [], outputs: try row.optionalBytes("outputs"),
            predictedLabel: try row.optionalString("predicted_label"), latencyMilliseconds: try row.double("latency_ms"),
            time: try row.int64("time"),
            feedbackLabel: withFeedback ? try row.optionalString("feedback_label") : nil,
            reward: withFeedback ? try row.optionalDouble("reward") : nil)
    }
}
