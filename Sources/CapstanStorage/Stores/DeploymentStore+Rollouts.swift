import SQLKit

extension DeploymentStore {
    /// Saves a rollout's state for a revision; with `event`, records it in the same transaction.
    public func saveRollout(deployment: String, revision: Int64, state: String,
                            event: (kind: String, message: String, details: String?)? = nil) async throws {
        let now = Clock.nowMillis()
        try await database.write { db in
            try await Self.saveRollout(deployment: deployment, revision: revision, state: state, time: now, on: db)
            if let event {
                try await Self.appendEvent(deployment: deployment, revision: revision, kind: event.kind, message: event.message,
                                           details: event.details, time: now, on: db)
            }
        }
    }

    /// Replaces a rollout's state only if it is still `expected` (as saved, byte for byte),
    /// recording `event` with it; false when it was not, because another server sharing the
    /// database decided first. Servers deciding the same step therefore record one decision.
    public func replaceRollout(deployment: String, revision: Int64, expected: String, state: String,
                               event: (kind: String, message: String, details: String?)) async throws -> Bool {
        let now = Clock.nowMillis()
        return try await database.write { db in
            let replaced = try await db.raw("""
                UPDATE deployment_rollouts SET state = \(bind: state), last_update_time = \(bind: now)
                WHERE deployment = \(bind: deployment) AND revision = \(bind: revision) AND state = \(bind: expected)
                RETURNING revision
                """).all()
            guard !replaced.isEmpty else { return false }
            try await Self.appendEvent(deployment: deployment, revision: revision, kind: event.kind, message: event.message,
                                       details: event.details, time: now, on: db)
            return true
        }
    }

    static func saveRollout(deployment: String, revision: Int64, state: String, time: Int64, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO deployment_rollouts (deployment, revision, state, last_update_time)
            VALUES (\(bind: deployment), \(bind: revision), \(bind: state), \(bind: time))
            ON CONFLICT (deployment, revision) DO UPDATE SET state = excluded.state, last_update_time = excluded.last_update_time
            """).run()
    }

    /// The saved rollout state of a revision of `deployment`, if it has one.
    public func rollout(deployment: String, revision: Int64) async throws -> String? {
        try await database.read { db in
            try await db.raw("""
                SELECT state FROM deployment_rollouts WHERE deployment = \(bind: deployment) AND revision = \(bind: revision)
                """).first().map { try $0.string("state") }
        }
    }
}
