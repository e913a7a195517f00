/// Named, typed columns of equal length: the rows a model predicts on.
///
/// Columns keep the type their data has (a CSV column of whole numbers is `int64`, of
/// numbers `float64`, anything else `string`); binding to a model converts them to the
/// types its inputs declare, and refuses conversions that would lose meaning.
public struct FeatureFrame: Sendable {
    public enum Column: Sendable, Equatable {
        case float32([Float])
        case float64([Double])
        case int64([Int64])
        case string([String])

        public var count: Int {
            switch self {
            case .float32(let v): v.count
            case .float64(let v): v.count
            case .int64(let v): v.count
            case .string(let v): v.count
            }
        }

        public var typeName: String {
            switch self {
            case .float32: "float32"
            case .float64: "float64"
            case .int64: "int64"
            case .string: "string"
            }
        }

        /// The rows in `range` only.
        func slice(_ range: Range<Int>) -> Column {
            switch self {
            case .float32(let v): .float32(Array(v[range]))
            case .float64(let v): .float64(Array(v[range]))
            case .int64(let v): .int64(Array(v[range]))
            case .string(let v): .string(Array(v[range]))
            }
        }
    }

    public private(set) var names: [String]
    /// The values: column by column, or row after row in one block.
    private var storage: Storage
    public let rowCount: Int
    /// The text each column was read from (CSV), so a model input that wants strings gets
    /// "007" and not the number it also parses as.
    /// Empty when no column was read from text (no array per request frame).
    var sourceText: [[String]?] = []

    /// Why two layouts: a request usually carries one [N, F] tensor, or rows of F numbers,
    /// and a model with one matrix input takes exactly that block. Held as it came, a row of
    /// 20 features is one array, not 20 one-value columns that the model and the prediction
    /// log would each gather back into a row.
    private enum Storage: Sendable {
        case columns([Column])
        /// Row-major, `names.count` values per row, all of one type.
        case rowMajor(Column)
    }

    /// The text column `index` was read from, if it was.
    func sourceText(of index: Int) -> [String]? {
        sourceText.isEmpty ? nil : sourceText[index]
    }

    /// A frame of `columns`, which must all have the same length and distinct names.
    public init(_ columns: [(name: String, column: Column)]) throws {
        let names = columns.map(\.name)
        if let duplicate = Self.firstDuplicate(names) {
            throw InferenceError.invalidInput("column '\(duplicate)' appears twice")
        }
        let rows = columns.first?.column.count ?? 0
        if let ragged = columns.first(where: { $0.column.count != rows }) {
            throw InferenceError.invalidInput("column '\(ragged.name)' has \(ragged.column.count) rows, '\(columns[0].name)' has \(rows)")
        }
        self.names = names
        storage = .columns(columns.map(\.column))
        rowCount = rows
    }

    /// A frame of one row-major block of values, `names.count` per row; the names must be
    /// distinct.
    public init(names: [String], rowMajor values: Column) throws {
        if let duplicate = Self.firstDuplicate(names) {
            throw InferenceError.invalidInput("column '\(duplicate)' appears twice")
        }
        try self.init(distinctNames: names, rowMajor: values)
    }

    /// As ``init(names:rowMajor:)``, for names the caller made distinct (`x_0 … x_19`):
    /// checking twenty names pair by pair on every request costs more than the frame.
    package init(distinctNames names: [String], rowMajor values: Column) throws {
        guard !names.isEmpty, values.count % names.count == 0 else {
            throw InferenceError.invalidInput("\(values.count) values do not fill rows of \(names.count) columns")
        }
        self.names = names
        storage = .rowMajor(values)
        rowCount = values.count / names.count
    }

    /// The columns, each its own array (made on each call when the frame holds one block).
    public var columns: [Column] {
        switch storage {
        case .columns(let columns): columns
        case .rowMajor(let values): names.indices.map { values.strided(start: $0, step: names.count) }
        }
    }

