/// `Equal`, `Less`, `LessOrEqual`, `Greater`, `GreaterOrEqual`: elementwise comparisons
/// with broadcasting, giving booleans. `Equal` also compares strings and booleans.
struct Comparison: Kernel {
    enum Operation: String {
        case equal = "Equal", less = "Less", lessOrEqual = "LessOrEqual"
        case greater = "Greater", greaterOrEqual = "GreaterOrEqual"
    }

    let operation: Operation

    init(_ context: NodeContext) throws {
        guard let operation = Operation(rawValue: context.node.opType) else {
            throw context.unsupported("not a comparison operator")
        }
        self.operation = operation
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let a = try inputs.tensor(0), b = try inputs.tensor(1)
        let result: ([Bool], [Int])
        switch (a.data, b.data) {
        case (.float(let x), .float(let y)): result = try compare(x, a.shape, y, b.shape)
        case (.double(let x), .double(let y)): result = try compare(x, a.shape, y, b.shape)
        case (.int64(let x), .int64(let y)): result = try compare(x, a.shape, y, b.shape)
        case (.int32(let x), .int32(let y)): result = try compare(x, a.shape, y, b.shape)
        case (.string(let x), .string(let y)) where operation == .equal: result = try Broadcast.apply(x, a.shape, y, b.shape, ==)
        case (.bool(let x), .bool(let y)) where operation == .equal: result = try Broadcast.apply(x, a.shape, y, b.shape, ==)
        default:
            throw KernelError("\(operation.rawValue) cannot compare \(a.elementType) with \(b.elementType)")
        }
        return [.tensor(Tensor(shape: result.1, bools: result.0))]
    }

    private func compare<T: Comparable>(_ x: [T], _ xs: [Int], _ y: [T], _ ys: [Int]) throws -> ([Bool], [Int]) {
        switch operation {
        case .equal: try Broadcast.apply(x, xs, y, ys, ==)
        case .less: try Broadcast.apply(x, xs, y, ys, <)
        case .lessOrEqual: try Broadcast.apply(x, xs, y, ys, <=)
        case .greater: try Broadcast.apply(x, xs, y, ys, >)
        case .greaterOrEqual: try Broadcast.apply(x, xs, y, ys, >=)
        }
    }
}

/// `And`, `Or`, `Xor` on booleans with broadcasting, and `Not`.
struct Logical: Kernel {
    let opType: String

    init(_ context: NodeContext) throws {
        guard ["And", "Or", "Xor", "Not"].contains(context.node.opType) else {
            throw context.unsupported("not a logical operator")
        }
        opType = context.node.opType
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let a = try inputs.tensor(0)
        guard case .bool(let x) = a.data else { throw KernelError("\(opType) needs booleans, got \(a.elementType)") }
        if opType == "Not" { return [.tensor(Tensor(shape: a.shape, bools: x.map { !$0 }))] }
        let b = try inputs.tensor(1)
        guard case .bool(let y) = b.data else { throw KernelError("\(opType) needs booleans, got \(b.elementType)") }
        let (values, shape): ([Bool], [Int])
        switch opType {
        case "And": (values, shape) = try Broadcast.apply(x, a.shape, y, b.shape) { $0 && $1 }
        case "Or": (values, shape) = try Broadcast.apply(x, a.shape, y, b.shape) { $0 || $1 }
        default: (values, shape) = try Broadcast.apply(x, a.shape, y, b.shape, !=)
        }
        return [.tensor(Tensor(shape: shape, bools: values))]
    }
}
