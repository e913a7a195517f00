/// `Gather`: picks entries along an axis by index (negative indices count from the end).
struct Gather: Kernel {
    let axis: Int

    init(_ context: NodeContext) throws {
        axis = Int(try context.int("axis", default: 0))
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try inputs.tensor(0), indexTensor = try inputs.tensor(1, "indices")
        let a = try Reshaping.axis(axis, rank: x.rank)
        let size = x.shape[a]
        let indices = try indexTensor.asInt64s().map { raw -> Int in
            let i = raw < 0 ? Int(raw) + size : Int(raw)
            guard i >= 0 && i < size else { throw KernelError("index \(raw) is out of range for axis \(a) of size \(size)") }
            return i
        }
        let outer = x.shape[..<a].reduce(1, *)
        let inner = x.shape[(a + 1)...].reduce(1, *)
        var order: [Int] = []
        order.reserveCapacity(outer * indices.count * inner)
        for o in 0..<outer {
            for i in indices {
                let start = (o * size + i) * inner
                order.append(contentsOf: start..<(start + inner))
            }
        }
        let shape = Array(x.shape[..<a]) + indexTensor.shape + Array(x.shape[(a + 1)...])
        return [.tensor(Tensor(shape: shape, data: x.data.gathering(order)))]
    }
}

/// `Slice` (opset 10+: starts, ends, axes and steps as inputs).
struct Slice: Kernel {
    init(_ context: NodeContext) throws {
        guard context.opset >= 10 else { throw context.unsupported("Slice before opset 10 (bounds as attributes)") }
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try inputs.tensor(0)
        let starts = try inputs.tensor(1, "starts").asInt64s()
        let ends = try inputs.tensor(2, "ends").asInt64s()
        let axes = try inputs.optionalTensor(3)?.asInt64s() ?? (0..<Int64(starts.count)).map { $0 }
        let steps = try inputs.optionalTensor(4)?.asInt64s() ?? [Int64](repeating: 1, count: starts.count)
        guard ends.count == starts.count, axes.count == starts.count, steps.count == starts.count else {
            throw KernelError("Slice starts, ends, axes and steps differ in length")
        }
        // Per axis, the list of source positions kept.
        var kept = x.shape.map { Array(0..<$0) }
        for n in 0..<starts.count {
            let a = try Reshaping.axis(Int(axes[n]), rank: x.rank)
            let size = Int64(x.shape[a])
            let step = steps[n]
            guard step != 0 else { throw KernelError("Slice step 0") }
            func clamp(_ v: Int64, _ low: Int64, _ high: Int64) -> Int64 { Swift.min(Swift.max(v, low), high) }
            var start = starts[n] < 0 ? starts[n] + size : starts[n]
            var end = ends[n] < 0 ? ends[n] + size : ends[n]
            if step > 0 {
                start = clamp(start, 0, size); end = clamp(end, 0, size)
                kept[a] = Array(stride(from: Int(start), to: Int(end), by: Int(step)))
            } else {
                start = clamp(start, 0, size - 1); end = clamp(end, -1, size - 1)
                kept[a] = Array(stride(from: Int(start), to: Int(end), by: Int(step)))
            }
        }
        let shape = kept.map(\.count)
        var strides = [Int](repeating: 1, count: x.rank)
        for i in stride(from: x.rank - 2, through: 0, by: -1) { strides[i] = strides[i + 1] * x.shape[i + 1] }
        var order = [0]
        for axis in 0..<x.rank {
            order = order.flatMap { base in kept[axis].map { base + $0 * strides[axis] } }
        }
        return [.tensor(Tensor(shape: shape, data: x.data.gathering(order)))]
    }
}
