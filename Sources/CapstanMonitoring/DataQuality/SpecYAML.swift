import CapstanJSON
import Foundation
import Yams

/// Specs as people write them: YAML read into a ``JSONValue`` (so ``SpecObject`` reads
/// YAML and JSON specs alike), and a ``JSONValue`` written back as readable YAML.
///
/// Reading keeps YAML's own typing (Yams' YAML 1.1 resolver): `42` is an integer, `1.5`
/// and `1e-3` are numbers, `true`/`yes`/`on` are booleans, `~`/`null` are null, and
/// anything quoted is text. Writing quotes exactly the text that would otherwise read back
/// as something else, so what it writes reads back to the same value.
public enum SpecYAML {
    /// The single YAML document in `text` as JSON.
    ///
    /// - Throws: ``SpecError`` with the line and column of a syntax error, or naming the
    ///   place of what JSON cannot hold (a non-text key, an alias).
    public static func read(_ text: String) throws(SpecError) -> JSONValue {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw SpecError("not valid YAML: \(error)")
        }
        guard let node else { throw SpecError("the document is empty") }
        return try json(node, path: "")
    }

    static func json(_ node: Node, path: String) throws(SpecError) -> JSONValue {
        let place = path.isEmpty ? "the document" : path
        switch node {
        case .scalar(let scalar):
            switch node.tag.rawValue {
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
            case Tag.Name.int.rawValue:
                if let value = node.int { return .int(Int64(value)) }
                return node.float.map(JSONValue.double) ?? .string(scalar.string)
            case Tag.Name.float.rawValue:
                guard let value = node.float else { return .string(scalar.string) }
                guard value.isFinite else { throw SpecError("\(place) must be a finite number (line \(line(node)))") }
                return .double(value)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            var elements: [JSONValue] = []
            for (index, element) in sequence.enumerated() {
                elements.append(try json(element, path: "\(path)[\(index)]"))
            }
            return .array(elements)
        case .mapping(let mapping):
            var members: [(String, JSONValue)] = []
            for (key, value) in mapping {
                guard case .scalar(let name) = key else {
                    throw SpecError("\(place) has a key that is not text (line \(line(key)))")
                }
                let field = path.isEmpty ? name.string : "\(path).\(name.string)"
                guard !members.contains(where: { $0.0 == name.string }) else {
                    throw SpecError("\(field) is given twice (line \(line(key)))")
                }
                members.append((name.string, try json(value, path: field)))
            }
            return .object(members)
        case .alias:
            throw SpecError("\(place) is a YAML alias; write the value out (line \(line(node)))")
        }
    }

    static func line(_ node: Node) -> String { node.mark.map { String($0.line) } ?? "?" }

    /// `value` as a YAML document: objects as indented blocks, except that an object or list
    /// holding only scalars stays on one line in flow style (`range: [0, 120]`), and an
    /// empty object is `{}`. Keys keep their order, so equal values give equal text.
    ///
    /// - Parameter comments: lines written first as `# …` comments.
    public static func write(_ value: JSONValue, comments: [String] = []) -> String {
        var out = comments.map { "# \($0)\n" }.joined()
        if case .object(let members) = value, !members.isEmpty {
            block(members, indent: 0, into: &out)
        } else {
            out += flow(value) + "\n"
        }
        return out
    }

    static func block(_ members: [(String, JSONValue)], indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for (key, value) in members {
            if case .object(let inner) = value, !inner.isEmpty, !isFlat(value) {
                out += "\(pad)\(scalar(key)):\n"
                block(inner, indent: indent + 2, into: &out)
            } else {
                out += "\(pad)\(scalar(key)): \(flow(value))\n"
            }
        }
    }

    static func isFlat(_ value: JSONValue) -> Bool {
        switch value {
        case .object(let members): members.allSatisfy { !isCollection($0.1) }
        case .array(let elements): elements.allSatisfy { !isCollection($0) }
        default: true
        }
    }

    static func isCollection(_ value: JSONValue) -> Bool {
        switch value {
        case .object, .array: true
        default: false
        }
    }

    /// A value on one line: scalars, `[a, b]`, `{k: v}`.
    static func flow(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .int(let number): String(number)
        case .double(let number): number.isFinite ? number.description : (number.isNaN ? ".nan" : (number > 0 ? ".inf" : "-.inf"))
        case .string(let text): scalar(text)
        case .array(let elements): "[" + elements.map(flow).joined(separator: ", ") + "]"
        case .object(let members): "{" + members.map { "\(scalar($0.0)): \(flow($0.1))" }.joined(separator: ", ") + "}"
        }
    }

    /// Text as a plain scalar when that reads back as the same text, else double-quoted
    /// with JSON's escapes (which YAML's double-quoted style shares).
    static func scalar(_ text: String) -> String {
        if isPlainSafe(text) { return text }
        var quoted: [UInt8] = []
        JSONWriter.writeString(text, into: &quoted)
        return String(decoding: quoted, as: UTF8.self)
    }

    /// Plain only for letters, digits, spaces and `_ - . / @` inside (so no `: ` or ` #`),
    /// starting with a letter or `_`, not ending in a space, and not a word YAML takes for a
    /// boolean or null; numbers and dates start with a digit or sign and are quoted.
    static func isPlainSafe(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.properties.isAlphabetic || first == "_",
              text.unicodeScalars.last != " " else { return false }
        let allowed = text.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || scalar.properties.numericType != nil || "_-./@ ".unicodeScalars.contains(scalar)
        }
        return allowed && !reservedWords.contains(text.lowercased())
    }

    /// YAML 1.1's booleans and nulls (Yams resolves them in these spellings and more).
    static let reservedWords: Set<String> = ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "nan", "inf"]
}
