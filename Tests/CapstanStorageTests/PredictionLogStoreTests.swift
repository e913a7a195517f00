import Foundation
import Testing
@testable import CapstanStorage

/// The prediction log on every engine: what rollout analysis asks the database for equals
/// the same summary made from the rows themselves.
@Suite struct PredictionLogStoreTests {
    @Test(arguments: TestEngine.available)
    func windowsAgreeWithTheRowsTheyAreMadeOf(engine: TestEngine) async throws {
        try await engine.with { db in
            let store = PredictionLogStore(database: db)
            let deployment = "churn-\(UUID().uuidString)"
            var records: [PredictionRecord] = []
            var feedback: [FeedbackRecord] = []
            var outcomes: [String: [PredictionOutcome]] = [:]
            let since: Int64 = 1_000
            for index in 0..<600 {
                let variant = index % 3 == 0 ? "canary" : "stable"
                let revision: Int64 = index % 10 == 0 ? 1 : 2       // revision 1 is left out
                let time: Int64 = index % 7 == 0 ? 500 : 2_000      // before the window: left out
                let shadow = index % 11 == 0                        // shadows: left out
                let status: PredictionRecord.Status = index % 13 == 0 ? .invalidInput : (index % 5 == 0 ? .error : .ok)
                let predicted = status == .ok ? String(index * 31 / 7 % 2) : nil
                let latency = Double(index * 7919 % 400 + 1) / 8  // scattered, exact in binary
                let id = "\(deployment)-r\(index)"
                records.append(PredictionRecord(
                    requestId: id, variant: shadow ? "next" : variant, deployment: deployment, revision: revision, modelName: "m",
                    modelVersion: 1, isShadow: shadow, status: status, error: nil, rowCount: 1, inputs: [1], outputs: nil,
                    predictedLabel: predicted, latencyMilliseconds: latency, time: time))
                let label = index % 2 == 0 ? String(index * 17 / 5 % 2) : nil
                let reward = index % 4 == 1 ? Double(index * 37 % 11) : nil
                if label != nil || reward != nil {
                    feedback.append(FeedbackRecord(deployment: deployment, requestId: id, label: label, reward: reward, time: time + 100))
                }
                if revision == 2, time >= since, !shadow, status != .invalidInput {
                    outcomes[variant, default: []].append(PredictionOutcome(
                        variant: variant, isShadow: false, failed: status != .ok, latencyMilliseconds: latency,
                        predictedLabel: predicted, feedbackLabel: label, reward: reward))
                }
            }
            try await store.insert(records)
            try await store.addFeedback(feedback)

            let quantiles = [0.5, 0.99]
            let windows = try await store.windows(deployment: deployment, revision: 2, since: since, quantiles: quantiles)
            #expect(windows.keys.sorted() == ["canary", "stable"])
            for (variant, expected) in outcomes {
                #expect(windows[variant] == VariantWindow(outcomes: expected, quantiles: quantiles), "\(variant)")
            }
            #expect(windows["stable"]?.labelled ?? 0 > 50 && windows["canary"]?.rewards ?? 0 > 20, "the data exercises every count")
            #expect(try await store.windows(deployment: deployment, revision: 3, since: since, quantiles: quantiles).isEmpty)
        }
    }
}
