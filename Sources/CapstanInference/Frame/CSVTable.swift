import Foundation

/// Reads and writes CSV as RFC 4180 describes it: a header row, comma-separated fields,
/// quotes around fields that hold commas, quotes or line breaks ("" inside quotes is a
/// quote), CRLF or LF line ends.
public enum CSVTable {
    /// Parses `text` into a header and rows; every row must have as many fields as the header.
    /// Errors name the line (1-based, counting the header) at fault.
    public static func parse(_ text: String, source: String = "input") throws -> (header: [String], rows: [[String]]) {
        var records: [[String]] = []
        var lines: [Int] = []
        var field: [UInt8] = []
        var record: [String] = []
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var afterQuote = false
        var recordQuoted = false
        let bytes = Array(text.utf8)
        var i = 0
        func endField() {
            record.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            afterQuote = false
        }
        func endRecord() {
            endField()
            // A blank line is skipped (as pandas does); `""` alone is a record with one empty field.
            if !(record.count == 1 && record[0].isEmpty && !recordQuoted) {
                records.append(record)
                lines.append(recordLine)
            }
            record = []
            recordQuoted = false
        }
        while i < bytes.count {
            let byte = bytes[i]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        i += 1
                    } else {
                        inQuotes = false
                        afterQuote = true
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
            } else {
                switch byte {
                case UInt8(ascii: ","): endField()
                case UInt8(ascii: "\n"):
                    endRecord()
                    line += 1
                    recordLine = line
                case UInt8(ascii: "\r"):
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\n") { break }
                    field.append(byte)
                case UInt8(ascii: "\""):
                    guard field.isEmpty && !afterQuote else {
                        throw InferenceError.invalidInput("\(source) line \(line): a quote inside an unquoted field")
                    }
                    inQuotes = true
                    recordQuoted = true
                default:
                    if afterQuote {
                        throw InferenceError.invalidInput("\(source) line \(line): text after a closing quote")
                    }
                    field.append(byte)
                }
            }
            i += 1
        }
        if inQuotes { throw InferenceError.invalidInput("\(source) line \(recordLine): a quoted field never ends") }
        if !field.isEmpty || !record.isEmpty { endRecord() }
        guard let header = records.first else { throw InferenceError.invalidInput("\(source) is empty: expected a header row") }
        for (index, row) in records.enumerated().dropFirst() where row.count != header.count {
            throw InferenceError.invalidInput("\(source) line \(lines[index]): \(row.count) fields, the header has \(header.count)")
        }
        return (header, Array(records.dropFirst()))
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
