import Foundation
@testable import CapstanInference

/// Writes small ONNX models in the protobuf wire format, so tests can state a graph in a
/// few lines and run it through the same decoder and runtime as real files.
struct ONNXBuilder {
    struct Attribute {
        let name: String
        let encode: (inout ProtoWriter) -> Void

        static func int(_ name: String, _ v: Int64) -> Attribute {
            Attribute(name: name) { $0.varint(3, UInt64(bitPattern: v)); $0.varint(20, 2) }
        }
        static func float(_ name: String, _ v: Float) -> Attribute {
            Attribute(name: name) { $0.fixed32(2, v.bitPattern); $0.varint(20, 1) }
        }
        static func string(_ name: String, _ v: String) -> Attribute {
            Attribute(name: name) { $0.bytes(4, Array(v.utf8)); $0.varint(20, 3) }
        }
        static func ints(_ name: String, _ v: [Int64]) -> Attribute {
            Attribute(name: name) { w in w.packedVarints(8, v.map { UInt64(bitPattern: $0) }); w.varint(20, 7) }
        }
        static func floats(_ name: String, _ v: [Float]) -> Attribute {
            Attribute(name: name) { w in w.packedFloats(7, v); w.varint(20, 6) }
        }
        static func strings(_ name: String, _ v: [String]) -> Attribute {
            Attribute(name: name) { w in for s in v { w.bytes(9, Array(s.utf8)) }; w.varint(20, 8) }
        }
    }

    var opsets: [String: Int] = ["": 17, "ai.onnx.ml": 3]
    var nodes: [[UInt8]] = []
    var initializers: [[UInt8]] = []
    var inputs: [[UInt8]] = []
    var outputs: [[UInt8]] = []

    mutating func node(_ op: String, _ inputs: [String], _ outputs: [String], domain: String = "", _ attributes: [Attribute] = []) {
        var w = ProtoWriter()
        for i in inputs { w.bytes(1, Array(i.utf8)) }
        for o in outputs { w.bytes(2, Array(o.utf8)) }
        w.bytes(4, Array(op.utf8))
        if !domain.isEmpty { w.bytes(7, Array(domain.utf8)) }
        for a in attributes {
            var aw = ProtoWriter()
            aw.bytes(1, Array(a.name.utf8))
            a.encode(&aw)
            w.bytes(5, aw.bytes)
        }
        nodes.append(w.bytes)
    }

    mutating func initializer(_ name: String, shape: [Int], floats: [Float]) {
        var w = ProtoWriter()
        w.packedVarints(1, shape.map { UInt64($0) })
        w.varint(2, 1)
        w.bytes(8, Array(name.utf8))
        w.bytes(9, floats.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
        initializers.append(w.bytes)
    }

    mutating func initializer(_ name: String, shape: [Int], int64s: [Int64]) {
        var w = ProtoWriter()
        w.packedVarints(1, shape.map { UInt64($0) })
        w.varint(2, 7)
        w.packedVarints(7, int64s.map { UInt64(bitPattern: $0) })
        w.bytes(8, Array(name.utf8))
        initializers.append(w.bytes)
    }

    /// A tensor input or output; nil dimensions are symbolic ("N").
    static func valueInfo(_ name: String, _ type: ElementType, _ shape: [Int?]) -> [UInt8] {
        var dims = ProtoWriter()
        for d in shape {
            var dim = ProtoWriter()
            if let d { dim.varint(1, UInt64(d)) } else { dim.bytes(2, Array("N".utf8)) }
            dims.bytes(1, dim.bytes)
        }
        var tensor = ProtoWriter()
        tensor.varint(1, UInt64(type.onnxCode))
        tensor.bytes(2, dims.bytes)
        var typeProto = ProtoWriter()
        typeProto.bytes(1, tensor.bytes)
        var info = ProtoWriter()
        info.bytes(1, Array(name.utf8))
        info.bytes(2, typeProto.bytes)
        return info.bytes
    }

    mutating func input(_ name: String, _ type: ElementType, _ shape: [Int?]) { inputs.append(Self.valueInfo(name, type, shape)) }
    mutating func output(_ name: String, _ type: ElementType, _ shape: [Int?]) { outputs.append(Self.valueInfo(name, type, shape)) }

    func data() -> Data {
        var graph = ProtoWriter()
        for n in nodes { graph.bytes(1, n) }
        graph.bytes(2, Array("test".utf8))
        for i in initializers { graph.bytes(5, i) }
        for i in inputs { graph.bytes(11, i) }
        for o in outputs { graph.bytes(12, o) }
        var model = ProtoWriter()
        model.varint(1, 8)
        model.bytes(2, Array("capstan-tests".utf8))
        model.bytes(7, graph.bytes)
        for (domain, version) in opsets.sorted(by: { $0.key < $1.key }) {
            var opset = ProtoWriter()
            if !domain.isEmpty { opset.bytes(1, Array(domain.utf8)) }
            opset.varint(2, UInt64(version))
            model.bytes(8, opset.bytes)
        }
        return Data(model.bytes)
    }

    func model() throws -> ONNXGraphModel { try ONNXGraphModel(data: data()) }
}

/// The protobuf wire format, written.
struct ProtoWriter {
    var bytes: [UInt8] = []

    mutating func rawVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 { bytes.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }

    mutating func varint(_ field: Int, _ value: UInt64) { rawVarint(UInt64(field << 3)); rawVarint(value) }

    mutating func fixed32(_ field: Int, _ value: UInt32) {
        rawVarint(UInt64(field << 3 | 5))
        bytes += withUnsafeBytes(of: value.littleEndian, Array.init)
    }

    mutating func bytes(_ field: Int, _ value: [UInt8]) {
        rawVarint(UInt64(field << 3 | 2))
        rawVarint(UInt64(value.count))
        bytes += value
    }

    mutating func packedVarints(_ field: Int, _ values: [UInt64]) {
        var inner = ProtoWriter()
        for v in values { inner.rawVarint(v) }
        bytes(field, inner.bytes)
    }

    mutating func packedFloats(_ field: Int, _ values: [Float]) {
        bytes(field, values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
    }
}
