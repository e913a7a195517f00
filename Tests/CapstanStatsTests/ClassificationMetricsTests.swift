import Foundation
import Testing
@testable import CapstanStats

/// Relative 1e-9, absolute 1e-12 near zero: the agreement promised with scikit-learn.
func metricClose(_ actual: Double?, _ expected: Double) -> Bool {
    guard let actual else { return false }
    return abs(actual - expected) <= max(1e-9 * abs(expected), 1e-12)
}

/// The window generator shared with the Python reference script: a 64-bit LCG (Knuth's
/// MMIX constants) whose top 53 bits give a uniform Double in [0, 1). Python twin:
///
///     M = (1 << 64) - 1; state = 42
///     def nxt():
///         global state
///         state = (state * 6364136223846793005 + 1442695040888963407) & M
///         return (state >> 11) * 2.0 ** -53
struct MetricsLCG {
    var state: UInt64 = 42
    mutating func next() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) * 0x1p-53
    }
}

/// 100,000 rows drawn exactly like the Python loop (four draws per row, same order):
///
///     for i in range(100_000):
///         u1, u2, u3, u4 = nxt(), nxt(), nxt(), nxt()
///         b = 1 if u1 < 0.3 else 0
///         yb.append(b); sc.append(math.floor((0.4 * b + 0.6 * u2) * 100) / 100)
///         c = int(u3 * 4); yc.append(c); pc.append(c if u4 < 0.7 else int(u2 * 4))
///         yr.append(u3 * 10 - 2); pr_.append(u3 * 10 - 2 + (u4 - 0.5))
///         a, bb, cc = u2 + 0.01, u3 + 0.01, u4 + 0.01; t = a + bb + cc
///         rows.append([a / t, bb / t, cc / t]); y3.append(c % 3)
///
/// Scores are rounded to cents so the ranking metrics see many ties, and some are exactly
/// 0.0 so the binary log loss clips.
struct LargeWindow {
    var binaryTruth: [Int] = [], scores: [Double] = []
    var classTruth: [Int] = [], classPred: [Int] = []
    var regressionTruth: [Double] = [], regressionPred: [Double] = []
    var probabilityRows: [[Double]] = [], threeClassTruth: [Int] = []

    init(rows: Int = 100_000) {
        var rng = MetricsLCG()
        for _ in 0..<rows {
            let u1 = rng.next(), u2 = rng.next(), u3 = rng.next(), u4 = rng.next()
            let b = u1 < 0.3 ? 1 : 0
            binaryTruth.append(b)
            scores.append(((0.4 * Double(b) + 0.6 * u2) * 100).rounded(.down) / 100)
            let c = Int(u3 * 4)
            classTruth.append(c)
            classPred.append(u4 < 0.7 ? c : Int(u2 * 4))
            regressionTruth.append(u3 * 10 - 2)
            regressionPred.append(u3 * 10 - 2 + (u4 - 0.5))
            let a = u2 + 0.01, bb = u3 + 0.01, cc = u4 + 0.01
            let t = a + bb + cc
            probabilityRows.append([a / t, bb / t, cc / t])
            threeClassTruth.append(c % 3)
        }
    }
}

/// Reference values are scikit-learn 1.9.1's outputs (NumPy 2.4.6), produced by the Python
/// snippet in the comment above each group (`from sklearn.metrics import *`).
@Suite struct ClassificationMetricsTests {
    func expectScores(_ s: PrecisionRecallF1?, _ expected: [Double], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(metricClose(s?.precision, expected[0]), sourceLocation: sourceLocation)
        #expect(metricClose(s?.recall, expected[1]), sourceLocation: sourceLocation)
        #expect(metricClose(s?.f1, expected[2]), sourceLocation: sourceLocation)
    }

