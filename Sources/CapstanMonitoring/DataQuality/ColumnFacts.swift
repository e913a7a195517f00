import CapstanJSON

/// What the profiler and the validator need to know about one column, computed in one
/// pass: missing cells, the present values and how often each occurs, the observed type,
/// the numeric extremes and the text lengths.
///
/// Missing means what ``DataTable`` reads as missing (NaN in numbers, nil in text);
/// infinities are present values, as they are to pandas.
struct ColumnFacts {
    /// A present value.
    enum Cell: Hashable {
        case number(Double)
        case text(String)

        /// As JSON: whole numbers as integers (they read better: `3`, not `3.0`).
        var json: JSONValue {
            switch self {
            case .number(let value):
                value.isFinite && value == value.rounded() && abs(value) < 9e15 ? .int(Int64(value)) : .double(value)
            case .text(let text): .string(text)
            }
        }
    }

    let rows: Int
    /// The present values in row order.
    let cells: [Cell]
    let isNumeric: Bool
    /// How many times each present value occurs (-0.0 and 0.0 are one value, as in pandas).
    let counts: [Cell: Int]
    /// Smallest and largest present number (infinities included); nil for text or no values.
    let minimum: Double?
    let maximum: Double?
    /// Shortest and longest text in Unicode code points; nil for numbers or no values.
    let shortest: Int?
    let longest: Int?

    var nullCount: Int { rows - cells.count }
    var nullShare: Double { rows == 0 ? 0 : Double(nullCount) / Double(rows) }
    var distinct: Int { counts.count }
    /// Present values whose value occurs more than once (pandas' `duplicated(keep=False)`).
    var duplicated: Int { counts.values.reduce(0) { $0 + ($1 > 1 ? $1 : 0) } }

    /// See ``ColumnType``: int when every present number is whole, bool when every present
    /// text is a boolean word; nil without present values.
    let observedType: ColumnType?

    init(_ column: DataTable.Column) {
        var cells: [Cell] = []
        var counts: [Cell: Int] = [:]
        switch column {
        case .numeric(let values):
            rows = values.count
            isNumeric = true
            var low = Double.infinity, high = -Double.infinity, whole = true
            for value in values where !value.isNaN {
                // Normalise -0.0 so that the dictionary counts it with 0.0.
                let cell = Cell.number(value == 0 ? 0 : value)
                cells.append(cell)
                counts[cell, default: 0] += 1
                low = Swift.min(low, value)
                high = Swift.max(high, value)
                whole = whole && Self.isWhole(value)
            }
            minimum = cells.isEmpty ? nil : low
            maximum = cells.isEmpty ? nil : high
            shortest = nil
            longest = nil
            observedType = cells.isEmpty ? nil : (whole ? .int : .float)
        case .text(let values):
            rows = values.count
            isNumeric = false
            var short = Int.max, long = 0, boolean = true
            for case let text? in values {
                let cell = Cell.text(text)
                cells.append(cell)
                counts[cell, default: 0] += 1
                let length = text.unicodeScalars.count
                short = Swift.min(short, length)
                long = Swift.max(long, length)
                boolean = boolean && ColumnType.booleanWords.contains(text)
            }
            minimum = nil
            maximum = nil
            shortest = cells.isEmpty ? nil : short
            longest = cells.isEmpty ? nil : long
            observedType = cells.isEmpty ? nil : (boolean ? .bool : .string)
        }
        self.cells = cells
        self.counts = counts
    }

    static func isWhole(_ value: Double) -> Bool { value.isFinite && value == value.rounded() }
}
