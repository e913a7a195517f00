/// A classifier's labels: strings or int64s, as its attributes list them.
enum ClassLabels: Sendable {
    case strings([String])
    case int64s([Int64])

    /// Strings win when both are given, as in onnxruntime.
    init(_ context: NodeContext, stringsAttribute: String, intsAttribute: String) throws {
        if let strings = try context.strings(stringsAttribute), !strings.isEmpty {
            self = .strings(strings)
        } else {
            self = .int64s(try context.ints(intsAttribute) ?? [])
        }
    }

    var count: Int {
        switch self {
        case .strings(let s): s.count
        case .int64s(let i): i.count
        }
    }

    /// Labels for class indices. With `literalBinary`, int64 labels are the indices 0/1
    /// themselves (onnxruntime's output for two classes that both carry weights).
    func tensor(_ indices: [Int64], literalBinary: Bool = false) -> Tensor {
        switch self {
        case .strings(let s): Tensor(shape: [indices.count], strings: indices.map { s[Int($0)] })
        case .int64s(let l):
            // Labels 0, 1, … are the indices themselves (the usual export): no copy to map them.
            Tensor(shape: [indices.count], int64s: literalBinary || l.elementsEqual(0..<Int64(l.count)) ? indices : indices.map { l[Int($0)] })
        }
    }
}
