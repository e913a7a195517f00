import Foundation

/// Reads a CSV file straight into typed columns, a chunk at a time: neither the file's
/// bytes nor a range per cell are ever held whole, so a drift report's memory is its
/// columns (a 100,000 × 25 pair of files is 80 MiB of text but 35 MiB of columns).
///
/// The rules are ``CSVFields``' (RFC 4180 as pandas reads it: quoted fields with `""` and
/// line breaks inside, LF, CRLF or CR line ends, blank lines skipped, a leading byte order
/// mark ignored, a quote inside an unquoted field an ordinary character), with the same
/// errors naming the line a bad row starts on. A column is typed as it is read: numeric
/// until a present cell is not a number. A column found to be text only after its first
/// rows needs those rows' exact text, which a numeric column did not keep, so such columns
/// are read a second time, alone; on real files that is rare (a column of text is found out
/// on its first present cell).
struct CSVColumnReader {
    /// Where the bytes come from.
    enum Source {
        case file(String)
        case bytes([UInt8])
    }

    /// One column being built.
    struct ColumnBuilder {
        enum State {
            case numeric
            case text
            /// Turned out to be text after numeric rows: read again in a second pass.
            case textOnSecondPass
            /// Not collected in this pass.
            case skipped
        }

        var state: State
        var numbers: [Double] = []
        var integral = true
        /// Rows whose value as an int64 column differs from their value as a float column
        /// (integers past 2^53, or with more than 17 digits counting leading zeros).
        var integerRows: [(row: Int, value: Double)] = []
        var texts: [String?] = []

        mutating func reserve(_ rows: Int) {
            switch state {
            case .numeric: numbers.reserveCapacity(rows)
            case .text: texts.reserveCapacity(rows)
            case .textOnSecondPass, .skipped: break
            }
        }

        @inline(__always)
        mutating func add(_ cell: UnsafeBufferPointer<UInt8>, escapedQuotes: Bool, row: Int) {
            switch state {
            case .numeric:
                if let number = CellReading.number(cell) {
                    numbers.append(number.value)
                    if number.isInteger {
                        if number.exactInteger.bitPattern != number.value.bitPattern {
                            integerRows.append((row, number.exactInteger))
                        }
                    } else {
                        integral = false
                    }
                } else if CellReading.isMissing(cell) {
                    numbers.append(.nan)
                    integral = false
                } else if !numbers.contains(where: { !$0.isNaN }) {
                    // Only missing cells so far: their text is known (none), no second pass.
                    state = .text
                    texts = Array(repeating: nil, count: numbers.count)
                    texts.reserveCapacity(numbers.capacity)
                    numbers = []
                    integerRows = []
                    add(cell, escapedQuotes: escapedQuotes, row: row)
                } else {
                    state = .textOnSecondPass
                    numbers = []
                    integerRows = []
                }
            case .text:
                if CellReading.isMissing(cell) {
                    texts.append(nil)
                } else {
                    let raw = String(decoding: cell, as: UTF8.self)
                    texts.append(escapedQuotes ? raw.replacingOccurrences(of: "\"\"", with: "\"") : raw)
                }
            case .textOnSecondPass, .skipped:
                break
            }
        }

        /// The finished column; nil for one left to the second pass.
        mutating func finish(rowCount: Int) -> (column: DataTable.Column, integral: Bool)? {
            switch state {
            case .numeric:
                let integral = integral && rowCount > 0
                if integral {
                    // pandas reads an all-integer column as int64: each value exactly rounded.
                    for (row, value) in integerRows { numbers[row] = value }
                }
                return (.numeric(numbers), integral)
            case .text:
                return (.text(texts), false)
            case .textOnSecondPass, .skipped:
                return nil
            }
        }
    }

    let source: Source
    /// The file's name in errors.
    let file: String

