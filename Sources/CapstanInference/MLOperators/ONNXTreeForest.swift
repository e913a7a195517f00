/// The trees of an ONNX tree-ensemble node (TreeEnsembleClassifier/Regressor v1–3 or
/// TreeEnsemble v5), read into a ``TreeEnsemble`` the way onnxruntime reads them.
///
/// onnxruntime's rules, which decide answers at the edges: the first node listed for each
/// run of one tree id is that tree's root; weights attached to branch nodes are ignored;
/// NaN takes the false branch except for BRANCH_NEQ (and where
/// `nodes_missing_value_tracks_true` says otherwise); a single-target ensemble uses each
/// leaf's first weight only.
struct ONNXTreeForest {
    enum Aggregate: String { case sum = "SUM", average = "AVERAGE", min = "MIN", max = "MAX" }

    var ensemble: TreeEnsemble
    var aggregate: Aggregate
    var baseValues: [Double]
    var postTransform: PostTransform
    /// The class ids weights were given for (classifier binary-case detection).
    var weightTargets: Set<Int32>
    var weightsAllPositive: Bool

    /// Reads v1/v3 attributes; `weightPrefix` is "class" or "target".
    init(v3 context: NodeContext, weightPrefix: String, targetCount: Int, singleTargetLeaves: Bool) throws {
        func ints(_ name: String) throws -> [Int64] { try context.ints(name) ?? [] }
        let treeIds = try ints("nodes_treeids"), nodeIds = try ints("nodes_nodeids")
        let featureIds = try ints("nodes_featureids"), trueIds = try ints("nodes_truenodeids"), falseIds = try ints("nodes_falsenodeids")
        let modes = try context.strings("nodes_modes") ?? []
        let values = try context.numbers("nodes_values") ?? []
        let missing = try ints("nodes_missing_value_tracks_true")
        let count = treeIds.count
        guard count > 0 else { throw context.invalidModel("the ensemble has no nodes") }
        for (name, length) in [("nodes_nodeids", nodeIds.count), ("nodes_featureids", featureIds.count), ("nodes_modes", modes.count),
                               ("nodes_truenodeids", trueIds.count), ("nodes_falsenodeids", falseIds.count)] where length != count {
            throw context.invalidModel("\(name) has \(length) entries, nodes_treeids \(count)")
        }
        guard values.isEmpty || values.count == count else { throw context.invalidModel("nodes_values has \(values.count) entries for \(count) nodes") }
        guard missing.isEmpty || missing.count == count else {
            throw context.invalidModel("nodes_missing_value_tracks_true has \(missing.count) entries for \(count) nodes")
        }

        var index: [Key: Int] = [:]
        var roots: [Int] = []
        for i in 0..<count {
            guard index.updateValue(i, forKey: Key(tree: treeIds[i], node: nodeIds[i])) == nil else {
                throw context.invalidModel("node \(nodeIds[i]) of tree \(treeIds[i]) appears twice")
            }
            if i == 0 || treeIds[i] != treeIds[i - 1] { roots.append(i) }
        }

        let weightTrees = try ints("\(weightPrefix)_treeids"), weightNodes = try ints("\(weightPrefix)_nodeids")
        let weightIds = try ints("\(weightPrefix)_ids")
        let weights = try context.numbers("\(weightPrefix)_weights") ?? []
        guard weightTrees.count == weightNodes.count, weightIds.count == weightNodes.count, weights.count == weightNodes.count else {
            throw context.invalidModel("the \(weightPrefix)_* weight attributes differ in length")
        }
        var leafWeights = [[(Int32, Double)]](repeating: [], count: count)
        for w in weightTrees.indices {
            guard let node = index[Key(tree: weightTrees[w], node: weightNodes[w])] else {
                throw context.invalidModel("a weight refers to node \(weightNodes[w]) of tree \(weightTrees[w]), which does not exist")
            }
            guard let target = Int32(exactly: weightIds[w]), target >= 0 else { throw context.invalidModel("weight target \(weightIds[w]) is invalid") }
            leafWeights[node].append((target, weights[w]))
        }
        weightTargets = Set(weightIds.compactMap { Int32(exactly: $0) })
        weightsAllPositive = !weights.contains { $0 < 0 }

        var nodes: [TreeEnsembleBuilder.Node] = []
        nodes.reserveCapacity(count)
        for i in 0..<count {
            if modes[i] == "LEAF" {
                var payload = leafWeights[i]
                if singleTargetLeaves {
                    // The first weight, whatever its target; a leaf without weights keeps its own value.
                    payload = [(0, payload.first?.1 ?? (values.isEmpty ? 0 : values[i]))]
                } else if let bad = payload.first(where: { Int($0.0) >= targetCount }) {
                    throw context.invalidModel("a leaf weights target \(bad.0), but there are \(targetCount)")
                }
                nodes.append(.leaf(payload))
                continue
            }
            guard let test = Self.test(modes[i]) else { throw context.unsupported("node mode '\(modes[i])'") }
            let tree = treeIds[i]
            guard let t = index[Key(tree: tree, node: trueIds[i])], let f = index[Key(tree: tree, node: falseIds[i])], t != i, f != i else {
                throw context.invalidModel("node \(nodeIds[i]) of tree \(tree) has a child that is not in its tree")
            }
            var flags: TreeEnsemble.Flags = []
            if (!missing.isEmpty && missing[i] == 1) || test == .notEqual { flags.insert(.missingGoesTrue) }
            nodes.append(.split(feature: Int(featureIds[i]), threshold: values.isEmpty ? 0 : values[i], test: test,
                                trueChild: t, falseChild: f, flags: flags))
        }
        var builder = TreeEnsembleBuilder(featurePrecision: .float32, targetCount: singleTargetLeaves ? 1 : targetCount)
        try builder.addTrees(nodes, roots: roots)
        ensemble = try builder.build()
        // onnxruntime reads any unknown aggregate name as MAX.
        let aggregateName = try context.string("aggregate_function", default: "SUM")
        aggregate = Aggregate(rawValue: aggregateName) ?? .max
        baseValues = try context.numbers("base_values") ?? []
        postTransform = PostTransform(attribute: try context.string("post_transform", default: "NONE"))
    }

