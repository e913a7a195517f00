import Testing
import CapstanStats
@testable import CapstanMonitoring

/// `capstan evaluate`'s core: which task a file gets, which class is positive, and bad
/// cells named by file, column and line. The numbers themselves are checked against
/// scikit-learn by tests/fidelity/test_metrics_sklearn.py.
@Suite struct ModelEvaluationTests {
    func evaluate(_ csv: String, _ options: ModelEvaluation.Options) throws(DataFileError) -> ModelEvaluation {
        try ModelEvaluation(try DataTable.parse(csv: Array(csv.utf8), file: "p.csv"), options: options)
    }

    func failure(_ csv: String, _ options: ModelEvaluation.Options) -> String? {
        do {
            _ = try evaluate(csv, options)
            return nil
        } catch {
            return error.description
        }
    }

    let yp = ModelEvaluation.Options(target: "y", prediction: "p")

    @Test func theTaskIsInferredFromTheTarget() throws {
        #expect(try evaluate("y,p\nyes,no\nno,no\n", yp).task == .classification)
        #expect(try evaluate("y,p\n1,0\n0,0\n2,2\n", yp).task == .classification)
        #expect(try evaluate("y,p\n1.5,1\n0,0\n", yp).task == .regression)
        let many = "y,p\n" + (0..<21).map { "\($0),\($0)" }.joined(separator: "\n")
        #expect(try evaluate(many, yp).task == .regression)
        var forced = yp
        forced.task = .regression
        #expect(try evaluate("y,p\n1,0\n0,0\n", forced).taskReason == "given by --task")
    }

    @Test func thePositiveClassIsTheGreaterUnlessNamed() throws {
        guard case .classification(let byDefault) = try evaluate("y,p\nyes,no\nno,no\n", yp).metrics else { throw Unexpected() }
        #expect(byDefault.positiveLabel == .text("yes"))
        #expect(byDefault.binary == PrecisionRecallF1(precision: 0, recall: 0, f1: 0))
        var named = yp
        named.positiveLabel = "no"
        guard case .classification(let chosen) = try evaluate("y,p\nyes,no\nno,no\n", named).metrics else { throw Unexpected() }
        #expect(chosen.positiveLabel == .text("no"))
        #expect(chosen.binary?.precision == 0.5 && chosen.binary?.recall == 1)
    }

    @Test func aScoreOfTheSmallerClassIsItsOwnProbability() throws {
        // "churn" < "stay": the score is P(churn), so a perfect ranking of churners.
        var options = ModelEvaluation.Options(target: "y", prediction: "p", score: "s", positiveLabel: "churn")
        guard case .classification(let result) = try evaluate("y,p,s\nchurn,churn,0.9\nstay,stay,0.2\nstay,churn,0.6\n", options).metrics
        else { throw Unexpected() }
        #expect(result.rocAUC == 1 && result.averagePrecision == 1)
        options.positiveLabel = nil
        guard case .classification(let other) = try evaluate("y,p,s\nchurn,churn,0.9\nstay,stay,0.2\nstay,churn,0.6\n", options).metrics
        else { throw Unexpected() }
        #expect(other.rocAUC == 0)
    }

    @Test func badCellsAreNamedByLineEvenAfterBlankLines() {
        #expect(failure("y,p\nyes,no\n\n,no\n", yp) == "p.csv:4 (column 'y'): the target is missing; every row needs one (scikit-learn rejects missing values too)")
        var regression = yp
        regression.task = .regression
        #expect(failure("y,p\n1,2\n\"x\ny\",3\n", regression) == "p.csv:3 (column 'y'): regression needs numbers; this target is text")
        let scored = ModelEvaluation.Options(target: "y", prediction: "p", score: "s")
        #expect(failure("y,p,s\n1,1,0.5\n0,0,-0.1\n", scored)?.hasPrefix("p.csv:3 (column 's'): --score must be the probability") == true)
        #expect(failure("y,p,s\n1,1,0.5\n1,0,0.1\n", scored)?.hasPrefix("p.csv (column 'y'): --score needs both classes") == true)
        #expect(failure("y,p\n1,1\n", ModelEvaluation.Options(target: "truth", prediction: "p"))
            == "p.csv:1 (column 'truth'): --target names a column the file does not have (columns: y, p)")
        #expect(failure("y,p\n", yp) == "p.csv: the file has a header but no rows to evaluate")
    }

    struct Unexpected: Error {}
}
