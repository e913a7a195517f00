import Foundation

/// Decodes ONNX protobuf messages into ``ONNXModel`` values.
///
/// Field numbers follow onnx/onnx.proto3 (ModelProto, GraphProto, NodeProto, AttributeProto,
/// TensorProto, ValueInfoProto, TypeProto); fields a runtime does not need are skipped.
enum ONNXDecoding {
    static func model(from data: Data) throws -> ONNXModel {
        do {
            return try data.withUnsafeBytes { buffer throws(ProtoError) -> ONNXModel in
                var reader = ProtoReader(buffer)
                return try model(&reader)
            }
        } catch let error as ProtoError {
            throw InferenceError.invalidModel("not a readable ONNX file (\(error == .truncated ? "truncated" : "\(error)"))")
        }
    }

    private static func model(_ r: inout ProtoReader) throws(ProtoError) -> ONNXModel {
        var model = ONNXModel()
        var sawGraph = false
        while let (field, wire) = try r.nextField() {
            switch (field, wire) {
            case (1, .varint): model.irVersion = try r.readInt64()
            case (2, .lengthDelimited): model.producerName = try r.readString()
            case (3, .lengthDelimited): model.producerVersion = try r.readString()
            case (7, .lengthDelimited):
                var sub = try r.readMessage()
                model.graph = try graph(&sub)
                sawGraph = true
            case (8, .lengthDelimited):
                var sub = try r.readMessage()
                let (domain, version) = try opset(&sub)
                model.opsets[domain == "ai.onnx" ? "" : domain] = version
            case (14, .lengthDelimited):
                var sub = try r.readMessage()
                var key = "", value = ""
                while let (f, w) = try sub.nextField() {
                    switch (f, w) {
                    case (1, .lengthDelimited): key = try sub.readString()
                    case (2, .lengthDelimited): value = try sub.readString()
                    default: try sub.skip(w)
                    }
                }
                model.metadata[key] = value
            default: try r.skip(wire)
            }
        }
        guard sawGraph else { throw .malformed("no graph") }
        return model
    }

    private static func opset(_ r: inout ProtoReader) throws(ProtoError) -> (String, Int) {
        var domain = "", version: Int64 = 0
        while let (field, wire) = try r.nextField() {
            switch (field, wire) {
            case (1, .lengthDelimited): domain = try r.readString()
            case (2, .varint): version = try r.readInt64()
            default: try r.skip(wire)
            }
        }
        return (domain, Int(version))
    }

    static func graph(_ r: inout ProtoReader) throws(ProtoError) -> ONNXGraph {
        var graph = ONNXGraph()
        while let (field, wire) = try r.nextField() {
            switch (field, wire) {
            case (1, .lengthDelimited):
                var sub = try r.readMessage()
                graph.nodes.append(try node(&sub))
            case (2, .lengthDelimited): graph.name = try r.readString()
            case (5, .lengthDelimited):
                var sub = try r.readMessage()
                let (name, value) = try tensor(&sub)
                graph.initializers[name] = value
            case (11, .lengthDelimited):
                var sub = try r.readMessage()
                graph.inputs.append(try valueInfo(&sub))
            case (12, .lengthDelimited):
                var sub = try r.readMessage()
                graph.outputs.append(try valueInfo(&sub))
            case (15, .lengthDelimited):
                throw .malformed("sparse initializers are not supported")
            default: try r.skip(wire)
            }
        }
        return graph
    }

    private static func node(_ r: inout ProtoReader) throws(ProtoError) -> ONNXNode {
        var node = ONNXNode()
        while let (field, wire) = try r.nextField() {
            switch (field, wire) {
            case (1, .lengthDelimited): node.inputs.append(try r.readString())
            case (2, .lengthDelimited): node.outputs.append(try r.readString())
            case (3, .lengthDelimited): node.name = try r.readString()
            case (4, .lengthDelimited): node.opType = try r.readString()
            case (7, .lengthDelimited): node.domain = try r.readString()
            case (5, .lengthDelimited):
                var sub = try r.readMessage()
                let (name, value) = try attribute(&sub)
                node.attributes[name] = value
            default: try r.skip(wire)
            }
        }
        return node
    }

