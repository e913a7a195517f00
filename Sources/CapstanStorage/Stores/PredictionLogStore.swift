import Foundation
import SQLKit

/// The prediction log and the feedback joined to it.
public struct PredictionLogStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Writes a batch in one transaction; a request id + variant already logged is skipped
    /// (a client retrying with the same id does not duplicate the log).
    public func insert(_ records: [PredictionRecord]) async throws {
        guard !records.isEmpty else { return }
        try await database.write { db in
            if let sqlite = db as? SQLiteSQLDatabase {
                // The log's hot path: one prepared statement, values bound directly.
                try sqlite.connection.executeForEach(Self.insertOne, records.map(Self.binds))
                return
            }
            for chunk in chunked(records, size: 50) {
                let rows = chunk.map { r -> SQLQueryString in
                    """
                    (\(bind: r.requestId), \(bind: r.variant), \(bind: r.deployment), \(bind: r.revision), \(bind: r.modelName),
                     \(bind: r.modelVersion), \(bind: r.isShadow ? 1 : 0), \(bind: r.status.rawValue), \(bind: r.error),
                     \(bind: r.rowCount), \(bind: Data(r.inputs)), \(bind: r.outputs.map { Data($0) }), \(bind: r.predictedLabel),
                     \(bind: r.latencyMilliseconds), \(bind: r.time))
                    """
                }
                try await db.raw("""
                    INSERT INTO predictions (request_id, variant, deployment, revision, model_name, model_version, is_shadow,
                        status, error, row_count, inputs, outputs, predicted_label, latency_ms, time)
                    VALUES \(rows.joined(separator: ", ")) ON CONFLICT DO NOTHING
                    """).run()
            }
        }
    }

    private static let insertOne = """
        INSERT INTO predictions (request_id, variant, deployment, revision, model_name, model_version, is_shadow,
            status, error, row_count, inputs, outputs, predicted_label, latency_ms, time)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
        """

    private static func binds(_ r: PredictionRecord) -> [SQLiteValue] {
        [.text(r.requestId), .text(r.variant), .text(r.deployment), .integer(r.revision), .text(r.modelName),
         .integer(r.modelVersion), .integer(r.isShadow ? 1 : 0), .text(r.status.rawValue), r.error.map(SQLiteValue.text) ?? .null,
         .integer(r.rowCount), .blob(r.inputs), r.outputs.map(SQLiteValue.blob) ?? .null,
         r.predictedLabel.map(SQLiteValue.text) ?? .null, .real(r.latencyMilliseconds), .integer(r.time)]
    }

    /// Records feedback; later feedback for the same request replaces earlier.
    public func addFeedback(_ items: [FeedbackRecord]) async throws {
        guard !items.isEmpty else { return }
        try await database.write { db in
            for item in items {
                try await db.raw("""
                    INSERT INTO prediction_feedback (deployment, request_id, label, reward, time)
                    VALUES (\(bind: item.deployment), \(bind: item.requestId), \(bind: item.label), \(bind: item.reward), \(bind: item.time))
                    ON CONFLICT (deployment, request_id) DO UPDATE SET label = excluded.label, reward = excluded.reward, time = excluded.time
                    """).run()
            }
        }
    }

    /// A deployment's predictions from `since` (ms), newest first, at most `limit`.
    public func predictions(deployment: String, since: Int64 = 0, limit: Int = 1000, requestId: String? = nil) async throws -> [PredictionRecord] {
        try await database.read { db in
            let filter: SQLQueryString = requestId.map { "AND request_id = \(bind: $0)" } ?? ""
            return try await db.raw("""
                SELECT * FROM predictions WHERE deployment = \(bind: deployment) AND time >= \(bind: since) \(filter)
                ORDER BY time DESC, request_id, variant LIMIT \(unsafeRaw: String(max(0, limit)))
                """).all().map(Self.record(from:))
        }
    }

    /// The outcomes of a deployment's predictions (shadows included) made in `since..<until`
    /// (ms), with the feedback joined to each, for reports and a restarted rollout's step.
    /// Requests whose inputs did not fit the model are left out: they say nothing about it.
    public func outcomes(deployment: String, revision: Int64?, since: Int64, until: Int64 = .max) async throws -> [PredictionOutcome] {
        try await database.read { db in
            let revisionFilter: SQLQueryString = revision.map { "AND p.revision = \(bind: $0)" } ?? ""
            return try await db.raw("""
                SELECT p.variant, p.is_shadow, p.status, p.latency_ms, p.predicted_label, f.label AS feedback_label, f.reward
                FROM predictions p LEFT JOIN prediction_feedback f ON f.deployment = p.deployment AND f.request_id = p.request_id
                WHERE p.deployment = \(bind: deployment) AND p.time >= \(bind: since) AND p.time < \(bind: until) \(revisionFilter)
                  AND p.status <> \(bind: PredictionRecord.Status.invalidInput.rawValue)
                """).all().map(Self.outcome(from:))
        }
    }

    /// The outcomes of a revision's predictions made from `since` (ms) on that have feedback,
    /// shadows left out. Read from the feedback's side, so the cost follows the feedback,
    /// not the traffic: feedback is sent after its prediction, so it is from `since` on too.
    /// `CROSS JOIN` keeps that order on SQLite, whose planner (without ANALYZE statistics)
    /// would otherwise start from the predictions' time index.
    public func feedbackOutcomes(deployment: String, revision: Int64, since: Int64) async throws -> [PredictionOutcome] {
        try await database.read { db in
            try await db.raw(Self.feedbackOutcomesQuery(deployment: deployment, revision: revision, since: since)).all().map(Self.outcome(from:))
        }
    }

    static func feedbackOutcomesQuery(deployment: String, revision: Int64, since: Int64) -> SQLQueryString {
        """
        SELECT p.variant, p.is_shadow, p.status, p.latency_ms, p.predicted_label, f.label AS feedback_label, f.reward
        FROM prediction_feedback f CROSS JOIN predictions p
        WHERE p.deployment = f.deployment AND p.request_id = f.request_id
          AND f.deployment = \(bind: deployment) AND f.time >= \(bind: since)
          AND p.revision = \(bind: revision) AND p.time >= \(bind: since) AND p.is_shadow = 0
          AND p.status <> \(bind: PredictionRecord.Status.invalidInput.rawValue)
        """
    }

    static func outcome(from row: any SQLRow) throws -> PredictionOutcome {
        PredictionOutcome(
            variant: try row.string("variant"), isShadow: try row.int64("is_shadow") != 0,
            failed: try row.string("status") != PredictionRecord.Status.ok.rawValue,
            latencyMilliseconds: try row.double("latency_ms"), predictedLabel: try row.optionalString("predicted_label"),
            feedbackLabel: try row.optionalString("feedback_label"), reward: try row.optionalDouble("reward"))
    }

    static func record(from row: any SQLRow) throws -> PredictionRecord {
        PredictionRecord(
            requestId: try row.string("request_id"), variant: try row.string("variant"), deployment: try row.string("deployment"),
            revision: try row.int64("revision"), modelName: try row.string("model_name"), modelVersion: try row.int64("model_version"),
            isShadow: try row.int64("is_shadow") != 0,
            status: PredictionRecord.Status(rawValue: try row.string("status")) ?? .error, error: try row.optionalString("error"),
            rowCount: try row.int64("row_count"), inputs: try row.bytes("inputs"), outputs: try row.optionalBytes("outputs"),
            predictedLabel: try row.optionalString("predicted_label"), latencyMilliseconds: try row.double("latency_ms"),
            time: try row.int64("time"))
    }
}

/// One logged prediction reduced to what analysis needs.
public struct PredictionOutcome: Sendable, Equatable {
    public var variant: String
    public var isShadow: Bool
    public var failed: Bool
    public var latencyMilliseconds: Double
    public var predictedLabel: String?
    public var feedbackLabel: String?
    public var reward: Double?

    public init(variant: String, isShadow: Bool, failed: Bool, latencyMilliseconds: Double, predictedLabel: String?,
                feedbackLabel: String?, reward: Double?) {
        self.variant = variant
        self.isShadow = isShadow
        self.failed = failed
        self.latencyMilliseconds = latencyMilliseconds
        self.predictedLabel = predictedLabel
        self.feedbackLabel = feedbackLabel
        self.reward = reward
    }
}
