/// `ZipMap`: labels each row of class probabilities with the class labels, giving one
/// map per row (kept as a ``MapSequence``: same keys for every row). Keys are ordered as
/// onnxruntime's ordered maps order them, which is the order Python users see.
struct ZipMap: Kernel {
    let keys: MapSequence.Keys
    /// For each output key position, the input column it reads.
    let columns: [Int]
    let width: Int

    init(_ context: NodeContext) throws {
        let strings = try context.strings("classlabels_strings"), ints = try context.ints("classlabels_int64s")
        switch (strings, ints) {
        case (let s?, nil):
            let order = Self.lastOccurrences(s).sorted { Array(s[$0].utf8).lexicographicallyPrecedes(Array(s[$1].utf8)) }
            keys = .string(order.map { s[$0] })
            columns = order
            width = s.count
        case (nil, let i?):
            let order = Self.lastOccurrences(i).sorted { i[$0] < i[$1] }
            keys = .int64(order.map { i[$0] })
            columns = order
            width = i.count
        default:
            throw context.invalidModel("give exactly one of classlabels_strings and classlabels_int64s")
        }
    }

    /// Positions of each distinct label's last occurrence (a later column overwrites).
    private static func lastOccurrences<T: Hashable>(_ labels: [T]) -> [Int] {
        var last: [T: Int] = [:]
        for (i, label) in labels.enumerated() { last[label] = i }
        return Array(last.values)
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try inputs.tensor(0)
        guard case .float(let v) = x.data, x.rank == 1 || x.rank == 2 else {
            throw KernelError("ZipMap takes a 1-D or 2-D float tensor")
        }
        guard x.shape.last == width else { throw KernelError("ZipMap has \(width) labels for \(x.shape.last ?? 0) columns") }
        let rows = x.rank == 2 ? x.shape[0] : 1
        var values: [Float] = []
        values.reserveCapacity(rows * columns.count)
        for r in 0..<rows { for c in columns { values.append(v[r * width + c]) } }
        return [.mapSequence(MapSequence(keys: keys, values: values))]
    }
}
