/// The operators this runtime executes, by domain and name.
///
/// A node whose operator is missing here fails the model's load with
/// ``InferenceError/unsupportedOperator(domain:name:opset:)``, never a wrong answer.
struct OperatorRegistry: Sendable {
    typealias Factory = @Sendable (NodeContext) throws -> any Kernel

    private var factories: [String: Factory] = [:]

    private static func key(_ domain: String, _ name: String) -> String { "\(domain)|\(name)" }

    mutating func register(_ names: [String], domain: String = "", _ factory: @escaping Factory) {
        for name in names { factories[Self.key(domain, name)] = factory }
    }

    func kernel(for context: NodeContext) throws -> any Kernel {
        let node = context.node
        guard let factory = factories[Self.key(node.normalizedDomain, node.opType)] else {
            throw InferenceError.unsupportedOperator(domain: node.normalizedDomain, name: node.opType, opset: context.opset)
        }
        return try factory(context)
    }

    /// Every operator of ai.onnx and ai.onnx.ml this runtime implements.
    static let standard: OperatorRegistry = {
        var r = OperatorRegistry()
        r.register(["Add", "Sub", "Mul", "Div", "Pow"]) { try Arithmetic($0) }
        r.register(["Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual"]) { try Comparison($0) }
        r.register(["And", "Or", "Xor", "Not"]) { try Logical($0) }
        r.register(Array(Unary.supported)) { try Unary($0) }
        r.register(["Clip"]) { try Clip($0) }
        r.register(["Where"]) { try Where($0) }
        r.register(["Cast", "CastLike"]) { try Cast($0) }
        r.register(["Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout"]) { try Reshaping($0) }
        r.register(["Concat"]) { try Concat($0) }
        r.register(["Transpose"]) { try Transpose($0) }
        r.register(["Gather"]) { try Gather($0) }
        r.register(["Slice"]) { try Slice($0) }
        r.register(["Shape"]) { try Shape($0) }
        r.register(["Size"]) { try Size($0) }
        r.register(["Constant"]) { try Constant($0) }
        r.register(["ConstantOfShape"]) { try ConstantOfShape($0) }
        r.register(["Expand"]) { try Expand($0) }
        r.register(["MatMul"]) { try MatMul($0) }
        r.register(["Gemm", "FusedDense"]) { try Gemm($0) }
        r.register(["Softmax", "LogSoftmax"]) { try Softmax($0) }
        r.register(Array(Reduce.supported)) { try Reduce($0) }
        r.register(["ArgMax", "ArgMin"]) { try ArgExtreme($0) }
        registerML(&r)
        return r
    }()
}
