import CapstanJSON
import Foundation

/// A label or annotation value with Prometheus-style placeholders, rendered for each alert:
/// `{{ $value }}` (or `{{ .Value }}`) is the sample's value and `{{ $labels.feature }}` (or
/// `{{ .Labels.feature }}`) one of the sample's labels, as Prometheus' alert templates see
/// them (the sample's own labels, before the rule's labels and `alertname` are added).
/// `{{ $value | humanizePercentage }}` prints a ratio as a percentage (0.25 → `25%`).
///
/// Only these actions are understood; anything else in `{{ }}` is rejected when the rule is
/// read, not left to fail at every evaluation. Values print as Go's `%v` prints a float64
/// (`0.5`, `100000`, `1.234567e+06`), so rendered text matches Prometheus'; a label the
/// sample lacks prints as Go's templates print a missing key, `<no value>`.
public struct AlertTemplate: Sendable, Equatable {
    enum Piece: Sendable, Equatable {
        case text(String)
        case value
        case valueAsPercentage
        case label(String)
    }

    let pieces: [Piece]
    /// The text as written.
    public let source: String

    /// Parses `source`; `field` names the value in errors (`annotations.summary`).
    public init(_ source: String, field: String) throws(SpecError) {
        self.source = source
        var pieces: [Piece] = []
        var rest = Substring(source)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { pieces.append(.text(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw SpecError("\(field) opens a template with {{ but never closes it with }}")
            }
            let action = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            pieces.append(try Self.piece(action, field: field))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        self.pieces = pieces
    }

    static func piece(_ action: String, field: String) throws(SpecError) -> Piece {
        let words = action.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        if words.count == 1, words[0] == "$value" || words[0] == ".Value" { return .value }
        if words.count == 2, words[0] == "$value" || words[0] == ".Value", words[1] == "humanizePercentage" { return .valueAsPercentage }
        if words.count == 1 {
            for prefix in ["$labels.", ".Labels."] where words[0].hasPrefix(prefix) {
                let name = String(words[0].dropFirst(prefix.count))
                if AlertLabels.isValidName(name) { return .label(name) }
            }
        }
        throw SpecError("\(field) has the template action {{ \(action) }}; supported are {{ $value }}, {{ $value | humanizePercentage }} and {{ $labels.NAME }}")
    }

    /// Whether the text has placeholders (a constant needs no rendering).
    public var isConstant: Bool { pieces.allSatisfy { if case .text = $0 { true } else { false } } }

    /// The text for one alert: `labels` are the sample's labels, `value` its value.
    public func render(labels: [String: String], value: Double) -> String {
        var result = ""
        for piece in pieces {
            switch piece {
            case .text(let text): result += text
            case .value: result += Self.goFormat(value)
            case .valueAsPercentage: result += Self.percentage(value)
            case .label(let name): result += labels[name] ?? "<no value>"
            }
        }
        return result
    }

    /// Prometheus' `humanizePercentage`: `fmt.Sprintf("%.4g%%", v*100)`. C's `%.4g` follows
    /// the same rule as Go's for finite values (exponent below −4 or from 4 on, trailing
    /// zeros dropped).
    static func percentage(_ value: Double) -> String {
        let scaled = value * 100
        guard scaled.isFinite else { return goFormat(scaled) + "%" }
        return String(format: "%.4g", scaled) + "%"
    }

    /// A float64 as Go's `%v` prints it (`strconv.FormatFloat(v, 'g', -1, 64)`): the
    /// shortest digits that read back exactly, in exponent form when the decimal exponent is
    /// below −4 or at least 6 (`1e+06`, `1.353755652e+09` as Prometheus' template tests show).
    static func goFormat(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        // Swift's description has the shortest round-trip digits; take them and the
        // position of the decimal point from it.
        let text = "\(abs(value))"
        var mantissa = Substring(text), exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...])!
        }
        let integerPart = mantissa.split(separator: ".", omittingEmptySubsequences: false)[0]
        var digits = Array(mantissa.filter { $0 != "." })
        var point = integerPart.count + exponent
        while digits.first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        let sign = value < 0 ? "-" : ""
        let decimalExponent = point - 1
        if decimalExponent < -4 || decimalExponent >= 6 {
            let tail = digits.count > 1 ? "." + String(digits.dropFirst()) : ""
            let magnitude = abs(decimalExponent)
            return sign + String(digits[0]) + tail + "e" + (decimalExponent < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "") + String(magnitude)
        }
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + String(digits) }
        if point >= digits.count { return sign + String(digits) + String(repeating: "0", count: point - digits.count) }
        return sign + String(digits[..<point]) + "." + String(digits[point...])
    }
}