    // yt = [0,1,1,0,1,1,0,0,1,0]; yp = [0,1,0,0,1,1,1,0,1,1]
    // accuracy_score(yt, yp); f(yt, yp); f(yt, yp, pos_label=0) for precision/recall/f1_score
    // confusion_matrix(yt, yp)
    @Test func binaryIntegerLabels() {
        let yt = [0, 1, 1, 0, 1, 1, 0, 0, 1, 0], yp = [0, 1, 0, 0, 1, 1, 1, 0, 1, 1]
        #expect(metricClose(ClassificationMetrics.accuracy(yTrue: yt, yPred: yp), 0.7))
        expectScores(ClassificationMetrics.precisionRecallF1(yTrue: yt, yPred: yp, average: .binary(positiveLabel: 1)),
                     [0.6666666666666666, 0.8, 0.7272727272727273])
        expectScores(ClassificationMetrics.precisionRecallF1(yTrue: yt, yPred: yp, average: .binary(positiveLabel: 0)),
                     [0.75, 0.6, 0.6666666666666666])
        #expect(metricClose(ClassificationMetrics.f1(yTrue: yt, yPred: yp, average: .binary(positiveLabel: 1)), 0.7272727272727273))
        let matrix = ConfusionMatrix(yTrue: yt, yPred: yp)
        #expect(matrix?.labels == [0, 1])
        #expect(matrix?.counts == [[3, 2], [1, 4]])
        #expect(matrix?[actual: 0, predicted: 1] == 2)
        #expect(matrix?.total == 10)
    }

    // st = ["spam","ham","ham","spam","spam","ham","spam"]; sp = ["spam","spam","ham","ham","spam","ham","spam"]
    // f(st, sp, pos_label="spam"); confusion_matrix(st, sp)
    @Test func binaryStringLabels() {
        let st = ["spam", "ham", "ham", "spam", "spam", "ham", "spam"]
        let sp = ["spam", "spam", "ham", "ham", "spam", "ham", "spam"]
        expectScores(ClassificationMetrics.precisionRecallF1(yTrue: st, yPred: sp, average: .binary(positiveLabel: "spam")),
                     [0.75, 0.75, 0.75])
        let matrix = ConfusionMatrix(yTrue: st, yPred: sp)
        #expect(matrix?.labels == ["ham", "spam"])
        #expect(matrix?.counts == [[2, 1], [1, 3]])
    }

    // mt = ["cat","dog","bird","cat","dog","dog","cat","bird","ant","ant","cat","dog"]
    // mp = ["cat","dog","cat","dog","dog","fish","cat","dog","ant","cat","cat","ant"]
    // accuracy_score(mt, mp); precision_recall_fscore_support(mt, mp, average=avg)[:3]
    // confusion_matrix(mt, mp)
    // "bird" is never predicted and "fish" never true: both are zero divisions (→ 0.0).
    @Test func multiclassStringsWithZeroDivision() {
        let mt = ["cat", "dog", "bird", "cat", "dog", "dog", "cat", "bird", "ant", "ant", "cat", "dog"]
        let mp = ["cat", "dog", "cat", "dog", "dog", "fish", "cat", "dog", "ant", "cat", "cat", "ant"]
        #expect(metricClose(ClassificationMetrics.accuracy(yTrue: mt, yPred: mp), 0.5))
        expectScores(ClassificationMetrics.precisionRecallF1(yTrue: mt, yPred: mp, average: .macro), [0.32, 0.35, 0.3333333333333333])
        expectScores(ClassificationMetrics.precisionRecallF1(yTrue: mt, yPred: mp, average: .micro), [0.5, 0.5, 0.5])
        expectScores(ClassificationMetrics.precisionRecallF1(yTrue: mt, yPred: mp, average: .weighted), [0.45, 0.5, 0.47222222222222215])
        let matrix = ConfusionMatrix(yTrue: mt, yPred: mp)
        #expect(matrix?.labels == ["ant", "bird", "cat", "dog", "fish"])
        #expect(matrix?.counts == [[1, 0, 1, 0, 0], [0, 0, 1, 1, 0], [0, 0, 3, 1, 0], [1, 0, 0, 2, 1], [0, 0, 0, 0, 0]])
        #expect(matrix?[actual: "zebra", predicted: "cat"] == 0)
    }

    // it = [0,1,2,2,1,0,2,1,1,0,2,2]; ip = [0,2,2,1,1,0,0,1,2,0,2,1]
    // precision_recall_fscore_support(it, ip, average=avg)[:3]
    @Test func multiclassIntegers() {
        let it = [0, 1, 2, 2, 1, 0, 2, 1, 1, 0, 2, 2], ip = [0, 2, 2, 1, 1, 0, 0, 1, 2, 0, 2, 1]
        expectScores(ClassificationMetrics.precisionRecallF1(yTrue: it, yPred: ip, average: .macro),
                     [0.5833333333333334, 0.6333333333333333, 0.6005291005291006])
        expectScores(ClassificationMetrics.precisionRecallF1(yTrue: it, yPred: ip, average: .micro),
                     [0.5833333333333334, 0.5833333333333334, 0.5833333333333334])
        expectScores(ClassificationMetrics.precisionRecallF1(yTrue: it, yPred: ip, average: .weighted),
                     [0.5625, 0.5833333333333334, 0.5661375661375662])
        #expect(metricClose(ClassificationMetrics.precision(yTrue: it, yPred: ip, average: .macro), 0.5833333333333334))
        #expect(metricClose(ClassificationMetrics.recall(yTrue: it, yPred: ip, average: .weighted), 0.5833333333333334))
    }

