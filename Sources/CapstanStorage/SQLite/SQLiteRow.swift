import CSQLite3
import SQLKit

/// Column names of one result, shared by all its rows.
final class SQLiteColumns: Sendable {
    let names: [String]
    private let indexes: [String: Int]

    init(statement: OpaquePointer) {
        let count = Int(sqlite3_column_count(statement))
        let names = (0..<count).map { String(cString: sqlite3_column_name(statement, Int32($0))) }
        self.names = names
        var indexes: [String: Int] = [:]
        for (index, name) in names.enumerated() where indexes[name] == nil {
            indexes[name] = index
        }
        self.indexes = indexes
    }

    var count: Int { names.count }

    func index(of column: String) -> Int? { indexes[column] }
}

/// A result row, as SQLKit reads it.
struct SQLiteRow: SQLRow {
    let columns: SQLiteColumns
    let values: [SQLiteValue]

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool { columns.index(of: column) != nil }

    func decodeNil(column: String) throws -> Bool {
        try value(column) == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        let value = try value(column)
        guard let decodable = D.self as? any SQLiteDecodable.Type else {
            throw SQLiteError(code: 20, message: "cannot decode column '\(column)' as \(D.self)")
        }
        guard let decoded = decodable.decode(value) as? D else {
            throw SQLiteError(code: 20, message: "column '\(column)' holds \(value), not \(D.self)")
        }
        return decoded
    }

    func string(_ column: String) throws -> String {
        guard let value = String.decode(try value(column)) else { throw mismatch(column, String.self) }
        return value
    }

    func optionalString(_ column: String) throws -> String? {
        let value = try value(column)
        return value == .null ? nil : String.decode(value)
    }

    func int64(_ column: String) throws -> Int64 {
        guard let value = Int64.decode(try value(column)) else { throw mismatch(column, Int64.self) }
        return value
    }

    func optionalInt64(_ column: String) throws -> Int64? {
        let value = try value(column)
        return value == .null ? nil : Int64.decode(value)
    }

    func double(_ column: String) throws -> Double {
        guard let value = Double.decode(try value(column)) else { throw mismatch(column, Double.self) }
        return value
    }

    func optionalDouble(_ column: String) throws -> Double? {
        let value = try value(column)
        return value == .null ? nil : Double.decode(value)
    }

    func optionalBytes(_ column: String) throws -> [UInt8]? {
        switch try value(column) {
        case .blob(let bytes): return bytes
        case .text(let text): return Array(text.utf8)
        case .null: return nil
        default: throw mismatch(column, [UInt8].self)
        }
    }

    private func mismatch(_ column: String, _ type: Any.Type) -> SQLiteError {
        SQLiteError(code: 20, message: "column '\(column)' does not hold a \(type)")
    }

    private func value(_ column: String) throws -> SQLiteValue {
        guard let index = columns.index(of: column) else {
            throw SQLiteError(code: 20, message: "no column '\(column)' in the result")
        }
        return values[index]
    }
}
