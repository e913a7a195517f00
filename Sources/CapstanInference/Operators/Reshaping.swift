/// The operators that change a tensor's shape and leave its elements in place:
/// `Reshape`, `Flatten`, `Squeeze`, `Unsqueeze`, `Identity` (and `Dropout` at inference).
struct Reshaping: Kernel {
    enum Operation { case reshape(allowZero: Bool), flatten(axis: Int), squeeze(axes: [Int]?), unsqueeze(axes: [Int]?), identity }

    let operation: Operation

    init(_ context: NodeContext) throws {
        switch context.node.opType {
        case "Reshape":
            guard context.opset >= 5 else { throw context.unsupported("Reshape before opset 5 (shape as an attribute)") }
            operation = .reshape(allowZero: try context.int("allowzero", default: 0) != 0)
        case "Flatten": operation = .flatten(axis: Int(try context.int("axis", default: 1)))
        case "Squeeze":
            if context.opset < 13 {
                operation = .squeeze(axes: try context.ints("axes")?.map { Int($0) })
            } else {
                operation = .squeeze(axes: nil)
            }
        case "Unsqueeze":
            if context.opset < 13 {
                guard let axes = try context.ints("axes") else { throw context.invalidModel("Unsqueeze needs 'axes'") }
                operation = .unsqueeze(axes: axes.map { Int($0) })
            } else {
                operation = .unsqueeze(axes: nil)
            }
        case "Identity", "Dropout": operation = .identity
        default: throw context.unsupported("not a reshaping operator")
        }
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        if case .identity = operation {
            guard let value = inputs.first ?? nil else { throw KernelError("missing input") }
            return [value]
        }
        let x = try inputs.tensor(0)
        let shape: [Int]
        switch operation {
        case .reshape(let allowZero):
            shape = try Self.reshape(x.shape, to: try inputs.tensor(1, "shape").asInt64s(), allowZero: allowZero)
        case .flatten(let axis):
            let a = axis < 0 ? axis + x.rank : axis
            guard a >= 0 && a <= x.rank else { throw KernelError("Flatten axis \(axis) is out of range for rank \(x.rank)") }
            shape = [x.shape[..<a].reduce(1, *), x.shape[a...].reduce(1, *)]
        case .squeeze(let fixedAxes):
            let axes = try fixedAxes ?? inputs.optionalTensor(1)?.asInt64s().map { Int($0) }
            if let axes {
                let normalized = try Set(axes.map { try Self.axis($0, rank: x.rank) })
                for a in normalized where x.shape[a] != 1 {
                    throw KernelError("cannot squeeze axis \(a) of size \(x.shape[a])")
                }
                shape = x.shape.enumerated().filter { !normalized.contains($0.offset) }.map(\.element)
            } else {
                shape = x.shape.filter { $0 != 1 }
            }
        case .unsqueeze(let fixedAxes):
            let axes = try fixedAxes ?? inputs.tensor(1, "axes").asInt64s().map { Int($0) }
            let rank = x.rank + axes.count
            let normalized = try Set(axes.map { try Self.axis($0, rank: rank) })
            guard normalized.count == axes.count else { throw KernelError("Unsqueeze axes repeat") }
            var dims = x.shape.makeIterator()
            shape = (0..<rank).map { normalized.contains($0) ? 1 : dims.next() ?? 1 }
        case .identity:
            shape = x.shape
        }
        return [.tensor(x.reshaped(shape))]
    }

    static func axis(_ axis: Int, rank: Int) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0 && a < rank else { throw KernelError("axis \(axis) is out of range for rank \(rank)") }
        return a
    }

    /// Resolves a Reshape target: 0 copies the input's dimension (unless allowzero), -1 is inferred.
    static func reshape(_ input: [Int], to target: [Int64], allowZero: Bool) throws -> [Int] {
        var shape = try target.enumerated().map { index, dim -> Int in
            if dim == 0 && !allowZero {
                guard index < input.count else { throw KernelError("Reshape copies dimension \(index), which the input lacks") }
                return input[index]
            }
            guard dim >= -1 else { throw KernelError("Reshape dimension \(dim) is invalid") }
            return Int(dim)
        }
        let count = input.reduce(1, *)
        if let inferred = shape.firstIndex(of: -1) {
            guard shape.filter({ $0 == -1 }).count == 1 else { throw KernelError("Reshape infers more than one dimension") }
            let known = shape.enumerated().filter { $0.offset != inferred }.map(\.element).reduce(1, *)
            guard known > 0, count % known == 0 else { throw KernelError("cannot reshape \(input) to \(target)") }
            shape[inferred] = count / known
        }
        guard shape.reduce(1, *) == count else { throw KernelError("cannot reshape \(input) (\(count) elements) to \(shape)") }
        return shape
    }
}
