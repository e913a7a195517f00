import CapstanStats

extension ModelEvaluation {
    /// MAE, RMSE, MAPE and R² of numeric predictions. MAPE divides by max(|y|, ε) with
    /// ε = 2.2e-16, scikit-learn's rule: a zero target with any miss gives an enormous
    /// term, on purpose (MAPE is meaningless there; read MAE instead).
    static func regress(target: ColumnReader, prediction: ColumnReader) throws(DataFileError) -> Regression {
        let truth = try target.numbers(for: "regression")
        let predicted = try prediction.numbers(for: "regression")
        // Equal, non-zero lengths and finite values: the metrics' only nil cases are ruled
        // out, except R² with one row.
        return Regression(
            meanAbsoluteError: RegressionMetrics.meanAbsoluteError(yTrue: truth, yPred: predicted)!,
            rootMeanSquaredError: RegressionMetrics.rootMeanSquaredError(yTrue: truth, yPred: predicted)!,
            meanAbsolutePercentageError: RegressionMetrics.meanAbsolutePercentageError(yTrue: truth, yPred: predicted)!,
            r2: RegressionMetrics.r2(yTrue: truth, yPred: predicted)
        )
    }
}
