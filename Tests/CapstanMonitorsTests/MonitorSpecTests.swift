import CapstanJSON
import Testing
@testable import CapstanMonitors

/// Monitor specs: every setting read, and a mistake named by its field.
@Suite struct MonitorSpecTests {
    func spec(_ json: String) throws(SpecError) -> MonitorSpec {
        try MonitorSpec(parsing: try! JSONParser.parse(Array(json.utf8)))
    }

    func error(_ json: String) -> String? {
        do {
            _ = try spec(json)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func theFullFormKeepsEverySetting() throws {
        let drift = try spec("""
            {"name": "churn-drift", "deployment": "churn", "variant": "canary", "kind": "drift", "window": {"predictions": 5000},
             "schedule": "10m", "reference": {"csv": "/data/train.csv"}, "match": "position", "min_rows": 100,
             "drift": {"columns": ["age", "plan"], "categorical": ["plan"], "num_method": "psi", "cat_method": "jensenshannon",
                       "text_method": "abs_text_content_drift", "threshold": 0.2, "drift_share": 0.3}}
            """)
        #expect(drift.kind == .drift && drift.variant == "canary" && drift.window == .predictions(count: 5000))
        #expect(drift.scheduleSeconds == 600 && drift.reference == .csv(path: "/data/train.csv") && drift.match == .position)
        #expect(drift.minRows == 100 && drift.drift.columns == ["age", "plan"] && drift.drift.categorical == ["plan"])
        #expect(drift.drift.numericalMethod == .psi && drift.drift.categoricalMethod == .jensenshannon)
        #expect(drift.drift.textMethod == .absTextContentDrift)
        #expect(drift.drift.threshold == 0.2 && drift.drift.driftShare == 0.3)

        let performance = try spec("""
            {"name": "acc", "deployment": "churn", "kind": "performance", "window": "1d",
             "performance": {"positive_label": "1", "slices": [{"column": "plan"}, {"column": "age", "bins": [30, 60]}], "min_samples": 5}}
            """)
        #expect(performance.window == .last(seconds: 86_400) && performance.scheduleSeconds == MonitorSpec.defaultScheduleSeconds)
        #expect(performance.performance.slices == [.init(column: "plan", bins: nil), .init(column: "age", bins: [30, 60])])
        #expect(performance.performance.positiveLabel == "1" && performance.performance.minSamples == 5)

        let operational = try spec(#"{"name": "ops", "deployment": "churn", "kind": "operational"}"#)
        #expect(operational.window == .last(seconds: 3600) && operational.minRows == 1)
    }

    @Test func referencesNameTheTrainingDatasetAStoredFileOrAnEarlierWindow() throws {
        func reference(_ json: String) throws -> MonitorSpec.Reference? {
            try spec(#"{"name": "m", "deployment": "churn", "kind": "drift", "reference": \#(json)}"#).reference
        }
        #expect(try reference(#"{"dataset": "training"}"#) == .dataset(context: "training", name: nil))
        #expect(try reference(#"{"dataset": "training", "name": "churn-train"}"#) == .dataset(context: "training", name: "churn-train"))
        #expect(try reference(#"{"artifact": "runs:/4f1c/data/train.csv"}"#) == .artifact(uri: "runs:/4f1c/data/train.csv"))
        #expect(try reference(#"{"artifact": "mlflow-artifacts:/1/4f1c/artifacts/train.csv"}"#) == .artifact(uri: "mlflow-artifacts:/1/4f1c/artifacts/train.csv"))
        #expect(try reference(#"{"csv": "/data/train.csv"}"#) == .csv(path: "/data/train.csv"))
        #expect(try reference(#"{"window": "7d"}"#) == .earlierWindow(offsetSeconds: 7 * 86_400))
    }

    @Test func referenceMistakesAreNamedByField() {
        let base = #""name": "m", "deployment": "churn", "kind": "drift""#
        #expect(error(#"{\#(base), "reference": {"dataset": ""}}"#)?.contains("reference.dataset must be a non-empty string") == true)
        #expect(error(#"{\#(base), "reference": {"dataset": "training", "csv": "a.csv"}}"#)?.contains("reference takes one of csv") == true)
        #expect(error(#"{\#(base), "reference": {"csv": "a.csv", "name": "x"}}"#)?.contains("reference.name chooses among the datasets of reference.dataset") == true)
        #expect(error(#"{\#(base), "reference": {"name": "x"}}"#)?.contains("reference takes one of") == true)
        #expect(error(#"{\#(base), "reference": {"artifact": "/data/train.csv"}}"#)?
            .contains("reference.artifact must be runs:/RUN_ID/PATH or mlflow-artifacts:/PATH") == true)
        #expect(error(#"{\#(base), "reference": {"artifact": "runs:/4f1c"}}"#)?.contains("reference.artifact must be") == true)
        #expect(error(#"{\#(base), "reference": {"datset": "training"}}"#)?.contains("reference.datset is not a known setting") == true)
    }

    @Test func mistakesAreNamedByField() {
        let base = #""name": "m", "deployment": "churn""#
        #expect(error(#"{\#(base), "kind": "drift"}"#)?.contains("needs a reference") == true)
        #expect(error(#"{\#(base), "kind": "drfit"}"#)?.contains("kind 'drfit' is unknown") == true)
        #expect(error(#"{\#(base), "kind": "drift", "reference": {"csv": "a.csv"}, "windw": "1h"}"#)?.contains("windw is not a known setting") == true)
        #expect(error(#"{\#(base), "kind": "drift", "reference": {"csv": "a.csv"}, "window": "soon"}"#)?.contains("window must be a duration") == true)
        #expect(error(#"{\#(base), "kind": "drift", "reference": {"csv": "a.csv", "window": "1d"}}"#)?.contains("one of csv") == true)
        #expect(error(#"{\#(base), "kind": "drift", "reference": {"csv": "a.csv"}, "drift": {"num_method": "t"}}"#)?.contains("drift.num_method 't' is not a method") == true)
        #expect(error(#"{\#(base), "kind": "drift", "reference": {"csv": "a.csv"}, "drift": {"cat_method": "perc_text_content_drift"}}"#)?
            .contains("drift.cat_method 'perc_text_content_drift' is not a method for that kind of column") == true)
        #expect(error(#"{\#(base), "kind": "drift", "reference": {"csv": "a.csv"}, "drift": {"text_method": "ks"}}"#)?
            .contains("drift.text_method 'ks' is not a method for free text") == true)
        #expect(error(#"{\#(base), "kind": "drift", "reference": {"csv": "a.csv"}, "drift": {"drift_share": 2}}"#)?.contains("drift.drift_share must be in (0, 1]") == true)
        #expect(error(#"{\#(base), "kind": "operational", "reference": {"csv": "a.csv"}}"#)?.contains("has none") == true)
        #expect(error(#"{\#(base), "kind": "data_quality"}"#)?.contains("needs expectations") == true)
        #expect(error(#"{\#(base), "kind": "performance", "performance": {"slices": [{"column": "age", "bins": [3, 1]}]}}"#)?
            .contains("performance.slices[0].bins must be increasing") == true)
        #expect(error(#"{"name": "no/slash", "deployment": "churn", "kind": "operational"}"#)?.contains("name must be") == true)
        #expect(error(#"{\#(base), "kind": "operational", "window": {"predictions": 0}}"#)?.contains("window.predictions") == true)
        #expect(error(#"{\#(base), "kind": "operational", "schedule": "100ms"}"#)?.contains("schedule must be at least 1s") == true)
    }
}
