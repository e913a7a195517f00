/// Rewrites common layer patterns into single nodes before the graph is compiled, so a
/// dense layer is one pass over memory instead of three.
///
/// - `MatMul(X, W)` then `Add(·, b)`, with W and b constants → `FusedDense(X, W, b)`;
/// - `Gemm` or `FusedDense` whose only consumer is `Relu` → the same node with the
///   activation folded in (attribute `capstan.activation`).
///
/// A pattern is fused only when the intermediate value feeds nothing else and is not a
/// graph output, so the rewritten graph computes exactly what the original does.
enum GraphFusion {
    static let activationAttribute = "capstan.activation"

    static func fuse(_ graph: ONNXGraph) -> ONNXGraph {
        var graph = graph
        graph.nodes = fuseActivations(fuseMatMulAdd(graph.nodes, graph: graph), graph: graph)
        return graph
    }

    /// How many nodes read each value, plus one for graph outputs.
    private static func readers(_ nodes: [ONNXNode], _ graph: ONNXGraph) -> [String: Int] {
        var count: [String: Int] = [:]
        for node in nodes { for input in node.inputs where !input.isEmpty { count[input, default: 0] += 1 } }
        for output in graph.outputs { count[output.name, default: 0] += 1 }
        return count
    }

    private static func fuseMatMulAdd(_ nodes: [ONNXNode], graph: ONNXGraph) -> [ONNXNode] {
        let readCount = readers(nodes, graph)
        var producer: [String: Int] = [:]
        for (index, node) in nodes.enumerated() { for output in node.outputs { producer[output] = index } }
        var removed = Set<Int>()
        var result = nodes
        for (index, add) in nodes.enumerated() where add.opType == "Add" && add.normalizedDomain.isEmpty && add.inputs.count == 2 {
            for (side, other) in [(0, 1), (1, 0)] {
                guard let source = producer[add.inputs[side]], !removed.contains(source) else { continue }
                let matMul = nodes[source]
                guard matMul.opType == "MatMul", matMul.normalizedDomain.isEmpty, matMul.inputs.count == 2,
                      readCount[add.inputs[side]] == 1,
                      let weights = graph.initializers[matMul.inputs[1]], weights.rank == 2,
                      let bias = graph.initializers[add.inputs[other]], bias.count == weights.shape[1],
                      bias.shape.dropLast().allSatisfy({ $0 == 1 }), bias.elementType == weights.elementType,
                      weights.elementType == .float
                else { continue }
                var fused = ONNXNode()
                fused.name = matMul.name.isEmpty ? add.name : matMul.name
                fused.opType = "FusedDense"
                fused.inputs = [matMul.inputs[0], matMul.inputs[1], add.inputs[other]]
                fused.outputs = add.outputs
                // The Add's position keeps the order valid: both its inputs exist by then.
                result[index] = fused
                removed.insert(source)
                break
            }
        }
        return result.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
    }

    private static func fuseActivations(_ nodes: [ONNXNode], graph: ONNXGraph) -> [ONNXNode] {
        let readCount = readers(nodes, graph)
        var consumers: [String: Int] = [:]
        for (index, node) in nodes.enumerated() { for input in node.inputs { consumers[input] = index } }
        var removed = Set<Int>()
        var result = nodes
        for (index, node) in nodes.enumerated() where ["Gemm", "FusedDense"].contains(node.opType) && node.normalizedDomain.isEmpty {
            guard let output = node.outputs.first, node.outputs.count == 1, readCount[output] == 1,
                  let next = consumers[output], nodes[next].opType == "Relu", nodes[next].normalizedDomain.isEmpty,
                  node.attributes[activationAttribute] == nil
            else { continue }
            var fused = node
            fused.outputs = nodes[next].outputs
            fused.attributes[activationAttribute] = .string("Relu")
            result[index] = fused
            removed.insert(next)
        }
        return result.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
    }
}
