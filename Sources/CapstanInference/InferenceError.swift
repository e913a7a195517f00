/// Everything that can go wrong loading a model or predicting with it.
///
/// Messages name the model part or column at fault and what was expected; they never
/// contain feature values, so they are safe to return to a client.
public enum InferenceError: Error, Equatable, CustomStringConvertible {
    /// The file is not a model of the format it claims, or is damaged.
    case invalidModel(String)
    /// The model uses an operator (domain, name, opset version) this runtime does not execute.
    case unsupportedOperator(domain: String, name: String, opset: Int)
    /// The model needs an opset, objective, type or attribute value this runtime does not support.
    case unsupported(String)
    /// The input data does not fit the model's declared inputs.
    case invalidInput(String)
    /// A kernel met a value its operator's rules do not allow (a shape mismatch, an index out of range).
    case executionFailed(node: String, reason: String)

    public var description: String {
        switch self {
        case .invalidModel(let reason): "invalid model: \(reason)"
        case .unsupportedOperator(let domain, let name, let opset):
            "unsupported operator \(domain.isEmpty || domain == "ai.onnx" ? "" : domain + ".")\(name) (opset \(opset)): Capstan cannot run this model"
        case .unsupported(let what): "unsupported: \(what)"
        case .invalidInput(let reason): "invalid input: \(reason)"
        case .executionFailed(let node, let reason): "node \(node) failed: \(reason)"
        }
    }
}
