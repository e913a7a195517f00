import SQLKit

/// API tokens, found by the hash of the token a request presents.
public struct TokenStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func create(id: String, name: String, scope: String, tokenHash: String) async throws -> APIToken {
        let now = Clock.nowMillis()
        return try await database.write { db in
            try await db.raw("""
                INSERT INTO api_tokens (id, name, scope, token_hash, creation_time, revoked_time)
                VALUES (\(bind: id), \(bind: name), \(bind: scope), \(bind: tokenHash), \(bind: now), NULL)
                """).run()
            return APIToken(id: id, name: name, scope: scope, tokenHash: tokenHash, creationTime: now, revokedTime: nil)
        }
    }

    /// The live (not revoked) token with this hash.
    public func token(hash: String) async throws -> APIToken? {
        try await database.read { db in
            try await db.raw("SELECT * FROM api_tokens WHERE token_hash = \(bind: hash) AND revoked_time IS NULL").first().map(Self.token(from:))
        }
    }

    public func tokens() async throws -> [APIToken] {
        try await database.read { db in
            try await db.raw("SELECT * FROM api_tokens ORDER BY creation_time, id").all().map(Self.token(from:))
        }
    }

    public func revoke(id: String) async throws {
        let now = Clock.nowMillis()
        try await database.write { db in
            guard try await db.raw("SELECT 1 AS one FROM api_tokens WHERE id = \(bind: id)").first() != nil else {
                throw StoreError.notFound("No token with id '\(id)'.")
            }
            try await db.raw("UPDATE api_tokens SET revoked_time = \(bind: now) WHERE id = \(bind: id) AND revoked_time IS NULL").run()
        }
    }

    static func token(from row: any SQLRow) throws -> APIToken {
        APIToken(id: try row.string("id"), name: try row.string("name"), scope: try row.string("scope"),
                 tokenHash: try row.string("token_hash"), creationTime: try row.int64("creation_time"),
                 revokedTime: try row.optionalInt64("revoked_time"))
    }
}
