/// A dense n-dimensional array in row-major order.
///
/// Tensors are values (copy-on-write arrays underneath), so a kernel can never change a
/// tensor another kernel still reads. Scalars have the empty shape and one element.
public struct Tensor: Sendable, Equatable {
    public var shape: [Int]
    public var data: TensorData

    public init(shape: [Int], data: TensorData) {
        precondition(shape.reduce(1, *) == data.count, "shape \(shape) does not hold \(data.count) elements")
        self.shape = shape
        self.data = data
    }

    public init(shape: [Int], floats: [Float]) { self.init(shape: shape, data: .float(floats)) }
    public init(shape: [Int], doubles: [Double]) { self.init(shape: shape, data: .double(doubles)) }
    public init(shape: [Int], int64s: [Int64]) { self.init(shape: shape, data: .int64(int64s)) }
    public init(shape: [Int], strings: [String]) { self.init(shape: shape, data: .string(strings)) }
    public init(shape: [Int], bools: [Bool]) { self.init(shape: shape, data: .bool(bools)) }

    public var elementType: ElementType { data.elementType }
    public var count: Int { data.count }
    public var rank: Int { shape.count }

    /// The same elements under another shape with as many elements.
    func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, data: data)
    }
}

/// The elements of a ``Tensor``, one case per ``ElementType``.
public enum TensorData: Sendable, Equatable {
    case float([Float])
    case double([Double])
    case int64([Int64])
    case int32([Int32])
    case uint8([UInt8])
    case bool([Bool])
    case string([String])

    public var elementType: ElementType {
        switch self {
        case .float: .float
        case .double: .double
        case .int64: .int64
        case .int32: .int32
        case .uint8: .uint8
        case .bool: .bool
        case .string: .string
        }
    }

    public var count: Int {
        switch self {
        case .float(let v): v.count
        case .double(let v): v.count
        case .int64(let v): v.count
        case .int32(let v): v.count
        case .uint8(let v): v.count
        case .bool(let v): v.count
        case .string(let v): v.count
        }
    }

    /// The elements at `indices`, in that order (gathers, slices, transposes share this).
    func gathering(_ indices: [Int]) -> TensorData {
        switch self {
        case .float(let v): .float(indices.map { v[$0] })
        case .double(let v): .double(indices.map { v[$0] })
        case .int64(let v): .int64(indices.map { v[$0] })
        case .int32(let v): .int32(indices.map { v[$0] })
        case .uint8(let v): .uint8(indices.map { v[$0] })
        case .bool(let v): .bool(indices.map { v[$0] })
        case .string(let v): .string(indices.map { v[$0] })
        }
    }

    /// Concatenation of parts of the same element type (the caller checks the types).
    static func concatenating(_ parts: [TensorData]) -> TensorData {
        func all<T>(_ extract: (TensorData) -> [T]?) -> [T] {
            var out: [T] = []
            for part in parts { out.append(contentsOf: extract(part) ?? []) }
            return out
        }
        switch parts[0] {
        case .float: return .float(all { if case .float(let v) = $0 { return v }; return nil })
        case .double: return .double(all { if case .double(let v) = $0 { return v }; return nil })
        case .int64: return .int64(all { if case .int64(let v) = $0 { return v }; return nil })
        case .int32: return .int32(all { if case .int32(let v) = $0 { return v }; return nil })
        case .uint8: return .uint8(all { if case .uint8(let v) = $0 { return v }; return nil })
        case .bool: return .bool(all { if case .bool(let v) = $0 { return v }; return nil })
        case .string: return .string(all { if case .string(let v) = $0 { return v }; return nil })
        }
    }
}
