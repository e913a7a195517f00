/// A JSON object being read as part of a user's spec (a deployment, a monitor, an alert
/// rule, a data-quality spec); every error names the field by its path
/// (`variants[1].weight`) and says what it must be. Specs arrive as JSON, or as YAML the CLI
/// turns into JSON.
public struct SpecObject {
    public let fields: [(String, JSONValue)]
    /// Where this object sits in the spec; the root's path is the spec's kind and is left
    /// out of field names.
    public let path: String
    let isRoot: Bool

    /// - Parameter root: true for the spec itself, whose fields are named without a prefix.
    public init(_ value: JSONValue, path: String, root: Bool = false) throws(SpecError) {
        guard case .object(let fields) = value else { throw SpecError("\(path) must be an object") }
        self.fields = fields
        self.path = path
        self.isRoot = root
    }

    public func has(_ key: String) -> Bool {
        guard let value = fields.last(where: { $0.0 == key })?.1 else { return false }
        return value != .null
    }

    public func value(_ key: String) throws(SpecError) -> JSONValue {
        guard let value = fields.last(where: { $0.0 == key })?.1, value != .null else {
            throw SpecError("\(field(key)) is missing")
        }
        return value
    }

    public func string(_ key: String) throws(SpecError) -> String {
        guard case .string(let string) = try value(key), !string.isEmpty else {
            throw SpecError("\(field(key)) must be a non-empty string")
        }
        return string
    }

    public func optionalString(_ key: String) throws(SpecError) -> String? { has(key) ? try string(key) : nil }

    public func number(_ key: String) throws(SpecError) -> Double {
        guard let number = Self.number(try value(key)) else { throw SpecError("\(field(key)) must be a number") }
        return number
    }

    public func optionalNumber(_ key: String) throws(SpecError) -> Double? { has(key) ? try number(key) : nil }

    public func optionalBool(_ key: String) throws(SpecError) -> Bool? {
        guard has(key) else { return nil }
        guard case .bool(let flag) = try value(key) else { throw SpecError("\(field(key)) must be true or false") }
        return flag
    }

    public func array(_ key: String) throws(SpecError) -> [JSONValue] {
        guard case .array(let array) = try value(key) else { throw SpecError("\(field(key)) must be a list") }
        return array
    }

    /// The nested object at `key`, reading with this object's path.
    public func object(_ key: String) throws(SpecError) -> SpecObject {
        try SpecObject(value(key), path: field(key))
    }

    /// A map of strings to strings (labels, annotations).
    public func stringMap(_ key: String) throws(SpecError) -> [String: String] {
        guard has(key) else { return [:] }
        guard case .object(let pairs) = try value(key) else { throw SpecError("\(field(key)) must be a mapping of names to text") }
        var map: [String: String] = [:]
        for (name, value) in pairs {
            switch value {
            case .string(let text): map[name] = text
            case .int(let number): map[name] = String(number)
            case .double(let number): map[name] = String(number)
            case .bool(let flag): map[name] = String(flag)
            default: throw SpecError("\(field(key)).\(name) must be text")
            }
        }
        return map
    }

    /// Seconds in a duration written as `90`, `500ms`, `30s`, `5m`, `1h` or `1d`, at most
    /// `limit` seconds.
    public func seconds(_ key: String, atMost limit: Double = 30 * 86_400) throws(SpecError) -> Double {
        try Self.seconds(value(key), field: field(key), atMost: limit)
    }

    public func optionalSeconds(_ key: String, atMost limit: Double = 30 * 86_400) throws(SpecError) -> Double? {
        has(key) ? try seconds(key, atMost: limit) : nil
    }

    public func rejectUnknown(_ known: Set<String>) throws(SpecError) {
        if let unknown = fields.map(\.0).first(where: { !known.contains($0) }) {
            throw SpecError("\(field(unknown)) is not a known setting (expected: \(known.sorted().joined(separator: ", ")))")
        }
    }

    /// The field's name as a message gives it.
    public func field(_ key: String) -> String { isRoot ? key : "\(path).\(key)" }

    /// A finite number, whether JSON wrote it as an integer or not.
    public static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .int(let i): Double(i)
        case .double(let d): d.isFinite ? d : nil
        default: nil
        }
    }

    public static func seconds(_ value: JSONValue, field: String, atMost limit: Double = 30 * 86_400) throws(SpecError) -> Double {
        let error = SpecError("\(field) must be a duration such as 30s, 5m or 1h, got \(JSONWriter.string(value))")
        var seconds: Double?
        if let number = number(value) {
            seconds = number
        } else if case .string(let text) = value {
            seconds = Double(text)
            for (suffix, scale) in [("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0), ("d", 86_400.0)] where text.hasSuffix(suffix) {
                seconds = Double(text.dropLast(suffix.count)).map { $0 * scale }
                break
            }
        }
        guard let seconds, seconds > 0, seconds.isFinite else { throw error }
        guard seconds <= limit else { throw SpecError("\(field) must be at most \(Self.describe(seconds: limit))") }
        return seconds
    }

    static func describe(seconds: Double) -> String {
        if seconds >= 86_400, seconds.truncatingRemainder(dividingBy: 86_400) == 0 { return "\(Int(seconds / 86_400)) days" }
        if seconds >= 3600, seconds.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Int(seconds / 3600)) hours" }
        return "\(seconds) seconds"
    }
}

/// A spec that cannot be accepted, with a message naming the field; the edge answers 400.
public struct SpecError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
