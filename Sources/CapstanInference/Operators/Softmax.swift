/// `Softmax` and `LogSoftmax`.
///
/// Before opset 13 the input is seen as a 2-D matrix split at `axis` (default 1) and each
/// row is normalised over all trailing dimensions; from 13 on, normalisation runs along
/// the single axis `axis` (default -1).
struct Softmax: Kernel {
    let logarithmic: Bool
    let axis: Int
    let flattensTrailing: Bool

    init(_ context: NodeContext) throws {
        logarithmic = context.node.opType == "LogSoftmax"
        flattensTrailing = context.opset < 13
        axis = Int(try context.int("axis", default: flattensTrailing ? 1 : -1))
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try inputs.tensor(0)
        let a = try Reshaping.axis(axis, rank: Swift.max(x.rank, 1))
        let outer = x.shape[..<a].reduce(1, *)
        let (length, inner) = flattensTrailing ? (x.shape[a...].reduce(1, *), 1) : (x.shape[a], x.shape[(a + 1)...].reduce(1, *))
        switch x.data {
        case .float(let v): return [.tensor(Tensor(shape: x.shape, floats: normalise(v, outer, length, inner)))]
        case .double(let v): return [.tensor(Tensor(shape: x.shape, doubles: normalise(v, outer, length, inner)))]
        default: throw KernelError("\(logarithmic ? "LogSoftmax" : "Softmax") does not take \(x.elementType)")
        }
    }

    private func normalise<T: BinaryFloatingPoint & ElementaryFunctionsCompatible>(_ v: [T], _ outer: Int, _ length: Int, _ inner: Int) -> [T] {
        var out = v
        out.withUnsafeMutableBufferPointer { out in
            v.withUnsafeBufferPointer { v in
                for o in 0..<outer {
                    for i in 0..<inner {
                        let base = o * length * inner + i
                        var peak = -T.infinity
                        for j in 0..<length { peak = Swift.max(peak, v[base + j * inner]) }
                        var sum: T = 0
                        for j in 0..<length {
                            let e = T.exponential(v[base + j * inner] - peak)
                            out[base + j * inner] = e
                            sum += e
                        }
                        if logarithmic {
                            let logSum = T.logarithm(sum)
                            for j in 0..<length { out[base + j * inner] = v[base + j * inner] - peak - logSum }
                        } else {
                            for j in 0..<length { out[base + j * inner] /= sum }
                        }
                    }
                }
            }
        }
        return out
    }
}
