/// The fields of a CSV file as byte ranges, column by column: one pass over the bytes and no
/// string per cell (a 100,000 × 25 drift input has 2.5 million of them). Both the model
/// runtime's CSV input and the monitors' data files are read through it.
///
/// RFC 4180 as pandas reads it: the first row names the columns; a field may be quoted,
/// with `""` for a quote and line breaks inside; rows end with LF, CRLF or CR; blank lines
/// are skipped; a leading UTF-8 byte order mark is ignored; a quote inside an unquoted field
/// is an ordinary character.
public struct CSVFields: Sendable {
    /// One field: where its content lies in the file's bytes.
    public struct Field: Sendable {
        public var start: UInt32
        public var end: UInt32
        /// Quoted with `""` inside: the text needs them turned back into `"`.
        public var hasEscapedQuotes: Bool

        public func text(_ bytes: [UInt8]) -> String {
            let raw = String(decoding: bytes[Int(start)..<Int(end)], as: UTF8.self)
            return hasEscapedQuotes ? raw.replacingOccurrences(of: "\"\"", with: "\"") : raw
        }
    }

    /// Where the file is broken: the line (1-based) of the row at fault, and what is wrong.
    public struct Failure: Error, Sendable, Equatable {
        /// nil for the file as a whole.
        public let line: Int?
        public let message: String
    }

    public let bytes: [UInt8]
    public let header: [Field]
    /// fields[column][row]
    public let fields: [[Field]]
    /// The line each row starts on, for messages about a row's values.
    public let rowLines: [Int]

    public var columnCount: Int { header.count }
    public var rowCount: Int { rowLines.count }
    public var headerNames: [String] { header.map { $0.text(bytes) } }

    /// Splits `bytes`. A row with more or fewer fields than the header, a quote left open,
    /// or text after a closing quote is a `Failure` naming the line the row starts on.
    public init(_ bytes: [UInt8]) throws(Failure) {
        guard bytes.count < Int(UInt32.max) else {
            throw Failure(line: nil, message: "is 4 GiB or larger, which is not supported")
        }
        var rows = RowReader(bytes: bytes)
        // A UTF-8 byte order mark is not part of the first name.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { rows.position = 3 }
        var header: [Field]?
        while header == nil, let row = try rows.next() {
            if !rows.isBlank(row) { header = row }
        }
        guard let header else { throw Failure(line: nil, message: "is empty: expected a header row naming the columns") }
        var fields = [[Field]](repeating: [], count: header.count)
        var rowLines: [Int] = []
        while let row = try rows.next() {
            if rows.isBlank(row) { continue }
            guard row.count == header.count else {
                throw Failure(line: rows.rowStartLine, message: "the row has \(row.count) field\(row.count == 1 ? "" : "s"); the header has \(header.count)")
            }
            for (column, field) in row.enumerated() { fields[column].append(field) }
            rowLines.append(rows.rowStartLine)
        }
        self.bytes = bytes
        self.header = header
        self.fields = fields
        self.rowLines = rowLines
    }

    /// Reads one row at a time, tracking the physical line each starts on.
    struct RowReader {
        let bytes: [UInt8]
        var position = 0
        var line = 1
        var rowStartLine = 1

        /// One empty unquoted field: a blank line, which pandas skips (a lone `""` is a field).
        func isBlank(_ row: [Field]) -> Bool {
            row.count == 1 && row[0].start == row[0].end && (row[0].start == 0 || bytes[Int(row[0].start) - 1] != UInt8(ascii: "\""))
        }

        mutating func next() throws(Failure) -> [Field]? {
            guard position < bytes.count else { return nil }
            rowStartLine = line
            var row: [Field] = []
            let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
            while true {
                if position < bytes.count, bytes[position] == quote {
                    // Quoted: up to the closing quote; "" is a quote inside.
                    position += 1
                    let start = position
                    var escaped = false
                    while true {
                        guard position < bytes.count else {
                            throw Failure(line: rowStartLine, message: "a quoted field never ends")
                        }
                        let byte = bytes[position]
                        if byte == quote {
                            if position + 1 < bytes.count, bytes[position + 1] == quote {
                                escaped = true
                                position += 2
                                continue
                            }
                            break
                        }
                        // Line breaks inside quotes still move the line count on (LF, CRLF or CR).
                        if byte == newline || (byte == cr && (position + 1 >= bytes.count || bytes[position + 1] != newline)) {
                            line += 1
                        }
                        position += 1
                    }
                    row.append(Field(start: UInt32(start), end: UInt32(position), hasEscapedQuotes: escaped))
                    position += 1
                    guard position >= bytes.count || bytes[position] == comma || bytes[position] == newline || bytes[position] == cr else {
                        throw Failure(line: rowStartLine, message: "text after a closing quote (quote the whole field, and write a quote inside it as \"\")")
                    }
                } else {
                    let start = position
                    while position < bytes.count, bytes[position] != comma, bytes[position] != newline, bytes[position] != cr {
                        position += 1
                    }
                    row.append(Field(start: UInt32(start), end: UInt32(position), hasEscapedQuotes: false))
                }
                guard position < bytes.count else { return row }
                let separator = bytes[position]
                position += 1
                if separator == comma { continue }
                if separator == cr, position < bytes.count, bytes[position] == newline { position += 1 }
                line += 1
                return row
            }
        }
    }
}
