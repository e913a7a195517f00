/// `OneHotEncoder` (ai.onnx.ml): each input element becomes a row of C floats with one 1
/// at its category's position; output shape is the input's plus [C]. Numbers are matched
/// after truncation toward zero; unknown categories give all zeros (or an error when
/// `zeros` is 0).
struct OneHotEncoder: Kernel {
    let stringIndex: [String: Int]
    let intIndex: [Int64: Int]
    let categoryCount: Int
    let zerosForUnknown: Bool

    init(_ context: NodeContext) throws {
        let strings = try context.strings("cats_strings") ?? []
        let ints = try context.ints("cats_int64s") ?? []
        guard strings.isEmpty != ints.isEmpty else { throw context.invalidModel("give exactly one of cats_strings and cats_int64s") }
        // Duplicates: the last position wins, as in onnxruntime.
        var s: [String: Int] = [:], i: [Int64: Int] = [:]
        for (position, c) in strings.enumerated() { s[c] = position }
        for (position, c) in ints.enumerated() { i[c] = position }
        stringIndex = s
        intIndex = i
        categoryCount = strings.count + ints.count
        zerosForUnknown = try context.int("zeros", default: 1) != 0
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try inputs.tensor(0)
        let positions: [Int?]
        switch x.data {
        case .string(let v): positions = v.map { stringIndex[$0] }
        case .int64(let v): positions = v.map { intIndex[$0] }
        case .float, .double:
            positions = try x.asDoubles().map { value in
                guard value.isFinite, value.magnitude < 9.2e18 else { return nil }
                return intIndex[Int64(value.rounded(.towardZero))]
            }
        default: throw KernelError("OneHotEncoder does not take \(x.elementType)")
        }
        var y = [Float](repeating: 0, count: positions.count * categoryCount)
        for (i, position) in positions.enumerated() {
            if let position {
                y[i * categoryCount + position] = 1
            } else if !zerosForUnknown {
                throw KernelError("unknown category and zeros = 0")
            }
        }
        return [.tensor(Tensor(shape: x.shape + [categoryCount], floats: y))]
    }
}