    // precision_score([0,0],[0,0],pos_label=1) == f1_score(...) == 0.0 (zero division, warns)
    // f1_score([0,2],[0,0],pos_label=1) raises: pos_label=1 is not a valid label
    // f1_score([0,1,2],[0,1,2]) raises: Target is multiclass but average='binary'
    @Test func binaryEdgeCasesAndBadInput() {
        expectScores(ClassificationMetrics.precisionRecallF1(yTrue: [0, 0], yPred: [0, 0], average: .binary(positiveLabel: 1)), [0, 0, 0])
        #expect(ClassificationMetrics.f1(yTrue: [0, 2], yPred: [0, 0], average: .binary(positiveLabel: 1)) == nil)
        #expect(ClassificationMetrics.f1(yTrue: [0, 1, 2], yPred: [0, 1, 2], average: .binary(positiveLabel: 1)) == nil)
        #expect(ClassificationMetrics.f1(yTrue: [0, 1], yPred: [0], average: .macro) == nil)
        #expect(ClassificationMetrics.f1(yTrue: [Int](), yPred: [], average: .micro) == nil)
        #expect(ClassificationMetrics.accuracy(yTrue: [1, 2], yPred: [1]) == nil)
        #expect(ClassificationMetrics.accuracy(yTrue: [Int](), yPred: []) == nil)
        #expect(ConfusionMatrix(yTrue: ["a"], yPred: []) == nil)
    }

