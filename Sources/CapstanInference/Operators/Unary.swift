import Foundation

/// Elementwise functions of one input: activations (`Relu`, `LeakyRelu`, `Sigmoid`,
/// `Tanh`, `Softplus`, `HardSigmoid`, `Elu`) and math (`Exp`, `Log`, `Sqrt`, `Abs`, `Neg`,
/// `Reciprocal`, `Floor`, `Ceil`, `Round`, `Erf`, `Sign`).
struct Unary: Kernel {
    let opType: String
    let alpha: Double
    let beta: Double

    static let supported: Set<String> = ["Relu", "LeakyRelu", "Sigmoid", "Tanh", "Softplus", "HardSigmoid", "Elu",
                                         "Exp", "Log", "Sqrt", "Abs", "Neg", "Reciprocal", "Floor", "Ceil",
                                         "Round", "Erf", "Sign"]

    init(_ context: NodeContext) throws {
        opType = context.node.opType
        guard Self.supported.contains(opType) else { throw context.unsupported("not an elementwise function") }
        let defaultAlpha: Float = switch opType {
        case "LeakyRelu": 0.01
        case "HardSigmoid": 0.2
        default: 1.0
        }
        alpha = Double(try context.float("alpha", default: defaultAlpha))
        beta = Double(try context.float("beta", default: 0.5))
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try inputs.tensor(0)
        switch x.data {
        case .float(let v) where opType == "Tanh": return [.tensor(Tensor(shape: x.shape, floats: v.elementwise(Self.tanh)))]
        case .float(let v): return [.tensor(Tensor(shape: x.shape, floats: try apply(v)))]
        case .double(let v): return [.tensor(Tensor(shape: x.shape, doubles: try apply(v)))]
        case .int64(let v) where ["Abs", "Neg", "Sign", "Relu"].contains(opType):
            return [.tensor(Tensor(shape: x.shape, int64s: integer(v)))]
        case .int32(let v) where ["Abs", "Neg", "Sign", "Relu"].contains(opType):
            return [.tensor(Tensor(shape: x.shape, data: .int32(integer(v))))]
        default:
            throw KernelError("\(opType) does not take \(x.elementType)")
        }
    }

    private func apply<T: BinaryFloatingPoint & ElementaryFunctionsCompatible>(_ v: [T]) throws -> [T] {
        let a = T(alpha), b = T(beta)
        switch opType {
        case "Relu": return v.elementwise { Swift.max($0, 0) }
        case "LeakyRelu": return v.elementwise { $0 >= 0 ? $0 : a * $0 }
        case "Sigmoid": return v.elementwise { Self.sigmoid($0) }
        case "Tanh": return v.elementwise { T.hyperbolicTangent($0) }
        case "Softplus": return v.elementwise { $0 > 0 ? $0 + T.logarithm(1 + T.exponential(-$0)) : T.logarithm(1 + T.exponential($0)) }
        case "HardSigmoid": return v.elementwise { Swift.max(0, Swift.min(1, a * $0 + b)) }
        case "Elu": return v.elementwise { $0 >= 0 ? $0 : a * (T.exponential($0) - 1) }
        case "Exp": return v.elementwise { T.exponential($0) }
        case "Log": return v.elementwise { T.logarithm($0) }
        case "Sqrt": return v.elementwise { $0.squareRoot() }
        case "Abs": return v.elementwise { Swift.abs($0) }
        case "Neg": return v.elementwise { -$0 }
        case "Reciprocal": return v.elementwise { 1 / $0 }
        case "Floor": return v.elementwise { $0.rounded(.down) }
        case "Ceil": return v.elementwise { $0.rounded(.up) }
        case "Round": return v.elementwise { $0.rounded(.toNearestOrEven) }
        case "Erf": return v.elementwise { T.errorFunction($0) }
        case "Sign": return v.elementwise { $0 > 0 ? 1 : $0 < 0 ? -1 : 0 }
        default: throw KernelError("\(opType) is not an elementwise function")
        }
    }

    private func integer<T: FixedWidthInteger & SignedInteger>(_ v: [T]) -> [T] {
        switch opType {
        case "Abs": v.map { $0 < 0 ? 0 &- $0 : $0 }
        case "Neg": v.map { 0 &- $0 }
        case "Relu": v.map { Swift.max($0, 0) }
        default: v.map { $0.signum() }
        }
    }

