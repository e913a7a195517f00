/// NumPy-style multidirectional broadcasting, as ONNX's elementwise operators use it.
enum Broadcast {
    /// The broadcast shape of `a` and `b`: shapes align on the right; a dimension of 1
    /// stretches to the other's size.
    static func shape(_ a: [Int], _ b: [Int]) throws -> [Int] {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            guard da == db || da == 1 || db == 1 else {
                throw KernelError("shapes \(a) and \(b) cannot be broadcast together")
            }
            result[i] = da == 1 ? db : da
        }
        return result
    }

    /// For each element of `shape`, the index of the element of a tensor of `source`
    /// shape that broadcasts onto it.
    static func sourceIndices(from source: [Int], to shape: [Int]) -> [Int] {
        let offset = shape.count - source.count
        var strides = [Int](repeating: 0, count: shape.count)
        var step = 1
        for i in (0..<source.count).reversed() {
            strides[i + offset] = source[i] == 1 ? 0 : step
            step *= source[i]
        }
        return indices(shape: shape, strides: strides)
    }

    /// Walks `shape` in row-major order and returns, for each position, the dot product
    /// of its multi-index with `strides` (the memory offset in a strided view).
    static func indices(shape: [Int], strides: [Int]) -> [Int] {
        let count = shape.reduce(1, *)
        var indices = [Int](repeating: 0, count: count)
        var position = [Int](repeating: 0, count: shape.count)
        var current = 0
        for n in 0..<count {
            indices[n] = current
            // Advance the multi-index like an odometer, keeping `current` in step.
            var axis = shape.count - 1
            while axis >= 0 {
                position[axis] += 1
                current += strides[axis]
                if position[axis] < shape[axis] { break }
                current -= strides[axis] * position[axis]
                position[axis] = 0
                axis -= 1
            }
        }
        return indices
    }

    /// `op` applied elementwise over the broadcast of `a` and `b`.
    ///
    /// The common shapes take direct loops: equal shapes, a scalar on either side, and a
    /// row vector applied to every row of a matrix (`[N, F]` with `[F]`).
    static func apply<T, R>(_ a: [T], _ aShape: [Int], _ b: [T], _ bShape: [Int], _ op: (T, T) -> R) throws -> ([R], [Int]) {
        if aShape == bShape {
            return (a.elementwise(b, op), aShape)
        }
        let shape = try Self.shape(aShape, bShape)
        let count = shape.reduce(1, *)
        if b.count == 1 && shape == aShape {
            let y = b[0]
            return (a.elementwise { op($0, y) }, shape)
        }
        if a.count == 1 && shape == bShape {
            let x = a[0]
            return (b.elementwise { op(x, $0) }, shape)
        }
        if shape == aShape, let last = shape.last, last > 0, b.count == last, bShape.last == last {
            let out = [R](unsafeUninitializedCapacity: count) { buffer, initialized in
                a.withUnsafeBufferPointer { av in
                    b.withUnsafeBufferPointer { bv in
                        var i = 0
                        while i < count {
                            for j in 0..<last { (buffer.baseAddress! + i + j).initialize(to: op(av[i + j], bv[j])) }
                            i += last
                        }
                    }
                }
                initialized = count
            }
            return (out, shape)
        }
        let ai = sourceIndices(from: aShape, to: shape)
        let bi = sourceIndices(from: bShape, to: shape)
        return ((0..<count).map { op(a[ai[$0]], b[bi[$0]]) }, shape)
    }
}
