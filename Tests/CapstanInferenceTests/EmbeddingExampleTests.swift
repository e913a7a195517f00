import CapstanInference
import Foundation
import Testing

/// The README's embedding example, run as written (only the path is made absolute).
@Suite struct EmbeddingExampleTests {
    @Test func readmeExamplePredictsOneRowPerCustomer() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/sklearn_pipeline_logreg/model.onnx").path
        let model = try ModelFile.load(URL(fileURLWithPath: path))
        let customers = try FeatureFrame([
            ("age", .int64([67, 20])), ("income", .float64([40_453, 45_996])), ("score", .float64([0.15, 0.35])),
            ("city", .string(["Lisbon", "Porto"])), ("plan", .string(["plus", "basic"])),
        ])
        let predictions = try model.predict(customers)
        #expect(predictions.rowCount == 2)
        #expect(predictions.names == ["output_label", "output_probability_churn", "output_probability_stay"])
        guard case .string(let labels)? = predictions.column(named: "output_label") else {
            Issue.record("labels are not strings")
            return
        }
        #expect(labels.allSatisfy { ["churn", "stay"].contains($0) })
        // What the README says it prints.
        #expect(predictions.csv() == """
            output_label,output_probability_churn,output_probability_stay
            churn,0.8134419,0.18655816
            stay,0.0087123215,0.9912877

            """)
    }
}
