/// `Imputer`: replaces the missing-value marker (NaN matches NaN) with a per-feature or
/// single imputed value.
struct Imputer: Kernel {
    let floats: [Float]
    let int64s: [Int64]
    let replacedFloat: Float
    let replacedInt64: Int64

    init(_ context: NodeContext) throws {
        floats = try context.floats("imputed_value_floats") ?? []
        int64s = try context.ints("imputed_value_int64s") ?? []
        guard floats.isEmpty != int64s.isEmpty else {
            throw context.invalidModel("exactly one of imputed_value_floats and imputed_value_int64s must be given")
        }
        replacedFloat = try context.float("replaced_value_float", default: 0)
        replacedInt64 = try context.int("replaced_value_int64", default: 0)
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try inputs.tensor(0)
        guard x.rank >= 1 else { throw KernelError("Imputer needs at least 1-D input") }
        let stride = x.rank == 1 ? x.shape[0] : x.shape[1]
        switch x.data {
        case .float(let v):
            guard !floats.isEmpty else { throw KernelError("float input but only int64 imputed values") }
            let perFeature = floats.count == stride
            let y = v.enumerated().map { i, value -> Float in
                let replaced = (value.isNaN && replacedFloat.isNaN) || value == replacedFloat
                return replaced ? floats[perFeature ? i % stride : 0] : value
            }
            return [.tensor(Tensor(shape: x.shape, floats: y))]
        case .int64(let v):
            guard !int64s.isEmpty else { throw KernelError("int64 input but only float imputed values") }
            let perFeature = int64s.count == stride
            let y = v.enumerated().map { i, value in value == replacedInt64 ? int64s[perFeature ? i % stride : 0] : value }
            return [.tensor(Tensor(shape: x.shape, int64s: y))]
        default:
            throw KernelError("Imputer takes float or int64 input, got \(x.elementType)")
        }
    }
}
