import SQLKit

/// Alert rules, the state of their alerts, and the history of what happened to them.
public struct AlertStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Creates the rule, or replaces the spec of the one with its name (its state and
    /// history are kept, so an alert already firing is not notified again).
    public func save(name: String, spec: String) async throws -> AlertRuleRecord {
        let now = Clock.nowMillis()
        return try await database.write { db in
            try await db.raw("""
                INSERT INTO alert_rules (name, spec, state, creation_time, last_update_time)
                VALUES (\(bind: name), \(bind: spec), NULL, \(bind: now), \(bind: now))
                ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, last_update_time = excluded.last_update_time
                """).run()
            return try await Self.rule(name: name, on: db)
        }
    }

    public func rule(name: String) async throws -> AlertRuleRecord {
        try await database.read { db in try await Self.rule(name: name, on: db) }
    }

    public func rules() async throws -> [AlertRuleRecord] {
        try await database.read { db in
            try await db.raw("SELECT * FROM alert_rules ORDER BY name").all().map(Self.rule(from:))
        }
    }

    /// Deletes the rule and its history.
    public func delete(name: String) async throws {
        try await database.write { db in
            _ = try await Self.rule(name: name, on: db)
            try await db.raw("DELETE FROM alert_events WHERE rule = \(bind: name)").run()
            try await db.raw("DELETE FROM alert_rules WHERE name = \(bind: name)").run()
        }
    }

    /// Saves a rule's state after an evaluation together with the events it produced.
    public func saveState(rule: String, state: String, events: [AlertEventRecord]) async throws {
        let now = Clock.nowMillis()
        try await database.write { db in
            try await db.raw("""
                UPDATE alert_rules SET state = \(bind: state), last_update_time = \(bind: now) WHERE name = \(bind: rule)
                """).run()
            try await Self.append(events, on: db)
        }
    }

    public func append(_ events: [AlertEventRecord]) async throws {
        try await database.write { db in try await Self.append(events, on: db) }
    }

    static func append(_ events: [AlertEventRecord], on db: any SQLDatabase) async throws {
        for e in events {
            try await db.raw("""
                INSERT INTO alert_events (rule, fingerprint, labels, kind, value, message, time)
                VALUES (\(bind: e.rule), \(bind: e.fingerprint), \(bind: e.labels), \(bind: e.kind), \(bind: e.value),
                        \(bind: e.message), \(bind: e.time))
                ON CONFLICT DO NOTHING
                """).run()
        }
    }

    /// History from `since`, newest first, at most `limit`; one rule's or all.
    public func events(rule: String? = nil, since: Int64 = 0, limit: Int = 100) async throws -> [AlertEventRecord] {
        try await database.read { db in
            let filter: SQLQueryString = rule.map { "AND rule = \(bind: $0)" } ?? ""
            return try await db.raw("""
                SELECT * FROM alert_events WHERE time >= \(bind: since) \(filter)
                ORDER BY time DESC, rule, fingerprint, kind LIMIT \(unsafeRaw: String(max(0, limit)))
                """).all().map { row in
                AlertEventRecord(rule: try row.string("rule"), fingerprint: try row.string("fingerprint"),
                                 labels: try row.string("labels"), kind: try row.string("kind"), value: try row.optionalDouble("value"),
                                 message: try row.optionalString("message"), time: try row.int64("time"))
            }
        }
    }

    static func rule(name: String, on db: any SQLDatabase) async throws -> AlertRuleRecord {
        guard let row = try await db.raw("SELECT * FROM alert_rules WHERE name = \(bind: name)").first() else {
            throw StoreError.notFound("Alert rule '\(name)' does not exist.")
        }
        return try rule(from: row)
    }

    static func rule(from row: any SQLRow) throws -> AlertRuleRecord {
        AlertRuleRecord(name: try row.string("name"), spec: try row.string("spec"), state: try row.optionalString("state"),
                        creationTime: try row.int64("creation_time"), lastUpdateTime: try row.int64("last_update_time"))
    }
}
