import CapstanInference
import CapstanJSON
import Foundation
import Synchronization

/// The prediction log's binary form of a frame: every logged prediction's inputs and
/// outputs are stored this way.
///
/// Why not JSON: the log is written on every request and read a million rows at a time by
/// monitors. Raw little-endian values are copied, not formatted or parsed, and a row of 20
/// floats takes about 100 bytes instead of 450. Columns named as one tensor's features
/// (`float_input_0 … float_input_19`, or pandas' `0 … 19`) share one header.
///
/// Layout (integers are unsigned LEB128 varints):
///
///     0xCF 0x01                       magic, version
///     rows, groups
///     per group of columns:
///       prefix length, prefix (UTF-8)
///       count                         0: one column named `prefix`; n: the n columns
///       start (only when count > 0)      prefix+start … prefix+(start+n-1)
///       type                          1 float32, 2 float64, 3 int64, 4 string
///       values, column after column   4 or 8 bytes each; strings as length + UTF-8
///
/// Rows the log kept as JSON text (`{"columns": [...], "data": [[...]]}`, before this
/// encoding) still decode.
public enum FrameEncoding {
    static let magic: UInt8 = 0xCF
    static let version: UInt8 = 1
    /// More columns than any frame the log is given: requests are held to
    /// `TensorFrames.maxFeatures`, and outputs are narrower in practice.
    static let maxColumns = 4 * TensorFrames.maxFeatures

