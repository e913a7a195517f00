/// A graph compiled for execution: kernels in dependency order, with every value
/// given a numbered slot so running the graph does no name lookups.
///
/// Slots below `constants.count` hold initializers (and anything folded from them at
/// load time); the rest are filled while the graph runs. A plan is immutable and may be
/// run from many threads at once.
struct GraphPlan: Sendable {
    struct Step: Sendable {
        let kernel: any Kernel
        /// Input slots in declared order; -1 for an optional input the node leaves out.
        let inputs: [Int]
        let outputs: [Int]
        let node: String
        let opType: String
    }

    let constants: [Value]
    let steps: [Step]
    /// The slots of the graph inputs a caller feeds, in declared order.
    let inputSlots: [Int]
    let outputSlots: [Int]
    let slotCount: Int

    /// Compiles `graph` with the kernels `registry` makes for `opsets`.
    init(graph original: ONNXGraph, opsets: [String: Int], registry: OperatorRegistry) throws {
        let graph = GraphFusion.fuse(original)
        var slotOf: [String: Int] = [:]
        var constants: [Value] = []
        var constantTensors: [Int: Tensor] = [:]
        func addConstant(_ name: String, _ tensor: Tensor) {
            slotOf[name] = constants.count
            constantTensors[constants.count] = tensor
            constants.append(.tensor(tensor))
        }
        for (name, tensor) in graph.initializers.sorted(by: { $0.key < $1.key }) {
            addConstant(name, tensor)
        }
        let fedInputs = graph.inputs.filter { graph.initializers[$0.name] == nil }

        // Order nodes so each runs after the producers of its inputs (files are usually
        // sorted already; this also catches cycles and dangling names).
        let ordered = try Self.topologicalOrder(graph.nodes, available: Set(graph.initializers.keys).union(fedInputs.map(\.name)))

        // Kernels first: constant folding needs them, and the runtime slots are numbered
        // after the constants, whose count folding may grow.
        var pending: [(node: ONNXNode, kernel: any Kernel)] = []
        for node in ordered {
            let domain = node.normalizedDomain
            guard let opset = opsets[domain] else {
                throw InferenceError.invalidModel("node '\(node.displayName)' uses domain '\(domain)', which the model imports no opset for")
            }
            var constantInputs: [Int: Tensor] = [:]
            for (index, name) in node.inputs.enumerated() where !name.isEmpty {
                if let slot = slotOf[name], let tensor = constantTensors[slot] { constantInputs[index] = tensor }
            }
            let context = NodeContext(node: node, opset: opset, constantInputs: constantInputs)
            let kernel = try registry.kernel(for: context)
            let allConstant = node.inputs.allSatisfy { $0.isEmpty || slotOf[$0].flatMap { constantTensors[$0] } != nil }
            if allConstant && !node.inputs.isEmpty && Self.foldable(node.opType) {
                let values: [Value?] = node.inputs.map { name in name.isEmpty ? nil : slotOf[name].map { constants[$0] } }
                let outputs: [Value]
                do { outputs = try kernel.run(values) } catch let error as KernelError {
                    throw InferenceError.invalidModel("node '\(node.displayName)' (\(node.opType)) fails on its constant inputs: \(error.reason)")
                }
                for (name, value) in zip(node.outputs, outputs) where !name.isEmpty {
                    if case .tensor(let tensor) = value { addConstant(name, tensor) }
                }
                if outputs.allSatisfy({ $0.tensor != nil }) { continue }
            }
            pending.append((node, kernel))
        }

        var slotCount = constants.count
        func newSlot(_ name: String) -> Int {
            let slot = slotCount
            slotCount += 1
            slotOf[name] = slot
            return slot
        }
        let inputSlots = fedInputs.map { newSlot($0.name) }
        var steps: [Step] = []
        for (node, kernel) in pending {
            let inputs = try node.inputs.map { name -> Int in
                if name.isEmpty { return -1 }
                guard let slot = slotOf[name] else {
                    throw InferenceError.invalidModel("node '\(node.displayName)' reads '\(name)', which nothing produces")
                }
                return slot
            }
            let outputs = node.outputs.map { $0.isEmpty ? -1 : newSlot($0) }
            steps.append(Step(kernel: kernel, inputs: inputs, outputs: outputs, node: node.displayName, opType: node.opType))
        }
        let outputSlots = try graph.outputs.map { output -> Int in
            guard let slot = slotOf[output.name] else {
                throw InferenceError.invalidModel("graph output '\(output.name)' is produced by no node")
            }
            return slot
        }
        self.constants = constants
        self.steps = steps
        self.inputSlots = inputSlots
        self.outputSlots = outputSlots
        self.slotCount = slotCount
    }

    /// Runs the graph on `inputs` (in the order of `inputSlots`) and returns its outputs.
    func run(_ inputs: [Value]) throws -> [Value] {
        let base = constants.count
        var values = [Value?](repeating: nil, count: slotCount - base)
        for (slot, value) in zip(inputSlots, inputs) { values[slot - base] = value }
        for step in steps {
            var arguments: [Value?] = []
            arguments.reserveCapacity(step.inputs.count)
            for slot in step.inputs {
                arguments.append(slot < 0 ? nil : slot < base ? constants[slot] : values[slot - base])
            }
            let results: [Value]
            do {
                results = try step.kernel.run(arguments)
            } catch let error as KernelError {
                throw InferenceError.executionFailed(node: "\(step.node) (\(step.opType))", reason: error.reason)
            }
            for (slot, value) in zip(step.outputs, results) where slot >= 0 {
                values[slot - base] = value
            }
        }
        return try outputSlots.map { slot in
            if slot < base { return constants[slot] }
            guard let value = values[slot - base] else {
                throw InferenceError.executionFailed(node: "graph", reason: "an output was never computed")
            }
            return value
        }
    }

    /// Operators whose outputs depend only on their inputs, so constant inputs give a constant.
    private static func foldable(_ opType: String) -> Bool {
        !["RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial", "Dropout"].contains(opType)
    }

    private static func topologicalOrder(_ nodes: [ONNXNode], available: Set<String>) throws -> [ONNXNode] {
        var ready = available
        var remaining = nodes
        var ordered: [ONNXNode] = []
        ordered.reserveCapacity(nodes.count)
        while !remaining.isEmpty {
            var progressed = false
            var stillWaiting: [ONNXNode] = []
            for node in remaining {
                if node.inputs.allSatisfy({ $0.isEmpty || ready.contains($0) }) {
                    ordered.append(node)
                    ready.formUnion(node.outputs.filter { !$0.isEmpty })
                    progressed = true
                } else {
                    stillWaiting.append(node)
                }
            }
            guard progressed else {
                let node = stillWaiting[0]
                let missing = node.inputs.first { !$0.isEmpty && !ready.contains($0) } ?? "?"
                throw InferenceError.invalidModel("node '\(node.displayName)' reads '\(missing)', which no node, input or initializer provides")
            }
            remaining = stillWaiting
        }
        return ordered
    }
}
