/// A strict JSON parser (RFC 8259) over UTF-8 bytes, plus the bare `NaN`, `Infinity` and
/// `-Infinity` literals that Python's `json` module writes.
///
/// Written for request bodies: it keeps integers exact and reports the byte offset of the
/// first error, which the API returns to the client.
public struct JSONParser {
    public struct SyntaxError: Error, CustomStringConvertible {
        public let offset: Int
        public let reason: String
        public var description: String { "\(reason) at byte \(offset)" }
    }

    /// The input, valid for the parse only (``parse(_:)`` holds it).
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    /// Elements and members of the arrays and objects being parsed, innermost last: each
    /// container is copied out at its close at its exact size, so a 20-number array costs one
    /// allocation instead of one per doubling.
    private var pendingElements: [JSONValue] = []
    private var pendingMembers: [(String, JSONValue)] = []

    /// Parses `input` in place when its bytes are contiguous (an array, a request body's
    /// buffer), otherwise from a copy.
    public static func parse<Bytes: Collection>(_ input: Bytes) throws -> JSONValue where Bytes.Element == UInt8 {
        if let value = try input.withContiguousStorageIfAvailable(parse(buffer:)) { return value }
        return try Array(input).withUnsafeBufferPointer(parse(buffer:))
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>) throws -> JSONValue {
        var parser = JSONParser(bytes: buffer)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else { throw parser.error("unexpected data after the JSON value") }
        return value
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        pendingElements.reserveCapacity(64)
        pendingMembers.reserveCapacity(16)
    }