    public struct DecodingError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func encode(_ frame: FeatureFrame) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16 + frame.names.count * (4 + 8 * frame.rowCount))
        out.append(magic)
        out.append(version)
        writeVarint(UInt64(frame.rowCount), into: &out)
        let groups = self.cachedGroups(frame)
        let block = frame.rowMajorValues
        writeVarint(UInt64(groups.count), into: &out)
        for group in groups {
            writeVarint(UInt64(group.prefix.utf8.count), into: &out)
            out.append(contentsOf: group.prefix.utf8)
            writeVarint(UInt64(group.count), into: &out)
            if group.count > 0 { writeVarint(UInt64(group.start), into: &out) }
            out.append(typeCode(frame, group.first))
            for index in group.first..<(group.first + max(group.count, 1)) {
                if let block {
                    write(block, from: index, step: frame.names.count, into: &out)
                } else {
                    write(frame.column(at: index), into: &out)
                }
            }
        }
        return out
    }

    public static func decode(_ bytes: [UInt8]) throws -> FeatureFrame {
        if bytes.first == UInt8(ascii: "{") { return try decodeLegacyJSON(bytes) }
        var reader = Reader(bytes: bytes)
        guard try reader.byte() == magic, try reader.byte() == version else {
            throw DecodingError(description: "not a logged frame (unknown header)")
        }
        // Rows and column counts are bounded before anything is allocated: a frame with rows
        // takes at least a byte per value, and a frame without rows at most `maxColumns`.
        let rows = try reader.varint(atMost: bytes.count)
        let groupCount = try reader.varint(atMost: maxColumns)
        var columns: [(name: String, column: FeatureFrame.Column)] = []
        for _ in 0..<groupCount {
            let prefix = try reader.string()
            let count = try reader.varint(atMost: maxColumns)
            let start = count > 0 ? try reader.varint(atMost: 999_999_999) : 0
            let type = try reader.byte()
            guard columns.count + max(count, 1) <= maxColumns else {
                throw DecodingError(description: "more than \(maxColumns) columns")
            }
            for index in 0..<max(count, 1) {
                let name = count == 0 ? prefix : prefix + String(start + index)
                columns.append((name, try reader.column(type: type, rows: rows)))
            }
        }
        guard reader.atEnd else { throw DecodingError(description: "\(bytes.count - reader.offset) bytes after the last column") }
        do {
            return try FeatureFrame(columns)
        } catch {
            throw DecodingError(description: "\(error)")
        }
    }

    /// Columns in runs that share a header: consecutive, of one type, named prefix + n, n+1, ….
    struct Group: Sendable {
        var prefix: String
        var first: Int
        /// 0 for a single column named `prefix`.
        var count: Int
        var start: Int
    }

    /// Recent frame layouts, oldest first, and their groups. A deployment's requests share
    /// a layout, and so do its answers, so grouping runs once per layout instead of on every
    /// logged frame. A few layouts are kept because inputs and outputs alternate, and
    /// deployments interleave; a hit does not reorder them, as that would on every request.
    private static let recentLayouts = Mutex<[(names: [String], types: [UInt8], groups: [Group])]>([])
    private static let maxRecentLayouts = 8

    static func cachedGroups(_ frame: FeatureFrame) -> [Group] {
        if let hit = recentLayouts.withLock({ recent in recent.first { sameLayout($0.names, $0.types, frame) }?.groups }) {
            return hit
        }
        let groups = self.groups(frame)
        let types = frame.names.indices.map { typeCode(frame, $0) }
        recentLayouts.withLock { recent in
            if recent.count == maxRecentLayouts { recent.removeFirst() }
            recent.append((frame.names, types, groups))
        }
        return groups
    }

    private static func sameLayout(_ names: [String], _ types: [UInt8], _ frame: FeatureFrame) -> Bool {
        types.count == frame.names.count && types.indices.allSatisfy { types[$0] == typeCode(frame, $0) }
            && sameBytes(names, frame.names)
    }

    /// Names compared byte for byte: `String ==` treats "é" and "e\u{301}" as equal, and the
    /// log must give back the bytes it was given.
    static func sameBytes(_ a: [String], _ b: [String]) -> Bool {
        // Requests of one shape usually share one array of names (`ColumnNames`).
        let shared = a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress && x.count == y.count } }
        return shared || (a.count == b.count && zip(a, b).allSatisfy { sameBytes($0, $1) })
    }

    /// One memcmp over the two strings' UTF-8 (a generic `elementsEqual` over the views took
    /// 1% of a prediction's CPU).
    static func sameBytes(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in x.count == y.count && (x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) }
        }
    }

    static func groups(_ frame: FeatureFrame) -> [Group] {
        var groups: [Group] = []
        for (index, name) in frame.names.enumerated() {
            guard let (prefix, number) = numbered(name) else {
                groups.append(Group(prefix: name, first: index, count: 0, start: 0))
                continue
            }
            if var last = groups.last, last.count > 0, sameBytes(last.prefix, prefix), last.start + last.count == number,
               typeCode(frame, last.first) == typeCode(frame, index) {
                last.count += 1
                groups[groups.count - 1] = last
            } else {
                groups.append(Group(prefix: prefix, first: index, count: 1, start: number))
            }
        }
        return groups
    }

    /// `name` as prefix + a number written the way `String(Int)` writes it ("x_7", "12"),
    /// so decoding gives back the same name; nil for "x", "x_07".
    static func numbered(_ name: String) -> (prefix: String, number: Int)? {
        var name = name
        name.makeContiguousUTF8()
        return name.utf8.withContiguousStorageIfAvailable { bytes -> (prefix: String, number: Int)? in
            var digitsStart = bytes.count
            while digitsStart > 0, bytes[digitsStart - 1] &- UInt8(ascii: "0") < 10 { digitsStart -= 1 }
            let digits = bytes.count - digitsStart
            guard digits > 0, digits <= 9, digits == 1 || bytes[digitsStart] != UInt8(ascii: "0") else { return nil }
            let number = bytes[digitsStart...].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            return (String(decoding: bytes[..<digitsStart], as: UTF8.self), number)
        } ?? nil
    }

    static func typeCode(_ column: FeatureFrame.Column) -> UInt8 {
        switch column {
        case .float32: 1
        case .float64: 2
        case .int64: 3
        case .string: 4
        }
    }

    /// The type of column `index`, read without taking the column out of a block.
    static func typeCode(_ frame: FeatureFrame, _ index: Int) -> UInt8 {
        typeCode(frame.rowMajorValues ?? frame.column(at: index))
    }

    /// Every `step`-th value of `column` from `start`: all of a column, or one column of a
    /// row-major block.
    static func write(_ column: FeatureFrame.Column, from start: Int = 0, step: Int = 1, into out: inout [UInt8]) {
        func each<T>(_ values: [T], _ write: (T) -> Void) {
            for index in stride(from: start, to: values.count, by: step) { write(values[index]) }
        }
        switch column {
        case .float32(let values): each(values) { appendLittleEndian($0.bitPattern, into: &out) }
        case .float64(let values): each(values) { appendLittleEndian($0.bitPattern, into: &out) }
        case .int64(let values): each(values) { appendLittleEndian(UInt64(bitPattern: $0), into: &out) }
        case .string(let values):
            each(values) { value in
                writeVarint(UInt64(value.utf8.count), into: &out)
                out.append(contentsOf: value.utf8)
            }
        }
    }

    static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, into out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    static func writeVarint(_ value: UInt64, into out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    struct Reader: VarintReading {
        let bytes: [UInt8]
        var offset = 0

        var atEnd: Bool { offset == bytes.count }

        mutating func byte() throws -> UInt8 {
            guard offset < bytes.count else { throw truncated }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
            guard n <= bytes.count - offset else { throw truncated }
            defer { offset += n }
            return bytes[offset..<(offset + n)]
        }

        mutating func string() throws -> String {
            String(decoding: try take(try varint(atMost: bytes.count)), as: UTF8.self)
        }

        mutating func column(type: UInt8, rows: Int) throws -> FeatureFrame.Column {
            func fixed<T: FixedWidthInteger>(_: T.Type) throws -> [T] {
                let raw = try take(rows * MemoryLayout<T>.size)
                return raw.withUnsafeBytes { buffer in
                    (0..<rows).map { T(littleEndian: buffer.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) }
                }
            }
            switch type {
            case 1: return .float32(try fixed(UInt32.self).map(Float.init(bitPattern:)))
            case 2: return .float64(try fixed(UInt64.self).map(Double.init(bitPattern:)))
            case 3: return .int64(try fixed(UInt64.self).map { Int64(bitPattern: $0) })
            case 4: return .string(try (0..<rows).map { _ in try string() })
            default: throw DecodingError(description: "unknown column type \(type)")
            }
        }

        var truncated: DecodingError { DecodingError(description: "the data ends early (at byte \(offset) of \(bytes.count))") }
    }

    /// A frame the log stored as split JSON text: whole numbers become int64 columns, other
    /// numbers float64 (null as NaN), anything with text a string column.
    static func decodeLegacyJSON(_ bytes: [UInt8]) throws -> FeatureFrame {
        guard let json = try? JSONParser.parse(bytes), case .array(let names)? = json["columns"],
              case .array(let rows)? = json["data"] else {
            throw DecodingError(description: "not a logged frame (JSON without columns and data)")
        }
        // As the log wrote them: one cell per column in every row (which also bounds the
        // cells by the text's size).
        let table = try rows.map { row -> [JSONValue] in
            guard case .array(let cells) = row, cells.count == names.count else {
                throw DecodingError(description: "a row does not have one value per column")
            }
            return cells
        }
        var columns: [(name: String, column: FeatureFrame.Column)] = []
        for (index, nameValue) in names.enumerated() {
            guard case .string(let name) = nameValue else { throw DecodingError(description: "a column name is not a string") }
            let cells = table.map { $0[index] }
            let ints = cells.compactMap { if case .int(let i) = $0 { i } else { nil } }
            if ints.count == cells.count {
                columns.append((name, .int64(ints)))
            } else if cells.allSatisfy({ if case .string = $0 { false } else { true } }) {
                columns.append((name, .float64(cells.map { cell in
                    switch cell {
                    case .int(let i): Double(i)
                    case .double(let d): d
                    default: .nan
                    }
                })))
            } else {
                columns.append((name, .string(cells.map { cell in
                    if case .string(let s) = cell { s } else { String(decoding: JSONWriter.bytes(cell), as: UTF8.self) }
                })))
            }
        }
        do {
            return try FeatureFrame(columns)
        } catch {
            throw DecodingError(description: "\(error)")
        }
    }
}

/// A source of the log's bytes, from which its varints are read the same way whether the
/// bytes are an array (``FrameEncoding/decode(_:)``) or borrowed (``LoggedColumns``).
protocol VarintReading {
    mutating func byte() throws -> UInt8
}

extension VarintReading {
    /// A varint of at most `limit`, so a damaged value cannot ask for a huge allocation
    /// or overflow what is computed from it.
    mutating func varint(atMost limit: Int) throws -> Int {
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 7) {
            let b = try byte()
            value |= UInt64(b & 0x7F) << UInt64(shift)
            if b < 0x80 {
                guard value <= UInt64(limit) else { throw FrameEncoding.DecodingError(description: "a count (\(value)) is out of range") }
                return Int(value)
            }
        }
        throw FrameEncoding.DecodingError(description: "a count runs past 64 bits")
    }
}
