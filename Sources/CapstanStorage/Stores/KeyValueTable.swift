import SQLKit

/// A table of key/value pairs owned by one entity (tags, params), shared by the stores.
struct KeyValueTable: Sendable {
    let table: String
    let ownerColumn: String

    static let experimentTags = KeyValueTable(table: "experiment_tags", ownerColumn: "experiment_id")
    static let runTags = KeyValueTable(table: "run_tags", ownerColumn: "run_id")
    static let params = KeyValueTable(table: "params", ownerColumn: "run_id")
    static let loggedModelTags = KeyValueTable(table: "logged_model_tags", ownerColumn: "model_id")
    static let loggedModelParams = KeyValueTable(table: "logged_model_params", ownerColumn: "model_id")
    static let registeredModelTags = KeyValueTable(table: "registered_model_tags", ownerColumn: "name")

    /// Inserts or replaces `pair` for `owner`.
    func upsert(_ pair: KeyValue, owner: any Encodable & Sendable, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO \(ident: table) (\(ident: ownerColumn), key, value) VALUES (\(bind: owner), \(bind: pair.key), \(bind: pair.value))
            ON CONFLICT (\(ident: ownerColumn), key) DO UPDATE SET value = excluded.value
            """).run()
    }

    /// Deletes `key`; returns whether it existed.
    @discardableResult
    func delete(key: String, owner: any Encodable & Sendable, on db: any SQLDatabase) async throws -> Bool {
        let rows = try await db.raw("""
            DELETE FROM \(ident: table) WHERE \(ident: ownerColumn) = \(bind: owner) AND key = \(bind: key) RETURNING key
            """).all()
        return !rows.isEmpty
    }

    func deleteAll(owner: any Encodable & Sendable, on db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM \(ident: table) WHERE \(ident: ownerColumn) = \(bind: owner)").run()
    }

    func value(key: String, owner: any Encodable & Sendable, on db: any SQLDatabase) async throws -> String? {
        try await db.raw("""
            SELECT value FROM \(ident: table) WHERE \(ident: ownerColumn) = \(bind: owner) AND key = \(bind: key)
            """).first()?.string("value")
    }

    /// Loads the pairs of many owners at once, sorted by key. Owners with none are absent.
    func load<Owner: Hashable & Decodable & Encodable & Sendable>(
        owners: [Owner], on db: any SQLDatabase
    ) async throws -> [Owner: [KeyValue]] {
        var result: [Owner: [KeyValue]] = [:]
        let owner: (any SQLRow) throws -> Owner = switch Owner.self {
        case is String.Type: { try $0.string("owner") as! Owner }
        case is Int64.Type: { try $0.int64("owner") as! Owner }
        default: { try $0.decode(column: "owner", as: Owner.self) }
        }
        for chunk in chunked(owners) {
            let rows = try await db.raw("""
                SELECT \(ident: ownerColumn) AS owner, key, value FROM \(ident: table)
                WHERE \(ident: ownerColumn) IN (\(binds: Array(chunk))) ORDER BY \(ident: ownerColumn), key
                """).all()
            for row in rows {
                result[try owner(row), default: []]
                    .append(KeyValue(key: try row.string("key"), value: try row.string("value")))
            }
        }
        return result
    }
}
