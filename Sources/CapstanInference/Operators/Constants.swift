/// `Shape`, `Size`, `Constant`, `ConstantOfShape`, `Expand`: operators whose outputs are
/// made from shapes or attributes rather than computed from element values.
struct Shape: Kernel {
    let start: Int
    let end: Int?

    init(_ context: NodeContext) throws {
        start = Int(try context.int("start", default: 0))
        end = try context.int("end").map { Int($0) }
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try inputs.tensor(0)
        func clamp(_ v: Int) -> Int { Swift.min(Swift.max(v < 0 ? v + x.rank : v, 0), x.rank) }
        let dims = x.shape[clamp(start)..<Swift.max(clamp(start), clamp(end ?? x.rank))].map { Int64($0) }
        return [.tensor(Tensor(shape: [dims.count], int64s: dims))]
    }
}

struct Size: Kernel {
    init(_ context: NodeContext) throws {}

    func run(_ inputs: [Value?]) throws -> [Value] {
        [.tensor(Tensor(shape: [], int64s: [Int64(try inputs.tensor(0).count)]))]
    }
}

struct Constant: Kernel {
    let value: Tensor

    init(_ context: NodeContext) throws {
        if let tensor = try context.tensor("value") {
            value = tensor
        } else if let v = try context.float("value_float") {
            value = Tensor(shape: [], floats: [v])
        } else if let v = try context.floats("value_floats") {
            value = Tensor(shape: [v.count], floats: v)
        } else if let v = try context.int("value_int") {
            value = Tensor(shape: [], int64s: [v])
        } else if let v = try context.ints("value_ints") {
            value = Tensor(shape: [v.count], int64s: v)
        } else if let v = try context.string("value_string") {
            value = Tensor(shape: [], strings: [v])
        } else if let v = try context.strings("value_strings") {
            value = Tensor(shape: [v.count], strings: v)
        } else {
            throw context.unsupported("Constant without a supported value attribute")
        }
    }

    func run(_ inputs: [Value?]) throws -> [Value] { [.tensor(value)] }
}

struct ConstantOfShape: Kernel {
    let fill: Tensor

    init(_ context: NodeContext) throws {
        fill = try context.tensor("value") ?? Tensor(shape: [1], floats: [0])
        guard fill.count == 1 else { throw context.invalidModel("ConstantOfShape value must hold one element") }
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let shape = try inputs.tensor(0).asInt64s().map { Int($0) }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw KernelError("negative dimension in \(shape)") }
        return [.tensor(Tensor(shape: shape, data: fill.data.gathering([Int](repeating: 0, count: shape.reduce(1, *)))))]
    }
}

struct Expand: Kernel {
    init(_ context: NodeContext) throws {}

    func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try inputs.tensor(0)
        let target = try inputs.tensor(1, "shape").asInt64s().map { Int($0) }
        let shape = try Broadcast.shape(x.shape, target)
        return [.tensor(Tensor(shape: shape, data: x.data.gathering(Broadcast.sourceIndices(from: x.shape, to: shape))))]
    }
}
