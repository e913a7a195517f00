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
    /// The rows from which the file's line numbers stop being `row + 2` (after the header on
    /// line 1), because of blank lines or quoted line breaks, in row order. Empty for most
    /// files, and for tables not read from a file.
    public let lineShifts: [LineShift]
    public var rowCount: Int { columns.first?.count ?? 0 }

    /// From `row` on (until the next shift), data row `r` starts on line `r + offset`.
    public struct LineShift: Sendable, Equatable {
        public var row: Int
        public var offset: Int

        public init(row: Int, offset: Int) {
            self.row = row
            self.offset = offset
        }
    }

    public init(names: [String], columns: [Column], integral: [Bool]? = nil, source: String = "data", lineShifts: [LineShift] = []) {
        self.names = names
        self.columns = columns
        self.integral = integral ?? Array(repeating: false, count: columns.count)
        self.source = source
        self.lineShifts = lineShifts
    }

    /// The 1-based line of the file on which data row `row` (0-based) starts, so that a
    /// message about a cell can send the user to it in an editor.
    public func line(ofRow row: Int) -> Int {
        // The last shift at or before `row`, by binary search (shifts are in row order).
        var low = 0, high = lineShifts.count
        while low < high {
            let middle = (low + high) / 2
            if lineShifts[middle].row <= row { low = middle + 1 } else { high = middle }
        }
        return row + (low > 0 ? lineShifts[low - 1].offset : 2)
    }

    public func column(named name: String) -> Column? {
        names.firstIndex(of: name).map { columns[$0] }
    }

    /// Reads the CSV file at `path`, a chunk at a time; errors name it as given.
    public static func read(csv path: String) throws(DataFileError) -> DataTable {
        try CSVColumnReader(source: .file(path), file: path).table().withUniqueNames()
    }

    /// Parses CSV bytes; `file` names them in errors.
    public static func parse(csv bytes: [UInt8], file: String) throws(DataFileError) -> DataTable {
        try CSVColumnReader(source: .bytes(bytes), file: file).table().withUniqueNames()
    }

    /// The header's names; an empty one is `Unnamed: i`, as pandas names it. Names must be
    /// unique: a report keyed by column could not tell two apart.
    func withUniqueNames() throws(DataFileError) -> DataTable {
        var seen: Set<String> = []
        var unique: [String] = []
        for (column, raw) in names.enumerated() {
            let name = raw.isEmpty ? "Unnamed: \(column)" : raw
            guard seen.insert(name).inserted else {
                throw DataFileError(file: source, line: 1, column: name, message: "the header names '\(name)' twice; column names must be unique")
            }
            unique.append(name)
        }
        return DataTable(names: unique, columns: columns, integral: integral, source: source, lineShifts: lineShifts)
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

extension DataTable {
    /// Checks that `current` has this reference's columns and no others, and that every
    /// `categorical` name is one of them: two samples compared column by column must
    /// describe the same data.
    ///
    /// - Throws: ``DataFileError`` naming the file and the column.
    func requireSameColumns(as current: DataTable, categorical: Set<String>) throws(DataFileError) {
        if let missing = names.first(where: { current.column(named: $0) == nil }) {
            throw DataFileError(file: current.source, line: 1, column: missing, message: "the reference (\(source)) has this column; the current data does not")
        }
        if let extra = current.names.first(where: { column(named: $0) == nil }) {
            throw DataFileError(file: source, line: 1, column: extra, message: "the current data (\(current.source)) has this column; the reference does not")
        }
        for name in categorical where column(named: name) == nil {
            throw DataFileError(file: source, line: nil, column: name, message: "--categorical names a column the data does not have")
        }
    }
}
