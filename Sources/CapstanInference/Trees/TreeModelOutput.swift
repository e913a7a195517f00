import Foundation

/// How a gradient-boosted model's summed tree scores (margins) become predictions, and
/// the CSV columns they are reported in: classifiers give `label` and
/// `probabilities_0 … probabilities_{K-1}`, regressors `prediction`.
enum TreeModelOutput: Sendable, Equatable {
    /// One margin through the logistic function: P(class 1). `scale` multiplies the margin
    /// first (LightGBM's sigmoid parameter).
    case binaryLogistic(scale: Double)
    /// K margins through softmax.
    case softmax(classes: Int)
    /// K margins, each through the logistic function on its own (LightGBM's one-vs-all;
    /// the probabilities are not normalised, as LightGBM reports them).
    case oneVersusAll(classes: Int, scale: Double)
    /// A regression value: the margin through `link`.
    case regression(Link)

    enum Link: Sendable, Equatable {
        case identity
        case logistic
        case exponential
        /// sign(x)·x² (LightGBM regression trained on the square root of the target).
        case signedSquare
        /// log(1 + eˣ) (LightGBM's cross_entropy_lambda).
        case softplus
    }

    var marginCount: Int {
        switch self {
        case .binaryLogistic, .regression: 1
        case .softmax(let k), .oneVersusAll(let k, _): k
        }
    }

    var isClassifier: Bool {
        if case .regression = self { false } else { true }
    }

    var columnNames: [String] {
        switch self {
        case .binaryLogistic: ["label", "probabilities_0", "probabilities_1"]
        case .softmax(let k), .oneVersusAll(let k, _): ["label"] + (0..<k).map { "probabilities_\($0)" }
        case .regression: ["prediction"]
        }
    }

    /// Predictions for `rows` rows of margins (row-major, `marginCount` per row).
    func frame(margins: [Double], rows: Int) -> FeatureFrame {
        switch self {
        case .regression(let link):
            let values: [Double] = switch link {
            case .identity: margins
            case .logistic: margins.map(Self.logistic)
            case .exponential: margins.map { Foundation.exp($0) }
            case .signedSquare: margins.map { ($0 < 0 ? -1 : 1) * $0 * $0 }
            case .softplus: margins.map { Foundation.log1p(Foundation.exp($0)) }
            }
            return try! FeatureFrame([("prediction", .float64(values))])
        case .binaryLogistic(let scale):
            let p = margins.map { Self.logistic(scale * $0) }
            return try! FeatureFrame([
                ("label", .int64(p.map { $0 > 0.5 ? 1 : 0 })),
                ("probabilities_0", .float64(p.map { 1 - $0 })),
                ("probabilities_1", .float64(p)),
            ])
        case .softmax(let k), .oneVersusAll(let k, _):
            var probabilities = [[Double]](repeating: [Double](repeating: 0, count: rows), count: k)
            var labels = [Int64](repeating: 0, count: rows)
            for r in 0..<rows {
                let row = margins[(r * k)..<((r + 1) * k)]
                let values: [Double]
                if case .oneVersusAll(_, let scale) = self {
                    values = row.map { Self.logistic(scale * $0) }
                } else {
                    let peak = row.max() ?? 0
                    let exps = row.map { Foundation.exp($0 - peak) }
                    let sum = exps.reduce(0, +)
                    values = exps.map { $0 / sum }
                }
                var best = 0
                for c in 0..<k {
                    probabilities[c][r] = values[c]
                    if values[c] > values[best] { best = c }
                }
                labels[r] = Int64(best)
            }
            let columns: [(name: String, column: FeatureFrame.Column)] = [("label", .int64(labels))]
                + probabilities.enumerated().map { (name: "probabilities_\($0.offset)", column: FeatureFrame.Column.float64($0.element)) }
            return try! FeatureFrame(columns)
        }
    }

    static func logistic(_ x: Double) -> Double {
        x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x))
    }
}
