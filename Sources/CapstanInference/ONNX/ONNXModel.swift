/// The parts of an ONNX `ModelProto` a runtime needs, decoded from the file.
struct ONNXModel: Sendable {
    var irVersion: Int64 = 0
    /// Opset version per domain; the default domain is stored as "".
    var opsets: [String: Int] = [:]
    var producerName = ""
    var producerVersion = ""
    var graph = ONNXGraph()
    var metadata: [String: String] = [:]
}

struct ONNXGraph: Sendable {
    var name = ""
    var nodes: [ONNXNode] = []
    var initializers: [String: Tensor] = [:]
    var inputs: [ONNXValueInfo] = []
    var outputs: [ONNXValueInfo] = []
}

struct ONNXNode: Sendable {
    var name = ""
    var opType = ""
    var domain = ""
    /// Input names; "" marks an optional input left out.
    var inputs: [String] = []
    var outputs: [String] = []
    var attributes: [String: ONNXAttribute] = [:]

    /// The domain with ONNX's two spellings of the default domain made one.
    var normalizedDomain: String { domain == "ai.onnx" ? "" : domain }

    /// A name for messages: the node's own, else its type and first output.
    var displayName: String { name.isEmpty ? "\(opType)(\(outputs.first ?? ""))" : name }
}

enum ONNXAttribute: Sendable {
    case float(Float)
    case int(Int64)
    case string(String)
    case tensor(Tensor)
    case graph(ONNXGraph)
    case floats([Float])
    case ints([Int64])
    case strings([String])
    case tensors([Tensor])
    /// A kind this runtime never reads (sparse tensors, type protos, graph lists).
    case other(String)
}

/// A graph input's or output's declared name and type.
struct ONNXValueInfo: Sendable {
    var name = ""
    var type: ONNXType = .unknown
}

indirect enum ONNXType: Sendable, Equatable {
    /// A tensor; `shape` is nil when the model declares no shape at all.
    case tensor(elementCode: Int32, shape: [Dimension]?)
    case sequence(ONNXType)
    case map(keyCode: Int32, value: ONNXType)
    case unknown

    enum Dimension: Sendable, Equatable {
        case fixed(Int)
        case symbolic(String)
        case unknown

        var fixedValue: Int? {
            if case .fixed(let n) = self { n } else { nil }
        }
    }
}
