import Foundation

/// A value as SQLite stores it.
enum SQLiteValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// Converts a SQLKit bind. The stores bind only the types below; anything else is a
    /// programming error reported as such.
    init(bind: any Encodable & Sendable) throws {
        // The common types first, by metatype: far cheaper than a cast to a protocol.
        switch ObjectIdentifier(type(of: bind)) {
        case ObjectIdentifier(String.self): self = .text(bind as! String)
        case ObjectIdentifier(Int64.self): self = .integer(bind as! Int64)
        case ObjectIdentifier(Int.self): self = .integer(Int64(bind as! Int))
        case ObjectIdentifier(Double.self): self = .real(bind as! Double)
        default:
            guard let bindable = bind as? any SQLiteBindable else {
                throw SQLiteError(code: 20, message: "cannot bind a value of type \(type(of: bind))")
            }
            self = bindable.sqliteValue
        }
    }
}

/// Types the stores bind as SQL parameters.
protocol SQLiteBindable {
    var sqliteValue: SQLiteValue { get }
}

extension String: SQLiteBindable { var sqliteValue: SQLiteValue { .text(self) } }
extension Substring: SQLiteBindable { var sqliteValue: SQLiteValue { .text(String(self)) } }
extension Int: SQLiteBindable { var sqliteValue: SQLiteValue { .integer(Int64(self)) } }
extension Int64: SQLiteBindable { var sqliteValue: SQLiteValue { .integer(self) } }
extension Int32: SQLiteBindable { var sqliteValue: SQLiteValue { .integer(Int64(self)) } }
extension Double: SQLiteBindable { var sqliteValue: SQLiteValue { .real(self) } }
extension Bool: SQLiteBindable { var sqliteValue: SQLiteValue { .integer(self ? 1 : 0) } }
extension Data: SQLiteBindable { var sqliteValue: SQLiteValue { .blob([UInt8](self)) } }
extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
    var sqliteValue: SQLiteValue {
        switch self {
        case .some(let value): value.sqliteValue
        case .none: .null
        }
    }
}

/// Types the stores read from result columns.
protocol SQLiteDecodable {
    static func decode(_ value: SQLiteValue) -> Self?
}

extension String: SQLiteDecodable {
    static func decode(_ value: SQLiteValue) -> String? {
        switch value {
        case .text(let s): s
        case .integer(let i): String(i)
        case .real(let d): String(d)
        case .blob(let b): String(decoding: b, as: UTF8.self)
        case .null: nil
        }
    }
}

extension Int64: SQLiteDecodable {
    static func decode(_ value: SQLiteValue) -> Int64? {
        switch value {
        case .integer(let i): i
        case .real(let d) where d.rounded() == d && abs(d) < 9.2e18: Int64(d)
        case .text(let s): Int64(s)
        default: nil
        }
    }
}

extension Int: SQLiteDecodable {
    static func decode(_ value: SQLiteValue) -> Int? { Int64.decode(value).map(Int.init) }
}

extension Double: SQLiteDecodable {
    static func decode(_ value: SQLiteValue) -> Double? {
        switch value {
        case .real(let d): d
        case .integer(let i): Double(i)
        case .text(let s): Double(s)
        default: nil
        }
    }
}

extension Bool: SQLiteDecodable {
    static func decode(_ value: SQLiteValue) -> Bool? { Int64.decode(value).map { $0 != 0 } }
}

extension Optional: SQLiteDecodable where Wrapped: SQLiteDecodable {
    static func decode(_ value: SQLiteValue) -> Wrapped?? {
        if case .null = value { return .some(nil) }
        return Wrapped.decode(value).map { .some($0) }
    }
}
