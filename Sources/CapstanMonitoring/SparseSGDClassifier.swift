import CapstanStats

/// A binary linear classifier on sparse rows, trained as scikit-learn's
/// `SGDClassifier(loss="modified_huber", penalty="l1", alpha=1e-4, max_iter=50)` trains it
/// for Evidently's free-text drift test (design credit: scikit-learn's `_plain_sgd`).
///
/// - Loss: modified Huber on the margin `z = y·f(x)` (y = ±1): 0 for z ≥ 1, (1 − z)² for
///   −1 ≤ z < 1, −4z below; robust to outliers and gives probabilities.
/// - Schedule: the "optimal" rate η = 1 / (α (t₀ + t)), t₀ from Bottou's heuristic.
/// - L1: Tsuruoka, Tsujii and Ananiadou's cumulative penalty (ACL 2009), which clips weights
///   at zero and so keeps the model sparse.
/// - Epochs: at most `maxEpochs`, rows shuffled with a seeded ``SplitMix64`` each epoch;
///   stops when the epoch's mean objective (loss plus α‖w‖₁, as each row saw it) has not
///   improved by `tolerance` for 5 epochs in a row.
///   The intercept moves at 1/100 of the weights' rate, as scikit-learn's does on sparse rows.
///
/// The same rows, labels and seed give the same weights bit for bit.
struct SparseSGDClassifier: Sendable {
    var weights: [Double]
    var intercept: Double

    static func fit(rows: [TfidfVectorizer.Row], positive: [Bool], features: Int, seed: UInt64,
                    alpha: Double = 1e-4, maxEpochs: Int = 50, tolerance: Double = 1e-3) -> SparseSGDClassifier {
        var weights = [Double](repeating: 0, count: features)
        // What the L1 penalty has taken from each weight so far, and what it could have.
        var applied = [Double](repeating: 0, count: features)
        var cumulative = 0.0
        var intercept = 0.0
        let interceptDecay = 0.01
        // Bottou's heuristic (sklearn's "optimal" learning rate): a typical weight of
        // 1/√√α, and the step that would move it by one loss gradient.
        let typicalWeight = (1 / alpha.squareRoot()).squareRoot()
        let initialRate = typicalWeight / max(1, dloss(margin: -typicalWeight, label: 1))
        let offset = 1 / (initialRate * alpha)
        var rng = SplitMix64(seed: seed)
        var order = Array(rows.indices)
        var step = 1.0
        // ‖w‖₁, kept up to date as weights change (scikit-learn recomputes it for every row).
        var l1Norm = 0.0
        var bestObjective = Double.infinity
        var epochsWithoutImprovement = 0
        for _ in 0..<maxEpochs {
            order.shuffle(using: &rng)
            var objectiveSum = 0.0
            for index in order {
                let row = rows[index]
                let label: Double = positive[index] ? 1 : -1
                var score = intercept
                for (feature, value) in zip(row.indices, row.values) { score += weights[Int(feature)] * value }
                objectiveSum += loss(margin: score * label) + alpha * l1Norm
                let rate = 1 / (alpha * (offset + step - 1))
                let update = -rate * dloss(margin: score, label: label)
                if update != 0 {
                    for (feature, value) in zip(row.indices, row.values) {
                        let f = Int(feature), before = weights[f]
                        weights[f] += update * value
                        l1Norm += abs(weights[f]) - abs(before)
                    }
                    intercept += update * interceptDecay
                }
                cumulative += rate * alpha
                for feature in row.indices {
                    let f = Int(feature), before = weights[f]
                    if before > 0 {
                        weights[f] = max(0, before - (cumulative + applied[f]))
                    } else if before < 0 {
                        weights[f] = min(0, before + (cumulative - applied[f]))
                    }
                    applied[f] += weights[f] - before
                    l1Norm += abs(weights[f]) - abs(before)
                }
                step += 1
            }
            let objective = objectiveSum / Double(rows.count)
            epochsWithoutImprovement = objective > bestObjective - tolerance ? epochsWithoutImprovement + 1 : 0
            bestObjective = min(bestObjective, objective)
            if epochsWithoutImprovement >= 5 { break }
        }
        return SparseSGDClassifier(weights: weights, intercept: intercept)
    }

    /// The probability of the positive class: `(clip(f(x), −1, 1) + 1) / 2`, as scikit-learn
    /// derives it from the modified Huber loss (scores past ±1 tie at 0 or 1).
    func probability(_ row: TfidfVectorizer.Row) -> Double {
        var score = intercept
        for (feature, value) in zip(row.indices, row.values) { score += weights[Int(feature)] * value }
        return (min(1, max(-1, score)) + 1) / 2
    }

    static func loss(margin z: Double) -> Double {
        if z >= 1 { return 0 }
        if z >= -1 { return (1 - z) * (1 - z) }
        return -4 * z
    }

    /// The loss's derivative with respect to the score, for a score and a ±1 label.
    static func dloss(margin score: Double, label: Double) -> Double {
        let z = score * label
        if z >= 1 { return 0 }
        if z >= -1 { return 2 * (1 - z) * -label }
        return -4 * label
    }
}
