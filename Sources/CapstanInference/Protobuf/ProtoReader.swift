/// Reads the protobuf wire format: just enough to decode ONNX files without generated code.
///
/// ONNX models are protobuf messages; the handful of message types a runtime needs are
/// read field by field (see `ONNXDecoding`), which keeps the package free of a code
/// generator and of the fields nobody reads. Unknown fields are skipped, as protobuf requires.
struct ProtoReader {
    /// Wire types of the protobuf encoding.
    enum WireType: UInt8 {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, startGroup = 3, endGroup = 4, fixed32 = 5
    }

    private let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int
    private let end: Int

    /// A reader over `bytes[range]`; the buffer must outlive the reader.
    init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>? = nil) {
        self.bytes = bytes
        self.offset = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? bytes.count
    }

    var isAtEnd: Bool { offset >= end }

    /// The next field's number and wire type, or nil at the end of the message.
    mutating func nextField() throws(ProtoError) -> (number: Int, wireType: WireType)? {
        guard offset < end else { return nil }
        let key = try readVarint()
        guard let wireType = WireType(rawValue: UInt8(key & 7)) else { throw .malformed("wire type \(key & 7)") }
        let number = Int(key >> 3)
        guard number > 0 else { throw .malformed("field number 0") }
        return (number, wireType)
    }

    mutating func readVarint() throws(ProtoError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end else { throw .truncated }
            let byte = bytes[offset]
            offset += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
            guard shift < 64 else { throw .malformed("varint longer than 10 bytes") }
        }
    }

    mutating func readInt64() throws(ProtoError) -> Int64 { Int64(bitPattern: try readVarint()) }

    mutating func readInt32() throws(ProtoError) -> Int32 { Int32(truncatingIfNeeded: Int64(bitPattern: try readVarint())) }

    mutating func readFixed32() throws(ProtoError) -> UInt32 {
        guard end - offset >= 4 else { throw .truncated }
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        offset += 4
        return UInt32(littleEndian: value)
    }

    mutating func readFixed64() throws(ProtoError) -> UInt64 {
        guard end - offset >= 8 else { throw .truncated }
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        offset += 8
        return UInt64(littleEndian: value)
    }

    mutating func readFloat() throws(ProtoError) -> Float { Float(bitPattern: try readFixed32()) }

    mutating func readDouble() throws(ProtoError) -> Double { Double(bitPattern: try readFixed64()) }

    /// The byte range of a length-delimited field (a string, bytes, a sub-message or a packed array).
    mutating func readLengthDelimited() throws(ProtoError) -> Range<Int> {
        let length = try readVarint()
        guard length <= UInt64(end - offset) else { throw .truncated }
        let range = offset..<(offset + Int(length))
        offset = range.upperBound
        return range
    }

    mutating func readString() throws(ProtoError) -> String {
        let range = try readLengthDelimited()
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    mutating func readBytes() throws(ProtoError) -> [UInt8] {
        Array(bytes[try readLengthDelimited()])
    }

    /// A reader for the sub-message in the current length-delimited field.
    mutating func readMessage() throws(ProtoError) -> ProtoReader {
        ProtoReader(bytes, range: try readLengthDelimited())
    }

    /// Reads a repeated varint field in either encoding: packed (one length-delimited run)
    /// or one value per occurrence, as protobuf allows both.
    mutating func readVarints(_ wireType: WireType, into values: inout [Int64]) throws(ProtoError) {
        if wireType == .lengthDelimited {
            var packed = try readMessage()
            while !packed.isAtEnd { values.append(try packed.readInt64()) }
        } else {
            values.append(try readInt64())
        }
    }

    mutating func readFloats(_ wireType: WireType, into values: inout [Float]) throws(ProtoError) {
        if wireType == .lengthDelimited {
            var packed = try readMessage()
            values.reserveCapacity(values.count + (packed.end - packed.offset) / 4)
            while !packed.isAtEnd { values.append(try packed.readFloat()) }
        } else {
            values.append(try readFloat())
        }
    }

    mutating func readDoubles(_ wireType: WireType, into values: inout [Double]) throws(ProtoError) {
        if wireType == .lengthDelimited {
            var packed = try readMessage()
            values.reserveCapacity(values.count + (packed.end - packed.offset) / 8)
            while !packed.isAtEnd { values.append(try packed.readDouble()) }
        } else {
            values.append(try readDouble())
        }
    }

    /// Skips the value of a field this decoder does not read.
    mutating func skip(_ wireType: WireType) throws(ProtoError) {
        switch wireType {
        case .varint: _ = try readVarint()
        case .fixed64: _ = try readFixed64()
        case .fixed32: _ = try readFixed32()
        case .lengthDelimited: _ = try readLengthDelimited()
        case .startGroup, .endGroup: throw .malformed("protobuf groups are not used by ONNX")
        }
    }
}

/// A protobuf file that cannot be decoded.
enum ProtoError: Error, Equatable {
    case truncated
    case malformed(String)
}
