import CapstanJSON

/// A label matcher in a rule's condition, as in a Prometheus selector:
/// `drift_share{deployment="churn", monitor!="churn-shadow"} > 0.5` only looks at the
/// samples whose labels match. A label a sample lacks counts as empty, as in Prometheus.
public struct AlertMatcher: Sendable, Equatable {
    public enum Operator: String, Sendable {
        case equal = "="
        case notEqual = "!="
    }

    public var label: String
    public var op: Operator
    public var value: String

    public init(label: String, op: Operator, value: String) {
        self.label = label
        self.op = op
        self.value = value
    }

    public func matches(_ labels: [String: String]) -> Bool {
        let actual = labels[label] ?? ""
        return op == .equal ? actual == value : actual != value
    }

    /// Reads `{name="value", other!="value"}` (the braces' content), with `"` and `\` escaped
    /// by a backslash inside values.
    static func parse(_ text: Substring, field: String) throws(SpecError) -> [AlertMatcher] {
        let usage = "\(field): label matchers read {label=\"value\", other!=\"value\"}"
        var matchers: [AlertMatcher] = []
        var rest = text[...]
        func skipSpaces() { while let first = rest.first, first == " " || first == "\t" { rest = rest.dropFirst() } }
        skipSpaces()
        while !rest.isEmpty {
            guard let opStart = rest.firstIndex(where: { $0 == "=" || $0 == "!" }) else { throw SpecError(usage) }
            let label = String(rest[..<opStart]).trimmingSpaces()
            guard AlertLabels.isValidName(label) else { throw SpecError("\(field): '\(label)' is not a label name") }
            rest = rest[opStart...]
            let op: Operator
            if rest.hasPrefix("!=") { op = .notEqual; rest = rest.dropFirst(2) } else if rest.hasPrefix("=") { op = .equal; rest = rest.dropFirst() } else {
                throw SpecError(usage)
            }
            skipSpaces()
            guard rest.first == "\"" else { throw SpecError(usage) }
            rest = rest.dropFirst()
            var value = ""
            var closed = false
            while let character = rest.first {
                rest = rest.dropFirst()
                if character == "\\", let escaped = rest.first {
                    value.append(escaped)
                    rest = rest.dropFirst()
                } else if character == "\"" {
                    closed = true
                    break
                } else {
                    value.append(character)
                }
            }
            guard closed else { throw SpecError("\(field): a matcher's value is missing its closing quote") }
            matchers.append(AlertMatcher(label: label, op: op, value: value))
            skipSpaces()
            if rest.first == "," { rest = rest.dropFirst(); skipSpaces() } else if !rest.isEmpty { throw SpecError(usage) }
        }
        return matchers
    }
}

private extension String {
    func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
