import CapstanStats
import Foundation

/// Evidently's drift test for free text (`perc_text_content_drift`,
/// `abs_text_content_drift`; design credit: Evidently's `data_drift_utils.py` and
/// scikit-learn): can a text classifier tell reference texts from current ones?
///
/// Reference texts are labelled 0 and current texts 1; the texts are shuffled and split in
/// half; a ``TfidfVectorizer`` and a ``SparseSGDClassifier`` are fitted on one half, and
/// the statistic is the ROC AUC of the classifier's probabilities on the other. About 0.5:
/// the words of the two samples cannot be told apart; 1: they separate perfectly.
///
/// - `abs_text_content_drift`: drift when the AUC is above `threshold` (0.55 by default).
/// - `perc_text_content_drift`: `threshold` (0.95 by default) is a percentile level; drift
///   when the AUC is above that percentile of the AUCs that 1,000 classifiers scoring at
///   random reach on the same test labels (a small test half can reach 0.55 by chance).
///   ``Result/threshold`` is that percentile AUC, the value actually compared.
///
/// Work is capped for big inputs: each side is first subsampled to at most
/// ``maxTextsPerSide`` texts (seeded), so a monitor's window of a million predictions costs
/// what 10,000 texts cost. Everything random (subsample, split, SGD order, random
/// classifiers) comes from ``SplitMix64`` seeded with 42: the same texts give the same AUC
/// bit for bit. Evidently draws from NumPy's streams instead, so the two agree on the
/// verdict and roughly on the AUC (within a few hundredths on a few hundred texts), never
/// to the last digit.
public enum TextContentDrift {
    /// Texts used per side at most; larger sides are subsampled without replacement.
    public static let maxTextsPerSide = 10_000
    /// Random classifiers behind `perc_text_content_drift`'s percentile (Evidently's 1,000).
    public static let randomClassifiers = 1000
    static let seed: UInt64 = 42

    public struct Result: Sendable, Equatable {
        /// The classifier's ROC AUC on the held-out half.
        public var rocAUC: Double
        /// The AUC compared: `threshold` itself for `abs_text_content_drift`, the random
        /// classifiers' percentile AUC for `perc_text_content_drift`.
        public var threshold: Double
        public var drifted: Bool
    }

    /// Why the test has no result; `reason` is a sentence for the report (no text quoted).
    public struct Unmeasurable: Error, Equatable {
        public var reason: String
    }

    /// Runs `method` (one of the two text tests) on the present texts of each side.
    ///
    /// - Throws: ``Unmeasurable`` when either half of the split holds texts of one side
    ///   only (too few texts), when no word survives tokenization (only stop words, one-letter
    ///   words, or words in more than half the texts), or for a percentile level outside (0, 1].
    public static func measure(reference: [String], current: [String], method: DriftMethod,
                               threshold: Double) throws(Unmeasurable) -> Result {
        precondition(method.isTextContent, "TextContentDrift runs the text tests only")
        if method == .percTextContentDrift, !(threshold > 0 && threshold <= 1) {
            throw Unmeasurable(reason: "perc_text_content_drift's threshold is a percentile level in (0, 1], not \(threshold)")
        }
        var rng = SplitMix64(seed: seed)
        let reference = subsample(reference, using: &rng), current = subsample(current, using: &rng)
        let texts = reference + current
        let isCurrent = [Bool](repeating: false, count: reference.count) + [Bool](repeating: true, count: current.count)
        // Half for testing, rounded up, the rest for training (scikit-learn's train_test_split).
        var order = Array(texts.indices)
        order.shuffle(using: &rng)
        let testCount = (texts.count + 1) / 2
        let test = order[..<testCount], train = order[testCount...]
        let trainLabels = train.map { isCurrent[$0] }, testLabels = test.map { isCurrent[$0] }
        guard trainLabels.contains(true), trainLabels.contains(false), testLabels.contains(true), testLabels.contains(false) else {
            throw Unmeasurable(reason: "too few texts: a half of the split holds texts of one side only")
        }
        guard let vectorizer = TfidfVectorizer.fit(train.map { texts[$0] }) else {
            throw Unmeasurable(reason: "no word to learn from: every word is a stop word, one letter long, or in more than half the texts")
        }
        let trainRows = train.map { vectorizer.transform(texts[$0]) }
        let classifier = SparseSGDClassifier.fit(rows: trainRows, positive: trainLabels,
                                                 features: vectorizer.featureCount, seed: rng.next())
        let scores = test.map { classifier.probability(vectorizer.transform(texts[$0])) }
        guard let auc = RankingMetrics.rocAUC(isPositive: testLabels, scores: scores) else {
            throw Unmeasurable(reason: "the classifier's ROC AUC is undefined on these texts")
        }
        let compared = method == .absTextContentDrift
            ? threshold
            : randomClassifierPercentile(testLabels, level: threshold, using: &rng)
        return Result(rocAUC: auc, threshold: compared, drifted: method.isDrift(auc, threshold: compared))
    }

    /// The `level` percentile (linear interpolation, NumPy's default) of the ROC AUCs of
    /// ``randomClassifiers`` classifiers scoring at random on `labels`. Scores drawn uniformly
    /// at random rank the texts in a uniformly random order, so each AUC is taken from a
    /// random permutation's rank sum (Mann–Whitney): the same distribution as Evidently's
    /// random score vectors, in linear time instead of a sort per classifier.
    static func randomClassifierPercentile(_ labels: [Bool], level: Double, using rng: inout SplitMix64) -> Double {
        let positives = labels.count { $0 }, negatives = labels.count - positives
        let baseline = Double(positives) * Double(positives + 1) / 2, pairs = Double(positives) * Double(negatives)
        var aucs: [Double] = []
        aucs.reserveCapacity(randomClassifiers)
        var order = labels
        for _ in 0..<randomClassifiers {
            order.shuffle(using: &rng)
            var rankSum = 0
            for (rank, positive) in order.enumerated() where positive { rankSum += rank + 1 }
            aucs.append((Double(rankSum) - baseline) / pairs)
        }
        aucs.sort()
        let position = level * Double(aucs.count - 1)
        let lower = Int(position.rounded(.down)), upper = min(lower + 1, aucs.count - 1)
        return aucs[lower] + (aucs[upper] - aucs[lower]) * (position - Double(lower))
    }

    private static func subsample(_ texts: [String], using rng: inout SplitMix64) -> [String] {
        texts.count <= maxTextsPerSide ? texts : rng.sample(maxTextsPerSide, of: texts.count).map { texts[$0] }
    }
}
