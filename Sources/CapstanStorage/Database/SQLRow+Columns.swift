import Foundation
import SQLKit

/// Typed column reads with the names used across the stores.
///
/// Rows from SQLite are read directly; SQLKit's generic `decode(column:as:)` goes through
/// dynamic casts, which dominated the time to load a page of 1,000 runs.
extension SQLRow {
    func string(_ column: String) throws -> String {
        if let row = self as? SQLiteRow { return try row.string(column) }
        return try decode(column: column, as: String.self)
    }

    func optionalString(_ column: String) throws -> String? {
        if let row = self as? SQLiteRow { return try row.optionalString(column) }
        return try decode(column: column, as: String?.self)
    }

    func int64(_ column: String) throws -> Int64 {
        if let row = self as? SQLiteRow { return try row.int64(column) }
        return try decode(column: column, as: Int64.self)
    }

    func optionalInt64(_ column: String) throws -> Int64? {
        if let row = self as? SQLiteRow { return try row.optionalInt64(column) }
        return try decode(column: column, as: Int64?.self)
    }

    func double(_ column: String) throws -> Double {
        if let row = self as? SQLiteRow { return try row.double(column) }
        return try decode(column: column, as: Double.self)
    }

    func optionalDouble(_ column: String) throws -> Double? {
        if let row = self as? SQLiteRow { return try row.optionalDouble(column) }
        return try decode(column: column, as: Double?.self)
    }

    func bool(_ column: String) throws -> Bool { try int64(column) != 0 }

    /// A BLOB (`BYTEA`) column; text stored there by an earlier version comes as its UTF-8.
    func bytes(_ column: String) throws -> [UInt8] {
        guard let value = try optionalBytes(column) else { throw StoreError.database("column '\(column)' is null") }
        return value
    }

    func optionalBytes(_ column: String) throws -> [UInt8]? {
        if let row = self as? SQLiteRow { return try row.optionalBytes(column) }
        return try decode(column: column, as: Data?.self).map { [UInt8]($0) }
    }
}

/// Splits a list of ids into chunks small enough for one `IN (...)` on every engine.
func chunked<T>(_ items: [T], size: Int = 500) -> [ArraySlice<T>] {
    stride(from: 0, to: items.count, by: size).map { items[$0..<min($0 + size, items.count)] }
}
