import CapstanJSON
import CapstanMonitoring
import Foundation

/// A validation as `capstan validate` prints it: a table and the failures spelt out for
/// people, or JSON for scripts.
struct ValidationReportFormat {
    let validation: DataValidation
    /// The spec file, as given.
    let spec: String

    /// ``DataValidation/json()`` with `"spec"` (the file) added after `"source"`.
    func json() -> JSONValue {
        guard case .object(var members) = validation.json() else { return validation.json() }
        let at = (members.firstIndex { $0.0 == "source" } ?? 0) + 1
        members.insert(("spec", .string(spec)), at: at)
        return .object(members)
    }

    func text() -> String {
        let rows = validation.results.map { result -> [String] in
            [result.column ?? "(table)", result.expectation.rawValue, result.passed ? "ok" : "FAIL",
             Self.render(result.observed), Self.render(result.expected) + (result.mostly.map { $0 < 1 ? " (mostly \(Self.number($0)))" : "" } ?? ""),
             result.unexpectedCount.map { "\($0) (\(Self.number(result.unexpectedPercent ?? 0))%)" } ?? "-"]
        }
        var out = "Validation of \(validation.source) (\(validation.rowCount) rows) against \(spec)\n\n"
        out += TextTable.render(headers: ["column", "expectation", "result", "observed", "expected", "unexpected"], rows: rows)
        let failures = validation.failures
        out += "\n\n\(validation.results.count - failures.count) of \(validation.results.count) expectations passed"
        guard !failures.isEmpty else { return out + ".\n" }
        out += "; \(failures.count) failed:\n"
        for failure in failures {
            var line = "- \(failure.column.map { "\($0): " } ?? "")\(failure.expectation.rawValue): expected \(Self.render(failure.expected))"
            line += ", observed \(Self.render(failure.observed))"
            if let count = failure.unexpectedCount, let elements = failure.elementCount, count > 0 {
                line += "; \(count) of \(elements) unexpected (\(Self.number(failure.unexpectedPercent ?? 0))%)"
            }
            if !failure.unexpectedSample.isEmpty { line += ", e.g. " + failure.unexpectedSample.map(Self.render).joined(separator: ", ") }
            if let note = failure.note { line += " (\(note))" }
            out += line + "\n"
        }
        return out
    }

    /// A value for people: numbers to at most 6 significant digits, text as it is inside
    /// lists and objects quoted only when needed.
    static func render(_ value: JSONValue) -> String {
        switch value {
        case .null: "-"
        case .bool(let flag): String(flag)
        case .int(let number): String(number)
        case .double(let number): number.isFinite ? Self.number(number) : String(number)
        case .string(let text): text
        case .array(let elements): "[" + elements.map { $0 == .null ? "null" : render($0) }.joined(separator: ", ") + "]"
        case .object(let members): members.map { "\($0.0) \(render($0.1))" }.joined(separator: ", ")
        }
    }

    static func number(_ value: Double) -> String {
        value.formatted(.number.precision(.significantDigits(1...6)).grouping(.never))
    }
}
