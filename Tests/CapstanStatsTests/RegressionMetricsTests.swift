import Testing
@testable import CapstanStats

/// Reference values are scikit-learn 1.9.1's outputs (NumPy 2.4.6), produced by the Python
/// snippet in the comment above each group (`from sklearn.metrics import *`).
@Suite struct RegressionMetricsTests {
    // rt = [3.0,-0.5,2.0,7.0,0.0,4.2]; rp = [2.5,0.0,2.0,8.0,0.3,4.0]
    // mean_absolute_error(rt, rp); root_mean_squared_error(rt, rp)
    // mean_absolute_percentage_error(rt, rp)   # y = 0 divides by float64 eps
    // r2_score(rt, rp); mean_absolute_percentage_error([1.0,2.0,-4.0],[1.5,1.0,-3.0])
    @Test func basicsAndZeroInTruth() {
        let rt = [3.0, -0.5, 2.0, 7.0, 0.0, 4.2], rp = [2.5, 0.0, 2.0, 8.0, 0.3, 4.0]
        #expect(metricClose(RegressionMetrics.meanAbsoluteError(yTrue: rt, yPred: rp), 0.4166666666666667))
        #expect(metricClose(RegressionMetrics.rootMeanSquaredError(yTrue: rt, yPred: rp), 0.5212165257037297))
        #expect(metricClose(RegressionMetrics.meanAbsolutePercentageError(yTrue: rt, yPred: rp), 225179981368525.0))
        #expect(metricClose(RegressionMetrics.r2(yTrue: rt, yPred: rp), 0.9579987116169207))
        #expect(metricClose(RegressionMetrics.meanAbsolutePercentageError(yTrue: [1, 2, -4], yPred: [1.5, 1, -3]), 0.4166666666666667))
    }

    // r2_score([-2.0,-2.0,-2.0],[-2.0,-2.0,-2.0]) == 1.0; r2_score([-2.0]*3,[-2.0,-2.0,-1.9]) == 0.0
    // r2_score([1.0,2.0,3.0],[3.0,2.0,1.0]) == -3.0
    // r2_score([0.1,0.1,0.1],[0.1,0.1,0.2]) == -1.7307656195116095e+31 in scikit-learn (its mean
    // of three 0.1s is 0.10000000000000002); we treat the constant exactly and return 0.0.
    @Test func r2SpecialCases() {
        #expect(RegressionMetrics.r2(yTrue: [-2, -2, -2], yPred: [-2, -2, -2]) == 1.0)
        #expect(RegressionMetrics.r2(yTrue: [-2, -2, -2], yPred: [-2, -2, -1.9]) == 0.0)
        #expect(metricClose(RegressionMetrics.r2(yTrue: [1, 2, 3], yPred: [3, 2, 1]), -3.0))
        #expect(RegressionMetrics.r2(yTrue: [0.1, 0.1, 0.1], yPred: [0.1, 0.1, 0.2]) == 0.0)
    }

    @Test func badInput() {
        #expect(RegressionMetrics.meanAbsoluteError(yTrue: [], yPred: []) == nil)
        #expect(RegressionMetrics.rootMeanSquaredError(yTrue: [1, 2], yPred: [1]) == nil)
        #expect(RegressionMetrics.meanAbsolutePercentageError(yTrue: [1, .nan], yPred: [1, 2]) == nil)
        #expect(RegressionMetrics.r2(yTrue: [1], yPred: [1]) == nil) // scikit-learn: nan with a warning
        #expect(RegressionMetrics.r2(yTrue: [1, .infinity], yPred: [1, 2]) == nil)
    }

    // On the LargeWindow rows (see ClassificationMetricsTests.swift):
    // mean_absolute_error(yr, pr_); root_mean_squared_error(yr, pr_)
    // mean_absolute_percentage_error(yr, pr_); r2_score(yr, pr_)
    @Test func largeWindow() {
        let w = LargeWindow()
        #expect(w.regressionTruth.prefix(2) == [2.1283831882951185, -1.7823919668890702]) // the Python run's first rows
        #expect(metricClose(RegressionMetrics.meanAbsoluteError(yTrue: w.regressionTruth, yPred: w.regressionPred), 0.2505699746091157))
        #expect(metricClose(RegressionMetrics.rootMeanSquaredError(yTrue: w.regressionTruth, yPred: w.regressionPred), 0.2893134220131822))
        #expect(metricClose(RegressionMetrics.meanAbsolutePercentageError(yTrue: w.regressionTruth, yPred: w.regressionPred),
                            1.1743443243940928))
        #expect(metricClose(RegressionMetrics.r2(yTrue: w.regressionTruth, yPred: w.regressionPred), 0.9899665306328196))
    }
}
