import CapstanInference
import Foundation

/// Logged frames (the prediction log's inputs or outputs) gathered into named columns:
/// how a monitor reads a window of the log, which can hold millions of predictions.
///
/// Decoding each row into a `FeatureFrame` would build every column name and a small
/// array per column per row; here each group header is compared with the previous row's
/// as bytes, so a window whose requests share a layout (the usual case) only copies values.
/// Columns are matched by name: one that first appears later is missing (NaN or nil) in
/// earlier rows, and one a frame lacks is missing in its rows.
public struct LoggedColumns: Sendable {
    public struct Column: Sendable {
        /// NaN where missing; used while every value seen is a number.
        public fileprivate(set) var numbers: [Double] = []
        /// Set once a value is text: every value as text, nil where missing.
        public fileprivate(set) var texts: [String?]?
        /// Every value so far was logged as an integer.
        public fileprivate(set) var integral = true

        var count: Int { texts?.count ?? numbers.count }

        @inline(__always)
        mutating func append(number: Double) {
            if texts != nil { texts!.append(number.isNaN ? nil : Self.text(number)) } else { numbers.append(number) }
        }

        mutating func append(text: String) {
            if texts == nil {
                texts = numbers.map { $0.isNaN ? nil : Self.text($0) }
                numbers = []
                integral = false
            }
            texts!.append(text)
        }

        /// Appends another column's values, turning both into text if either is.
        mutating func append(contentsOf other: Column) {
            if let otherTexts = other.texts {
                if texts == nil {
                    texts = numbers.map { $0.isNaN ? nil : Self.text($0) }
                    numbers = []
                }
                texts!.append(contentsOf: otherTexts)
            } else if texts != nil {
                texts!.append(contentsOf: other.numbers.map { $0.isNaN ? nil : Self.text($0) })
            } else {
                numbers.append(contentsOf: other.numbers)
            }
            integral = integral && other.integral && texts == nil
        }

        mutating func truncate(to rows: Int) {
            if texts != nil { texts!.removeLast(max(0, texts!.count - rows)) } else { numbers.removeLast(max(0, numbers.count - rows)) }
        }

        mutating func pad(to rows: Int) {
            while count < rows {
                if texts != nil { texts!.append(nil) } else { numbers.append(.nan) }
            }
        }

        static func text(_ number: Double) -> String {
            number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        }
    }

    public private(set) var names: [String] = []
    public private(set) var columns: [Column] = []
    public private(set) var rowCount = 0
    private var indexByName: [String: Int] = [:]
    /// Per group position: the last header seen there, and its columns' indexes.
    private var lastHeaders: [[UInt8]] = []
    private var lastIndexes: [[Int]] = []

    /// Rows to reserve room for in each column (a window's size, when known), so columns
    /// do not grow by copying.
    let expectedRows: Int

    public init(expectedRows: Int = 0) {
        self.expectedRows = expectedRows
    }

