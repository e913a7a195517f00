/// `Concat`: joins tensors of one type along an axis.
struct Concat: Kernel {
    let axis: Int

    init(_ context: NodeContext) throws {
        guard let axis = try context.int("axis") else { throw context.invalidModel("Concat needs 'axis'") }
        self.axis = Int(axis)
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let parts = try (0..<inputs.count).map { try inputs.tensor($0) }
        guard let first = parts.first else { throw KernelError("Concat has no inputs") }
        let a = try Reshaping.axis(axis, rank: first.rank)
        for part in parts {
            guard part.elementType == first.elementType else { throw KernelError("Concat inputs differ in type") }
            guard part.rank == first.rank,
                  part.shape.enumerated().allSatisfy({ $0.offset == a || $0.element == first.shape[$0.offset] }) else {
                throw KernelError("Concat input shapes \(parts.map(\.shape)) differ outside axis \(a)")
            }
        }
        var shape = first.shape
        shape[a] = parts.reduce(0) { $0 + $1.shape[a] }
        if parts.count == 1 { return [.tensor(first)] }
        // Interleave: for each outer index, each part contributes its block along the axis.
        let outer = first.shape[..<a].reduce(1, *)
        let blocks = parts.map { $0.shape[a...].reduce(1, *) }
        var order: [Int] = []
        order.reserveCapacity(shape.reduce(1, *))
        var bases: [Int] = []
        var offset = 0
        for part in parts { bases.append(offset); offset += part.count }
        for o in 0..<outer {
            for (p, block) in blocks.enumerated() {
                let start = bases[p] + o * block
                order.append(contentsOf: start..<(start + block))
            }
        }
        return [.tensor(Tensor(shape: shape, data: TensorData.concatenating(parts.map(\.data)).gathering(order)))]
    }
}
