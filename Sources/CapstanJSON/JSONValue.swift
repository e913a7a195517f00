/// A JSON document as a value: what request bodies parse into and responses are built from.
///
/// Objects keep their keys in order (responses read naturally, tests compare stably).
/// Numbers keep integers exact: `int` for literals without fraction or exponent that fit
/// in 64 bits, `double` otherwise; NaN and ±Infinity are doubles that ``JSONWriter``
/// emits as MLflow does, as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.double(let a), .double(let b)): a == b || (a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    /// The member named `key` (the last one if a client sent duplicates).
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.0 == key }?.1
    }

    /// The value's JSON type in Python's words, for MLflow's "Value was of type" hints.
    public var pythonTypeName: String {
        switch self {
        case .null: "NoneType"
        case .bool: "bool"
        case .int: "int"
        case .double: "float"
        case .string: "str"
        case .array: "list"
        case .object: "dict"
        }
    }
}

/// Builds response objects, leaving out absent values the way protobuf JSON does.
public struct JSONObjectBuilder {
    public private(set) var members: [(String, JSONValue)] = []

    public init() {}

    public mutating func set(_ key: String, _ value: JSONValue) {
        members.append((key, value))
    }

    public mutating func set(_ key: String, _ value: String?) {
        if let value { members.append((key, .string(value))) }
    }

    public mutating func set(_ key: String, _ value: Int64?) {
        if let value { members.append((key, .int(value))) }
    }

    /// Sets a list only when it has elements (protobuf omits empty repeated fields).
    public mutating func set(_ key: String, nonEmpty values: [JSONValue]) {
        if !values.isEmpty { members.append((key, .array(values))) }
    }

    public var value: JSONValue { .object(members) }
}