    /// Appends the rows of one logged frame; a frame that does not decode adds nothing.
    public mutating func append(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try append($0) }
    }

    /// Appends the rows of one logged frame, borrowed from where it is stored.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) throws {
        if bytes.first == UInt8(ascii: "{") {
            append(try FrameEncoding.decode(Array(bytes)))
            return
        }
        let rows: Int, filled: Int
        do {
            (rows, filled) = try appendEncoded(bytes)
        } catch {
            for index in columns.indices { columns[index].truncate(to: rowCount) }
            lastHeaders = []
            lastIndexes = []
            throw error
        }
        rowCount += rows
        // Usually the frame had every column seen so far; only then is padding skipped.
        if filled != columns.count {
            for index in columns.indices { columns[index].pad(to: rowCount) }
        }
    }

    /// Appends the rows of a decoded frame.
    public mutating func append(_ frame: FeatureFrame) {
        for (name, column) in zip(frame.names, frame.columns) {
            let index = self.index(of: name)
            switch column {
            case .float32(let values): for v in values { columns[index].append(number: Double(v)) }; columns[index].integral = false
            case .float64(let values): for v in values { columns[index].append(number: v) }; columns[index].integral = false
            case .int64(let values): for v in values { columns[index].append(number: Double(v)) }
            case .string(let values): for v in values { columns[index].append(text: v) }
            }
        }
        rowCount += frame.rowCount
        for index in columns.indices { columns[index].pad(to: rowCount) }
    }

    /// Appends the rows of columns gathered separately (a window read in parts), matching
    /// columns by name as frames are.
    public mutating func append(contentsOf other: LoggedColumns) {
        let indexes = other.names.map { index(of: $0) }
        // A part of a million-prediction window is tens of megabytes per column: the columns
        // are copied on every core (each index appears once, so no two copies share a column).
        columns.withUnsafeMutableBufferPointer { columns in
            nonisolated(unsafe) let columns = columns
            DispatchQueue.concurrentPerform(iterations: indexes.count) { position in
                columns[indexes[position]].append(contentsOf: other.columns[position])
            }
        }
        rowCount += other.rowCount
        for index in columns.indices { columns[index].pad(to: rowCount) }
    }

    private mutating func index(of name: String) -> Int {
        if let index = indexByName[name] { return index }
        var column = Column()
        column.numbers.reserveCapacity(max(expectedRows, rowCount))
        column.pad(to: rowCount)
        names.append(name)
        columns.append(column)
        indexByName[name] = columns.count - 1
        return columns.count - 1
    }

    /// Appends a frame's values; returns its rows and how many columns it filled (a column
    /// appears once per frame, as frames come from `FeatureFrame`s with unique names).
    private mutating func appendEncoded(_ bytes: UnsafeRawBufferPointer) throws -> (rows: Int, filled: Int) {
        var filled = 0
        var reader = RawReader(bytes: bytes)
        guard try reader.byte() == FrameEncoding.magic, try reader.byte() == FrameEncoding.version else {
            throw FrameEncoding.DecodingError(description: "not a logged frame (unknown header)")
        }
        let rows = try reader.varint(atMost: bytes.count)
        let groupCount = try reader.varint(atMost: FrameEncoding.maxColumns)
        for group in 0..<groupCount {
            let headerStart = reader.offset
            let prefixLength = try reader.varint(atMost: bytes.count)
            let prefix = try reader.take(prefixLength)
            let count = try reader.varint(atMost: FrameEncoding.maxColumns)
            let start = count > 0 ? try reader.varint(atMost: 999_999_999) : 0
            let type = try reader.byte()
            let header = UnsafeRawBufferPointer(rebasing: bytes[headerStart..<reader.offset])
            let indexes: [Int]
            if group < lastHeaders.count, lastHeaders[group].count == header.count,
               lastHeaders[group].withUnsafeBufferPointer({ memcmp($0.baseAddress!, header.baseAddress!, header.count) == 0 }) {
                indexes = lastIndexes[group]
            } else {
                let name = String(decoding: prefix, as: UTF8.self)
                indexes = (0..<max(count, 1)).map { index(of: count == 0 ? name : name + String(start + $0)) }
                if group >= lastHeaders.count {
                    lastHeaders.append([])
                    lastIndexes.append([])
                }
                lastHeaders[group] = Array(header)
                lastIndexes[group] = indexes
            }
            filled += indexes.count
            // Values go straight into the columns' storage: one exclusive access per group
            // rather than two copy-on-write checks per value (a window has tens of millions).
            // A group's numbers are contiguous, column after column, so they are taken in one
            // bounds check; the loops are written out per type, as a helper closure over
            // `reader` would box it and check exclusivity dynamically on every value.
            let width = type == 1 ? 4 : 8
            let numbers = (1...3).contains(type) ? try reader.take(indexes.count * rows * width) : UnsafeRawBufferPointer(start: nil, count: 0)
            try columns.withUnsafeMutableBufferPointer { columns in
                for (position, index) in indexes.enumerated() {
                    let base = position * rows * width
                    switch type {
                    case 1:
                        for row in 0..<rows {
                            let bits = UInt32(littleEndian: numbers.loadUnaligned(fromByteOffset: base + row * 4, as: UInt32.self))
                            columns[index].append(number: Double(Float(bitPattern: bits)))
                        }
                        columns[index].integral = false
                    case 2:
                        for row in 0..<rows {
                            let bits = UInt64(littleEndian: numbers.loadUnaligned(fromByteOffset: base + row * 8, as: UInt64.self))
                            columns[index].append(number: Double(bitPattern: bits))
                        }
                        columns[index].integral = false
                    case 3:
                        for row in 0..<rows {
                            columns[index].append(number: Double(Int64(littleEndian: numbers.loadUnaligned(fromByteOffset: base + row * 8, as: Int64.self))))
                        }
                    case 4:
                        for _ in 0..<rows {
                            let length = try reader.varint(atMost: bytes.count)
                            columns[index].append(text: String(decoding: try reader.take(length), as: UTF8.self))
                        }
                    default:
                        throw FrameEncoding.DecodingError(description: "unknown column type \(type)")
                    }
                }
            }
        }
        guard reader.offset == bytes.count else {
            throw FrameEncoding.DecodingError(description: "\(bytes.count - reader.offset) bytes after the last column")
        }
        return (rows, filled)
    }

    /// A bounds-checked reader over borrowed bytes.
    struct RawReader: VarintReading {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        mutating func byte() throws -> UInt8 {
            guard offset < bytes.count else { throw truncated }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func take(_ n: Int) throws -> UnsafeRawBufferPointer {
            guard n <= bytes.count - offset else { throw truncated }
            defer { offset += n }
            return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)])
        }

        var truncated: FrameEncoding.DecodingError {
            FrameEncoding.DecodingError(description: "the data ends early (at byte \(offset) of \(bytes.count))")
        }
    }
}
