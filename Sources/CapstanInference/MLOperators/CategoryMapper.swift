/// `CategoryMapper`: strings to int64s or back through paired lists (the last duplicate
/// wins), with defaults for unknown values.
struct CategoryMapper: Kernel {
    let stringToInt: [String: Int64]
    let intToString: [Int64: String]
    let defaultInt64: Int64
    let defaultString: String

    init(_ context: NodeContext) throws {
        let strings = try context.strings("cats_strings") ?? [], ints = try context.ints("cats_int64s") ?? []
        guard !strings.isEmpty, strings.count == ints.count else {
            throw context.invalidModel("cats_strings and cats_int64s must be non-empty and of equal length")
        }
        var s: [String: Int64] = [:], i: [Int64: String] = [:]
        for (text, number) in zip(strings, ints) { s[text] = number; i[number] = text }
        stringToInt = s
        intToString = i
        defaultInt64 = try context.int("default_int64", default: -1)
        defaultString = try context.string("default_string", default: "_Unused")
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try inputs.tensor(0)
        switch x.data {
        case .string(let v): return [.tensor(Tensor(shape: x.shape, int64s: v.map { stringToInt[$0] ?? defaultInt64 }))]
        case .int64(let v): return [.tensor(Tensor(shape: x.shape, strings: v.map { intToString[$0] ?? defaultString }))]
        default: throw KernelError("CategoryMapper takes strings or int64s, got \(x.elementType)")
        }
    }
}
