/// The element types a ``Tensor`` can hold.
///
/// These are the ONNX types that models exported by skl2onnx, onnxmltools and torch.onnx
/// feed and produce on CPU; a model declaring any other type (float16, complex, …) is
/// refused when it loads rather than converted silently.
public enum ElementType: String, Sendable, Hashable, CustomStringConvertible {
    case float
    case double
    case int64
    case int32
    case uint8
    case bool
    case string

    /// The ONNX `TensorProto.DataType` code for this type.
    public var onnxCode: Int32 {
        switch self {
        case .float: 1
        case .uint8: 2
        case .int32: 6
        case .int64: 7
        case .string: 8
        case .bool: 9
        case .double: 11
        }
    }

    /// The type for an ONNX data type code; nil for a type this runtime does not execute.
    public init?(onnxCode: Int32) {
        switch onnxCode {
        case 1: self = .float
        case 2: self = .uint8
        case 6: self = .int32
        case 7: self = .int64
        case 8: self = .string
        case 9: self = .bool
        case 11: self = .double
        default: return nil
        }
    }

    /// ONNX's spelling of a data type code, for error messages about any code.
    public static func onnxName(_ code: Int32) -> String {
        let names = [0: "undefined", 1: "float", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32",
                     7: "int64", 8: "string", 9: "bool", 10: "float16", 11: "double", 12: "uint32",
                     13: "uint64", 14: "complex64", 15: "complex128", 16: "bfloat16"]
        return names[Int(code)] ?? "type \(code)"
    }

    public var isNumeric: Bool { self != .string && self != .bool }

    public var description: String { rawValue }
}
