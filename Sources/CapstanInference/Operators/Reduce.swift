/// `ReduceSum`, `ReduceMean`, `ReduceMax`, `ReduceMin`, `ReduceProd`, `ReduceSumSquare`,
/// `ReduceL1`, `ReduceL2`, `ReduceLogSumExp`.
///
/// Axes are an attribute until opset 13 (ReduceSum) or 18 (the others), an optional input
/// after; no axes means every axis, unless `noop_with_empty_axes` says otherwise.
struct Reduce: Kernel {
    let opType: String
    let keepDims: Bool
    let attributeAxes: [Int]?
    let axesFromInput: Bool
    let noopWithEmptyAxes: Bool

    static let supported: Set<String> = ["ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd",
                                         "ReduceSumSquare", "ReduceL1", "ReduceL2", "ReduceLogSumExp"]

    init(_ context: NodeContext) throws {
        opType = context.node.opType
        guard Self.supported.contains(opType) else { throw context.unsupported("not a reduction") }
        keepDims = try context.int("keepdims", default: 1) != 0
        axesFromInput = context.opset >= (opType == "ReduceSum" ? 13 : 18)
        attributeAxes = axesFromInput ? nil : try context.ints("axes")?.map { Int($0) }
        noopWithEmptyAxes = try context.int("noop_with_empty_axes", default: 0) != 0
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try inputs.tensor(0)
        var axes = try axesFromInput ? inputs.optionalTensor(1)?.asInt64s().map { Int($0) } : attributeAxes
        if axes?.isEmpty ?? true {
            if noopWithEmptyAxes { return [.tensor(x)] }
            axes = Array(0..<x.rank)
        }
        let reduced = try Set(axes!.map { try Reshaping.axis($0, rank: x.rank) })
        switch x.data {
        case .float(let v): return [.tensor(try reduce(v, x.shape, reduced, wrap: TensorData.float))]
        case .double(let v): return [.tensor(try reduce(v, x.shape, reduced, wrap: TensorData.double))]
        case .int64(let v):
            let result = try reduce(v.map { Double($0) }, x.shape, reduced, wrap: TensorData.double)
            return [.tensor(try Cast.convert(result, to: .int64))]
        default: throw KernelError("\(opType) does not take \(x.elementType)")
        }
    }

    private func reduce<T: BinaryFloatingPoint & ElementaryFunctionsCompatible>(
        _ v: [T], _ shape: [Int], _ axes: Set<Int>, wrap: ([T]) -> TensorData
    ) throws -> Tensor {
        let outShapeKept = shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
        let outCount = outShapeKept.reduce(1, *)
        // For every input element, the output element it folds into.
        let targets = Broadcast.sourceIndices(from: outShapeKept, to: shape)
        let n = T(shape.enumerated().filter { axes.contains($0.offset) }.map(\.element).reduce(1, *))
        var acc: [T]
        switch opType {
        case "ReduceMax": acc = [T](repeating: -.infinity, count: outCount)
        case "ReduceMin": acc = [T](repeating: .infinity, count: outCount)
        case "ReduceProd": acc = [T](repeating: 1, count: outCount)
        default: acc = [T](repeating: 0, count: outCount)
        }
        var peaks = [T](repeating: -.infinity, count: outCount)
        if opType == "ReduceLogSumExp" {
            for (i, value) in v.enumerated() { peaks[targets[i]] = Swift.max(peaks[targets[i]], value) }
        }
        for (i, value) in v.enumerated() {
            let t = targets[i]
            switch opType {
            case "ReduceMax": acc[t] = Swift.max(acc[t], value)
            case "ReduceMin": acc[t] = Swift.min(acc[t], value)
            case "ReduceProd": acc[t] *= value
            case "ReduceSumSquare", "ReduceL2": acc[t] += value * value
            case "ReduceL1": acc[t] += Swift.abs(value)
            case "ReduceLogSumExp": acc[t] += T.exponential(value - peaks[t])
            default: acc[t] += value
            }
        }
        switch opType {
        case "ReduceMean": acc = acc.map { $0 / n }
        case "ReduceL2": acc = acc.map { $0.squareRoot() }
        case "ReduceLogSumExp": acc = zip(acc, peaks).map { T.logarithm($0) + $1 }
        default: break
        }
        let outShape = keepDims ? outShapeKept : shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
        return Tensor(shape: outShape, data: wrap(acc))
    }
}

/// `ArgMax` and `ArgMin` along one axis; ties go to the first index unless
/// `select_last_index` asks for the last.
struct ArgExtreme: Kernel {
    let maximum: Bool
    let axis: Int
    let keepDims: Bool
    let selectLast: Bool

    init(_ context: NodeContext) throws {
        maximum = context.node.opType == "ArgMax"
        axis = Int(try context.int("axis", default: 0))
        keepDims = try context.int("keepdims", default: 1) != 0
        selectLast = try context.int("select_last_index", default: 0) != 0
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try inputs.tensor(0)
        let values = try x.asDoubles()
        let a = try Reshaping.axis(axis, rank: x.rank)
        let outer = x.shape[..<a].reduce(1, *), length = x.shape[a], inner = x.shape[(a + 1)...].reduce(1, *)
        guard length > 0 else { throw KernelError("\(maximum ? "ArgMax" : "ArgMin") over an empty axis") }
        var result: [Int64] = []
        result.reserveCapacity(outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                var best = 0
                var bestValue = values[o * length * inner + i]
                for j in 1..<length {
                    let v = values[(o * length + j) * inner + i]
                    let better = maximum ? (selectLast ? v >= bestValue : v > bestValue) : (selectLast ? v <= bestValue : v < bestValue)
                    if better { best = j; bestValue = v }
                }
                result.append(Int64(best))
            }
        }
        var shape = x.shape
        if keepDims { shape[a] = 1 } else { shape.remove(at: a) }
        return [.tensor(Tensor(shape: shape, int64s: result))]
    }
}
