import Foundation

/// Reads and writes CSV as RFC 4180 describes it: a header row, comma-separated fields,
/// quotes around fields that hold commas, quotes or line breaks ("" inside quotes is a
/// quote), CRLF or LF line ends. Reading goes through ``CSVFields``.
public enum CSVTable {
    /// Parses `text` into a header and rows; every row must have as many fields as the header.
    /// Errors name the line (1-based, counting the header) at fault.
    public static func parse(_ text: String, source: String = "input") throws -> (header: [String], rows: [[String]]) {
        let parsed: CSVFields
        do {
            parsed = try CSVFields(Array(text.utf8))
        } catch {
            throw InferenceError.invalidInput(error.line.map { "\(source) line \($0): \(error.message)" } ?? "\(source) \(error.message)")
        }
        let rows = (0..<parsed.rowCount).map { row in parsed.fields.map { $0[row].text(parsed.bytes) } }
        return (parsed.headerNames, rows)
    }

    /// A field quoted if it must be.
    public static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension FeatureFrame {
    /// A frame from CSV text: the header names the columns; each column becomes int64
    /// when every non-empty field is a whole number, float64 when every non-empty field is
    /// a number (empty fields and NaN are missing values), string otherwise.
    public init(csv text: String, source: String = "input") throws {
        let (header, rows) = try CSVTable.parse(text, source: source)
        let columns = header.enumerated().map { index, name in
            (name: name, column: Self.inferColumn(rows.map { $0[index] }))
        }
        try self.init(columns)
        sourceText = header.indices.map { index in rows.map { $0[index] } }
    }

    static func inferColumn(_ fields: [String]) -> Column {
        var integers: [Int64] = []
        var allIntegers = true
        integers.reserveCapacity(fields.count)
        for field in fields {
            guard let value = Int64(field) else { allIntegers = false; break }
            integers.append(value)
        }
        if allIntegers && !fields.isEmpty { return .int64(integers) }
        var doubles: [Double] = []
        doubles.reserveCapacity(fields.count)
        for field in fields {
            let trimmed = field.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.lowercased() == "nan" {
                doubles.append(.nan)
            } else if let value = Double(trimmed) {
                doubles.append(value)
            } else {
                return .string(fields)
            }
        }
        return .float64(doubles)
    }
}