    /// Reads the whole source into a table. Two scanners read it side by side, each typing
    /// every other column: splitting the rows instead would need a safe place to cut, which
    /// quoted line breaks rule out, and tokenizing twice costs less than the numbers saved.
    func table() throws(DataFileError) -> DataTable {
        var parts = ParallelMap.map(0..<2) { part -> Result<Scanner, DataFileError> in
            var scanner = Scanner(file: file, builders: nil)
            scanner.part = (part, 2)
            do throws(DataFileError) {
                try scan(&scanner)
                return .success(scanner)
            } catch {
                return .failure(error)
            }
        }
        var first = try parts[0].get()
        let odd = try parts[1].get()
        parts = []
        guard let names = first.names else {
            throw DataFileError(file: file, line: nil, column: nil, message: "the file is empty: expected a header row naming the columns")
        }
        let rowCount = first.rowCount
        var builders = first.builders
        first.builders = []
        for index in builders.indices where index % 2 == 1 { builders[index] = odd.builders[index] }
        if builders.contains(where: { $0.state == .textOnSecondPass }) {
            var second = Scanner(file: file, builders: builders.map {
                ColumnBuilder(state: $0.state == ColumnBuilder.State.textOnSecondPass ? .text : .skipped)
            })
            second.reserve(rowCount)
            try scan(&second)
            guard second.rowCount == rowCount else {
                throw DataFileError(file: file, line: nil, column: nil, message: "the file changed while it was read")
            }
            for index in builders.indices where builders[index].state == .textOnSecondPass {
                builders[index] = second.builders[index]
            }
        }
        var columns: [DataTable.Column] = [], integral: [Bool] = []
        columns.reserveCapacity(builders.count)
        for index in builders.indices {
            let (column, isIntegral) = builders[index].finish(rowCount: rowCount)!
            builders[index] = ColumnBuilder(state: .skipped)
            columns.append(column)
            integral.append(isIntegral)
        }
        return DataTable(names: names, columns: columns, integral: integral, source: file, lineShifts: first.lineShifts)
    }

    /// Feeds the whole source to `scanner`.
    private func scan(_ scanner: inout Scanner) throws(DataFileError) {
        switch source {
        case .bytes(let bytes):
            try bytes.withUnsafeBufferPointer { buffer throws(DataFileError) in
                _ = try scanner.scan(buffer, startOfFile: true, final: true)
            }
        case .file(let path):
            try scanFile(path, &scanner)
        }
    }

