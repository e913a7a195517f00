import CapstanInference
import CapstanJSON
import Foundation

/// A data file read into typed columns the way pandas' `read_csv` reads it for Evidently:
/// a column whose every present cell is a number is numeric, any other is text, and the
/// cells pandas takes for missing (`""`, `NA`, `NaN`, `null`, …) are missing in both.
/// Drift and data-quality checks choose their tests by these types, so they must be
/// Evidently's.
public struct DataTable: Sendable {
    public enum Column: Sendable, Equatable {
        /// NaN where a cell is missing.
        case numeric([Double])
        /// nil where a cell is missing.
        case text([String?])

        public var count: Int {
            switch self {
            case .numeric(let values): values.count
            case .text(let values): values.count
            }
        }
    }

    public let names: [String]
    public let columns: [Column]
    /// Per column: pandas would read it as integers (every cell present and written as a
    /// whole number). Evidently types such a column by its number of distinct values.
    public let integral: [Bool]
    /// Where the table came from (a file name), for messages.
    public let source: String
    public var rowCount: Int { columns.first?.count ?? 0 }

    public init(names: [String], columns: [Column], integral: [Bool]? = nil, source: String = "data") {
        self.names = names
        self.columns = columns
        self.integral = integral ?? Array(repeating: false, count: columns.count)
        self.source = source
    }

    public func column(named name: String) -> Column? {
        names.firstIndex(of: name).map { columns[$0] }
    }

    /// Reads the CSV file at `path`; errors name it as given.
    public static func read(csv path: String) throws(DataFileError) -> DataTable {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataFileError(file: path, line: nil, column: nil, message: "cannot read the file (missing, or not readable)")
        }
        return try parse(csv: [UInt8](data), file: path)
    }

    /// Parses CSV bytes; `file` names them in errors.
    public static func parse(csv bytes: [UInt8], file: String) throws(DataFileError) -> DataTable {
        let fields: CSVFields
        do {
            fields = try CSVFields(bytes)
        } catch {
            // Messages about the whole file read "… is empty", "… is 4 GiB or larger".
            throw DataFileError(file: file, line: error.line, column: nil, message: error.line == nil ? "the file \(error.message)" : error.message)
        }
        let names = try headerNames(fields, file: file)
        let read = ParallelMap.map(0..<names.count) { column in typed(fields, column: column) }
        return DataTable(names: names, columns: read.map(\.column), integral: read.map(\.integral), source: file)
    }

    /// The header's names; an empty one is `Unnamed: i`, as pandas names it. Names must be
    /// unique: a report keyed by column could not tell two apart.
    static func headerNames(_ fields: CSVFields, file: String) throws(DataFileError) -> [String] {
        var seen: Set<String> = []
        var names: [String] = []
        for (column, raw) in fields.headerNames.enumerated() {
            let name = raw.isEmpty ? "Unnamed: \(column)" : raw
            guard seen.insert(name).inserted else {
                throw DataFileError(file: file, line: 1, column: name, message: "the header names '\(name)' twice; column names must be unique")
            }
            names.append(name)
        }
        return names
    }

    /// A column as numbers when every present cell is one, else as text.
    static func typed(_ fields: CSVFields, column: Int) -> (column: Column, integral: Bool) {
        let cells = fields.fields[column]
        var numbers = [Double](repeating: .nan, count: cells.count)
        var integral = !cells.isEmpty
        let allNumeric = fields.bytes.withUnsafeBufferPointer { buffer in
            for (row, cell) in cells.enumerated() {
                if let parsed = CellReading.number(cell, buffer) {
                    numbers[row] = parsed.value
                    integral = integral && parsed.isInteger
                } else if CellReading.isMissing(cell, buffer) {
                    integral = false
                } else {
                    return false
                }
            }
            return true
        }
        if allNumeric { return (.numeric(numbers), integral) }
        return (.text(fields.bytes.withUnsafeBufferPointer { buffer in
            cells.map { CellReading.isMissing($0, buffer) ? nil : $0.text(fields.bytes) }
        }), false)
    }
}

/// A data file that cannot be read, with where: the file, the line and the column.
public struct DataFileError: Error, CustomStringConvertible, Equatable {
    public let file: String
    /// 1-based; nil for the file as a whole.
    public let line: Int?
    public let column: String?
    public let message: String

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += " (column '\(column)')" }
        return "\(place): \(message)"
    }
}

/// How pandas reads one CSV cell: missing markers and numbers.
enum CellReading {
    /// pandas' default missing-value markers (`read_csv`'s `na_values`), which Evidently then
    /// drops as NaN.
    static let missingMarkers: [[UInt8]] = [
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A",
        "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
    ].map { Array($0.utf8) }

    static func isMissing(_ cell: CSVFields.Field, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let length = Int(cell.end - cell.start)
        guard length <= 9 else { return false }
        let slice = bytes[Int(cell.start)..<Int(cell.end)]
        return missingMarkers.contains { $0.count == length && $0.elementsEqual(slice) }
    }

    /// The cell as a number, as pandas reads one: surrounding spaces or tabs and a leading `+`
    /// allowed; `inf`, `-inf` and `infinity` in any case are infinite; nil when it is not a
    /// number (hex and `nan` spelled inside other text are not).
    static func number(_ cell: CSVFields.Field, _ bytes: UnsafeBufferPointer<UInt8>) -> (value: Double, isInteger: Bool)? {
        var low = Int(cell.start), high = Int(cell.end)
        func isSpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        while low < high, isSpace(bytes[low]) { low += 1 }
        while high > low, isSpace(bytes[high - 1]) { high -= 1 }
        if low < high, bytes[low] == UInt8(ascii: "+") { low += 1 }
        guard low < high else { return nil }
        let slice = UnsafeBufferPointer(rebasing: bytes[low..<high])
        switch JSONParser.quickNumber(slice) {
        case .int(let value)?: return (Double(value), true)
        case .double(let value)?: return (value, false)
        default: break
        }
        // Long mantissas (pandas writes floats with up to 17 digits) and large exponents
        // take C's strtod, on the bytes; `inf`/`infinity` are spelled out. Checking the
        // characters first keeps out what strtod takes and pandas does not: hex, "nan".
        var sawDigit = false
        for byte in slice {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): sawDigit = true
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"), UInt8(ascii: "-"): continue
            default: return infinity(slice)
            }
        }
        guard sawDigit, slice.count < 400 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: slice.count + 1) { buffer -> (Double, Bool)? in
            for (index, byte) in slice.enumerated() { buffer[index] = CChar(bitPattern: byte) }
            buffer[slice.count] = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &end)
            // The whole cell must be the number ("1e5e5", "1-2" are text).
            guard end == buffer.baseAddress! + slice.count else { return nil }
            return (value, false)
        }
    }

    /// `inf`, `infinity`, with a sign or not, in any case; nil for anything else.
    static func infinity(_ slice: UnsafeBufferPointer<UInt8>) -> (value: Double, isInteger: Bool)? {
        var bytes = slice[...]
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        let word = String(decoding: bytes, as: UTF8.self).lowercased()
        guard word == "inf" || word == "infinity" else { return nil }
        return (negative ? -.infinity : .infinity, false)
    }
}
