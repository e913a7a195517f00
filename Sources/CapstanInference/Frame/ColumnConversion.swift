/// Converts frame columns to the element types model inputs declare.
///
/// A conversion that would change meaning is refused with a message naming the column:
/// text into a numeric input, a fraction or a missing value into an integer input.
extension FeatureFrame.Column {
    func floats(column name: String, for input: String) throws -> [Float] {
        switch self {
        case .float32(let v): return v
        case .float64(let v): return v.map { Float($0) }
        case .int64(let v): return v.map { Float($0) }
        case .string: throw mismatch(name, input, expected: "float")
        }
    }

    /// The values as floats, written to every `stride`-th element of `matrix` from `offset`:
    /// one column of a row-major matrix, filled without an array per column.
    func writeFloats(into matrix: UnsafeMutableBufferPointer<Float>, offset: Int, stride: Int, column name: String, for input: String) throws {
        func write<T>(_ values: [T], _ convert: (T) -> Float) {
            for (row, value) in values.enumerated() { matrix[row * stride + offset] = convert(value) }
        }
        switch self {
        case .float32(let v): write(v) { $0 }
        case .float64(let v): write(v) { Float($0) }
        case .int64(let v): write(v) { Float($0) }
        case .string: throw mismatch(name, input, expected: "float")
        }
    }

    func doubles(column name: String, for input: String) throws -> [Double] {
        switch self {
        case .float32(let v): return v.map { Double($0) }
        case .float64(let v): return v
        case .int64(let v): return v.map { Double($0) }
        case .string: throw mismatch(name, input, expected: "double")
        }
    }

    func int64s(column name: String, for input: String) throws -> [Int64] {
        switch self {
        case .int64(let v): return v
        case .float32, .float64:
            let values = try doubles(column: name, for: input)
            return try values.enumerated().map { row, value in
                guard value.isFinite, value == value.rounded(), value.magnitude < 9.2e18 else {
                    throw InferenceError.invalidInput(
                        "column '\(name)' row \(row + 1) is \(value.isNaN ? "missing" : "not a whole number"); model input '\(input)' expects int64")
                }
                return Int64(value)
            }
        case .string: throw mismatch(name, input, expected: "int64")
        }
    }

    func strings(sourceText: [String]?) -> [String] {
        if let sourceText { return sourceText }
        switch self {
        case .string(let v): return v
        case .int64(let v): return v.map { $0.description }
        case .float32(let v): return v.map { $0.isNaN ? "" : $0.description }
        case .float64(let v): return v.map { $0.isNaN ? "" : $0.description }
        }
    }

    private func mismatch(_ name: String, _ input: String, expected: String) -> InferenceError {
        .invalidInput("column '\(name)' holds text; model input '\(input)' expects \(expected)")
    }
}

extension FeatureFrame.Column {
    /// The values as elements of `type`, for model input `input`; `name` is the column's,
    /// for messages, and `sourceText` what it was read from, if text.
    func data(as type: ElementType, column name: String, sourceText: [String]?, for input: String) throws -> TensorData {
        switch type {
        case .float: return .float(try floats(column: name, for: input))
        case .double: return .double(try doubles(column: name, for: input))
        case .int64: return .int64(try int64s(column: name, for: input))
        case .int32:
            return .int32(try int64s(column: name, for: input).map { value in
                guard let narrow = Int32(exactly: value) else {
                    throw InferenceError.invalidInput("column '\(name)' has a value too large for int32 input '\(input)'")
                }
                return narrow
            })
        case .bool: return .bool(try int64s(column: name, for: input).map { $0 != 0 })
        case .uint8:
            return .uint8(try int64s(column: name, for: input).map { value in
                guard let narrow = UInt8(exactly: value) else {
                    throw InferenceError.invalidInput("column '\(name)' has a value outside 0…255 for uint8 input '\(input)'")
                }
                return narrow
            })
        case .string: return .string(strings(sourceText: sourceText))
        }
    }
}

extension FeatureFrame {
    /// Column `index` as elements of `type`, for model input `input`.
    func data(column index: Int, as type: ElementType, for input: String) throws -> TensorData {
        try column(at: index).data(as: type, column: names[index], sourceText: sourceText(of: index), for: input)
    }

    /// All columns side by side as a row-major rows × columns matrix of doubles.
    func matrix(for input: String) throws -> [Double] {
        // A block is already row-major. All its values share one type, so text fails at the
        // first column, as it would column by column.
        if let values = rowMajorValues { return try values.doubles(column: names[0], for: input) }
        let parts = try columns.enumerated().map { try $1.doubles(column: names[$0], for: input) }
        var out = [Double](repeating: 0, count: rowCount * parts.count)
        for (c, part) in parts.enumerated() {
            for r in 0..<rowCount { out[r * parts.count + c] = part[r] }
        }
        return out
    }
}
