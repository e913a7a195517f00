/// `ArrayFeatureExtractor`: picks columns of the last axis by index.
struct ArrayFeatureExtractor: Kernel {
    init(_ context: NodeContext) throws {}

    func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try inputs.tensor(0)
        let indices = try inputs.tensor(1, "indices").asInt64s()
        guard let width = x.shape.last else { throw KernelError("ArrayFeatureExtractor needs at least 1-D input") }
        guard !indices.isEmpty else { throw KernelError("no indices") }
        if let bad = indices.first(where: { $0 < 0 || $0 >= width }) {
            throw KernelError("index \(bad) is out of range for \(width) columns")
        }
        let rows = x.count / Swift.max(width, 1)
        var order: [Int] = []
        order.reserveCapacity(rows * indices.count)
        for r in 0..<rows { for i in indices { order.append(r * width + Int(i)) } }
        let shape = x.rank == 1 ? [1, indices.count] : Array(x.shape.dropLast()) + [indices.count]
        return [.tensor(Tensor(shape: shape, data: x.data.gathering(order)))]
    }
}

/// `FeatureVectorizer`: concatenates inputs column-wise into one float matrix, each input
/// truncated or zero-padded to its declared width.
struct FeatureVectorizer: Kernel {
    let widths: [Int]

    init(_ context: NodeContext) throws {
        guard let widths = try context.ints("inputdimensions"), !widths.isEmpty, widths.allSatisfy({ $0 >= 0 }) else {
            throw context.invalidModel("inputdimensions must list each input's width")
        }
        self.widths = widths.map { Int($0) }
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        guard inputs.count == widths.count else { throw KernelError("\(inputs.count) inputs for \(widths.count) input dimensions") }
        let parts = try inputs.indices.map { try inputs.tensor($0) }
        let rows = parts[0].rank <= 1 ? 1 : parts[0].shape[0]
        let total = widths.reduce(0, +)
        var y = [Float](repeating: 0, count: rows * total)
        var offset = 0
        for (part, width) in zip(parts, widths) {
            let partRows = part.rank <= 1 ? 1 : part.shape[0]
            guard partRows == rows else { throw KernelError("FeatureVectorizer inputs have \(partRows) and \(rows) rows") }
            let length = part.rank <= 1 ? part.count : part.shape.dropFirst().reduce(1, *)
            let take = Swift.min(length, width)
            let values = try part.asFloats()
            for r in 0..<rows { for c in 0..<take { y[r * total + offset + c] = values[r * length + c] } }
            offset += width
        }
        return [.tensor(Tensor(shape: [rows, total], floats: y))]
    }
}
