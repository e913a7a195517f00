/// `LabelEncoder` (ai.onnx.ml 1, 2 and 4): maps keys to values through attribute lists,
/// with a default for unknown keys. Version 1 maps strings to their position in
/// `classes_strings` and positions back to strings. On duplicate keys the first wins
/// (v2/v4) as in onnxruntime; v4 float keys match NaN to NaN; v4's `default_tensor`
/// overrides the per-type defaults.
struct LabelEncoder: Kernel {
    enum Keys { case strings([String]), int64s([Int64]), floats([Double]) }
    enum Values { case strings([String]), int64s([Int64]), floats([Float]), doubles([Double]) }

    let keys: Keys
    let values: Values
    var defaultString: String
    var defaultInt64: Int64
    var defaultFloat: Float
    var defaultDouble: Double
    let nanMatchesNaN: Bool
    /// v1 maps a duplicated class to its last position; v2 and v4 keep the first key.
    let lastWins: Bool

    init(_ context: NodeContext) throws {
        defaultString = try context.string("default_string", default: "_Unused")
        defaultInt64 = try context.int("default_int64", default: -1)
        defaultFloat = try context.float("default_float", default: -0.0)
        defaultDouble = Double(defaultFloat)
        nanMatchesNaN = context.opset >= 4
        lastWins = context.opset < 2
        if context.opset < 2 {
            // v1: string ↔ position in classes_strings.
            let classes = try context.strings("classes_strings") ?? []
            keys = .strings(classes)
            values = .int64s(classes.indices.map { Int64($0) })
            return
        }
        if let k = try context.strings("keys_strings") { keys = .strings(k) }
        else if let k = try context.ints("keys_int64s") { keys = .int64s(k) }
        else if let k = try context.floats("keys_floats") { keys = .floats(k.map { Double($0) }) }
        else if let t = try context.tensor("keys_tensor") {
            switch t.data {
            case .string(let v): keys = .strings(v)
            case .int64(let v): keys = .int64s(v)
            case .float, .double: keys = .floats(try t.asDoubles())
            default: throw context.unsupported("keys of type \(t.elementType)")
            }
        } else { throw context.invalidModel("no keys") }
        if let v = try context.strings("values_strings") { values = .strings(v) }
        else if let v = try context.ints("values_int64s") { values = .int64s(v) }
        else if let v = try context.floats("values_floats") { values = .floats(v) }
        else if let t = try context.tensor("values_tensor") {
            switch t.data {
            case .string(let v): values = .strings(v)
            case .int64(let v): values = .int64s(v)
            case .float(let v): values = .floats(v)
            case .double(let v): values = .doubles(v)
            default: throw context.unsupported("values of type \(t.elementType)")
            }
        } else { throw context.invalidModel("no values") }
        if let defaults = try context.tensor("default_tensor") {
            guard defaults.count == 1 else { throw context.invalidModel("default_tensor must hold one value") }
            switch defaults.data {
            case .string(let v): defaultString = v[0]
            case .int64(let v): defaultInt64 = v[0]
            case .float(let v): defaultFloat = v[0]
            case .double(let v): defaultDouble = v[0]
            default: throw context.unsupported("default_tensor of type \(defaults.elementType)")
            }
        }
        let keyCount: Int = switch keys {
        case .strings(let k): k.count
        case .int64s(let k): k.count
        case .floats(let k): k.count
        }
        let valueCount: Int = switch values {
        case .strings(let v): v.count
        case .int64s(let v): v.count
        case .floats(let v): v.count
        case .doubles(let v): v.count
        }
        guard keyCount == valueCount else { throw context.invalidModel("\(keyCount) keys but \(valueCount) values") }
    }

    private func positionsByKey<K: Hashable>(_ keys: [K]) -> [K: Int] {
        var index: [K: Int] = [:]
        for (i, key) in keys.enumerated() where lastWins || index[key] == nil { index[key] = i }
        return index
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try inputs.tensor(0)
        if lastWins, case .strings(let classes) = keys, case .int64(let indices) = x.data {
            // Version 1 also maps the other way: an index to its class, else the default.
            let labels = indices.map { $0 >= 0 && $0 < Int64(classes.count) ? classes[Int($0)] : defaultString }
            return [.tensor(Tensor(shape: x.shape, strings: labels))]
        }
        // Positions of each input element in the key list (nil: use the default).
        let positions: [Int?]
        switch (keys, x.data) {
        case (.strings(let k), .string(let v)):
            let index = positionsByKey(k)
            positions = v.map { index[$0] }
        case (.int64s(let k), _) where x.elementType == .int64 || x.elementType == .int32:
            let index = positionsByKey(k)
            positions = try x.asInt64s().map { index[$0] }
        case (.floats(let k), .float), (.floats(let k), .double):
            var index: [Double: Int] = [:]
            var nanPosition: Int?
            for (i, key) in k.enumerated() {
                if key.isNaN { if nanPosition == nil { nanPosition = i } } else if index[key] == nil { index[key] = i }
            }
            positions = try x.asDoubles().map { $0.isNaN ? (nanMatchesNaN ? nanPosition : nil) : index[$0] }
        default:
            throw KernelError("LabelEncoder keys do not match input type \(x.elementType)")
        }
        let data: TensorData
        switch values {
        case .strings(let v): data = .string(positions.map { $0.map { v[$0] } ?? defaultString })
        case .int64s(let v): data = .int64(positions.map { $0.map { v[$0] } ?? defaultInt64 })
        case .floats(let v): data = .float(positions.map { $0.map { v[$0] } ?? defaultFloat })
        case .doubles(let v): data = .double(positions.map { $0.map { v[$0] } ?? defaultDouble })
        }
        return [.tensor(Tensor(shape: x.shape, data: data))]
    }
}
