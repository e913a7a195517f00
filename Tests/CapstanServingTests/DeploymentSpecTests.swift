import CapstanJSON
import Testing
@testable import CapstanServing

/// Spec validation: the forms users write parse into one shape, and every mistake is an
/// error naming the field.
@Suite struct DeploymentSpecTests {
    func parse(_ json: String) throws -> DeploymentSpec {
        try DeploymentSpec(parsing: try JSONParser.parse(Array(json.utf8)))
    }

    func message(_ json: String) -> String {
        do {
            _ = try parse(json)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func theOneModelFormBecomesOneVariant() throws {
        let spec = try parse(#"{"name": "churn", "model": "models:/churn@champion"}"#)
        #expect(spec.variants == [.init(name: "default", model: "models:/churn@champion", weight: 100)])
        #expect(spec.shadows.isEmpty && spec.rollout == nil && spec.sticky == nil)
    }

    @Test func theFullFormKeepsEverySetting() throws {
        let spec = try parse(#"""
            {"name": "churn",
             "variants": [{"name": "stable", "model": "models:/churn/3", "weight": 90},
                          {"name": "canary", "model": "models:/churn/4", "weight": 10}],
             "sticky": {"header": "X-Capstan-Key"},
             "shadows": [{"name": "next", "model": "models:/churn@challenger"}],
             "rollout": {"steps": [5, 25, 50, 100], "interval": "60s",
                         "analysis": [{"metric": "error_rate", "max": 0.01},
                                      {"metric": "accuracy", "min_delta": -0.02, "min_samples": 200}]}}
            """#)
        #expect(spec.variants.map(\.weight) == [90, 10])
        #expect(spec.sticky?.header == "X-Capstan-Key")
        #expect(spec.shadows == [.init(name: "next", model: "models:/churn@challenger", percent: 100)])
        #expect(spec.rollout?.steps == [5, 25, 50, 100])
        #expect(spec.rollout?.intervalSeconds == 60)
        #expect(spec.rollout?.analysis[1] == .init(metric: "accuracy", max: nil, min: nil, minDelta: -0.02, maxDelta: nil, minSamples: 200))
    }

    @Test(arguments: [
        (#"{"model": "models:/a/1"}"#, "name is missing"),
        (#"{"name": "bad name", "model": "models:/a/1"}"#, "name must be"),
        (#"{"name": "a"}"#, "missing model"),
        (#"{"name": "a", "model": "models:/a/1", "variants": []}"#, "not both"),
        (#"{"name": "a", "model": "churn.onnx"}"#, "model must look like models:/NAME/VERSION"),
        (#"{"name": "a", "model": "models:/a/0"}"#, "model must look like"),
        (#"{"name": "a", "modle": "models:/a/1", "model": "models:/a/1"}"#, "modle is not a known setting"),
        (#"{"name": "a", "variants": [{"name": "x", "model": "models:/a/1", "weight": -1}]}"#, "variants[0].weight must be a number from 0 to 1000000"),
        (#"{"name": "a", "model": "models:/a/1", "sticky": {"header": "X User"}}"#, "is not a valid HTTP header name"),
        (#"{"name": "a", "variants": [{"name": "s", "model": "models:/a/1"}, {"name": "c", "model": "models:/a/2"}], "rollout": {"steps": [10], "analysis": [{"metric": "error_rate", "max": 1, "min_samples": 1e300}]}}"#, "min_samples must be a whole number"),
        (#"{"name": "a", "variants": [{"name": "s", "model": "models:/a/1"}, {"name": "c", "model": "models:/a/2"}], "rollout": {"steps": [10], "interval": "1e300s"}}"#, "at most 30 days"),
        (#"{"name": "a", "variants": [{"name": "x", "model": "models:/a/1", "weight": 0}]}"#, "at least one weight"),
        (#"{"name": "a", "variants": [{"name": "x", "model": "models:/a/1", "weight": "ten"}]}"#, "variants[0].weight must be a number"),
        (#"{"name": "a", "variants": [{"name": "x", "model": "models:/a/1"}, {"name": "x", "model": "models:/a/2"}]}"#, "'x' appears twice"),
        (#"{"name": "a", "model": "models:/a/1", "sticky": {"header": "K", "field": "id"}}"#, "exactly one of header"),
        (#"{"name": "a", "model": "models:/a/1", "rollout": {"steps": [10, 100]}}"#, "exactly two variants"),
        (#"{"name": "a", "variants": [{"name": "s", "model": "models:/a/1"}, {"name": "c", "model": "models:/a/2"}], "rollout": {"steps": [50, 10]}}"#, "increasing"),
        (#"{"name": "a", "variants": [{"name": "s", "model": "models:/a/1"}, {"name": "c", "model": "models:/a/2"}], "rollout": {"steps": [10], "interval": "soon"}}"#, "rollout.interval must be a duration"),
        (#"{"name": "a", "variants": [{"name": "s", "model": "models:/a/1"}, {"name": "c", "model": "models:/a/2"}], "rollout": {"steps": [10], "analysis": [{"metric": "vibes", "max": 1}]}}"#, "'vibes' is unknown"),
        (#"{"name": "a", "variants": [{"name": "s", "model": "models:/a/1"}, {"name": "c", "model": "models:/a/2"}], "rollout": {"steps": [10], "analysis": [{"metric": "error_rate"}]}}"#, "needs a bound"),
        (#"{"name": "a", "model": "models:/a/1", "shadows": [{"name": "s", "model": "models:/a/2", "percent": 150}]}"#, "shadows[0].percent must be between 0 and 100"),
        (#"[1, 2]"#, "deployment must be an object"),
    ])
    func mistakesAreNamed(json: String, expected: String) {
        let text = message(json)
        #expect(text.contains(expected), "\(json) → \(text)")
    }

    @Test func modelReferencesReadBothForms() throws {
        #expect(try ModelReference(parsing: "models:/churn/12", field: "m") == ModelReference(name: "churn", selector: .version(12)))
        #expect(try ModelReference(parsing: "models:/team/churn@champion", field: "m") == ModelReference(name: "team/churn", selector: .alias("champion")))
        #expect(throws: ServingError.self) { try ModelReference(parsing: "models:/churn", field: "m") }
        #expect(throws: ServingError.self) { try ModelReference(parsing: "models:/@champion", field: "m") }
    }
}