    /// tanh for float32 as a rational function of x² (the approximation Eigen and
    /// onnxruntime's MLAS use; within a few ulp of tanhf), which vectorises where libm's
    /// tanhf is a per-element call.
    @inline(__always)
    static func tanh(_ value: Float) -> Float {
        let x = Swift.min(Swift.max(value, -7.90531110763549805), 7.90531110763549805)
        let x2 = x * x
        var p: Float = -2.76076847742355e-16
        p = p * x2 + 2.00018790482477e-13
        p = p * x2 - 8.60467152213735e-11
        p = p * x2 + 5.12229709037114e-08
        p = p * x2 + 1.48572235717979e-05
        p = p * x2 + 6.37261928875436e-04
        p = p * x2 + 4.89352455891786e-03
        var q: Float = 1.19825839466702e-06
        q = q * x2 + 1.18534705686654e-04
        q = q * x2 + 2.26843463243900e-03
        q = q * x2 + 4.89352518554385e-03
        let small = Swift.abs(value) < 0.0004
        return small ? value : x * p / q
    }

    /// The logistic function, evaluated so that neither tail overflows.
    static func sigmoid<T: BinaryFloatingPoint & ElementaryFunctionsCompatible>(_ x: T) -> T {
        if x >= 0 { return 1 / (1 + T.exponential(-x)) }
        let e = T.exponential(x)
        return e / (1 + e)
    }
}

/// `Clip`: limits values to [min, max]; bounds are attributes before opset 11, inputs after.
struct Clip: Kernel {
    let minAttribute: Float?
    let maxAttribute: Float?

    init(_ context: NodeContext) throws {
        if context.opset < 11 {
            minAttribute = try context.float("min") ?? -Float.greatestFiniteMagnitude
            maxAttribute = try context.float("max") ?? Float.greatestFiniteMagnitude
        } else {
            minAttribute = nil
            maxAttribute = nil
        }
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try inputs.tensor(0)
        let low = try bound(inputs, 1, attribute: minAttribute, type: x.elementType)
        let high = try bound(inputs, 2, attribute: maxAttribute, type: x.elementType)
        // An omitted bound is the type's extreme finite value, as the spec defines it.
        switch x.data {
        case .float(let v):
            let lo = low.map { Float($0) } ?? -.greatestFiniteMagnitude, hi = high.map { Float($0) } ?? .greatestFiniteMagnitude
            return [.tensor(Tensor(shape: x.shape, floats: v.map { Swift.min(Swift.max($0, lo), hi) }))]
        case .double(let v):
            let lo = low ?? -.greatestFiniteMagnitude, hi = high ?? .greatestFiniteMagnitude
            return [.tensor(Tensor(shape: x.shape, doubles: v.map { Swift.min(Swift.max($0, lo), hi) }))]
        case .int64(let v):
            let lo = low.map { Int64($0) } ?? .min, hi = high.map { Int64($0) } ?? .max
            return [.tensor(Tensor(shape: x.shape, int64s: v.map { Swift.min(Swift.max($0, lo), hi) }))]
        default:
            throw KernelError("Clip does not take \(x.elementType)")
        }
    }

    private func bound(_ inputs: [Value?], _ index: Int, attribute: Float?, type: ElementType) throws -> Double? {
        if let attribute { return Double(attribute) }
        guard let tensor = try inputs.optionalTensor(index) else { return nil }
        guard tensor.count == 1 else { throw KernelError("Clip bounds must be scalars") }
        return try tensor.asDoubles()[0]
    }
}

/// `Where`: picks from X where the condition holds and from Y elsewhere, with broadcasting.
struct Where: Kernel {
    init(_ context: NodeContext) throws {}

    func run(_ inputs: [Value?]) throws -> [Value] {
        let condition = try inputs.tensor(0), x = try inputs.tensor(1), y = try inputs.tensor(2)
        guard case .bool(let c) = condition.data else { throw KernelError("Where needs a boolean condition") }
        guard x.elementType == y.elementType else { throw KernelError("Where needs X and Y of one type") }
        let shape = try Broadcast.shape(Broadcast.shape(condition.shape, x.shape), y.shape)
        let ci = Broadcast.sourceIndices(from: condition.shape, to: shape)
        let xi = Broadcast.sourceIndices(from: x.shape, to: shape)
        let yi = Broadcast.sourceIndices(from: y.shape, to: shape)
        // Gather each side at the positions it wins, then interleave by the condition.
        let picks = (0..<ci.count).map { c[ci[$0]] }
        let merged = TensorData.concatenating([x.data.gathering(xi), y.data.gathering(yi)])
        let count = ci.count
        return [.tensor(Tensor(shape: shape, data: merged.gathering((0..<count).map { picks[$0] ? $0 : count + $0 })))]
    }
}