    /// Reads the file in chunks; a row cut by a chunk's end is scanned again with the next.
    private func scanFile(_ path: String, _ scanner: inout Scanner) throws(DataFileError) {
        let unreadable = DataFileError(file: file, line: nil, column: nil, message: "cannot read the file (missing, or not readable)")
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw unreadable }
        defer { close(descriptor) }
        var status = stat()
        let fileSize = fstat(descriptor, &status) == 0 ? Int(status.st_size) : 0
        var capacity = 1 << 20
        var buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: capacity)
        defer { buffer.deallocate() }
        var filled = 0, consumedInAll = 0
        var startOfFile = true
        while true {
            var final = false
            // Fill the buffer (or reach the end) before scanning: fewer, larger scans.
            while filled < capacity {
                let count = read(descriptor, buffer.baseAddress! + filled, capacity - filled)
                if count < 0 {
                    if errno == EINTR { continue }
                    throw unreadable
                }
                if count == 0 {
                    final = true
                    break
                }
                filled += count
            }
            let consumed = try scanner.scan(UnsafeBufferPointer(rebasing: buffer[0..<filled]), startOfFile: startOfFile, final: final)
            startOfFile = false
            consumedInAll += consumed
            if final { return }
            if scanner.estimatedRows == nil, scanner.rowCount > 0, consumedInAll > 0, fileSize > consumedInAll {
                // Size the columns once from the first chunk's rows, instead of doubling them.
                let estimate = Int(Double(fileSize) / Double(consumedInAll) * Double(scanner.rowCount) * 1.02) + 16
                scanner.reserve(estimate)
            }
            let left = filled - consumed
            if consumed > 0 {
                UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: buffer.baseAddress! + consumed, byteCount: left)
            } else if left == capacity {
                // One row longer than the buffer: make room for it.
                let larger = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: capacity * 2)
                UnsafeMutableRawPointer(larger.baseAddress!).copyMemory(from: buffer.baseAddress!, byteCount: left)
                buffer.deallocate()
                buffer = larger
                capacity *= 2
            }
            filled = left
        }
    }

    /// The tokenizer: rows out of a buffer, each handed to the column builders.
    struct Scanner {
        let file: String
        var builders: [ColumnBuilder]
        var names: [String]?
        var rowCount = 0
        var estimatedRows: Int?
        /// This scanner types only the columns `index`, `index + count`, …; nil for all.
        var part: (index: Int, count: Int)?
        /// The physical line the next row starts on.
        var line = 1
        /// Where a data row starts on another line than the one after the previous row's
        /// start (see ``DataTable/lineShifts``).
        var lineShifts: [DataTable.LineShift] = []
        /// The current row's fields, as offsets into the buffer being scanned.
        var fields: [(start: Int, end: Int, escaped: Bool)] = []

        init(file: String, builders: [ColumnBuilder]?) {
            self.file = file
            self.builders = builders ?? []
            // A second pass knows the header already but still reads past it.
        }

        mutating func reserve(_ rows: Int) {
            estimatedRows = rows
            for index in builders.indices { builders[index].reserve(rows) }
        }

        func failure(_ line: Int, _ message: String) -> DataFileError {
            DataFileError(file: file, line: line, column: nil, message: message)
        }

        /// Scans the complete rows of `buffer` and returns how many bytes they took; the rest
        /// (a row cut short) is for the next call. `final`: the buffer ends the file.
        mutating func scan(_ buffer: UnsafeBufferPointer<UInt8>, startOfFile: Bool, final: Bool) throws(DataFileError) -> Int {
            let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
            let end = buffer.count
            var position = 0
            // A UTF-8 byte order mark is not part of the first name.
            if startOfFile, end >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { position = 3 }
            var consumed = position
            rows: while position < end {
                let rowStartLine = line
                // A line break right away: a blank line, which pandas skips.
                let first = buffer[position]
                if first == newline || first == cr {
                    position += 1
                    if first == cr {
                        if position < end {
                            if buffer[position] == newline { position += 1 }
                        } else if !final {
                            return consumed
                        }
                    }
                    line += 1
                    consumed = position
                    continue
                }
                fields.removeAll(keepingCapacity: true)
                while true {
                    if position < end, buffer[position] == quote {
                        // Quoted: up to the closing quote; "" is a quote inside.
                        position += 1
                        let start = position
                        var escaped = false
                        while true {
                            guard position < end else {
                                if final { throw failure(rowStartLine, "a quoted field never ends") }
                                line = rowStartLine
                                return consumed
                            }
                            let byte = buffer[position]
                            if byte == quote {
                                if position + 1 < end {
                                    if buffer[position + 1] == quote {
                                        escaped = true
                                        position += 2
                                        continue
                                    }
                                } else if !final {
                                    line = rowStartLine
                                    return consumed
                                }
                                break
                            }
                            // Line breaks inside quotes still move the line count on (LF, CRLF or CR).
                            if byte == newline {
                                line += 1
                            } else if byte == cr {
                                if position + 1 < end {
                                    if buffer[position + 1] != newline { line += 1 }
                                } else if final {
                                    line += 1
                                } else {
                                    line = rowStartLine
                                    return consumed
                                }
                            }
                            position += 1
                        }
                        fields.append((start, position, escaped))
                        position += 1
                        if position >= end, !final {
                            line = rowStartLine
                            return consumed
                        }
                        guard position >= end || buffer[position] == comma || buffer[position] == newline || buffer[position] == cr else {
                            throw failure(rowStartLine, "text after a closing quote (quote the whole field, and write a quote inside it as \"\")")
                        }
                    } else {
                        let start = position
                        while position < end {
                            let byte = buffer[position]
                            if byte == comma || byte == newline || byte == cr { break }
                            position += 1
                        }
                        if position >= end, !final {
                            line = rowStartLine
                            return consumed
                        }
                        fields.append((start, position, false))
                    }
                    if position >= end {
                        try finishRow(buffer, startLine: rowStartLine)
                        return end
                    }
                    let separator = buffer[position]
                    position += 1
                    if separator == comma { continue }
                    if separator == cr {
                        if position < end {
                            if buffer[position] == newline { position += 1 }
                        } else if !final {
                            line = rowStartLine
                            return consumed
                        }
                    }
                    line += 1
                    try finishRow(buffer, startLine: rowStartLine)
                    consumed = position
                    continue rows
                }
            }
            return consumed
        }

        /// The header row names the columns; every other row must have one field per column.
        mutating func finishRow(_ buffer: UnsafeBufferPointer<UInt8>, startLine: Int) throws(DataFileError) {
            guard names != nil else {
                names = fields.map { field in
                    let raw = String(decoding: UnsafeBufferPointer(rebasing: buffer[field.start..<field.end]), as: UTF8.self)
                    return field.escaped ? raw.replacingOccurrences(of: "\"\"", with: "\"") : raw
                }
                if builders.isEmpty {
                    builders = fields.indices.map { column in
                        ColumnBuilder(state: part.map { column % $0.count == $0.index } ?? true ? .numeric : .skipped)
                    }
                }
                return
            }
            guard fields.count == builders.count else {
                throw failure(startLine, "the row has \(fields.count) field\(fields.count == 1 ? "" : "s"); the header has \(builders.count)")
            }
            let row = rowCount
            // Blank lines and quoted line breaks put rows on other lines than row + 2; only
            // those few places are kept, so a file without them costs nothing.
            if startLine - row != (lineShifts.last?.offset ?? 2) {
                lineShifts.append(DataTable.LineShift(row: row, offset: startLine - row))
            }
            builders.withUnsafeMutableBufferPointer { builders in
                for (column, field) in fields.enumerated() {
                    builders[column].add(UnsafeBufferPointer(rebasing: buffer[field.start..<field.end]), escapedQuotes: field.escaped, row: row)
                }
            }
            rowCount += 1
        }
    }
}
