import Foundation
import Testing
@testable import CapstanMonitoring

/// A file read a chunk at a time gives the table that its bytes read at once give, wherever
/// the chunks cut it (inside a quoted field, between CR and LF), including columns found to
/// be text only after numeric rows.
@Suite struct CSVColumnReaderTests {
    /// A file of more than one 1 MiB chunk, with quoted line breaks, CRLF ends and a
    /// column that turns to text near its end.
    func largeFile() -> String {
        var lines = ["id,score,note,late"]
        for row in 0..<60_000 {
            let note = row % 7 == 0 ? "\"two\r\nlines, \"\"quoted\"\"\"" : (row % 5 == 0 ? "" : "n\(row % 3)")
            let late = row == 59_990 ? "text" : "\(Double(row) / 8)"
            lines.append("\(row),\(Double(row) * 0.001 - 3.25),\(note),\(late)")
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    @Test func aFileReadInChunksEqualsItsBytesReadAtOnce() throws {
        let text = largeFile()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-csv-\(UUID().uuidString).csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let streamed = try DataTable.read(csv: path)
        let whole = try DataTable.parse(csv: Array(text.utf8), file: path)
        #expect(streamed.rowCount == 60_000)
        #expect(streamed.names == whole.names)
        #expect(streamed.integral == [true, false, false, false])
        for (name, (a, b)) in zip(streamed.names, zip(streamed.columns, whole.columns)) {
            #expect(a == b, "column \(name)")
        }
        guard case .text(let notes)? = streamed.column(named: "note"), case .text(let late)? = streamed.column(named: "late") else {
            Issue.record("note and late must be text")
            return
        }
        #expect(notes[0] == "two\r\nlines, \"quoted\"" && notes[5] == nil && notes[1] == "n1")
        #expect(late[1] == "0.125" && late[59_990] == "text")
    }

    @Test func errorsInALaterChunkNameTheirLine() throws {
        var text = largeFile()
        text += "1,2\r\n"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-csv-\(UUID().uuidString).csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        // 60,000 rows, a sixth of them over two lines, after the header.
        let expectedLine = 1 + 60_000 + (0..<60_000).count { $0 % 7 == 0 } + 1
        #expect(throws: DataFileError(file: path, line: expectedLine, column: nil, message: "the row has 2 fields; the header has 4")) {
            try DataTable.read(csv: path)
        }
    }
}
