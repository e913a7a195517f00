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
    /// Read the logged inputs (drift and data-quality checks).
    public var withInputs: Bool
    /// Read the logged outputs and predicted labels (performance checks).
    public var withOutputs: Bool

    public init(deployment: String, variant: String? = nil, since: Int64, until: Int64, latest: Int? = nil,
                successfulOnly: Bool = true, withFeedback: Bool = false, withInputs: Bool = true, withOutputs: Bool = true) {
        self.deployment = deployment
        self.variant = variant
        self.since = since
        self.until = until
        self.latest = latest
        self.successfulOnly = successfulOnly
        self.withFeedback = withFeedback
        self.withInputs = withInputs
        self.withOutputs = withOutputs
    }
}

/// A logged prediction as a monitor reads it, borrowed from the store's current row.
///
/// Its frames point into the row the store is stepping and are valid only inside the
/// `forEachPrediction` body that receives them: a window is a million rows, and copying each
/// frame out (and making strings of its variant and status) cost more than decoding it.
public struct LoggedPrediction {
    public var status: PredictionRecord.Status
    public var inputs: UnsafeRawBufferPointer
    public var outputs: UnsafeRawBufferPointer?
    public var predictedLabel: String?
    public var latencyMilliseconds: Double
    public var time: Int64
    public var feedbackLabel: String?
    public var reward: Double?