    // log_loss([0,1,1,0,1], [0.1,0.8,0.6,0.3,0.95])
    // log_loss([0,1,1,0], [0.0,1.0,0.0,1.0])          # clipped to [eps, 1-eps]
    // log_loss(["spam","ham","ham","spam"], [[.1,.9],[.9,.1],[.8,.2],[.35,.65]])
    // log_loss([0,2,1,2,0], [[0.7,0.2,0.1],[0.1,0.1,0.8],[0.2,0.5,0.3],[0.0,0.0,1.0],[0.0,1.0,0.0]])
    // log_loss([0,1,2],[[0.2,0.2,0.2],[0.1,0.5,0.1],[0.3,0.3,0.6]])   # rows not renormalised in 1.9.1
    // log_loss([1,1,1], [0.9,0.8,0.7], labels=[0,1])
    @Test func logLoss() {
        #expect(metricClose(ClassificationMetrics.logLoss(yTrue: [0, 1, 1, 0, 1], positiveProbabilities: [0.1, 0.8, 0.6, 0.3, 0.95]),
                            0.24945958581286196))
        #expect(metricClose(ClassificationMetrics.logLoss(yTrue: [0, 1, 1, 0], positiveProbabilities: [0, 1, 0, 1]), 18.021826694558577))
        #expect(metricClose(ClassificationMetrics.logLoss(yTrue: ["spam", "ham", "ham", "spam"],
                                                          probabilities: [[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]]),
                            0.21616187468057912))
        #expect(metricClose(ClassificationMetrics.logLoss(yTrue: [0, 2, 1, 2, 0],
                                                          probabilities: [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.2, 0.5, 0.3], [0, 0, 1], [0, 1, 0]]),
                            7.463323812986009))
        #expect(metricClose(ClassificationMetrics.logLoss(yTrue: [0, 1, 2], probabilities: [[0.2, 0.2, 0.2], [0.1, 0.5, 0.1], [0.3, 0.3, 0.6]]),
                            0.9378035722533454))
        #expect(metricClose(ClassificationMetrics.logLoss(yTrue: [1, 1, 1], positiveProbabilities: [0.9, 0.8, 0.7], labels: [0, 1]),
                            0.22839300363692283))
        // scikit-learn raises for each of these.
        #expect(ClassificationMetrics.logLoss(yTrue: [1, 1, 1], positiveProbabilities: [0.9, 0.8, 0.7]) == nil)
        #expect(ClassificationMetrics.logLoss(yTrue: [0, 1], positiveProbabilities: [0.5, 1.5]) == nil)
        #expect(ClassificationMetrics.logLoss(yTrue: [0, 1], positiveProbabilities: [0.5, .nan]) == nil)
        #expect(ClassificationMetrics.logLoss(yTrue: [0, 1, 2], positiveProbabilities: [0.5, 0.5, 0.5]) == nil)
        #expect(ClassificationMetrics.logLoss(yTrue: [0, 1, 2], probabilities: [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]) == nil)
        #expect(ClassificationMetrics.logLoss(yTrue: [0, 3], positiveProbabilities: [0.5, 0.5], labels: [0, 1]) == nil)
        #expect(ClassificationMetrics.logLoss(yTrue: [0, 1], positiveProbabilities: [0.5]) == nil)
    }

    // y = [0,0,1,1,0,1,0,1,1,0]; s = [0.1,0.4,0.35,0.8,0.4,0.4,0.2,0.9,0.1,0.5]
    // roc_auc_score(y, s); average_precision_score(y, s)
    // roc_auc_score / average_precision_score on [0,0,1,1] with [0.1,0.2,0.3,0.4] and [0.4,0.3,0.2,0.1]
    // ... on [0,1,0,1,1] with [0.5]*5; average_precision_score([1,1,1],[0.2,0.5,0.5])
    // ys = ["no","yes","no","yes","yes","no"]; ss = [0.2,0.7,0.7,0.9,0.3,0.1]
    // roc_auc_score(ys, ss); average_precision_score(ys, ss, pos_label="yes")
    // average_precision_score(ys, [-x for x in ss], pos_label="no")
    @Test func rankingWithTies() {
        let y = [0, 0, 1, 1, 0, 1, 0, 1, 1, 0], s = [0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.2, 0.9, 0.1, 0.5]
        #expect(metricClose(RankingMetrics.rocAUC(yTrue: y, scores: s), 0.62))
        #expect(metricClose(RankingMetrics.averagePrecision(yTrue: y, scores: s, positiveLabel: 1), 0.7142857142857142))
        #expect(metricClose(RankingMetrics.rocAUC(yTrue: [0, 0, 1, 1], scores: [0.1, 0.2, 0.3, 0.4]), 1.0))
        #expect(metricClose(RankingMetrics.averagePrecision(yTrue: [0, 0, 1, 1], scores: [0.1, 0.2, 0.3, 0.4], positiveLabel: 1), 1.0))
        #expect(metricClose(RankingMetrics.rocAUC(yTrue: [0, 0, 1, 1], scores: [0.4, 0.3, 0.2, 0.1]), 0.0))
        #expect(metricClose(RankingMetrics.averagePrecision(yTrue: [0, 0, 1, 1], scores: [0.4, 0.3, 0.2, 0.1], positiveLabel: 1),
                            0.41666666666666663))
        #expect(metricClose(RankingMetrics.rocAUC(yTrue: [0, 1, 0, 1, 1], scores: [0.5, 0.5, 0.5, 0.5, 0.5]), 0.5))
        #expect(metricClose(RankingMetrics.averagePrecision(yTrue: [0, 1, 0, 1, 1], scores: [0.5, 0.5, 0.5, 0.5, 0.5], positiveLabel: 1), 0.6))
        #expect(metricClose(RankingMetrics.averagePrecision(yTrue: [1, 1, 1], scores: [0.2, 0.5, 0.5], positiveLabel: 1), 1.0))

        let ys = ["no", "yes", "no", "yes", "yes", "no"], ss = [0.2, 0.7, 0.7, 0.9, 0.3, 0.1]
        #expect(metricClose(RankingMetrics.rocAUC(yTrue: ys, scores: ss), 0.8333333333333334))
        #expect(metricClose(RankingMetrics.rocAUC(yTrue: ys, scores: ss, positiveLabel: "yes"), 0.8333333333333334))
        #expect(metricClose(RankingMetrics.rocAUC(yTrue: ys, scores: ss.map { -$0 }, positiveLabel: "no"), 0.8333333333333334))
        #expect(metricClose(RankingMetrics.averagePrecision(yTrue: ys, scores: ss, positiveLabel: "yes"), 0.8055555555555556))
        #expect(metricClose(RankingMetrics.averagePrecision(yTrue: ys, scores: ss.map { -$0 }, positiveLabel: "no"), 0.8666666666666667))
        #expect(metricClose(RankingMetrics.rocAUC(isPositive: ys.map { $0 == "yes" }, scores: ss), 0.8333333333333334))
    }

    // roc_auc_score([1,1,1], ...) warns "Only one class is present" and returns nan.
    // average_precision_score([0,0,0], ...) warns and returns 0.0 (we return nil on purpose).
    @Test func rankingBadInput() {
        #expect(RankingMetrics.rocAUC(yTrue: [1, 1, 1], scores: [0.1, 0.2, 0.3]) == nil)
        #expect(RankingMetrics.rocAUC(isPositive: [false, false], scores: [0.1, 0.2]) == nil)
        #expect(RankingMetrics.rocAUC(yTrue: [0, 1, 2], scores: [0.1, 0.2, 0.3]) == nil)
        #expect(RankingMetrics.rocAUC(yTrue: [0, 1], scores: [0.1, 0.2], positiveLabel: 5) == nil)
        #expect(RankingMetrics.rocAUC(yTrue: [0, 1], scores: [0.1]) == nil)
        #expect(RankingMetrics.rocAUC(yTrue: [0, 1], scores: [0.1, .nan]) == nil)
        #expect(RankingMetrics.rocAUC(yTrue: [Int](), scores: []) == nil)
        #expect(RankingMetrics.averagePrecision(yTrue: [0, 0, 0], scores: [0.1, 0.2, 0.3], positiveLabel: 1) == nil)
        #expect(RankingMetrics.averagePrecision(yTrue: [0, 2], scores: [0.1, 0.2], positiveLabel: 1) == nil)
        #expect(RankingMetrics.averagePrecision(yTrue: [0, 1], scores: [0.1, .infinity], positiveLabel: 1) == nil)
    }

    // On the LargeWindow rows (see its comment):
    // roc_auc_score(yb, sc); average_precision_score(yb, sc); log_loss(yb, sc)
    // accuracy_score(yc, pc); precision_recall_fscore_support(yc, pc, average=avg)[:3]
    // f1_score(yb, [1 if x >= 0.3 else 0 for x in sc]); confusion_matrix(yc, pc); log_loss(y3, rows)
    @Test func largeWindow() {
        let w = LargeWindow()
        #expect(w.scores.prefix(5) == [0.13, 0.01, 0.01, 0.19, 0.04]) // the Python run's first rows
        #expect(metricClose(RankingMetrics.rocAUC(yTrue: w.binaryTruth, scores: w.scores), 0.9443835953126737))
        #expect(metricClose(RankingMetrics.averagePrecision(yTrue: w.binaryTruth, scores: w.scores, positiveLabel: 1), 0.9010669966089628))
        #expect(metricClose(ClassificationMetrics.logLoss(yTrue: w.binaryTruth, positiveProbabilities: w.scores), 0.38598867315213514))
        #expect(metricClose(ClassificationMetrics.logLoss(yTrue: w.threeClassTruth, probabilities: w.probabilityRows), 1.3150442080185143))
        #expect(metricClose(ClassificationMetrics.accuracy(yTrue: w.classTruth, yPred: w.classPred), 0.77312))
        expectScores(ClassificationMetrics.precisionRecallF1(yTrue: w.classTruth, yPred: w.classPred, average: .macro),
                     [0.7731257567175454, 0.7731186031551103, 0.7731198493309026])
        expectScores(ClassificationMetrics.precisionRecallF1(yTrue: w.classTruth, yPred: w.classPred, average: .micro),
                     [0.77312, 0.77312, 0.77312])
        expectScores(ClassificationMetrics.precisionRecallF1(yTrue: w.classTruth, yPred: w.classPred, average: .weighted),
                     [0.7731243061370073, 0.77312, 0.7731198186936354])
        let thresholded = w.scores.map { $0 >= 0.3 ? 1 : 0 }
        #expect(metricClose(ClassificationMetrics.f1(yTrue: w.binaryTruth, yPred: thresholded, average: .binary(positiveLabel: 1)),
                            0.6338961719979025))
        #expect(ConfusionMatrix(yTrue: w.classTruth, yPred: w.classPred)?.counts ==
                [[19316, 1869, 1866, 1927], [1899, 19304, 1904, 1933], [1882, 1887, 19235, 1882], [1942, 1863, 1834, 19457]])
    }
}
