import Foundation

/// `Add`, `Sub`, `Mul`, `Div`, `Pow`, `Mod`: elementwise arithmetic with broadcasting.
struct Arithmetic: Kernel {
    enum Operation: String {
        case add = "Add", sub = "Sub", mul = "Mul", div = "Div", pow = "Pow"
    }

    let operation: Operation

    init(_ context: NodeContext) throws {
        guard let operation = Operation(rawValue: context.node.opType) else {
            throw context.unsupported("not an arithmetic operator")
        }
        self.operation = operation
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let a = try inputs.tensor(0)
        var b = try inputs.tensor(1)
        if operation == .pow && b.elementType != a.elementType {
            b = try Cast.convert(b, to: a.elementType)
        }
        switch (a.data, b.data) {
        case (.float(let x), .float(let y)): return [.tensor(try floating(x, a.shape, y, b.shape, wrap: TensorData.float))]
        case (.double(let x), .double(let y)): return [.tensor(try floating(x, a.shape, y, b.shape, wrap: TensorData.double))]
        case (.int64(let x), .int64(let y)): return [.tensor(try integer(x, a.shape, y, b.shape, wrap: TensorData.int64))]
        case (.int32(let x), .int32(let y)): return [.tensor(try integer(x, a.shape, y, b.shape, wrap: TensorData.int32))]
        default:
            throw KernelError("\(operation.rawValue) needs two numeric inputs of one type, got \(a.elementType) and \(b.elementType)")
        }
    }

    private func floating<T: BinaryFloatingPoint & ElementaryFunctionsCompatible>(
        _ x: [T], _ xs: [Int], _ y: [T], _ ys: [Int], wrap: ([T]) -> TensorData
    ) throws -> Tensor {
        let (values, shape): ([T], [Int])
        switch operation {
        case .add: (values, shape) = try Broadcast.apply(x, xs, y, ys, +)
        case .sub: (values, shape) = try Broadcast.apply(x, xs, y, ys, -)
        case .mul: (values, shape) = try Broadcast.apply(x, xs, y, ys, *)
        case .div: (values, shape) = try Broadcast.apply(x, xs, y, ys, /)
        case .pow: (values, shape) = try Broadcast.apply(x, xs, y, ys) { T.power($0, $1) }
        }
        return Tensor(shape: shape, data: wrap(values))
    }

    private func integer<T: FixedWidthInteger>(
        _ x: [T], _ xs: [Int], _ y: [T], _ ys: [Int], wrap: ([T]) -> TensorData
    ) throws -> Tensor {
        let (values, shape): ([T], [Int])
        switch operation {
        case .add: (values, shape) = try Broadcast.apply(x, xs, y, ys, &+)
        case .sub: (values, shape) = try Broadcast.apply(x, xs, y, ys, &-)
        case .mul: (values, shape) = try Broadcast.apply(x, xs, y, ys, &*)
        case .div:
            if y.contains(0) { throw KernelError("integer division by zero") }
            (values, shape) = try Broadcast.apply(x, xs, y, ys, /)
        case .pow:
            (values, shape) = try Broadcast.apply(x, xs, y, ys) { base, exponent in
                T(Foundation.pow(Double(base), Double(exponent)))
            }
        }
        return Tensor(shape: shape, data: wrap(values))
    }
}

/// The elementary functions kernels need, for `Float` and `Double` alike.
protocol ElementaryFunctionsCompatible {
    static func power(_ x: Self, _ y: Self) -> Self
    static func exponential(_ x: Self) -> Self
    static func logarithm(_ x: Self) -> Self
    static func hyperbolicTangent(_ x: Self) -> Self
    static func errorFunction(_ x: Self) -> Self
}

extension Float: ElementaryFunctionsCompatible {
    static func power(_ x: Float, _ y: Float) -> Float { Foundation.powf(x, y) }
    static func exponential(_ x: Float) -> Float { Foundation.expf(x) }
    static func logarithm(_ x: Float) -> Float { Foundation.logf(x) }
    static func hyperbolicTangent(_ x: Float) -> Float { Foundation.tanhf(x) }
    static func errorFunction(_ x: Float) -> Float { Foundation.erff(x) }
}

extension Double: ElementaryFunctionsCompatible {
    static func power(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
    static func exponential(_ x: Double) -> Double { Foundation.exp(x) }
    static func logarithm(_ x: Double) -> Double { Foundation.log(x) }
    static func hyperbolicTangent(_ x: Double) -> Double { Foundation.tanh(x) }
    static func errorFunction(_ x: Double) -> Double { Foundation.erf(x) }
}
