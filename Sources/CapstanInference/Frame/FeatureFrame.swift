/// Named, typed columns of equal length: the rows a model predicts on.
///
/// Columns keep the type their data has (a CSV column of whole numbers is `int64`, of
/// numbers `float64`, anything else `string`); binding to a model converts them to the
/// types its inputs declare, and refuses conversions that would lose meaning.
public struct FeatureFrame: Sendable, Equatable {
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
    public private(set) var columns: [Column]
    public let rowCount: Int
    /// The text each column was read from (CSV), so a model input that wants strings gets
    /// "007" and not the number it also parses as.
    /// Empty when no column was read from text (no array per request frame).
    var sourceText: [[String]?] = []

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
        self.columns = columns.map(\.column)
        rowCount = rows
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
        names.firstIndex(of: name).map { columns[$0] }
    }

    /// The rows in `range`, all columns.
    public func rows(_ range: Range<Int>) -> FeatureFrame {
        // Columns of equal length stay equal: this cannot fail.
        var frame = try! FeatureFrame(zip(names, columns).map { ($0, $1.slice(range)) })
        frame.sourceText = sourceText.map { $0.map { Array($0[range]) } }  // stays empty when empty
        return frame
    }
}
