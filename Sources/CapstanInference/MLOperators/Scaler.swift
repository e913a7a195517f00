/// `Scaler`: y = (x − offset) · scale per feature (or with one offset/scale for all),
/// always a float output; double input is computed in double and rounded once.
struct Scaler: Kernel {
    let offset: [Double]
    let scale: [Double]

    init(_ context: NodeContext) throws {
        offset = (try context.floats("offset") ?? []).map { Double($0) }
        scale = (try context.floats("scale") ?? []).map { Double($0) }
        guard !offset.isEmpty, offset.count == scale.count else {
            throw context.invalidModel("offset and scale must be non-empty and of equal length")
        }
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try inputs.tensor(0)
        guard x.rank >= 1 else { throw KernelError("Scaler needs at least 1-D input") }
        let stride = x.rank == 1 ? x.shape[0] : x.shape[1]
        guard offset.count == stride || offset.count == 1 else {
            throw KernelError("Scaler has \(offset.count) offsets for \(stride) features")
        }
        let perFeature = offset.count == stride && offset.count > 1
        let y: [Float]
        switch x.data {
        case .double(let v):
            y = v.enumerated().map { i, value in
                let j = perFeature ? (i % stride) : 0
                return Float((value - offset[j]) * scale[j])
            }
        case .string, .bool:
            throw KernelError("Scaler takes numbers, got \(x.elementType)")
        default:
            let offsets = offset.map { Float($0) }, scales = scale.map { Float($0) }
            y = try x.asFloats().enumerated().map { i, value in
                let j = perFeature ? (i % stride) : 0
                return (value - offsets[j]) * scales[j]
            }
        }
        return [.tensor(Tensor(shape: x.shape, floats: y))]
    }
}

/// `Normalizer`: each row divided by its MAX, L1 or L2 norm, in float; a row whose norm
/// is 0 is copied unchanged.
struct Normalizer: Kernel {
    enum Norm: String { case max = "MAX", l1 = "L1", l2 = "L2" }

    let norm: Norm

    init(_ context: NodeContext) throws {
        let name = try context.string("norm", default: "MAX")
        guard let norm = Norm(rawValue: name) else { throw context.unsupported("norm '\(name)'") }
        self.norm = norm
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try inputs.tensor(0)
        guard x.rank == 1 || x.rank == 2 else { throw KernelError("Normalizer takes 1-D or 2-D input") }
        let width = x.shape.last ?? 0
        let values = try x.asDoubles()
        var y = [Float](repeating: 0, count: values.count)
        for start in stride(from: 0, to: values.count, by: Swift.max(width, 1)) {
            let row = values[start..<(start + width)]
            switch norm {
            case .max:
                var peak = -Float.greatestFiniteMagnitude
                for v in row where Float(v) > peak { peak = Float(v) }
                for (i, v) in row.enumerated() { y[start + i] = peak != 0 ? Float(v) / peak : Float(v) }
            case .l1:
                var sum: Float = 0
                for v in row { sum += Float(Swift.abs(v)) }
                for (i, v) in row.enumerated() { y[start + i] = sum != 0 ? Float(v) / sum : Float(v) }
            case .l2:
                var sum: Float = 0
                for v in row { sum += Float(v * v) }
                for (i, v) in row.enumerated() {
                    let magnitude = (Float(v * v) / sum).squareRoot()
                    y[start + i] = sum != 0 ? (v < 0 ? -magnitude : magnitude) : Float(v)
                }
            }
        }
        return [.tensor(Tensor(shape: x.shape, floats: y))]
    }
}

/// `Binarizer`: 1 where x > threshold, else 0 (onnxruntime refuses NaN, and so do we).
struct Binarizer: Kernel {
    let threshold: Float

    init(_ context: NodeContext) throws {
        threshold = try context.float("threshold", default: 0)
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try inputs.tensor(0)
        guard case .float(let v) = x.data else { throw KernelError("Binarizer takes float input, got \(x.elementType)") }
        if let nan = v.firstIndex(where: \.isNaN) { throw KernelError("input element \(nan) is NaN") }
        return [.tensor(Tensor(shape: x.shape, floats: v.map { $0 > threshold ? 1 : 0 }))]
    }
}
