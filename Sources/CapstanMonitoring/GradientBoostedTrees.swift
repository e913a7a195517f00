import Foundation

/// A small gradient-boosted ensemble of regression trees on binned features, fitted to the
/// binary log-loss: the learner the domain classifier trains to tell reference rows (0)
/// from current rows (1).
///
/// The algorithm is the one LightGBM and scikit-learn's `HistGradientBoostingClassifier`
/// share (Friedman's gradient boosting with Newton leaf values, Chen and Guestrin's split
/// gain): each round fits a tree to the gradient `p − y` and hessian `p(1 − p)` of the
/// log-loss at the current scores; a split's gain is
/// `½ (G_L²/H_L + G_R²/H_R − G²/H)`; a leaf's value is `−G/H` times the learning rate.
/// Trees grow level by level to a fixed depth, and a node's histogram is built by one pass
/// over its rows for the smaller child only, the other child being the parent's minus it
/// (LightGBM's subtraction trick), so a level costs at most one pass over the data.
///
/// A categorical feature is split one category against the rest, the splits a tree would
/// find on the column's one-hot encoding.
///
/// Shallow trees, no regularisation beyond a minimum leaf size: the goal is a fair,
/// cheap discriminator, not the last point of accuracy.
struct GradientBoostedTrees: Sendable {
    struct Parameters: Sendable {
        var rounds = 100
        var depth = 3
        var learningRate = 0.1
        /// scikit-learn's and LightGBM's default (`min_samples_leaf`, `min_child_samples`):
        /// no leaf is fitted to fewer rows, which keeps noise from scoring as drift.
        var minSamplesLeaf = 20
        /// scikit-learn's `min_hessian_to_split`: a child whose rows are all but certain
        /// already has nothing left to learn, and its Newton step would blow up.
        var minHessian = 1e-3
    }

    struct Node: Sendable {
        /// −1 for a leaf.
        var feature: Int32
        /// Rows with `code <= bin` go left, or `code == bin` for a categorical feature.
        var bin: UInt8
        var categorical: Bool
        var left: Int32
        var right: Int32
        /// A leaf's contribution to the raw score (log-odds).
        var value: Double

        static let leaf = Node(feature: -1, bin: 0, categorical: false, left: -1, right: -1, value: 0)

        func goesLeft(_ code: UInt8) -> Bool { categorical ? code == bin : code <= bin }
    }

    var baseScore: Double
    var trees: [[Node]]
    /// Per feature, the total gain of the splits on it over all trees: the usual "gain"
    /// importance (LightGBM's `importance_type="gain"`).
    var gain: [Double]

    /// Raw scores (log-odds) for `rows` of `matrix`.
    func scores(_ matrix: BinnedMatrix, rows: [Int]) -> [Double] {
        matrix.codes.withUnsafeBufferPointer { codes in
            rows.map { row in
                var score = baseScore
                for tree in trees {
                    var node = 0
                    while tree[node].feature >= 0 {
                        let split = tree[node]
                        node = Int(split.goesLeft(codes[Int(split.feature) * matrix.rowCount + row]) ? split.left : split.right)
                    }
                    score += tree[node].value
                }
                return score
            }
        }
    }

    /// Fits the ensemble on `rows` of `matrix` with labels `labels[row]` (indexed by matrix row).
    static func fit(_ matrix: BinnedMatrix, rows: [Int], labels: [Bool], parameters: Parameters) -> GradientBoostedTrees {
        let positives = rows.count { labels[$0] }
        // The log-odds of the training labels: the best constant score.
        let prior = min(max(Double(positives) / Double(max(rows.count, 1)), 1e-12), 1 - 1e-12)
        let baseScore = log(prior / (1 - prior))
        var learner = HistogramTreeLearner(matrix: matrix, rows: rows, labels: labels, parameters: parameters, baseScore: baseScore)
        var trees: [[Node]] = []
        trees.reserveCapacity(parameters.rounds)
        for _ in 0..<parameters.rounds {
            trees.append(learner.growTree())
        }
        return GradientBoostedTrees(baseScore: baseScore, trees: trees, gain: learner.gain)
    }
}
