/// `TreeEnsembleClassifier` (ai.onnx.ml 1–4), with onnxruntime's rules for labels and scores.
///
/// Scores sum the leaf weights per class. The label is chosen from the raw scores before
/// any transform. Two classes with weights on only one class id (the usual binary export)
/// follow onnxruntime's binary rules: with all weights non-negative the scores are
/// [1 − s, s] (LOGISTIC: [1 − σ(s), σ(s)]) and the label is class 1 when s > 0.5; otherwise
/// they are [−s, s] (LOGISTIC: [σ(−s), σ(s)]) and the label is class 1 when s > 0.
struct TreeEnsembleClassifier: Kernel {
    let forest: ONNXTreeForest
    let labels: ClassLabels
    let classCount: Int
    let binaryCase: Bool

    init(_ context: NodeContext) throws {
        guard context.opset < 5 else {
            throw context.unsupported("TreeEnsembleClassifier is deprecated in ai.onnx.ml 5; use TreeEnsemble")
        }
        labels = try ClassLabels(context, stringsAttribute: "classlabels_strings", intsAttribute: "classlabels_int64s")
        classCount = labels.count
        guard classCount > 0 else { throw context.invalidModel("the classifier has no class labels") }
        forest = try ONNXTreeForest(v3: context, weightPrefix: "class", targetCount: classCount, singleTargetLeaves: false)
        binaryCase = classCount == 2 && forest.weightTargets.count == 1
        if classCount == 1 || (classCount == 2 && forest.baseValues.count > 2) || (classCount > 2 && forest.baseValues.count > classCount) {
            throw context.unsupported("\(classCount) class label(s) with \(forest.baseValues.count) base values")
        }
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try inputs.tensor(0)
        guard x.elementType != .string && x.elementType != .bool else {
            throw KernelError("TreeEnsembleClassifier takes numeric input, got \(x.elementType)")
        }
        let (features, rows, width) = try forest.features(x)
        let k = classCount
        var labelIndices = [Int64](repeating: 0, count: rows)
        var z = [Float](repeating: 0, count: rows * k)
        // The raw sums are scratch, on the stack for the usual small request: a single row
        // was costing more in allocations than in walking its hundred trees.
        try withUnsafeTemporaryAllocation(of: Double.self, capacity: rows * k) { sums in
            try withUnsafeTemporaryAllocation(of: Bool.self, capacity: rows * k) { reached in
                guard rows > 0, let sums = sums.baseAddress, let reached = reached.baseAddress else { return }
                sums.initialize(repeating: 0, count: rows * k)
                reached.initialize(repeating: false, count: rows * k)
                features.withUnsafeBufferPointer { features in
                    forest.ensemble.sum(features.baseAddress!, rows: rows, width: width, into: sums, reached: reached)
                }
                if k > 2 {
                    try finishMulticlass(sums, reached, rows: rows, labels: &labelIndices, scores: &z)
                    return
                }
                for r in 0..<rows {
                    let (label, pair) = binary(sums[2 * r], sums[2 * r + 1], reached: (reached[2 * r], reached[2 * r + 1]))
                    labelIndices[r] = label
                    z[2 * r] = pair.0
                    z[2 * r + 1] = pair.1
                }
            }
        }
        return [.tensor(labels.tensor(labelIndices, literalBinary: classCount == 2 && !binaryCase)),
                .tensor(Tensor(shape: [rows, k], floats: z))]
    }

    /// Three or more classes: base values added, the label chosen from the raw scores, then
    /// the transform over each row.
    private func finishMulticlass(_ sums: UnsafeMutablePointer<Double>, _ reached: UnsafeMutablePointer<Bool>, rows: Int,
                                  labels: inout [Int64], scores z: inout [Float]) throws {
        let k = classCount, base = forest.baseValues
        var row = [Float](repeating: 0, count: k)
        for r in 0..<rows {
            let scores = sums + r * k, reached = reached + r * k
            for c in 0..<min(base.count, k) {
                scores[c] += base[c]
                reached[c] = true
            }
            // The first of the highest-scoring classes that received any score.
            var best = -1
            for c in 0..<k where reached[c] && (best < 0 || scores[c] > scores[best]) { best = c }
            guard best >= 0 else { throw KernelError("no class received a score") }
            labels[r] = Int64(best)
            for c in 0..<k { row[c] = reached[c] ? Float(scores[c]) : 0 }
            forest.postTransform.apply(row: &row)
            for c in 0..<k { z[r * k + c] = row[c] }
        }
    }

    /// onnxruntime's two-class finalisation (see its tree_ensemble_aggregator): returns the
    /// label index and the two scores.
    private func binary(_ score0: Double, _ score1: Double, reached h: (Bool, Bool)) -> (Int64, (Float, Float)) {
        let base = forest.baseValues
        var s = (score0, score1)
        var secondClass = -1
        var single = false  // the score vector shrinks to class 0 alone
        switch base.count {
        case 2:
            if h.1 {
                s.1 = base[1] + s.0
                s.0 = -s.1
            } else {
                s.1 += base[1]
                s.0 += base[0]
            }
        case 1:
            s.0 += base[0]
            if !h.1 { single = true }
        default:
            secondClass = 3
            if !h.1 { single = true }
        }
        let positive = !single && h.1 ? s.1 : (h.0 ? s.0 : 0)
        let label: Int64
        if binaryCase && forest.weightsAllPositive {
            label = positive > 0.5 ? 1 : 0
            secondClass = label == 1 ? 0 : 1
        } else if binaryCase {
            label = positive > 0 ? 1 : 0
            secondClass = label == 1 ? 2 : 3
        } else {
            label = positive > 0 ? 1 : 0
        }
        let transform = forest.postTransform
        if !single {
            return (label, transform.apply(pair: (Float(h.0 ? s.0 : 0), Float(h.1 ? s.1 : 0))))
        }
        let score = h.0 ? s.0 : 0
        if transform == .probit { return (label, (PostTransform.probit(Float(score)), 0)) }
        switch secondClass {
        case 0, 1:
            // onnxruntime (1.26 and later) applies LOGISTIC here too.
            if transform == .logistic {
                let p = PostTransform.logistic(Float(score))
                return (label, (1 - p, p))
            }
            return (label, (Float(1 - score), Float(score)))
        case 2, 3:
            if transform == .logistic { return (label, (PostTransform.logistic(Float(-score)), PostTransform.logistic(Float(score)))) }
            return (label, (Float(-score), Float(score)))
        default: return (label, (Float(score), 0))
        }
    }
}