    public init(status: PredictionRecord.Status, inputs: UnsafeRawBufferPointer, outputs: UnsafeRawBufferPointer?,
                predictedLabel: String?, latencyMilliseconds: Double, time: Int64, feedbackLabel: String?, reward: Double?) {
        self.status = status
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
    /// were never served. `body` is called for one row after another, never concurrently,
    /// and all calls are over when this returns.
    public func forEachPrediction(in window: PredictionWindowQuery, _ body: @escaping @Sendable (LoggedPrediction) -> Void) async throws {
        try await database.read { db in
            let query = Self.windowQuery(window)
            if let sqlite = db as? SQLiteSQLDatabase {
                // The hot path on SQLite: columns by position, and only those the window reads.
                let (sql, binds) = sqlite.serialize(query)
                try sqlite.connection.forEachRow(sql, try binds.map(SQLiteValue.init(bind:))) { row in
                    Self.withLoggedPrediction(row, window, body)
                }
                return
            }
            try await db.execute(sql: query) { row in
                // A row that does not decode is a damaged log row; skipping it keeps the rest of
                // the window usable (every column read here is NOT NULL or optional).
                try? Self.withLoggedPrediction(row, window, body)
            }
        }
    }

    /// Splits a window into two disjoint windows of about equal size that together hold
    /// exactly its predictions, so that both can be read at once on two connections: one
    /// connection steps its rows on one core, and reading is most of an evaluation. A window
    /// under `minimumRows` stays whole (splitting costs a scan of half the index).
    ///
    /// The halves are read after the split, on other connections: predictions the log
    /// writes in between (it commits a batch every few milliseconds) join the newer half, so
    /// a window of the newest N can hold a few more than N when traffic is heavy.
    public func halves(of window: PredictionWindowQuery, minimumRows: Int = 100_000) async throws -> [PredictionWindowQuery] {
        try await database.read { db in
            func time(offset: Int, descending: Bool) async throws -> Int64? {
                let order: SQLQueryString = descending ? "DESC" : "ASC"
                let query: SQLQueryString = """
                    SELECT p.time FROM predictions p WHERE \(Self.windowFilter(window))
                    ORDER BY p.time \(order) LIMIT 1 OFFSET \(unsafeRaw: String(offset))
                    """
                return try await db.raw(query).first()?.decode(column: "time", as: Int64.self)
            }
            func count(_ w: PredictionWindowQuery) async throws -> Int {
                let query: SQLQueryString = "SELECT count(*) AS n FROM predictions p WHERE \(Self.windowFilter(w))"
                return Int(try await db.raw(query).first()?.decode(column: "n", as: Int64.self) ?? 0)
            }
            /// The (k+1)-th newest prediction's time, and how many predictions are newer.
            func boundary(afterNewest k: Int) async throws -> (time: Int64, newer: Int)? {
                guard let sqlite = db as? SQLiteSQLDatabase else {
                    guard let time = try await time(offset: k, descending: true) else { return nil }
                    var newer = window
                    newer.since = time + 1
                    newer.latest = nil
                    return (time, try await count(newer))
                }
                // On SQLite, one scan of the k+1 newest index entries finds both (two scans,
                // an offset and a count, take twice as long).
                let query: SQLQueryString = """
                    SELECT p.time FROM predictions p WHERE \(Self.windowFilter(window))
                    ORDER BY p.time DESC LIMIT \(unsafeRaw: String(k + 1))
                    """
                let (sql, binds) = sqlite.serialize(query)
                var seen = 0, newer = 0, last: Int64?
                try sqlite.connection.forEachRow(sql, try binds.map(SQLiteValue.init(bind:))) { row in
                    let time = row.int64(0)
                    if time != last { (newer, last) = (seen, time) }
                    seen += 1
                }
                guard seen == k + 1, let last else { return nil }
                return (last, newer)
            }
            if let latest = window.latest {
                // The newer half: every prediction later than the (k+1)-th newest one's time
                // (at most k of them). The older half: the newest of the rest, up to `latest`
                // in all; predictions sharing the boundary's millisecond all fall on its side.
                guard latest >= minimumRows, let boundary = try await boundary(afterNewest: latest / 2) else { return [window] }
                var newer = window
                newer.since = boundary.time + 1
                newer.latest = nil
                var older = window
                older.until = boundary.time + 1
                older.latest = latest - boundary.newer
                return [newer, older]
            }
            let total = try await count(window)
            guard total >= minimumRows, let boundary = try await time(offset: total / 2, descending: false) else { return [window] }
            var older = window
            older.until = boundary
            var newer = window
            newer.since = boundary
            return [older, newer]
        }
    }

    /// Which predictions a window holds; every column it tests is in `predictions_outcomes`.
    static func windowFilter(_ w: PredictionWindowQuery) -> SQLQueryString {
        let variant: SQLQueryString = w.variant.map { "AND p.variant = \(bind: $0)" } ?? "AND p.is_shadow = 0"
        let status: SQLQueryString = w.successfulOnly
            ? "AND p.status = \(bind: PredictionRecord.Status.ok.rawValue)"
            : "AND p.status <> \(bind: PredictionRecord.Status.invalidInput.rawValue)"
        return "p.deployment = \(bind: w.deployment) AND p.time >= \(bind: w.since) AND p.time < \(bind: w.until) \(variant) \(status)"
    }

    static func windowQuery(_ w: PredictionWindowQuery) -> SQLQueryString {
        // Without inputs and outputs, only each prediction's outcome is read (status, latency,
        // time), which the `predictions_outcomes` index holds: a million predictions are then
        // read without visiting the table. Columns not read are NULL, so that every column
        // keeps its position for `withLoggedPrediction`.
        let inputs: SQLQueryString = w.withInputs ? "p.inputs" : "NULL AS inputs"
        let outputs: SQLQueryString = w.withOutputs ? "p.outputs, p.predicted_label" : "NULL AS outputs, NULL AS predicted_label"
        let feedback: SQLQueryString = w.withFeedback ? "f.label AS feedback_label, f.reward" : "NULL AS feedback_label, NULL AS reward"
        let feedbackJoin: SQLQueryString = w.withFeedback
            ? "LEFT JOIN prediction_feedback f ON f.deployment = p.deployment AND f.request_id = p.request_id" : ""
        let select: SQLQueryString = """
            SELECT p.status, \(inputs), \(outputs), p.latency_ms, p.time, \(feedback)
            FROM predictions p \(feedbackJoin)
            WHERE \(windowFilter(w))
            """
        guard let latest = w.latest else { return "\(select) ORDER BY p.time" }
        return "\(select) ORDER BY p.time DESC LIMIT \(unsafeRaw: String(max(0, latest)))"
    }

    /// Calls `body` with a row of ``windowQuery(_:)``, read by position. Each SQLite call costs
    /// tens of nanoseconds, so columns the window does not read are not looked at, and the
    /// status is compared as bytes rather than made a string.
    static func withLoggedPrediction(_ row: SQLiteConnection.StatementRow, _ w: PredictionWindowQuery,
                                     _ body: (LoggedPrediction) -> Void) {
        let status: PredictionRecord.Status
        let statusBytes = row.borrowedBytes(0) ?? UnsafeRawBufferPointer(start: nil, count: 0)
        if statusBytes.count == 2, statusBytes[0] == UInt8(ascii: "o"), statusBytes[1] == UInt8(ascii: "k") {
            status = .ok
        } else {
            status = PredictionRecord.Status(rawValue: String(decoding: statusBytes, as: UTF8.self)) ?? .error
        }
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        body(LoggedPrediction(
            status: status, inputs: w.withInputs ? row.borrowedBytes(1) ?? empty : empty,
            outputs: w.withOutputs ? row.borrowedBytes(2) : nil, predictedLabel: w.withOutputs ? row.text(3) : nil,
            latencyMilliseconds: row.double(4), time: row.int64(5),
            feedbackLabel: w.withFeedback ? row.text(6) : nil, reward: w.withFeedback && !row.isNull(7) ? row.double(7) : nil))
    }

    /// Calls `body` with a row of ``windowQuery(_:)`` as SQLKit reads it (PostgreSQL).
    static func withLoggedPrediction(_ row: any SQLRow, _ w: PredictionWindowQuery, _ body: (LoggedPrediction) -> Void) throws {
        let status = PredictionRecord.Status(rawValue: try row.string("status")) ?? .error
        let inputs = try row.optionalBytes("inputs") ?? [], outputs = try row.optionalBytes("outputs")
        let predictedLabel = try row.optionalString("predicted_label")
        let latency = try row.double("latency_ms"), time = try row.int64("time")
        let feedbackLabel = w.withFeedback ? try row.optionalString("feedback_label") : nil
        let reward = w.withFeedback ? try row.optionalDouble("reward") : nil
        inputs.withUnsafeBytes { inputs in
            (outputs ?? []).withUnsafeBytes { outputBytes in
                body(LoggedPrediction(status: status, inputs: inputs, outputs: outputs == nil ? nil : outputBytes,
                                      predictedLabel: predictedLabel, latencyMilliseconds: latency, time: time,
                                      feedbackLabel: feedbackLabel, reward: reward))
            }
        }
    }
}
