import CapstanJSON

/// Reads one object of saved alerting state, naming the field at fault. State is written by
/// this module, so a failure means a damaged or foreign document, not a user mistake.
struct SavedStateReader {
    let members: [(String, JSONValue)]
    let path: String

    init(_ value: JSONValue, path: String) throws(AlertingError) {
        guard case .object(let members) = value else { throw AlertingError.invalidState("\(path) must be an object") }
        self.members = members
        self.path = path
    }

    func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func optional(_ key: String) -> JSONValue? {
        guard let value = members.last(where: { $0.0 == key })?.1, value != .null else { return nil }
        return value
    }

    func value(_ key: String) throws(AlertingError) -> JSONValue {
        guard let value = optional(key) else { throw AlertingError.invalidState("\(field(key)) is missing") }
        return value
    }

    func string(_ key: String) throws(AlertingError) -> String {
        guard case .string(let text) = try value(key) else { throw AlertingError.invalidState("\(field(key)) must be a string") }
        return text
    }

    func int(_ key: String) throws(AlertingError) -> Int64 {
        guard case .int(let number) = try value(key) else { throw AlertingError.invalidState("\(field(key)) must be an integer") }
        return number
    }

    func optionalInt(_ key: String) throws(AlertingError) -> Int64? {
        optional(key) == nil ? nil : try int(key)
    }

    func bool(_ key: String) throws(AlertingError) -> Bool {
        guard case .bool(let flag) = try value(key) else { throw AlertingError.invalidState("\(field(key)) must be true or false") }
        return flag
    }

    /// A double as ``JSONWriter`` writes one: a number, or `"NaN"`, `"Infinity"`, `"-Infinity"`.
    func double(_ key: String) throws(AlertingError) -> Double {
        switch try value(key) {
        case .int(let number): return Double(number)
        case .double(let number): return number
        case .string("NaN"): return .nan
        case .string("Infinity"): return .infinity
        case .string("-Infinity"): return -.infinity
        default: throw AlertingError.invalidState("\(field(key)) must be a number")
        }
    }

    func array(_ key: String) throws(AlertingError) -> [JSONValue] {
        guard case .array(let items) = try value(key) else { throw AlertingError.invalidState("\(field(key)) must be a list") }
        return items
    }

    func strings(_ key: String) throws(AlertingError) -> [String] {
        var result: [String] = []
        for (index, item) in try array(key).enumerated() {
            guard case .string(let text) = item else { throw AlertingError.invalidState("\(field(key))[\(index)] must be a string") }
            result.append(text)
        }
        return result
    }

    func stringMap(_ key: String) throws(AlertingError) -> [String: String] {
        guard case .object(let pairs) = try value(key) else { throw AlertingError.invalidState("\(field(key)) must be an object") }
        var map: [String: String] = [:]
        for (name, value) in pairs {
            guard case .string(let text) = value else { throw AlertingError.invalidState("\(field(key)).\(name) must be a string") }
            map[name] = text
        }
        return map
    }

    /// A string map as JSON with names in byte order, so equal maps encode identically.
    static func encode(_ map: [String: String]) -> JSONValue {
        .object(AlertLabels.sortedNames(map).map { ($0, .string(map[$0]!)) })
    }
}
