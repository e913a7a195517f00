/// What a kernel factory may know about its node when the model loads: attributes,
/// the opset version in force, and inputs whose values are fixed (initializers).
struct NodeContext {
    let node: ONNXNode
    let opset: Int
    /// Values of inputs known at load time, by input position.
    let constantInputs: [Int: Tensor]

    var name: String { node.displayName }

    func has(_ attribute: String) -> Bool { node.attributes[attribute] != nil }

    func int(_ name: String) throws -> Int64? {
        switch node.attributes[name] {
        case nil: return nil
        case .int(let v): return v
        default: throw invalid(name, "an int")
        }
    }

    func int(_ name: String, default value: Int64) throws -> Int64 { try int(name) ?? value }

    func float(_ name: String) throws -> Float? {
        switch node.attributes[name] {
        case nil: return nil
        case .float(let v): return v
        default: throw invalid(name, "a float")
        }
    }

    func float(_ name: String, default value: Float) throws -> Float { try float(name) ?? value }

    func string(_ name: String) throws -> String? {
        switch node.attributes[name] {
        case nil: return nil
        case .string(let v): return v
        default: throw invalid(name, "a string")
        }
    }

    func string(_ name: String, default value: String) throws -> String { try string(name) ?? value }

    func ints(_ name: String) throws -> [Int64]? {
        switch node.attributes[name] {
        case nil: return nil
        case .ints(let v): return v
        default: throw invalid(name, "a list of ints")
        }
    }

    func floats(_ name: String) throws -> [Float]? {
        switch node.attributes[name] {
        case nil: return nil
        case .floats(let v): return v
        default: throw invalid(name, "a list of floats")
        }
    }

    func strings(_ name: String) throws -> [String]? {
        switch node.attributes[name] {
        case nil: return nil
        case .strings(let v): return v
        default: throw invalid(name, "a list of strings")
        }
    }

    func tensor(_ name: String) throws -> Tensor? {
        switch node.attributes[name] {
        case nil: return nil
        case .tensor(let v): return v
        default: throw invalid(name, "a tensor")
        }
    }

    /// A list of numbers given either as floats or (ai.onnx.ml v3+) as a tensor attribute
    /// `<name>_as_tensor`; doubles keep their precision.
    func numbers(_ name: String) throws -> [Double]? {
        if let tensor = try tensor("\(name)_as_tensor") {
            switch tensor.data {
            case .float(let v): return v.map { Double($0) }
            case .double(let v): return v
            default: throw invalid("\(name)_as_tensor", "a float or double tensor")
            }
        }
        return try floats(name)?.map { Double($0) }
    }

    func unsupported(_ what: String) -> InferenceError {
        .unsupported("\(node.opType) node '\(name)': \(what)")
    }

    func invalid(_ attribute: String, _ expected: String) -> InferenceError {
        .invalidModel("\(node.opType) node '\(name)': attribute '\(attribute)' must be \(expected)")
    }

    func invalidModel(_ reason: String) -> InferenceError {
        .invalidModel("\(node.opType) node '\(name)': \(reason)")
    }
}
