/// `MatMul`: NumPy's matmul — batched over leading dimensions with broadcasting; a 1-D
/// operand is a row (left) or a column (right) vector.
struct MatMul: Kernel {
    init(_ context: NodeContext) throws {}

    func run(_ inputs: [Value?]) throws -> [Value] {
        let a = try inputs.tensor(0), b = try inputs.tensor(1)
        switch (a.data, b.data) {
        case (.float(let x), .float(let y)):
            let (values, shape) = try Self.multiply(x, a.shape, y, b.shape)
            return [.tensor(Tensor(shape: shape, floats: values))]
        case (.double(let x), .double(let y)):
            let (values, shape) = try Self.multiply(x, a.shape, y, b.shape)
            return [.tensor(Tensor(shape: shape, doubles: values))]
        default:
            throw KernelError("MatMul needs float or double inputs of one type, got \(a.elementType) and \(b.elementType)")
        }
    }

    static func multiply<T: BinaryFloatingPoint>(_ a: [T], _ aShape: [Int], _ b: [T], _ bShape: [Int]) throws -> ([T], [Int]) {
        guard !aShape.isEmpty, !bShape.isEmpty else { throw KernelError("MatMul does not take scalars") }
        let aMatrix = aShape.count == 1 ? [1, aShape[0]] : aShape
        let bMatrix = bShape.count == 1 ? [bShape[0], 1] : bShape
        let m = aMatrix[aMatrix.count - 2], k = aMatrix[aMatrix.count - 1]
        let n = bMatrix[bMatrix.count - 1]
        guard bMatrix[bMatrix.count - 2] == k else {
            throw KernelError("MatMul shapes \(aShape) and \(bShape) do not line up")
        }
        let aBatch = Array(aMatrix.dropLast(2)), bBatch = Array(bMatrix.dropLast(2))
        var shape: [Int]
        var values: [T]
        if bBatch.isEmpty {
            // Weights shared by every batch entry: one product over all rows of A.
            let rows = aBatch.reduce(1, *) * m
            values = MatrixMultiply.product(a, b, m: rows, k: k, n: n)
            shape = aBatch + [m, n]
        } else {
            let batch = try Broadcast.shape(aBatch, bBatch)
            let count = batch.reduce(1, *)
            let ai = Broadcast.sourceIndices(from: aBatch, to: batch)
            let bi = Broadcast.sourceIndices(from: bBatch, to: batch)
            values = []
            values.reserveCapacity(count * m * n)
            for index in 0..<count {
                let aPart = Array(a[(ai[index] * m * k)..<((ai[index] + 1) * m * k)])
                let bPart = Array(b[(bi[index] * k * n)..<((bi[index] + 1) * k * n)])
                values.append(contentsOf: MatrixMultiply.product(aPart, bPart, m: m, k: k, n: n))
            }
            shape = batch + [m, n]
        }
        if aShape.count == 1 { shape.remove(at: shape.count - 2) }
        if bShape.count == 1 { shape.removeLast() }
        return (values, shape)
    }
}

/// `Gemm`: Y = alpha·op(A)·op(B) + beta·C, with C broadcast. A constant B is laid out
/// for the product once, when the model loads.
///
/// Also runs `FusedDense` (a `MatMul` + `Add` pair fused by ``GraphFusion``): the same
/// product, except that A may have leading batch dimensions as MatMul allows; and either
/// may carry a folded `Relu`.
struct Gemm: Kernel {
    let alpha: Float
    let beta: Float
    let transA: Bool
    let transB: Bool
    let isFusedMatMul: Bool
    let relu: Bool
    /// B as a row-major K×N float matrix, when it is a constant.
    let packedB: (values: [Float], k: Int, n: Int)?