    /// Reads TreeEnsemble (ai.onnx.ml 5) attributes: trees by root, splits and leaves in
    /// separate arrays, set membership as NaN-separated groups.
    init(v5 context: NodeContext) throws {
        func ints(_ name: String) throws -> [Int64] { try context.ints(name) ?? [] }
        func doubles(_ name: String) throws -> [Double] {
            guard let tensor = try context.tensor(name) else { return [] }
            return try tensor.asDoubles()
        }
        let roots = try ints("tree_roots")
        let features = try ints("nodes_featureids"), trueIds = try ints("nodes_truenodeids"), falseIds = try ints("nodes_falsenodeids")
        let trueLeafs = try ints("nodes_trueleafs"), falseLeafs = try ints("nodes_falseleafs")
        let missing = try ints("nodes_missing_value_tracks_true")
        let splits = try doubles("nodes_splits")
        let modes = try context.tensor("nodes_modes").map { try $0.asInt64s() } ?? []
        let leafTargets = try ints("leaf_targetids"), leafWeights = try doubles("leaf_weights")
        let memberValues = try doubles("membership_values")
        let count = features.count
        for (name, length) in [("nodes_truenodeids", trueIds.count), ("nodes_falsenodeids", falseIds.count), ("nodes_trueleafs", trueLeafs.count),
                               ("nodes_falseleafs", falseLeafs.count), ("nodes_splits", splits.count), ("nodes_modes", modes.count)] where length != count {
            throw context.invalidModel("\(name) has \(length) entries for \(count) nodes")
        }
        guard leafTargets.count == leafWeights.count else { throw context.invalidModel("leaf_targetids and leaf_weights differ in length") }
        guard missing.isEmpty || missing.count == count else { throw context.invalidModel("nodes_missing_value_tracks_true length") }
        let targetCount = Int(try context.int("n_targets", default: 1))
        guard targetCount >= 1 else { throw context.invalidModel("n_targets must be positive") }

        // Membership groups, one per MEMBER node in node order, separated by NaN.
        var groups: [[Double]] = [[]]
        for v in memberValues { if v.isNaN { groups.append([]) } else { groups[groups.count - 1].append(v) } }
        var nextGroup = 0

        // Local layout: the split nodes first, then one node per leaf entry.
        var nodes: [TreeEnsembleBuilder.Node] = []
        var categorySets: [Set<Double>] = []
        for i in 0..<count {
            var flags: TreeEnsemble.Flags = !missing.isEmpty && missing[i] == 1 ? [.missingGoesTrue] : []
            let test: TreeEnsemble.Test
            var threshold = splits[i]
            switch modes[i] {
            case 0: test = .lessOrEqual
            case 1: test = .less
            case 2: test = .greaterOrEqual
            case 3: test = .greater
            case 4: test = .equal
            case 5: test = .notEqual; flags.insert(.missingGoesTrue)
            case 6:
                test = .member
                guard nextGroup < groups.count, !groups[nextGroup].isEmpty else {
                    throw context.invalidModel("node \(i) is a BRANCH_MEMBER without membership values")
                }
                categorySets.append(Set(groups[nextGroup]))
                threshold = Double(categorySets.count - 1)
                nextGroup += 1
            default: throw context.unsupported("node mode \(modes[i])")
            }
            func child(_ id: Int64, leaf: Int64) throws -> Int {
                if leaf != 0 {
                    guard id >= 0, Int(id) < leafTargets.count else { throw context.invalidModel("node \(i) points to leaf \(id), which does not exist") }
                    return count + Int(id)
                }
                guard id >= 0, Int(id) < count else { throw context.invalidModel("node \(i) points to node \(id), which does not exist") }
                return Int(id)
            }
            nodes.append(.split(feature: Int(features[i]), threshold: threshold, test: test,
                                trueChild: try child(trueIds[i], leaf: trueLeafs[i]), falseChild: try child(falseIds[i], leaf: falseLeafs[i]), flags: flags))
        }
        for (target, weight) in zip(leafTargets, leafWeights) {
            guard target >= 0, Int(target) < targetCount else { throw context.invalidModel("leaf target \(target) of \(targetCount)") }
            nodes.append(.leaf([(Int32(target), weight)]))
        }
        // A single-leaf tree is a root whose both children are that leaf: evaluating the root
        // as a split reaches it either way, so roots need no special case.
        let rootIndices = try roots.map { root -> Int in
            guard root >= 0, Int(root) < count else { throw context.invalidModel("tree root \(root) does not exist") }
            return Int(root)
        }
        var builder = TreeEnsembleBuilder(featurePrecision: .float32, targetCount: targetCount)
        builder.categorySets = categorySets
        try builder.addTrees(nodes, roots: rootIndices)
        ensemble = try builder.build()
        switch try context.int("aggregate_function", default: 1) {
        case 0: aggregate = .average
        case 1: aggregate = .sum
        case 2: aggregate = .min
        case 3: aggregate = .max
        case let other: throw context.unsupported("aggregate_function \(other)")
        }
        baseValues = []
        postTransform = try PostTransform(code: try context.int("post_transform", default: 0))
        weightTargets = Set(leafTargets.compactMap { Int32(exactly: $0) })
        weightsAllPositive = !leafWeights.contains { $0 < 0 }
    }

