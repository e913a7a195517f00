/// `Transpose`: permutes axes (reversing them when no `perm` is given).
struct Transpose: Kernel {
    let perm: [Int]?

    init(_ context: NodeContext) throws {
        perm = try context.ints("perm")?.map { Int($0) }
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try inputs.tensor(0)
        let perm = self.perm ?? Array((0..<x.rank).reversed())
        guard perm.count == x.rank, Set(perm) == Set(0..<x.rank) else {
            throw KernelError("perm \(perm) does not permute \(x.rank) axes")
        }
        let shape = perm.map { x.shape[$0] }
        return [.tensor(Tensor(shape: shape, data: x.data.gathering(Self.sourceOrder(x.shape, perm))))]
    }

    /// For each output element in row-major order, the index of the input element it copies.
    static func sourceOrder(_ shape: [Int], _ perm: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        for i in stride(from: shape.count - 2, through: 0, by: -1) { strides[i] = strides[i + 1] * shape[i + 1] }
        return Broadcast.indices(shape: perm.map { shape[$0] }, strides: perm.map { strides[$0] })
    }
}
