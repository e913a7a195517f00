import Foundation

/// `Cast` (and `CastLike`): converts every element to the target type as ONNX defines it —
/// floats to integers truncate toward zero, numbers to bool test for non-zero, strings
/// parse as numbers.
struct Cast: Kernel {
    let target: ElementType?

    init(_ context: NodeContext) throws {
        if context.node.opType == "CastLike" {
            target = nil
            return
        }
        guard let code = try context.int("to") else { throw context.invalidModel("Cast has no 'to' attribute") }
        guard let type = ElementType(onnxCode: Int32(code)) else {
            throw context.unsupported("casting to \(ElementType.onnxName(Int32(code))) is not supported")
        }
        target = type
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try inputs.tensor(0)
        let type = try target ?? inputs.tensor(1).elementType
        return [.tensor(try Self.convert(x, to: type))]
    }

    static func convert(_ x: Tensor, to type: ElementType) throws -> Tensor {
        if x.elementType == type { return x }
        let data: TensorData
        switch type {
        case .float: data = .float(try x.asDoubles().map { Float($0) })
        case .double: data = .double(try x.asDoubles())
        case .int64: data = .int64(try x.asInt64s())
        case .int32: data = .int32(try x.asInt64s().map { Int32(truncatingIfNeeded: $0) })
        case .uint8: data = .uint8(try x.asInt64s().map { UInt8(truncatingIfNeeded: $0) })
        case .bool:
            if case .string = x.data { throw KernelError("cannot cast strings to bool") }
            data = .bool(try x.asDoubles().map { $0 != 0 })
        case .string: data = .string(x.castStrings())
        }
        return Tensor(shape: x.shape, data: data)
    }
}

extension Tensor {
    /// The elements as doubles; strings must parse as numbers.
    func asDoubles() throws -> [Double] {
        switch data {
        case .float(let v): return v.map { Double($0) }
        case .double(let v): return v
        case .int64(let v): return v.map { Double($0) }
        case .int32(let v): return v.map { Double($0) }
        case .uint8(let v): return v.map { Double($0) }
        case .bool(let v): return v.map { $0 ? 1 : 0 }
        case .string(let v):
            return try v.map { text in
                guard let number = Double(text.trimmingCharacters(in: .whitespaces)) else {
                    throw KernelError("cannot convert the string '\(text.prefix(40))' to a number")
                }
                return number
            }
        }
    }

    /// The elements as floats, converting from any numeric type.
    func asFloats() throws -> [Float] {
        if case .float(let v) = data { return v }
        return try asDoubles().map { Float($0) }
    }

    /// The elements as 64-bit integers; fractions truncate toward zero, as ONNX's Cast does.
    func asInt64s() throws -> [Int64] {
        switch data {
        case .int64(let v): return v
        case .int32(let v): return v.map(Int64.init)
        case .uint8(let v): return v.map(Int64.init)
        case .bool(let v): return v.map { $0 ? 1 : 0 }
        default:
            return try asDoubles().map { value in
                guard value.isFinite, value.magnitude < 9.2e18 else { return Int64.min }
                return Int64(value.rounded(.towardZero))
            }
        }
    }

    /// The elements as text the way onnxruntime's Cast writes them: floats with 8 significant
    /// digits ("%.8g"), doubles with 17, "NaN", "INF" and "-INF".
    func castStrings() -> [String] {
        func format(_ value: Double, digits: Int) -> String {
            if value.isNaN { return "NaN" }
            if value.isInfinite { return value > 0 ? "INF" : "-INF" }
            return String(format: "%.\(digits)g", value)
        }
        switch data {
        case .float(let v): return v.map { format(Double($0), digits: 8) }
        case .double(let v): return v.map { format($0, digits: 17) }
        default: return asStrings()
        }
    }

    /// The elements as text (numbers in their shortest exact form).
    func asStrings() -> [String] {
        switch data {
        case .string(let v): v
        case .float(let v): v.map { $0.description }
        case .double(let v): v.map { $0.description }
        case .int64(let v): v.map { $0.description }
        case .int32(let v): v.map { $0.description }
        case .uint8(let v): v.map { $0.description }
        case .bool(let v): v.map { $0 ? "1" : "0" }
        }
    }
}
