import CapstanInference
import CapstanJSON
import CapstanServing
import HTTPTypes
import NIOCore

/// An inference request as the Open Inference Protocol sends it: JSON, optionally followed
/// by raw tensor bytes (the binary tensor extension `tritonclient.http` uses by default).
struct OIPRequest {
    /// Triton's binary extension: how many bytes of the body are the JSON header.
    static let headerLengthField = HTTPField.Name("Inference-Header-Content-Length")!

    struct RequestedOutput {
        var name: String
    }

    var id: String?
    var parameters: JSONValue?
    var inputs: [NamedTensor]
    var outputs: [RequestedOutput]?

    /// Parses `body`; `headerLength` is the `Inference-Header-Content-Length` header, which
    /// says where the JSON ends and binary tensor data begins.
    init(body: ByteBuffer, headerLength: Int?) throws {
        let bytes = body.readableBytesView
        let jsonEnd: Int
        if let headerLength {
            guard headerLength >= 0, headerLength <= bytes.count else {
                throw OIPError.badRequest("Inference-Header-Content-Length \(headerLength) is outside the body (\(bytes.count) bytes)")
            }
            jsonEnd = headerLength
        } else {
            jsonEnd = bytes.count
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes.prefix(jsonEnd))
        } catch {
            throw OIPError.badRequest("the request is not valid JSON: \(error)")
        }
        guard case .object = json else { throw OIPError.badRequest("the request must be a JSON object") }
        switch json["id"] {
        case .string(let id)?: self.id = id
        case nil, .null?: self.id = nil
        default: throw OIPError.badRequest("id must be a string")
        }
        parameters = json["parameters"]
        guard case .array(let inputList)? = json["inputs"], !inputList.isEmpty else {
            throw OIPError.badRequest("inputs must be a non-empty list of tensors")
        }
        var binary = bytes.dropFirst(jsonEnd)
        inputs = try inputList.enumerated().map { index, input in
            try Self.tensor(input, index: index, binary: &binary)
        }
        if !binary.isEmpty {
            throw OIPError.badRequest("\(binary.count) bytes of binary data follow the JSON but no input claims them (binary_data_size)")
        }
        switch json["outputs"] {
        case nil, .null?:
            outputs = nil
        case .array(let list)?:
            outputs = try list.map { item in
                guard case .string(let name)? = item["name"] else { throw OIPError.badRequest("each requested output needs a name") }
                return RequestedOutput(name: name)
            }
        default:
            throw OIPError.badRequest("outputs must be a list")
        }
    }

    private static func tensor(_ input: JSONValue, index: Int, binary: inout ByteBufferView.SubSequence) throws -> NamedTensor {
        guard case .string(let name)? = input["name"] else { throw OIPError.badRequest("inputs[\(index)] needs a name") }
        guard case .string(let typeName)? = input["datatype"] else { throw OIPError.badRequest("input '\(name)' needs a datatype") }
        guard let type = OIPDatatype(rawValue: typeName) else {
            throw OIPError.badRequest("input '\(name)' has unknown datatype '\(typeName)'")
        }
        guard case .array(let dims)? = input["shape"] else { throw OIPError.badRequest("input '\(name)' needs a shape") }
        let shape = try dims.map { dim -> Int in
            guard case .int(let value) = dim, value >= 0, value <= Int32.max else {
                throw OIPError.badRequest("input '\(name)' shape must be non-negative integers")
            }
            return Int(value)
        }
        guard !shape.isEmpty else { throw OIPError.badRequest("input '\(name)' must have a batch dimension (shape [N] or [N, F])") }
        let (count, overflow) = shape.reduce((1, false)) { partial, dim in
            let product = partial.0.multipliedReportingOverflow(by: dim)
            return (product.partialValue, partial.1 || product.overflow)
        }
        guard !overflow, count <= 1 << 28 else { throw OIPError.badRequest("input '\(name)' shape \(shape) is too large") }
        let values: FeatureFrame.Column
        if case .int(let size)? = input["parameters"]?["binary_data_size"] {
            guard size >= 0, size <= binary.count else {
                throw OIPError.badRequest("input '\(name)' binary_data_size \(size) is more than the \(binary.count) bytes left")
            }
            let part = binary.prefix(Int(size))
            binary = binary.dropFirst(Int(size))
            values = try OIPTensorCodec.decode(binary: part, type: type, count: count, input: name)
        } else {
            guard let data = input["data"] else { throw OIPError.badRequest("input '\(name)' has neither data nor binary_data_size") }
            values = try OIPTensorCodec.decode(json: data, type: type, count: count, input: name)
        }
        return NamedTensor(name: name, shape: shape, values: values)
    }
}

/// A protocol-level error for `/v2` routes: `{"error": "..."}` with its status.
enum OIPError: Error {
    case badRequest(String)
    case notFound(String)
}
