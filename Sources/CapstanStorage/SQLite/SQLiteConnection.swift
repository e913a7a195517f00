import CSQLite3
import Foundation

/// A failure reported by SQLite, with its result code and message.
public struct SQLiteError: Error, CustomStringConvertible {
    public let code: Int32
    public let message: String

    public var description: String { "SQLite error \(code): \(message)" }
}

/// One SQLite connection, called directly through the C API.
///
/// Statements run synchronously on the calling thread: an indexed SQLite statement takes
/// microseconds, far less than handing it to another thread and back, and the connection
/// keeps its prepared statements for reuse.
///
/// Not thread-safe by itself: ``Database`` hands each connection to one task at a time
/// (the writer behind its lock, readers through a pool), which is what makes the
/// `@unchecked Sendable` sound.
final class SQLiteConnection: @unchecked Sendable {
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    private static let maxCachedStatements = 512

    init(path: String) throws {
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        var handle: OpaquePointer?
        let result = sqlite3_open_v2(path, &handle, flags, nil)
        guard result == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close_v2(handle)
            throw SQLiteError(code: result, message: "\(message) (\(path))")
        }
        self.handle = handle
        sqlite3_extended_result_codes(handle, 1)
    }

    deinit {
        close()
    }

    func close() {
        for statement in statements.values {
            sqlite3_finalize(statement)
        }
        statements.removeAll()
        if let handle {
            sqlite3_close_v2(handle)
        }
        handle = nil
    }

    /// Runs one statement, passing each result row to `onRow`.
    func execute(_ sql: String, _ binds: [SQLiteValue], onRow: (SQLiteRow) throws -> Void) throws {
        var columns: SQLiteColumns?
        try forEachRow(sql, binds) { row in
            let names = columns ?? SQLiteColumns(statement: row.statement)
            columns = names
            var values: [SQLiteValue] = []
            values.reserveCapacity(names.count)
            for index in 0..<Int32(names.count) {
                values.append(Self.column(index, of: row.statement))
            }
            try onRow(SQLiteRow(columns: names, values: values))
        }
    }

    /// Runs one statement, handing `onRow` the statement positioned on each row, to read its
    /// columns by index without boxing them: for reads of a million rows (a monitor's window),
    /// where building a `SQLiteRow` per row costs more than SQLite's own work.
    func forEachRow(_ sql: String, _ binds: [SQLiteValue], onRow: (StatementRow) throws -> Void) throws {
        let statement = try prepared(sql)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (offset, value) in binds.enumerated() {
            try check(bind(value, at: Int32(offset + 1), in: statement))
        }
        while true {
            let result = sqlite3_step(statement)
            if result == SQLITE_DONE { return }
            guard result == SQLITE_ROW else { throw error(result) }
            try onRow(StatementRow(statement: statement))
        }
    }

    /// The current row of a running statement; valid only inside ``forEachRow(_:_:onRow:)``.
    struct StatementRow {
        let statement: OpaquePointer

        func isNull(_ index: Int32) -> Bool { sqlite3_column_type(statement, index) == SQLITE_NULL }
        func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(statement, index) }
        func double(_ index: Int32) -> Double { sqlite3_column_double(statement, index) }

        func text(_ index: Int32) -> String? {
            guard !isNull(index), let text = sqlite3_column_text(statement, index) else { return nil }
            return String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, index))), as: UTF8.self)
        }

        /// A blob (or text) in place, without copying: valid until the statement steps on.
        /// nil for NULL. Text stored where a blob is expected (rows logged as JSON
        /// before 0007) comes back as its bytes.
        func borrowedBytes(_ index: Int32) -> UnsafeRawBufferPointer? {
            // As SQLite advises: the pointer first, then the size it has after any conversion.
            guard let start = sqlite3_column_blob(statement, index) else {
                return isNull(index) ? nil : UnsafeRawBufferPointer(start: nil, count: 0)
            }
            return UnsafeRawBufferPointer(start: start, count: Int(sqlite3_column_bytes(statement, index)))
        }
    }

    /// Runs one statement once per row of binds, prepared once: a bulk insert without
    /// building (and SQLite parsing) SQL text for every batch.
    func executeForEach(_ sql: String, _ rows: [[SQLiteValue]]) throws {
        let statement = try prepared(sql)
        defer { sqlite3_clear_bindings(statement) }
        for binds in rows {
            defer { sqlite3_reset(statement) }
            try bindInPlace(binds[...], at: 1, in: statement) {
                let result = sqlite3_step(statement)
                guard result == SQLITE_DONE || result == SQLITE_ROW else { throw error(result) }
            }
        }
    }

    /// Binds `values` from parameter `index` on, text and blobs in place (SQLITE_STATIC: SQLite
    /// reads the Swift values' own bytes instead of copying each into memory of its own), and
    /// runs `body` while those bytes are valid. Saves the prediction log a malloc and a copy
    /// for each text and blob of a row (ids, names, frames). Empty ones are bound as before, since an
    /// empty buffer's address may be nil, which SQLite would take for NULL.
    private func bindInPlace(_ values: ArraySlice<SQLiteValue>, at index: Int32, in statement: OpaquePointer,
                             then body: () throws -> Void) throws {
        guard let value = values.first else { return try body() }
        let rest = values.dropFirst()
        switch value {
        case .text(var text) where !text.isEmpty:
            try text.withUTF8 { utf8 in
                try check(sqlite3_bind_text(statement, index, UnsafeRawPointer(utf8.baseAddress!).assumingMemoryBound(to: CChar.self),
                                            Int32(utf8.count), nil))
                try bindInPlace(rest, at: index + 1, in: statement, then: body)
            }
        case .blob(let bytes) where !bytes.isEmpty:
            try bytes.withUnsafeBytes { raw in
                try check(sqlite3_bind_blob(statement, index, raw.baseAddress!, Int32(raw.count), nil))
                try bindInPlace(rest, at: index + 1, in: statement, then: body)
            }
        default:
            try check(bind(value, at: index, in: statement))
            try bindInPlace(rest, at: index + 1, in: statement, then: body)
        }
    }

    /// Runs a statement that returns nothing of interest (PRAGMA, BEGIN, COMMIT).
    func execute(_ sql: String) throws {
        try execute(sql, []) { _ in }
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        guard let handle else { throw SQLiteError(code: SQLITE_MISUSE, message: "the connection is closed") }
        var statement: OpaquePointer?
        let result = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard result == SQLITE_OK, let statement else { throw error(result) }
        if statements.count >= Self.maxCachedStatements {
            // Searches build many shapes of SQL; start over rather than grow without bound.
            for cached in statements.values { sqlite3_finalize(cached) }
            statements.removeAll()
        }
        statements[sql] = statement
        return statement
    }

    private func bind(_ value: SQLiteValue, at index: Int32, in statement: OpaquePointer) -> Int32 {
        switch value {
        case .null: sqlite3_bind_null(statement, index)
        case .integer(let i): sqlite3_bind_int64(statement, index, i)
        case .real(let d): sqlite3_bind_double(statement, index, d)
        case .text(let s): sqlite3_bind_text(statement, index, s, Int32(s.utf8.count), Self.transient)
        case .blob(let bytes):
            bytes.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), Self.transient) }
        }
    }

    private static func column(_ index: Int32, of statement: OpaquePointer) -> SQLiteValue {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, index))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, index))
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(statement, index) else { return .text("") }
            let count = Int(sqlite3_column_bytes(statement, index))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, index))
            guard let bytes = sqlite3_column_blob(statement, index), count > 0 else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default: return .null
        }
    }

    private func check(_ result: Int32) throws {
        guard result == SQLITE_OK else { throw error(result) }
    }

    private func error(_ result: Int32) -> SQLiteError {
        SQLiteError(code: result, message: handle.map { String(cString: sqlite3_errmsg($0)) } ?? "closed connection")
    }

    /// SQLite's `SQLITE_TRANSIENT`: it copies bound text and blobs before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
