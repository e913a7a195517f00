import CapstanJSON
import CapstanStorage
import Foundation
import Hummingbird

/// The fields of an MLflow request: the JSON body of a POST/PATCH/DELETE, or the query
/// string of a GET, behind one set of typed accessors.
///
/// Accessors follow MLflow's lenient protobuf parsing (int64 as number or string, enums
/// as names or numbers, unknown fields ignored) and its validation messages
/// (`handlers._validate_param_against_schema`), which clients and tests match on.
struct RequestFields {
    private let object: JSONValue
    /// Prefix of nested field names in messages, e.g. `metrics[0].`.
    private let path: String

    init(object: JSONValue, path: String = "") {
        self.object = object
        self.path = path
    }

    /// Reads the body (for methods that carry one) or the query string.
    static func from(_ request: Request, limit: Int = 32 * 1024 * 1024) async throws -> RequestFields {
        if request.method == .get || request.method == .head {
            return RequestFields(object: queryObject(request.uri.query))
        }
        if let contentType = request.headers.joinedValue(.contentType), !contentType.lowercased().hasPrefix("application/json") {
            throw MLflowError.invalidParameter("Bad Request. Content-Type must be one of ['application/json'].")
        }
        let buffer = try await request.body.collect(upTo: limit)
        let bytes = buffer.readableBytesView
        guard bytes.contains(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else {
            // An empty body is an empty message; query parameters may still carry fields.
            return RequestFields(object: queryObject(request.uri.query))
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw MLflowError.invalidParameter("Malformed JSON in request body: \(error).")
        }
        guard case .object = value else {
            throw MLflowError.invalidParameter("The request body must be a JSON object.")
        }
        return RequestFields(object: value)
    }

    /// Query parameters as an object: repeated keys become arrays. Decodes as HTML forms
    /// and Python's `requests` encode: `+` is a space, then percent-escapes.
    private static func queryObject(_ query: String?) -> JSONValue {
        var order: [String] = []
        var values: [String: [String]] = [:]
        for pair in (query ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                let spaced = part.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            let key = decode(parts[0])
            if values[key] == nil { order.append(key) }
            values[key, default: []].append(parts.count > 1 ? decode(parts[1]) : "")
        }
        return .object(order.map { key in
            let list = values[key] ?? []
            return (key, list.count == 1 ? .string(list[0]) : .array(list.map(JSONValue.string)))
        })
    }

    private func raw(_ name: String) -> JSONValue? {
        guard let value = object[name], value != .null else { return nil }
        return value
    }

    func missing(_ name: String) -> MLflowError {
        .invalidParameter(
            "Missing value for required parameter '\(path)\(name)'. See the API docs for more information about request parameters."
        )
    }

    func invalid(_ name: String, _ value: JSONValue) -> MLflowError {
        .invalidParameter(
            "Invalid value \(JSONWriter.string(value)) for parameter '\(path)\(name)' supplied:  Hint: Value was of type '\(value.pythonTypeName)'. See the API docs for more information about request parameters."
        )
    }

    func has(_ name: String) -> Bool { raw(name) != nil }

    func string(_ name: String) throws -> String? {
        guard let value = raw(name) else { return nil }
        guard case .string(let s) = value else { throw invalid(name, value) }
        return s
    }

    /// A required string; JSON null and `""` count as missing, as in MLflow.
    func requiredString(_ name: String) throws -> String {
        guard let s = try string(name), !s.isEmpty else { throw missing(name) }
        return s
    }

    /// The first of several names that is present (`run_id` / legacy `run_uuid`).
    func requiredString(_ names: String...) throws -> String {
        for name in names {
            if let s = try string(name), !s.isEmpty { return s }
        }
        throw missing(names[0])
    }

    /// An id MLflow declares as a string that old clients send as a number.
    func identifier(_ name: String) throws -> String? {
        switch raw(name) {
        case .int(let i)?: String(i)
        default: try string(name)
        }
    }

    func requiredIdentifier(_ name: String) throws -> String {
        guard let id = try identifier(name), !id.isEmpty else { throw missing(name) }
        return id
    }

    func int64(_ name: String) throws -> Int64? {
        guard let value = raw(name) else { return nil }
        switch value {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9.2e18: return Int64(d)
        case .string(let s): if let i = Int64(s.trimmingCharacters(in: .whitespaces)) { return i }
        default: break
        }
        throw invalid(name, value)
    }

    func requiredInt64(_ name: String) throws -> Int64 {
        guard let value = try int64(name) else { throw missing(name) }
        return value
    }

    /// A page size: absent gives `defaultValue`; a non-positive or non-integer value is refused.
    func maxResults(default defaultValue: Int) throws -> Int {
        guard let value = try int64("max_results") else { return defaultValue }
        guard value > 0, value <= Int64(Int32.max) else { throw invalid("max_results", .int(value)) }
        return Int(value)
    }

    /// A double, accepting MLflow's `"NaN"` / `"Infinity"` / `"-Infinity"` strings.
    func double(_ name: String) throws -> Double? {
        guard let value = raw(name) else { return nil }
        switch value {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string(let s):
            switch s {
            case "NaN", "nan": return .nan
            case "Infinity", "inf": return .infinity
            case "-Infinity", "-inf": return -.infinity
            default: if let d = Double(s) { return d }
            }
        default: break
        }
        throw invalid(name, value)
    }

    func requiredDouble(_ name: String) throws -> Double {
        guard let value = try double(name) else { throw missing(name) }
        return value
    }

    func bool(_ name: String) throws -> Bool? {
        guard let value = raw(name) else { return nil }
        switch value {
        case .bool(let b): return b
        case .string(let s) where ["true", "false"].contains(s.lowercased()): return s.lowercased() == "true"
        default: throw invalid(name, value)
        }
    }

    /// A repeated string field: a JSON array, a repeated query key, or a single value.
    func strings(_ name: String) throws -> [String] {
        guard let value = raw(name) else { return [] }
        switch value {
        case .string(let s): return [s]
        case .int(let i): return [String(i)]
        case .array(let elements):
            return try elements.map { element in
                switch element {
                case .string(let s): s
                case .int(let i): String(i)
                default: throw invalid(name, value)
                }
            }
        default: throw invalid(name, value)
        }
    }

    /// A repeated message field, each element with its own accessors (`name[i].field` in messages).
    func objects(_ name: String) throws -> [RequestFields] {
        guard let value = raw(name) else { return [] }
        guard case .array(let elements) = value else { throw invalid(name, value) }
        return try elements.enumerated().map { index, element in
            guard case .object = element else { throw invalid("\(name)[\(index)]", element) }
            return RequestFields(object: element, path: "\(path)\(name)[\(index)].")
        }
    }

    /// A nested message field.
    func object(_ name: String) throws -> RequestFields? {
        guard let value = raw(name) else { return nil }
        guard case .object = value else { throw invalid(name, value) }
        return RequestFields(object: value, path: "\(path)\(name).")
    }

    /// `[{key, value}]` lists (tags, params); `key` is required, `value` defaults to `""`.
    func keyValues(_ name: String) throws -> [KeyValue] {
        try objects(name).map { item in
            KeyValue(key: try item.requiredString("key"), value: try item.string("value") ?? "")
        }
    }

    /// An enum given by name or by number.
    func enumeration<E>(_ name: String, byName: (String) -> E?, byNumber: (Int) -> E?) throws -> E? {
        guard let value = raw(name) else { return nil }
        switch value {
        case .string(let s):
            if let e = byName(s) ?? Int(s).flatMap(byNumber) { return e }
        case .int(let i):
            if let e = byNumber(Int(i)) { return e }
        default: break
        }
        throw invalid(name, value)
    }

    func viewType(_ name: String) throws -> ViewType {
        try enumeration(name, byName: { ViewType(rawValue: $0.uppercased()) }, byNumber: ViewType.init(number:)) ?? .activeOnly
    }
}
