import CapstanInference

/// The Open Inference Protocol's tensor element types, and how each maps onto the column
/// types models take.
enum OIPDatatype: String {
    case bool = "BOOL", uint8 = "UINT8", uint16 = "UINT16", uint32 = "UINT32", uint64 = "UINT64"
    case int8 = "INT8", int16 = "INT16", int32 = "INT32", int64 = "INT64"
    case fp16 = "FP16", bf16 = "BF16", fp32 = "FP32", fp64 = "FP64", bytes = "BYTES"

    /// Bytes per element in the binary extension; nil for BYTES (length-prefixed).
    var width: Int? {
        switch self {
        case .bool, .uint8, .int8: 1
        case .uint16, .int16, .fp16, .bf16: 2
        case .uint32, .int32, .fp32: 4
        case .uint64, .int64, .fp64: 8
        case .bytes: nil
        }
    }

    /// The datatype of an output column.
    init(_ column: FeatureFrame.Column) {
        switch column {
        case .float32: self = .fp32
        case .float64: self = .fp64
        case .int64: self = .int64
        case .string: self = .bytes
        }
    }

    /// The datatype for a model's declared element type (`float`, `tensor(double)`, `int64` …).
    init?(modelType: String) {
        let type = modelType.lowercased()
        if type.contains("string") { self = .bytes }
        else if type.contains("double") || type.contains("float64") { self = .fp64 }
        else if type.contains("float") { self = .fp32 }
        else if type.contains("int64") { self = .int64 }
        else if type.contains("int32") { self = .int32 }
        else if type.contains("bool") { self = .bool }
        else { return nil }
    }
}