    /// Column `index` alone.
    public func column(at index: Int) -> Column {
        switch storage {
        case .columns(let columns): columns[index]
        case .rowMajor(let values): values.strided(start: index, step: names.count)
        }
    }

    /// All values row after row when the frame holds them as one block; nil for a frame of
    /// separate columns. Readers that want rows take this without gathering columns.
    public var rowMajorValues: Column? {
        if case .rowMajor(let values) = storage { values } else { nil }
    }

    /// A name that appears twice. Frames of one request have a few dozen columns at most:
    /// comparing pairs is quicker there than hashing every name into a set. ASCII names are
    /// compared by a fingerprint first (length and last eight bytes, where numbered names
    /// like `f0 … f19` differ), so whole strings are compared only when those match; other
    /// names always in full, as `==` equates canonically equivalent spellings.
    static func firstDuplicate(_ names: [String]) -> String? {
        if names.count > 32 {
            var seen = Set<String>()
            return names.first { !seen.insert($0).inserted }
        }
        return withUnsafeTemporaryAllocation(of: SIMD2<UInt64>?.self, capacity: names.count) { fingerprints in
            for (i, name) in names.enumerated() { fingerprints.initializeElement(at: i, to: asciiFingerprint(name)) }
            func mayBeEqual(_ i: Int, _ j: Int) -> Bool {
                guard let a = fingerprints[i], let b = fingerprints[j] else { return true }
                return a == b
            }
            for i in names.indices {
                for j in names.indices where j > i && mayBeEqual(i, j) && names[j] == names[i] { return names[j] }
            }
            return nil
        }
    }

    /// Byte count and last eight bytes of an ASCII name; nil for any other.
    private static func asciiFingerprint(_ name: String) -> SIMD2<UInt64>? {
        var name = name
        return name.withUTF8 { bytes in
            var tail: UInt64 = 0
            for byte in bytes {
                if byte >= 0x80 { return nil }
                tail = tail << 8 | UInt64(byte)
            }
            return SIMD2(UInt64(bytes.count), tail)
        }
    }

    public func column(named name: String) -> Column? {
        names.firstIndex(of: name).map(column(at:))
    }

    /// The rows in `range`, all columns.
    public func rows(_ range: Range<Int>) -> FeatureFrame {
        // Columns of equal length stay equal: this cannot fail.
        switch storage {
        case .rowMajor(let values):
            return try! FeatureFrame(distinctNames: names, rowMajor: values.slice(range.lowerBound * names.count..<range.upperBound * names.count))
        case .columns(let columns):
            var frame = try! FeatureFrame(zip(names, columns).map { ($0, $1.slice(range)) })
            frame.sourceText = sourceText.map { $0.map { Array($0[range]) } }  // stays empty when empty
            return frame
        }
    }
}

extension FeatureFrame: Equatable {
    /// Equal names and values, however each frame holds them.
    public static func == (a: FeatureFrame, b: FeatureFrame) -> Bool {
        guard a.rowCount == b.rowCount, a.names == b.names, a.sourceText == b.sourceText else { return false }
        if let x = a.rowMajorValues, let y = b.rowMajorValues { return x == y }
        return a.columns == b.columns
    }
}

extension FeatureFrame.Column {
    /// Every `step`-th value from `start`: one column of a row-major block. A block of one
    /// column is that column already, and comes back without a copy.
    public func strided(start: Int, step: Int) -> FeatureFrame.Column {
        if start == 0 && step == 1 { return self }
        func pick<T>(_ values: [T]) -> [T] {
            let count = start < values.count ? (values.count - start + step - 1) / step : 0
            return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                for r in 0..<count { buffer.initializeElement(at: r, to: values[start + r * step]) }
                initialized = count
            }
        }
        switch self {
        case .float32(let v): return .float32(pick(v))
        case .float64(let v): return .float64(pick(v))
        case .int64(let v): return .int64(pick(v))
        case .string(let v): return .string(pick(v))
        }
    }
}
