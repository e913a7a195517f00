import CapstanInference
import CapstanJSON
import CapstanServing
import NIOCore

/// Tensor values in and out of the protocol's two encodings: JSON arrays (flat or nested,
/// row-major) and raw little-endian bytes (the binary extension; BYTES elements carry a
/// 4-byte length prefix).
enum OIPTensorCodec {
    static func decode(json data: JSONValue, type: OIPDatatype, count: Int, input: String) throws -> FeatureFrame.Column {
        var flat: [JSONValue] = []
        func flatten(_ value: JSONValue) {
            if case .array(let items) = value { items.forEach(flatten) } else { flat.append(value) }
        }
        if case .array(let items) = data, !items.contains(where: { if case .array = $0 { true } else { false } }) {
            flat = items  // already flat, as clients usually send it
        } else {
            // The shape is the caller's claim; the data decides how much memory this takes.
            flat.reserveCapacity(min(count, 1 << 16))
            flatten(data)
        }
        guard flat.count == count else {
            throw OIPError.badRequest("input '\(input)' has \(flat.count) values; its shape needs \(count)")
        }
        func number(_ value: JSONValue, at index: Int) throws -> Double {
            switch value {
            case .int(let i): return Double(i)
            case .double(let d): return d
            default: throw OIPError.badRequest("input '\(input)' value \(index) is not a number (datatype \(type.rawValue))")
            }
        }
        switch type {
        case .fp32: return .float32(try flat.enumerated().map { Float(try number($1, at: $0)) })
        case .fp64: return .float64(try flat.enumerated().map { try number($1, at: $0) })
        case .bytes:
            return .string(try flat.enumerated().map { index, value in
                guard case .string(let s) = value else { throw OIPError.badRequest("input '\(input)' value \(index) is not a string (datatype BYTES)") }
                return s
            })
        case .bool:
            return .int64(try flat.enumerated().map { index, value in
                guard case .bool(let b) = value else { throw OIPError.badRequest("input '\(input)' value \(index) is not true or false (datatype BOOL)") }
                return b ? 1 : 0
            })
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64:
            return .int64(try flat.enumerated().map { index, value in
                guard case .int(let i) = value else { throw OIPError.badRequest("input '\(input)' value \(index) is not an integer (datatype \(type.rawValue))") }
                return i
            })
        case .fp16, .bf16:
            throw OIPError.badRequest("input '\(input)': datatype \(type.rawValue) is not supported; send FP32")
        }
    }

    static func decode(binary bytes: ByteBufferView.SubSequence, type: OIPDatatype, count: Int, input: String) throws -> FeatureFrame.Column {
        let raw = Array(bytes)
        if type == .bytes {
            var strings: [String] = []
            strings.reserveCapacity(min(count, raw.count / 4))
            var offset = 0
            while offset < raw.count {
                guard offset + 4 <= raw.count else { throw OIPError.badRequest("input '\(input)': a BYTES element's length is cut off") }
                let length = Int(UInt32(raw[offset]) | UInt32(raw[offset + 1]) << 8 | UInt32(raw[offset + 2]) << 16 | UInt32(raw[offset + 3]) << 24)
                offset += 4
                guard offset + length <= raw.count else { throw OIPError.badRequest("input '\(input)': a BYTES element runs past the data") }
                strings.append(String(decoding: raw[offset..<(offset + length)], as: UTF8.self))
                offset += length
            }
            guard strings.count == count else {
                throw OIPError.badRequest("input '\(input)' has \(strings.count) BYTES elements; its shape needs \(count)")
            }
            return .string(strings)
        }
        guard let width = type.width, type != .fp16, type != .bf16 else {
            throw OIPError.badRequest("input '\(input)': datatype \(type.rawValue) is not supported; send FP32")
        }
        guard raw.count == count * width else {
            throw OIPError.badRequest("input '\(input)' has \(raw.count) bytes; shape and datatype \(type.rawValue) need \(count * width)")
        }
        return raw.withUnsafeBytes { buffer in
            func read<T: FixedWidthInteger>(_: T.Type, _ i: Int) -> T { T(littleEndian: buffer.loadUnaligned(fromByteOffset: i * width, as: T.self)) }
            switch type {
            case .fp32: return .float32((0..<count).map { Float(bitPattern: read(UInt32.self, $0)) })
            case .fp64: return .float64((0..<count).map { Double(bitPattern: read(UInt64.self, $0)) })
            case .bool, .uint8: return .int64((0..<count).map { Int64(read(UInt8.self, $0)) })
            case .int8: return .int64((0..<count).map { Int64(read(Int8.self, $0)) })
            case .int16: return .int64((0..<count).map { Int64(read(Int16.self, $0)) })
            case .uint16: return .int64((0..<count).map { Int64(read(UInt16.self, $0)) })
            case .int32: return .int64((0..<count).map { Int64(read(Int32.self, $0)) })
            case .uint32: return .int64((0..<count).map { Int64(read(UInt32.self, $0)) })
            case .int64: return .int64((0..<count).map { read(Int64.self, $0) })
            case .uint64: return .int64((0..<count).map { Int64(truncatingIfNeeded: read(UInt64.self, $0)) })
            case .fp16, .bf16, .bytes: return .int64([])  // excluded above
            }
        }
    }

    /// An answer's tensor as a flat JSON array in row-major order, read from the frame's
    /// `columns` that it spans.
    static func write(_ tensor: TensorFrames.OutputTensor, of columns: [FeatureFrame.Column], rows: Int, into json: inout JSONStream) {
        json.beginArray()
        for r in 0..<rows {
            for c in tensor.columns {
                switch columns[c] {
                case .float32(let v): json.float(v[r])
                case .float64(let v): json.value(.double(v[r]))
                case .int64(let v): json.int(v[r])
                case .string(let v): json.string(v[r])
                }
            }
        }
        json.endArray()
    }
}
