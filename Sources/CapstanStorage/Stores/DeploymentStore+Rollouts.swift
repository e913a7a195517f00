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
