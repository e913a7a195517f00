import SQLKit

/// Monitors, their evaluations and the time series those produce.
public struct MonitorStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Creates the monitor, or replaces the spec of the one with its name (its history is
    /// kept). Either way it is due at once.
    public func save(name: String, deployment: String, kind: String, spec: String, intervalMilliseconds: Int64) async throws -> MonitorRecord {
        let now = Clock.nowMillis()
        return try await database.write { db in
            _ = try await DeploymentStore.deployment(name: deployment, on: db)
            try await db.raw("""
                INSERT INTO monitors (name, deployment, kind, spec, interval_ms, next_run_time, creation_time, last_update_time)
                VALUES (\(bind: name), \(bind: deployment), \(bind: kind), \(bind: spec), \(bind: intervalMilliseconds), \(bind: now),
                        \(bind: now), \(bind: now))
                ON CONFLICT (name) DO UPDATE SET deployment = excluded.deployment, kind = excluded.kind, spec = excluded.spec,
                    interval_ms = excluded.interval_ms, next_run_time = excluded.next_run_time, last_update_time = excluded.last_update_time
                """).run()
            return try await Self.monitor(name: name, on: db)
        }
    }

    public func monitor(name: String) async throws -> MonitorRecord {
        try await database.read { db in try await Self.monitor(name: name, on: db) }
    }

    /// Every monitor, or a deployment's, by name.
    public func monitors(deployment: String? = nil) async throws -> [MonitorRecord] {
        try await database.read { db in
            let filter: SQLQueryString = deployment.map { "WHERE deployment = \(bind: $0)" } ?? ""
            return try await db.raw("SELECT * FROM monitors \(filter) ORDER BY name").all().map(Self.monitor(from:))
        }
    }

    /// Deletes the monitor and its history.
    public func delete(name: String) async throws {
        try await database.write { db in
            _ = try await Self.monitor(name: name, on: db)
            for table in ["monitor_points", "monitor_evaluations"] {
                try await db.raw("DELETE FROM \(unsafeRaw: table) WHERE monitor = \(bind: name)").run()
            }
            try await db.raw("DELETE FROM monitors WHERE name = \(bind: name)").run()
        }
    }

    /// Claims the monitors due at `now`: each is moved to its next run in one conditional
    /// UPDATE, and only the server whose UPDATE matched runs it. Replicas sharing the
    /// database therefore never evaluate a monitor twice for one schedule slot.
    public func claimDue(now: Int64) async throws -> [MonitorRecord] {
        let due = try await database.read { db in
            try await db.raw("SELECT * FROM monitors WHERE next_run_time <= \(bind: now) ORDER BY next_run_time")
                .all().map(Self.monitor(from:))
        }
        var claimed: [MonitorRecord] = []
        for monitor in due {
            let next = now + monitor.intervalMilliseconds
            let won = try await database.write { db in
                try await db.raw("""
                    UPDATE monitors SET next_run_time = \(bind: next)
                    WHERE name = \(bind: monitor.name) AND next_run_time = \(bind: monitor.nextRunTime) RETURNING name
                    """).first() != nil
            }
            if won { claimed.append(monitor) }
        }
        return claimed
    }

    /// Stores an evaluation and its points together.
    public func addEvaluation(_ evaluation: MonitorEvaluationRecord) async throws {
        try await database.write { db in
            let e = evaluation
            try await db.raw("""
                INSERT INTO monitor_evaluations (monitor, time, window_start, window_end, row_count, status, message, result)
                VALUES (\(bind: e.monitor), \(bind: e.time), \(bind: e.windowStart), \(bind: e.windowEnd), \(bind: e.rowCount),
                        \(bind: e.status.rawValue), \(bind: e.message), \(bind: e.result))
                ON CONFLICT (monitor, time) DO NOTHING
                """).run()
            for chunk in chunked(e.points, size: 100) {
                let rows = chunk.map { p -> SQLQueryString in
                    "(\(bind: e.monitor), \(bind: p.metric), \(bind: p.series), \(bind: p.time), \(bind: p.value))"
                }
                try await db.raw("""
                    INSERT INTO monitor_points (monitor, metric, series, time, value) VALUES \(rows.joined(separator: ", "))
                    ON CONFLICT DO NOTHING
                    """).run()
            }
        }
    }

    /// A monitor's evaluations, newest first, with their points.
    public func evaluations(monitor: String, limit: Int = 20) async throws -> [MonitorEvaluationRecord] {
        try await database.read { db in
            _ = try await Self.monitor(name: monitor, on: db)
            var evaluations = try await db.raw("""
                SELECT * FROM monitor_evaluations WHERE monitor = \(bind: monitor)
                ORDER BY time DESC LIMIT \(unsafeRaw: String(max(0, limit)))
                """).all().map { row in
                MonitorEvaluationRecord(
                    monitor: try row.string("monitor"), time: try row.int64("time"), windowStart: try row.int64("window_start"),
                    windowEnd: try row.int64("window_end"), rowCount: try row.int64("row_count"),
                    status: MonitorEvaluationRecord.Status(rawValue: try row.string("status")) ?? .failed,
                    message: try row.optionalString("message"), result: try row.string("result"), points: [])
            }
            guard let newest = evaluations.first?.time, let oldest = evaluations.last?.time else { return evaluations }
            let points = try await db.raw("""
                SELECT metric, series, time, value FROM monitor_points
                WHERE monitor = \(bind: monitor) AND time >= \(bind: oldest) AND time <= \(bind: newest) ORDER BY metric, series
                """).all().map(Self.point(from:))
            let byTime = Dictionary(grouping: points, by: \.time)
            for index in evaluations.indices { evaluations[index].points = byTime[evaluations[index].time] ?? [] }
            return evaluations
        }
    }

    /// The points of one metric (every series, or one) from `since`, oldest first.
    public func points(monitor: String, metric: String, series: String? = nil, since: Int64 = 0) async throws -> [MonitorPoint] {
        try await database.read { db in
            let filter: SQLQueryString = series.map { "AND series = \(bind: $0)" } ?? ""
            return try await db.raw("""
                SELECT metric, series, time, value FROM monitor_points
                WHERE monitor = \(bind: monitor) AND metric = \(bind: metric) \(filter) AND time >= \(bind: since)
                ORDER BY time, series
                """).all().map(Self.point(from:))
        }
    }

    /// The points of a metric from the monitor's latest evaluation that produced it: what an
    /// alert rule compares with its threshold.
    public func latestPoints(monitor: String, metric: String) async throws -> [MonitorPoint] {
        try await database.read { db in
            guard let latest = try await db.raw("""
                SELECT MAX(time) AS time FROM monitor_points WHERE monitor = \(bind: monitor) AND metric = \(bind: metric)
                """).first(), let time = try latest.optionalInt64("time") else { return [] }
            return try await db.raw("""
                SELECT metric, series, time, value FROM monitor_points
                WHERE monitor = \(bind: monitor) AND metric = \(bind: metric) AND time = \(bind: time) ORDER BY series
                """).all().map(Self.point(from:))
        }
    }

    /// Every monitor's latest points of `metric`, with the monitor's name and deployment:
    /// the samples an alert rule on that metric sees.
    public func latestPoints(metric: String) async throws -> [(monitor: String, deployment: String, kind: String, point: MonitorPoint)] {
        try await database.read { db in
            try await db.raw("""
                SELECT p.monitor, m.deployment, m.kind, p.metric, p.series, p.time, p.value
                FROM (SELECT monitor, MAX(time) AS time FROM monitor_points WHERE metric = \(bind: metric) GROUP BY monitor) latest
                JOIN monitor_points p ON p.monitor = latest.monitor AND p.metric = \(bind: metric) AND p.time = latest.time
                JOIN monitors m ON m.name = p.monitor
                ORDER BY p.monitor, p.series
                """).all().map { row in (try row.string("monitor"), try row.string("deployment"), try row.string("kind"), try Self.point(from: row)) }
        }
    }

    static func point(from row: any SQLRow) throws -> MonitorPoint {
        MonitorPoint(metric: try row.string("metric"), series: try row.string("series"), time: try row.int64("time"), value: try row.double("value"))
    }

    static func monitor(name: String, on db: any SQLDatabase) async throws -> MonitorRecord {
        guard let row = try await db.raw("SELECT * FROM monitors WHERE name = \(bind: name)").first() else {
            throw StoreError.notFound("Monitor '\(name)' does not exist.")
        }
        return try monitor(from: row)
    }

    static func monitor(from row: any SQLRow) throws -> MonitorRecord {
        MonitorRecord(name: try row.string("name"), deployment: try row.string("deployment"), kind: try row.string("kind"),
                      spec: try row.string("spec"), intervalMilliseconds: try row.int64("interval_ms"),
                      nextRunTime: try row.int64("next_run_time"), creationTime: try row.int64("creation_time"),
                      lastUpdateTime: try row.int64("last_update_time"))
    }
}
