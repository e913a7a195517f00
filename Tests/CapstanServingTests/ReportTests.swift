import CapstanInference
import CapstanStats
import CapstanStorage
import Testing
@testable import CapstanServing

/// The A/B and shadow reports on hand-made predictions.
@Suite struct ReportTests {
    func outcome(_ variant: String, correct: Bool) -> PredictionOutcome {
        PredictionOutcome(variant: variant, isShadow: false, failed: false, latencyMilliseconds: 1, predictedLabel: "1",
                          feedbackLabel: correct ? "1" : "0", reward: nil)
    }

    @Test func accuracyIsComparedWithTheControl() throws {
        // Control 120/1000 correct, treatment 150/1000: the z-test scipy checks in CapstanStats.
        let outcomes = (0..<1000).map { outcome("a", correct: $0 < 120) } + (0..<1000).map { outcome("b", correct: $0 < 150) }
        let report = ExperimentReport(metric: .accuracy, variants: ["a", "b"], outcomes: outcomes)
        #expect(report.rows.map(\.samples) == [1000, 1000])
        #expect(report.rows[0].value == 0.12 && report.rows[0].pValue == nil)
        let b = report.rows[1]
        #expect(abs((b.difference ?? 0) - 0.03) < 1e-12)
        #expect(abs((b.pValue ?? 0) - 0.04964038686536878) < 1e-10)
        // 12% vs 15% needs 2,033 per group; 1,000 are there.
        #expect(b.samplesStillNeeded == Estimation.sampleSizeForProportions(0.12, 0.15).map { $0 - 1000 })
        #expect((b.interval?.low ?? 1) < 0.15 && (b.interval?.high ?? 0) > 0.15)
    }

    @Test func shadowsAreMatchedToThePrimaryByRequest() {
        func record(_ id: String, _ variant: String, shadow: Bool, label: Int, score: Double, latency: Double, ok: Bool = true) -> PredictionRecord {
            PredictionRecord(requestId: id, variant: variant, deployment: "d", revision: 1, modelName: "m", modelVersion: 1,
                             isShadow: shadow, status: ok ? .ok : .error, error: nil, rowCount: 1,
                             inputs: FrameEncoding.encode(try! FeatureFrame([("x", .float32([1]))])),
                             outputs: ok ? FrameEncoding.encode(try! FeatureFrame([("label", .int64([Int64(label)])), ("p_0", .float64([score]))])) : nil,
                             predictedLabel: nil, latencyMilliseconds: latency, time: 0)
        }
        let records = [
            record("1", "main", shadow: false, label: 1, score: 0.9, latency: 1),
            record("1", "next", shadow: true, label: 1, score: 0.8, latency: 3),
            record("2", "main", shadow: false, label: 0, score: 0.2, latency: 2),
            record("2", "next", shadow: true, label: 1, score: 0.6, latency: 5),
            record("3", "main", shadow: false, label: 0, score: 0.1, latency: 1),
            record("3", "next", shadow: true, label: 0, score: 0, latency: 9, ok: false),
        ]
        let row = ShadowReport(records: records).rows[0]
        #expect(row.shadow == "next" && row.compared == 2 && row.errors == 1)
        #expect(row.sameLabelRate == 0.5)
        #expect(abs((row.meanAbsoluteScoreDifference ?? 0) - 0.25) < 1e-12)
        #expect(row.latencyP99Milliseconds == 5 && row.primaryLatencyP50Milliseconds == 1)
    }
}
