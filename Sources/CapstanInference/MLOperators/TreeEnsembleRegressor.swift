/// `TreeEnsembleRegressor` (ai.onnx.ml 1–4) and `TreeEnsemble` (ai.onnx.ml 5).
///
/// One target sums (or averages, or takes the min/max of) each tree's leaf value and adds
/// the base value; onnxruntime applies only PROBIT there, ignoring the other transforms,
/// and so do we. Several targets track which ones any leaf reached: unreached targets are
/// 0 before the transform, base values are added after averaging.
struct TreeEnsembleRegressor: Kernel {
    let forest: ONNXTreeForest
    let targetCount: Int
    let isVersion5: Bool

    init(_ context: NodeContext) throws {
        isVersion5 = context.node.opType == "TreeEnsemble"
        if isVersion5 {
            forest = try ONNXTreeForest(v5: context)
            targetCount = forest.ensemble.targetCount
        } else {
            guard context.opset < 5 else {
                throw context.unsupported("TreeEnsembleRegressor is deprecated in ai.onnx.ml 5; use TreeEnsemble")
            }
            let targets = Int(try context.int("n_targets", default: 0))
            guard targets > 0 else { throw context.invalidModel("n_targets must be positive") }
            targetCount = targets
            forest = try ONNXTreeForest(v3: context, weightPrefix: "target", targetCount: targets, singleTargetLeaves: targets == 1)
        }
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try inputs.tensor(0)
        guard x.elementType == .float || x.elementType == .double else {
            throw KernelError("tree ensemble regressors take float or double input, got \(x.elementType)")
        }
        let (features, rows, width) = try forest.features(x)
        let ensemble = forest.ensemble
        let trees = Double(forest.treeCount)
        var scores = [Double](repeating: 0, count: rows * targetCount)
        var reached = [Bool](repeating: false, count: rows * targetCount)
        let aggregate = forest.aggregate, base = forest.baseValues
        features.withUnsafeBufferPointer { features in
            guard rows > 0 else { return }
            if aggregate == .sum || aggregate == .average {
                scores.withUnsafeMutableBufferPointer { scores in
                    reached.withUnsafeMutableBufferPointer { reached in
                        ensemble.sum(features.baseAddress!, rows: rows, width: width, into: scores.baseAddress!, reached: reached.baseAddress!)
                    }
                }
                return
            }
            for r in 0..<rows {
                for leaf in ensemble.leaves(features.baseAddress! + r * width) {
                    for entry in ensemble.entries(ofLeaf: leaf) {
                        let t = r * targetCount + Int(ensemble.leafTargets[entry]), w = ensemble.leafWeights[entry]
                        let better = aggregate == .min ? w < scores[t] : w > scores[t]
                        if !reached[t] || better { scores[t] = w }
                        reached[t] = true
                    }
                }
            }
        }
        var out = [Double](repeating: 0, count: rows * targetCount)
        let hasBase = targetCount == 1 ? base.count == 1 : base.count == targetCount
        for i in 0..<(rows * targetCount) {
            let t = i % targetCount
            let b = hasBase ? base[targetCount == 1 ? 0 : t] : 0
            var value = scores[i]
            switch aggregate {
            case .sum: value += b
            case .average: value = value / trees + b
            case .min, .max: value = b + (reached[i] || targetCount == 1 ? value : 0)
            }
            // onnxruntime writes 0 for a target no leaf reached (several targets only).
            out[i] = targetCount > 1 && !reached[i] ? 0 : value
        }
        let shape = [rows, targetCount]
        let transform = forest.postTransform
        if targetCount == 1 {
            // onnxruntime applies only PROBIT to a single target.
            if transform == .probit { out = out.map { Double(PostTransform.probit(Float($0))) } }
        } else if transform != .none {
            var row = [Float](repeating: 0, count: targetCount)
            for r in 0..<rows {
                for t in 0..<targetCount { row[t] = Float(out[r * targetCount + t]) }
                transform.apply(row: &row)
                for t in 0..<targetCount { out[r * targetCount + t] = Double(row[t]) }
            }
        }
        if isVersion5 && x.elementType == .double {
            return [.tensor(Tensor(shape: shape, doubles: out))]
        }
        return [.tensor(Tensor(shape: shape, floats: out.map { Float($0) }))]
    }
}