    private static func attribute(_ r: inout ProtoReader) throws(ProtoError) -> (String, ONNXAttribute) {
        var name = ""
        var type: Int64 = 0
        var f: Float?, i: Int64?, s: String?, t: Tensor?, g: ONNXGraph?
        var floats: [Float] = [], ints: [Int64] = [], strings: [String] = [], tensors: [Tensor] = []
        var refAttribute: String?
        while let (field, wire) = try r.nextField() {
            switch (field, wire) {
            case (1, .lengthDelimited): name = try r.readString()
            case (20, .varint): type = try r.readInt64()
            case (2, .fixed32): f = try r.readFloat()
            case (3, .varint): i = try r.readInt64()
            case (4, .lengthDelimited): s = try r.readString()
            case (5, .lengthDelimited):
                var sub = try r.readMessage()
                t = try tensor(&sub).1
            case (6, .lengthDelimited):
                var sub = try r.readMessage()
                g = try graph(&sub)
            case (7, _): try r.readFloats(wire, into: &floats)
            case (8, _): try r.readVarints(wire, into: &ints)
            case (9, .lengthDelimited): strings.append(try r.readString())
            case (10, .lengthDelimited):
                var sub = try r.readMessage()
                tensors.append(try tensor(&sub).1)
            case (21, .lengthDelimited): refAttribute = try r.readString()
            default: try r.skip(wire)
            }
        }
        if let refAttribute { return (name, .other("reference to function attribute \(refAttribute)")) }
        // AttributeProto.AttributeType; files from before `type` existed set only the value.
        switch type {
        case 1: return (name, .float(f ?? 0))
        case 2: return (name, .int(i ?? 0))
        case 3: return (name, .string(s ?? ""))
        case 4: if let t { return (name, .tensor(t)) }
        case 5: if let g { return (name, .graph(g)) }
        case 6: return (name, .floats(floats))
        case 7: return (name, .ints(ints))
        case 8: return (name, .strings(strings))
        case 9: return (name, .tensors(tensors))
        case 0:
            if let f { return (name, .float(f)) }
            if let i { return (name, .int(i)) }
            if let s { return (name, .string(s)) }
            if let t { return (name, .tensor(t)) }
            if let g { return (name, .graph(g)) }
            if !floats.isEmpty { return (name, .floats(floats)) }
            if !ints.isEmpty { return (name, .ints(ints)) }
            if !strings.isEmpty { return (name, .strings(strings)) }
            if !tensors.isEmpty { return (name, .tensors(tensors)) }
        default: break
        }
        return (name, .other("attribute type \(type)"))
    }

    /// Decodes a TensorProto into its name and value.
    static func tensor(_ r: inout ProtoReader) throws(ProtoError) -> (String, Tensor) {
        var name = ""
        var dims: [Int64] = []
        var dataType: Int32 = 0
        var raw: [UInt8]?
        var floats: [Float] = [], doubles: [Double] = [], int64s: [Int64] = [], int32s: [Int64] = []
        var strings: [String] = []
        var uint64s: [Int64] = []
        var external = false
        while let (field, wire) = try r.nextField() {
            switch (field, wire) {
            case (1, _): try r.readVarints(wire, into: &dims)
            case (2, .varint): dataType = try r.readInt32()
            case (4, _): try r.readFloats(wire, into: &floats)
            case (5, _): try r.readVarints(wire, into: &int32s)
            case (6, .lengthDelimited): strings.append(try r.readString())
            case (7, _): try r.readVarints(wire, into: &int64s)
            case (8, .lengthDelimited): name = try r.readString()
            case (9, .lengthDelimited): raw = try r.readBytes()
            case (10, _): try r.readDoubles(wire, into: &doubles)
            case (11, _): try r.readVarints(wire, into: &uint64s)
            case (14, .varint): external = try r.readInt64() == 1
            default: try r.skip(wire)
            }
        }
        guard !external else { throw .malformed("tensor '\(name)' keeps its data in an external file, which is not supported") }
        guard dims.allSatisfy({ $0 >= 0 }) else { throw .malformed("tensor '\(name)' has a negative dimension") }
        let shape = dims.map { Int($0) }
        let count = shape.reduce(1, *)
        guard let type = ElementType(onnxCode: dataType) else {
            throw .malformed("tensor '\(name)' has element type \(ElementType.onnxName(dataType)), which Capstan does not support")
        }
        let data: TensorData
        if let raw {
            data = try rawData(raw, type: type, count: count, name: name)
        } else {
            switch type {
            case .float: data = .float(floats)
            case .double: data = .double(doubles)
            case .int64: data = .int64(int64s)
            case .int32: data = .int32(int32s.map { Int32(truncatingIfNeeded: $0) })
            case .uint8: data = .uint8(int32s.map { UInt8(truncatingIfNeeded: $0) })
            case .bool: data = .bool(int32s.map { $0 != 0 })
            case .string: data = .string(strings)
            }
        }
        guard data.count == count else {
            throw .malformed("tensor '\(name)' declares \(count) elements but holds \(data.count)")
        }
        return (name, Tensor(shape: shape, data: data))
    }