    private func error(_ reason: String) -> SyntaxError {
        SyntaxError(offset: index, reason: reason)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "N"): try expect("NaN"); return .double(.nan)
        case UInt8(ascii: "I"): try expect("Infinity"); return .double(.infinity)
        default: return try parseNumber()
        }
    }

    private mutating func expect(_ literal: String) throws {
        for byte in literal.utf8 {
            guard index < bytes.count, bytes[index] == byte else { throw error("invalid literal, expected '\(literal)'") }
            index += 1
        }
    }

    private mutating func nest() throws {
        depth += 1
        if depth > 512 { throw error("nesting too deep") }
    }

    private mutating func parseObject() throws -> JSONValue {
        try nest()
        defer { depth -= 1 }
        index += 1
        let base = pendingMembers.count
        defer { pendingMembers.removeSubrange(base...) }
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object([]) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a quoted member name") }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
            index += 1
            skipWhitespace()
            let member = try parseValue()
            pendingMembers.append((key, member))
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(Self.copy(pendingMembers[base...])) }
            throw error("expected ',' or '}'")
        }
    }

    private mutating func parseArray() throws -> JSONValue {
        try nest()
        defer { depth -= 1 }
        index += 1
        let base = pendingElements.count
        defer { pendingElements.removeSubrange(base...) }
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array([]) }
        while true {
            skipWhitespace()
            let element = try parseValue()
            pendingElements.append(element)
            skipWhitespace()
            guard index < bytes.count else { throw error("unterminated array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(Self.copy(pendingElements[base...])) }
            throw error("expected ',' or ']'")
        }
    }

    /// A container's items in an array of their own. `Array(slice)` would hand back the
    /// pending stack's own buffer when the slice spans all of it (the outermost container),
    /// and the stack, no longer unique, would then be copied to drop them.
    private static func copy<Item>(_ items: ArraySlice<Item>) -> [Item] {
        [Item](unsafeUninitializedCapacity: items.count) { buffer, count in
            count = buffer.initialize(fromContentsOf: items)
        }
    }

    private mutating func parseString() throws -> String {
        index += 1
        let start = index
        // Fast path: no escapes.
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\"), bytes[index] >= 0x20 {
            index += 1
        }
        guard index < bytes.count else { throw error("unterminated string") }
        if bytes[index] == UInt8(ascii: "\"") {
            defer { index += 1 }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
        var scalars: [UInt8] = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: scalars, as: UTF8.self)
            }
            guard byte >= 0x20 else { throw error("control character in string") }
            if byte != UInt8(ascii: "\\") {
                scalars.append(byte)
                index += 1
                continue
            }
            index += 1
            guard index < bytes.count else { throw error("unterminated escape") }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): scalars.append(0x22)
            case UInt8(ascii: "\\"): scalars.append(0x5C)
            case UInt8(ascii: "/"): scalars.append(0x2F)
            case UInt8(ascii: "b"): scalars.append(0x08)
            case UInt8(ascii: "f"): scalars.append(0x0C)
            case UInt8(ascii: "n"): scalars.append(0x0A)
            case UInt8(ascii: "r"): scalars.append(0x0D)
            case UInt8(ascii: "t"): scalars.append(0x09)
            case UInt8(ascii: "u"):
                var code = try parseHex4()
                if (0xD800..<0xDC00).contains(code) {
                    // A surrogate pair encodes one scalar beyond the BMP.
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw error("unpaired surrogate")
                    }
                    index += 2
                    let low = try parseHex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw error("invalid low surrogate") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(code) else { throw error("invalid unicode escape") }
                scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
            default:
                throw error("invalid escape")
            }
        }
        throw error("unterminated string")
    }

    private mutating func parseHex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("short unicode escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// Powers of ten that a Double holds exactly.
    private static let exactPowersOfTen: [Double] = (0...22).map { pow10 in (0..<pow10).reduce(1.0) { v, _ in v * 10 } }

    /// The number without making a String, when it is plainly written and needs no
    /// rounding work: an integer of up to 18 digits, or a decimal whose digits fit in 53 bits
    /// and whose exponent is within ±22. Then one multiplication or division of two exact
    /// values is correctly rounded, so this equals what `Double(String)` gives (Clinger's
    /// fast path, "How to Read Floating Point Numbers Accurately", 1990). Anything else:
    /// nil, and the caller takes the general route.
    public static func quickNumber(_ text: UnsafeBufferPointer<UInt8>) -> JSONValue? {
        let zero = UInt8(ascii: "0")
        var i = 0
        let end = text.count
        guard end > 0 else { return nil }
        let negative = text[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var mantissa: UInt64 = 0, significant = 0, scale = 0, integerDigits = 0
        while i < end, text[i] &- zero < 10 {
            mantissa = mantissa &* 10 &+ UInt64(text[i] &- zero)
            if mantissa > 0 { significant += 1 }
            integerDigits += 1
            i += 1
        }
        guard integerDigits > 0, significant <= 18 else { return nil }
        if i == end { return .int(negative ? -Int64(mantissa) : Int64(mantissa)) }
        if text[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < end, text[i] &- zero < 10 {
                mantissa = mantissa &* 10 &+ UInt64(text[i] &- zero)
                if mantissa > 0 { significant += 1 }
                scale -= 1
                guard significant <= 18 else { return nil }
                i += 1
            }
            guard i > fractionStart else { return nil }
        }
        if i < end, text[i] == UInt8(ascii: "e") || text[i] == UInt8(ascii: "E") {
            i += 1
            var exponentNegative = false
            if i < end, text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-") {
                exponentNegative = text[i] == UInt8(ascii: "-")
                i += 1
            }
            let exponentStart = i
            var exponent = 0
            while i < end, text[i] &- zero < 10, i - exponentStart < 4 {
                exponent = exponent * 10 + Int(text[i] &- zero)
                i += 1
            }
            guard i > exponentStart else { return nil }
            scale += exponentNegative ? -exponent : exponent
        }
        guard i == end, mantissa <= 1 << 53, (-22...22).contains(scale) else { return nil }
        let magnitude = scale < 0 ? Double(mantissa) / exactPowersOfTen[-scale] : Double(mantissa) * exactPowersOfTen[scale]
        return .double(negative ? -magnitude : magnitude)
    }

    private mutating func parseNumber() throws -> JSONValue {
        let start = index
        if bytes[index] == UInt8(ascii: "-") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "I") {
                try expect("Infinity")
                return .double(-.infinity)
            }
        }
        var isInteger = true
        var sawDigit = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                sawDigit = true
            } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
                        || ((byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")) && index > start) {
                isInteger = false
            } else {
                break
            }
            index += 1
        }
        guard sawDigit else { index = start; throw error("invalid value") }
        let end = index
        if let quick = Self.quickNumber(UnsafeBufferPointer(rebasing: bytes[start..<end])) {
            return quick
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let integer = Int64(text) { return .int(integer) }
        guard let double = Double(text) else { index = start; throw error("invalid number '\(text)'") }
        return .double(double)
    }
}
