import SQLKit

/// Deployments, their numbered revisions and their event history.
///
/// Revision numbers count up per deployment and are never reused; a revision's policy is
/// never changed after it is written, only its state.
public struct DeploymentStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Writes a new revision (creating the deployment on its first one) and records the
    /// event; `state` is `active` only through ``activate(deployment:revision:message:)``.
    public func addRevision(deployment: String, spec: String, resolved: String, state: DeploymentRevisionRecord.State,
                            message: String?) async throws -> DeploymentRevisionRecord {
        let now = Clock.nowMillis()
        return try await database.write { db in
            if try await db.raw("SELECT 1 AS one FROM deployments WHERE name = \(bind: deployment)").first() == nil {
                try await db.raw("""
                    INSERT INTO deployments (name, active_revision, creation_time, last_update_time)
                    VALUES (\(bind: deployment), NULL, \(bind: now), \(bind: now))
                    """).run()
            }
            let last = try await db.raw("""
                SELECT MAX(revision) AS revision FROM deployment_revisions WHERE deployment = \(bind: deployment)
                """).first().flatMap { try $0.optionalInt64("revision") } ?? 0
            let revision = last + 1
            try await db.raw("""
                INSERT INTO deployment_revisions (deployment, revision, spec, resolved, state, message, creation_time)
                VALUES (\(bind: deployment), \(bind: revision), \(bind: spec), \(bind: resolved), \(bind: state.rawValue),
                        \(bind: message), \(bind: now))
                """).run()
            try await Self.appendEvent(deployment: deployment, revision: revision, kind: state == .failed ? "revision_failed" : "revision_created",
                                       message: message ?? "revision \(revision) created", details: nil, time: now, on: db)
            return try await Self.revision(deployment: deployment, revision: revision, on: db)
        }
    }

    /// Makes `revision` the one that takes traffic; the previously active one is superseded.
    /// A rollout's first state, when the revision starts one, is saved in the same
    /// transaction, so the switch and the rollout happen together or not at all.
    public func activate(deployment: String, revision: Int64, kind: String = "activated", message: String,
                         startingRollout: (state: String, message: String)? = nil) async throws {
        let now = Clock.nowMillis()
        try await database.write { db in
            let target = try await Self.revision(deployment: deployment, revision: revision, on: db)
            guard target.state != .failed else {
                throw StoreError.invalidState("Revision \(revision) of deployment '\(deployment)' failed to load and cannot take traffic.")
            }
            try await db.raw("""
                UPDATE deployment_revisions SET state = \(bind: DeploymentRevisionRecord.State.superseded.rawValue)
                WHERE deployment = \(bind: deployment) AND state = \(bind: DeploymentRevisionRecord.State.active.rawValue)
                """).run()
            try await db.raw("""
                UPDATE deployment_revisions SET state = \(bind: DeploymentRevisionRecord.State.active.rawValue)
                WHERE deployment = \(bind: deployment) AND revision = \(bind: revision)
                """).run()
            try await db.raw("""
                UPDATE deployments SET active_revision = \(bind: revision), last_update_time = \(bind: now)
                WHERE name = \(bind: deployment)
                """).run()
            try await Self.appendEvent(deployment: deployment, revision: revision, kind: kind, message: message,
                                       details: nil, time: now, on: db)
            if let startingRollout {
                try await Self.saveRollout(deployment: deployment, revision: revision, state: startingRollout.state, time: now, on: db)
                try await Self.appendEvent(deployment: deployment, revision: revision, kind: "rollout_started",
                                           message: startingRollout.message, details: nil, time: now, on: db)
            }
        }
    }

    /// Records an event that is not a switch, with its numbers as JSON.
    public func addEvent(deployment: String, revision: Int64?, kind: String, message: String, details: String?) async throws {
        let now = Clock.nowMillis()
        try await database.write { db in
            _ = try await Self.deployment(name: deployment, on: db)
            try await Self.appendEvent(deployment: deployment, revision: revision, kind: kind, message: message,
                                       details: details, time: now, on: db)
        }
    }

    public func deployments() async throws -> [DeploymentRecord] {
        try await database.read { db in
            try await db.raw("SELECT * FROM deployments ORDER BY name").all().map(Self.deployment(from:))
        }
    }

    public func deployment(name: String) async throws -> DeploymentRecord {
        try await database.read { db in try await Self.deployment(name: name, on: db) }
    }

    /// Every revision, newest first.
    public func revisions(deployment: String) async throws -> [DeploymentRevisionRecord] {
        try await database.read { db in
            _ = try await Self.deployment(name: deployment, on: db)
            return try await db.raw("""
                SELECT * FROM deployment_revisions WHERE deployment = \(bind: deployment) ORDER BY revision DESC
                """).all().map(Self.revision(from:))
        }
    }

    public func revision(deployment: String, revision: Int64) async throws -> DeploymentRevisionRecord {
        try await database.read { db in try await Self.revision(deployment: deployment, revision: revision, on: db) }
    }

    /// Events in the order they happened.
    public func events(deployment: String) async throws -> [DeploymentEventRecord] {
        try await database.read { db in
            _ = try await Self.deployment(name: deployment, on: db)
            return try await db.raw("""
                SELECT * FROM deployment_events WHERE deployment = \(bind: deployment) ORDER BY sequence
                """).all().map { row in
                DeploymentEventRecord(
                    deployment: try row.string("deployment"), sequence: try row.int64("sequence"),
                    revision: try row.optionalInt64("revision"), kind: try row.string("kind"),
                    message: try row.string("message"), details: try row.optionalString("details"), time: try row.int64("time"))
            }
        }
    }

    static func deployment(name: String, on db: any SQLDatabase) async throws -> DeploymentRecord {
        guard let row = try await db.raw("SELECT * FROM deployments WHERE name = \(bind: name)").first() else {
            throw StoreError.notFound("Deployment '\(name)' does not exist.")
        }
        return try deployment(from: row)
    }

    static func deployment(from row: any SQLRow) throws -> DeploymentRecord {
        DeploymentRecord(name: try row.string("name"), activeRevision: try row.optionalInt64("active_revision"),
                         creationTime: try row.int64("creation_time"), lastUpdateTime: try row.int64("last_update_time"))
    }

    static func revision(deployment: String, revision: Int64, on db: any SQLDatabase) async throws -> DeploymentRevisionRecord {
        guard let row = try await db.raw("""
            SELECT * FROM deployment_revisions WHERE deployment = \(bind: deployment) AND revision = \(bind: revision)
            """).first() else {
            _ = try await Self.deployment(name: deployment, on: db)
            throw StoreError.notFound("Deployment '\(deployment)' has no revision \(revision).")
        }
        return try Self.revision(from: row)
    }

    static func revision(from row: any SQLRow) throws -> DeploymentRevisionRecord {
        let state = try row.string("state")
        guard let parsed = DeploymentRevisionRecord.State(rawValue: state) else {
            throw StoreError.database("unknown deployment revision state '\(state)'")
        }
        return DeploymentRevisionRecord(
            deployment: try row.string("deployment"), revision: try row.int64("revision"), spec: try row.string("spec"),
            resolved: try row.string("resolved"), state: parsed, message: try row.optionalString("message"),
            creationTime: try row.int64("creation_time"))
    }

    static func appendEvent(deployment: String, revision: Int64?, kind: String, message: String, details: String?,
                            time: Int64, on db: any SQLDatabase) async throws {
        let last = try await db.raw("""
            SELECT MAX(sequence) AS sequence FROM deployment_events WHERE deployment = \(bind: deployment)
            """).first().flatMap { try $0.optionalInt64("sequence") } ?? 0
        try await db.raw("""
            INSERT INTO deployment_events (deployment, sequence, revision, kind, message, details, time)
            VALUES (\(bind: deployment), \(bind: last + 1), \(bind: revision), \(bind: kind), \(bind: message),
                    \(bind: details), \(bind: time))
            """).run()
    }
}