    /// Little-endian raw bytes as the element type says.
    private static func rawData(_ raw: [UInt8], type: ElementType, count: Int, name: String) throws(ProtoError) -> TensorData {
        func load<T: BitwiseCopyable>(_: T.Type) throws(ProtoError) -> [T] {
            guard raw.count == count * MemoryLayout<T>.size else {
                throw .malformed("tensor '\(name)' raw data has \(raw.count) bytes for \(count) elements")
            }
            return raw.withUnsafeBytes { bytes in
                (0..<count).map { bytes.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self) }
            }
        }
        switch type {
        case .float: return .float(try load(Float.self))
        case .double: return .double(try load(Double.self))
        case .int64: return .int64(try load(Int64.self))
        case .int32: return .int32(try load(Int32.self))
        case .uint8: return .uint8(try load(UInt8.self))
        case .bool: return .bool(try load(UInt8.self).map { $0 != 0 })
        case .string: throw .malformed("tensor '\(name)' stores strings as raw bytes")
        }
    }

    private static func valueInfo(_ r: inout ProtoReader) throws(ProtoError) -> ONNXValueInfo {
        var info = ONNXValueInfo()
        while let (field, wire) = try r.nextField() {
            switch (field, wire) {
            case (1, .lengthDelimited): info.name = try r.readString()
            case (2, .lengthDelimited):
                var sub = try r.readMessage()
                info.type = try typeProto(&sub)
            default: try r.skip(wire)
            }
        }
        return info
    }

    private static func typeProto(_ r: inout ProtoReader) throws(ProtoError) -> ONNXType {
        var result = ONNXType.unknown
        while let (field, wire) = try r.nextField() {
            switch (field, wire) {
            case (1, .lengthDelimited):
                var sub = try r.readMessage()
                var element: Int32 = 0
                var shape: [ONNXType.Dimension]?
                while let (f, w) = try sub.nextField() {
                    switch (f, w) {
                    case (1, .varint): element = try sub.readInt32()
                    case (2, .lengthDelimited):
                        var shapeReader = try sub.readMessage()
                        shape = try dimensions(&shapeReader)
                    default: try sub.skip(w)
                    }
                }
                result = .tensor(elementCode: element, shape: shape)
            case (4, .lengthDelimited):
                var sub = try r.readMessage()
                var element = ONNXType.unknown
                while let (f, w) = try sub.nextField() {
                    if f == 1, w == .lengthDelimited {
                        var inner = try sub.readMessage()
                        element = try typeProto(&inner)
                    } else {
                        try sub.skip(w)
                    }
                }
                result = .sequence(element)
            case (5, .lengthDelimited):
                var sub = try r.readMessage()
                var key: Int32 = 0
                var value = ONNXType.unknown
                while let (f, w) = try sub.nextField() {
                    switch (f, w) {
                    case (1, .varint): key = try sub.readInt32()
                    case (2, .lengthDelimited):
                        var inner = try sub.readMessage()
                        value = try typeProto(&inner)
                    default: try sub.skip(w)
                    }
                }
                result = .map(keyCode: key, value: value)
            default: try r.skip(wire)
            }
        }
        return result
    }

    private static func dimensions(_ r: inout ProtoReader) throws(ProtoError) -> [ONNXType.Dimension] {
        var dims: [ONNXType.Dimension] = []
        while let (field, wire) = try r.nextField() {
            guard field == 1, wire == .lengthDelimited else {
                try r.skip(wire)
                continue
            }
            var sub = try r.readMessage()
            var dim = ONNXType.Dimension.unknown
            while let (f, w) = try sub.nextField() {
                switch (f, w) {
                case (1, .varint): dim = .fixed(Int(try sub.readInt64()))
                case (2, .lengthDelimited): dim = .symbolic(try sub.readString())
                default: try sub.skip(w)
                }
            }
            dims.append(dim)
        }
        return dims
    }
}