    init(_ context: NodeContext) throws {
        isFusedMatMul = context.node.opType == "FusedDense"
        relu = try context.string(GraphFusion.activationAttribute) == "Relu"
        alpha = try context.float("alpha", default: 1)
        beta = try context.float("beta", default: 1)
        transA = try context.int("transA", default: 0) != 0
        transB = try context.int("transB", default: 0) != 0
        if let b = context.constantInputs[1], case .float(let values) = b.data, b.rank == 2 {
            let (k, n) = transB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
            packedB = (transB ? MatrixMultiply.transposed(values, rows: b.shape[0], columns: b.shape[1]) : values, k, n)
        } else {
            packedB = nil
        }
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        var a = try inputs.tensor(0)
        let c = try inputs.optionalTensor(2)
        // FusedDense: rows of every leading dimension share the weights, as in MatMul.
        let leadingShape = isFusedMatMul && a.rank != 2 ? Array(a.shape.dropLast()) : nil
        if isFusedMatMul {
            guard a.rank >= 1 else { throw KernelError("MatMul does not take scalars") }
            a = a.reshaped([a.shape.dropLast().reduce(1, *), a.shape.last!])
        }
        switch a.data {
        case .float(let x):
            let b: (values: [Float], k: Int, n: Int)
            if let packedB {
                b = packedB
            } else {
                let bt = try inputs.tensor(1)
                guard case .float(let y) = bt.data, bt.rank == 2 else { throw KernelError("Gemm needs a float matrix B") }
                let (k, n) = transB ? (bt.shape[1], bt.shape[0]) : (bt.shape[0], bt.shape[1])
                b = (transB ? MatrixMultiply.transposed(y, rows: bt.shape[0], columns: bt.shape[1]) : y, k, n)
            }
            var (values, shape) = try compute(x, a.shape, b, c: try c.map { try $0.asFloats() }, cShape: c?.shape, alpha: alpha, beta: beta)
            if relu { values = values.elementwise { Swift.max($0, 0) } }
            if let leadingShape { shape = leadingShape + [shape[1]] }
            return [.tensor(Tensor(shape: shape, floats: values))]
        case .double(let x):
            let bt = try inputs.tensor(1)
            guard case .double(let y) = bt.data, bt.rank == 2 else { throw KernelError("Gemm needs a double matrix B") }
            let (k, n) = transB ? (bt.shape[1], bt.shape[0]) : (bt.shape[0], bt.shape[1])
            let b = (transB ? MatrixMultiply.transposed(y, rows: bt.shape[0], columns: bt.shape[1]) : y, k, n)
            var (values, shape) = try compute(x, a.shape, b, c: try c.map { try $0.asDoubles() }, cShape: c?.shape,
                                              alpha: Double(alpha), beta: Double(beta))
            if relu { values = values.elementwise { Swift.max($0, 0) } }
            if let leadingShape { shape = leadingShape + [shape[1]] }
            return [.tensor(Tensor(shape: shape, doubles: values))]
        default:
            throw KernelError("Gemm needs float or double inputs, got \(a.elementType)")
        }
    }

    private func compute<T: BinaryFloatingPoint>(
        _ a: [T], _ aShape: [Int], _ b: (values: [T], k: Int, n: Int), c: [T]?, cShape: [Int]?, alpha: T, beta: T
    ) throws -> ([T], [Int]) {
        guard aShape.count == 2 else { throw KernelError("Gemm needs a matrix A, got shape \(aShape)") }
        let (m, k) = transA ? (aShape[1], aShape[0]) : (aShape[0], aShape[1])
        guard k == b.k else { throw KernelError("Gemm A \(aShape) and B (\(b.k)×\(b.n)) do not line up") }
        let aRows = transA ? MatrixMultiply.transposed(a, rows: aShape[0], columns: aShape[1]) : a
        // Start from beta·C broadcast to [m, n], then add the product into it: one pass, no
        // temporary for the bias that almost every Gemm carries.
        var y = [T](repeating: 0, count: m * b.n)
        if let c, let cShape, beta != 0 {
            let target = [m, b.n]
            guard (try? Broadcast.shape(cShape, target)) == target else {
                throw KernelError("Gemm C \(cShape) does not broadcast to \(target)")
            }
            if c.count == b.n && cShape.last == b.n {
                // A bias row (shape [n] or [1, n]), the usual case.
                let n = b.n
                let bias = c.map { beta * $0 }
                y.withUnsafeMutableBufferPointer { out in
                    bias.withUnsafeBufferPointer { bias in
                        for row in 0..<m { (out.baseAddress! + row * n).update(from: bias.baseAddress!, count: n) }
                    }
                }
            } else {
                let sources = Broadcast.sourceIndices(from: cShape, to: target)
                for i in y.indices { y[i] = beta * c[sources[i]] }
            }
        }
        if alpha == 1 {
            aRows.withUnsafeBufferPointer { av in
                b.values.withUnsafeBufferPointer { bv in
                    y.withUnsafeMutableBufferPointer { yv in
                        if m * b.n > 0 && k > 0 { MatrixMultiply.accumulate(av.baseAddress!, bv.baseAddress!, yv.baseAddress!, m: m, k: k, n: b.n) }
                    }
                }
            }
        } else {
            let product = MatrixMultiply.product(aRows, b.values, m: m, k: k, n: b.n)
            for i in y.indices { y[i] += alpha * product[i] }
        }
        return (y, [m, b.n])
    }
}
