/// Assembles a ``TreeEnsemble`` tree by tree from per-format node lists.
///
/// Each tree is given with local child indices (as every format stores them); the builder
/// appends its nodes to the shared array, shifting indices, and checks that children are in
/// range and that no path loops.
struct TreeEnsembleBuilder {
    enum Node {
        case split(feature: Int, threshold: Double, test: TreeEnsemble.Test, trueChild: Int, falseChild: Int, flags: TreeEnsemble.Flags)
        /// Leaf weights as (target, weight) pairs.
        case leaf([(Int32, Double)])
    }

    let featurePrecision: TreeEnsemble.FeaturePrecision
    let targetCount: Int
    private(set) var nodes: [TreeEnsemble.Node] = []
    private(set) var roots: [Int32] = []
    private var leafEntries: [TreeEnsemble.LeafEntries] = []
    private var leafTargets: [Int32] = []
    private var leafWeights: [Double] = []
    var categorySets: [Set<Double>] = []
    var categoryBitsets: [[UInt64]] = []
    private var maxFeature = -1

    init(featurePrecision: TreeEnsemble.FeaturePrecision, targetCount: Int) {
        self.featurePrecision = featurePrecision
        self.targetCount = targetCount
    }

    /// Adds one tree whose nodes refer to each other by index within `tree`.
    mutating func addTree(_ tree: [Node], root: Int) throws {
        try addTrees(tree, roots: [root])
    }

    /// Adds nodes holding several trees (or DAGs sharing subtrees, as ONNX allows), with
    /// child indices local to `nodes`; every child must be in range and no path may loop.
    mutating func addTrees(_ tree: [Node], roots localRoots: [Int]) throws {
        let base = nodes.count
        for root in localRoots where root < 0 || root >= tree.count {
            throw InferenceError.invalidModel("tree \(roots.count) has no root node")
        }
        for (index, node) in tree.enumerated() {
            if case .split(_, _, _, let t, let f, _) = node, !(0..<tree.count).contains(t) || !(0..<tree.count).contains(f) {
                throw InferenceError.invalidModel("tree node \(index) has a child out of range")
            }
        }
        try Self.checkAcyclic(tree)
        for node in tree {
            switch node {
            case .split(let feature, let threshold, let test, let t, let f, let flags):
                guard feature >= 0, feature < Int(Int32.max) else { throw InferenceError.invalidModel("feature index \(feature) is invalid") }
                maxFeature = Swift.max(maxFeature, feature)
                nodes.append(TreeEnsemble.Node(threshold: threshold, feature: Int32(feature), trueChild: Int32(base + t),
                                               falseChild: Int32(base + f), test: test, flags: flags))
                leafEntries.append(TreeEnsemble.LeafEntries(start: 0, count: 0))
            case .leaf(let weights):
                for (target, _) in weights where target < 0 || Int(target) >= targetCount {
                    throw InferenceError.invalidModel("a leaf weights target \(target) of \(targetCount)")
                }
                let own = Int32(nodes.count)
                nodes.append(TreeEnsemble.Node(threshold: 0, feature: 0, trueChild: own, falseChild: own, test: .leaf, flags: []))
                leafEntries.append(TreeEnsemble.LeafEntries(start: Int32(leafTargets.count), count: Int32(weights.count)))
                leafTargets += weights.map(\.0)
                leafWeights += weights.map(\.1)
            }
        }
        roots += localRoots.map { Int32(base + $0) }
    }

    /// Depth-first search with three colours: meeting a node still on the path is a loop.
    private static func checkAcyclic(_ tree: [Node]) throws {
        var state = [UInt8](repeating: 0, count: tree.count)  // 0 new, 1 on path, 2 done
        for start in tree.indices where state[start] == 0 {
            var stack: [(node: Int, expanded: Bool)] = [(start, false)]
            while let (node, expanded) = stack.popLast() {
                if expanded { state[node] = 2; continue }
                if state[node] == 2 { continue }
                state[node] = 1
                stack.append((node, true))
                if case .split(_, _, _, let t, let f, _) = tree[node] {
                    for child in [t, f] {
                        if state[child] == 1 { throw InferenceError.invalidModel("the trees loop back through node \(child)") }
                        if state[child] == 0 { stack.append((child, false)) }
                    }
                }
            }
        }
    }

    func build(minimumFeatures: Int = 0) throws -> TreeEnsemble {
        guard nodes.count < Int(Int32.max) else { throw InferenceError.unsupported("more than 2^31 tree nodes") }
        guard leafTargets.count < Int(Int32.max) else { throw InferenceError.unsupported("more than 2^31 leaf weights") }
        return TreeEnsemble(nodes: nodes, roots: roots, leafEntries: leafEntries, leafTargets: leafTargets, leafWeights: leafWeights,
                            categorySets: categorySets, categoryBitsets: categoryBitsets, featurePrecision: featurePrecision,
                            featureCount: Swift.max(minimumFeatures, maxFeature + 1), targetCount: targetCount)
    }
}