    private struct Key: Hashable {
        let tree: Int64
        let node: Int64
    }

    private static func test(_ mode: String) -> TreeEnsemble.Test? {
        switch mode {
        case "BRANCH_LEQ": .lessOrEqual
        case "BRANCH_LT": .less
        case "BRANCH_GTE": .greaterOrEqual
        case "BRANCH_GT": .greater
        case "BRANCH_EQ": .equal
        case "BRANCH_NEQ": .notEqual
        default: nil
        }
    }

    /// The feature rows of `x` ([N, F] or [F]) as doubles, rounded to float32 unless the
    /// input is double (onnxruntime compares float and integer inputs in float).
    func features(_ x: Tensor) throws -> (values: [Double], rows: Int, width: Int) {
        guard x.rank == 1 || x.rank == 2 else { throw KernelError("tree ensembles take 1-D or 2-D input, got shape \(x.shape)") }
        let rows = x.rank == 2 ? x.shape[0] : 1
        let width = x.rank == 2 ? x.shape[1] : x.shape[0]
        guard ensemble.featureCount <= width || rows == 0 else {
            throw KernelError("the trees use feature \(ensemble.featureCount - 1) but the input has \(width) features")
        }
        var values = try x.asDoubles()
        if x.elementType != .double {
            for i in values.indices { values[i] = Double(Float(values[i])) }
        }
        return (values, rows, width)
    }

    var treeCount: Int { ensemble.treeCount }
}
