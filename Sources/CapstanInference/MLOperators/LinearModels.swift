/// `LinearClassifier` and `LinearRegressor`: scores = X·Wᵀ + intercepts, in float32 as
/// onnxruntime computes them.
///
/// Classifier labels come from the raw scores. With one score column and two labels the
/// probabilities are [1 − s, s] (LOGISTIC: [1 − σ(s), σ(s)]); with two or more columns LOGISTIC uses
/// onnxruntime's (MLAS) rational approximation of the logistic function.
struct LinearModel: Kernel {
    let isClassifier: Bool
    let coefficients: [Float]
    let intercepts: [Float]
    let outputs: Int
    let postTransform: PostTransform
    let labels: ClassLabels?

    init(_ context: NodeContext) throws {
        isClassifier = context.node.opType == "LinearClassifier"
        guard let coefficients = try context.floats("coefficients"), !coefficients.isEmpty else {
            throw context.invalidModel("no coefficients")
        }
        self.coefficients = coefficients
        let intercepts = try context.floats("intercepts") ?? []
        postTransform = PostTransform(attribute: try context.string("post_transform", default: "NONE"))
        if isClassifier {
            labels = try ClassLabels(context, stringsAttribute: "classlabels_strings", intsAttribute: "classlabels_ints")
            outputs = intercepts.count
            guard outputs > 0 else { throw context.invalidModel("LinearClassifier needs intercepts (one per score column)") }
            self.intercepts = intercepts
        } else {
            labels = nil
            outputs = Int(try context.int("targets", default: 1))
            guard outputs > 0 else { throw context.invalidModel("targets must be positive") }
            // onnxruntime ignores intercepts of the wrong length.
            self.intercepts = intercepts.count == outputs ? intercepts : []
        }
        guard coefficients.count % outputs == 0 else {
            throw context.invalidModel("\(coefficients.count) coefficients do not divide into \(outputs) outputs")
        }
    }

    func run(_ inputs: [Value?]) throws -> [Value] {
        let x = try inputs.tensor(0)
        guard x.rank == 1 || x.rank == 2 else { throw KernelError("linear models take 1-D or 2-D input, got \(x.shape)") }
        let rows = x.rank == 2 ? x.shape[0] : 1
        let width = x.rank == 2 ? x.shape[1] : x.shape[0]
        guard coefficients.count == outputs * width else {
            throw KernelError("the model has \(coefficients.count / outputs) coefficients per output; the input has \(width) features")
        }
        let weights = MatrixMultiply.transposed(coefficients, rows: outputs, columns: width)
        var scores = MatrixMultiply.product(try x.asFloats(), weights, m: rows, k: width, n: outputs)
        if !intercepts.isEmpty {
            for r in 0..<rows { for c in 0..<outputs { scores[r * outputs + c] += intercepts[c] } }
        }
        guard isClassifier, let labels else {
            return [.tensor(Tensor(shape: [rows, outputs], floats: transformed(scores, rows: rows, twoColumns: false)))]
        }
        var indices = [Int64](repeating: 0, count: rows)
        let twoColumns = outputs == 1 && labels.count == 2
        for r in 0..<rows {
            if outputs == 1 {
                indices[r] = scores[r] > 0 ? 1 : 0
            } else {
                var best = 0
                for c in 1..<outputs where scores[r * outputs + c] > scores[r * outputs + best] { best = c }
                indices[r] = Int64(best)
            }
        }
        let labelTensor: Tensor
        if outputs == 1 && labels.count != 2 {
            // One score column without two labels: the label is literally 1 or 0.
            switch labels {
            case .strings: labelTensor = Tensor(shape: [rows], strings: indices.map { String($0) })
            case .int64s: labelTensor = Tensor(shape: [rows], int64s: indices)
            }
        } else {
            labelTensor = labels.tensor(indices)
        }
        let z = transformed(scores, rows: rows, twoColumns: twoColumns)
        return [.tensor(labelTensor), .tensor(Tensor(shape: [rows, twoColumns ? 2 : outputs], floats: z))]
    }

    private func transformed(_ scores: [Float], rows: Int, twoColumns: Bool) -> [Float] {
        if outputs == 1 {
            if postTransform == .probit { return scores.map(PostTransform.probit) }
            if twoColumns {
                // onnxruntime applies LOGISTIC to the single score before expanding it.
                let p = postTransform == .logistic ? scores.map(PostTransform.logistic) : scores
                return p.flatMap { [1 - $0, $0] }
            }
            return scores
        }
        var out = scores
        switch postTransform {
        case .none: break
        case .probit: out = out.map(PostTransform.probit)
        case .logistic: out = out.map(PostTransform.approximateLogistic)
        case .softmax, .softmaxZero:
            var row = [Float](repeating: 0, count: outputs)
            for r in 0..<rows {
                for c in 0..<outputs { row[c] = out[r * outputs + c] }
                postTransform.apply(row: &row)
                for c in 0..<outputs { out[r * outputs + c] = row[c] }
            }
        }
        return out
    }
}
