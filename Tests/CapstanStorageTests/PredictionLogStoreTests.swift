import Foundation
import Testing
@testable import CapstanStorage

/// The prediction log on every engine: logged bytes come back as they went in, and the two
/// reads rollout analysis makes select the right predictions and join the latest feedback.
@Suite struct PredictionLogStoreTests {
    func prediction(_ deployment: String, _ id: String, variant: String = "stable", revision: Int64 = 1, shadow: Bool = false,
                    status: PredictionRecord.Status = .ok, label: String? = "1", latency: Double = 2, time: Int64) -> PredictionRecord {
        PredictionRecord(requestId: "\(deployment)/\(id)", variant: variant, deployment: deployment, revision: revision, modelName: "m", modelVersion: 1,
                         isShadow: shadow, status: status, error: status == .ok ? nil : "failed", rowCount: 1,
                         inputs: [0xCF, 0x01, 0x00, 0xFF], outputs: status == .ok ? [0xCF, 0x01, 0x7F] : nil,
                         predictedLabel: status == .ok ? label : nil, latencyMilliseconds: latency, time: time)
    }

    // Request ids carry the deployment's unique name: the PostgreSQL database is shared.
    @Test(arguments: TestEngine.available)
    func analysisReadsTheWindowAndTheLatestFeedback(engine: TestEngine) async throws {
        try await engine.with { db in
            let store = PredictionLogStore(database: db)
            let churn = unique("churn")
            try await store.insert([
                prediction(churn, "before", time: 50),
                prediction(churn, "a", time: 100),
                prediction(churn, "a", variant: "twin", shadow: true, label: "0", time: 100),
                prediction(churn, "b", variant: "canary", label: "0", latency: 9, time: 150),
                prediction(churn, "c", variant: "canary", status: .error, time: 160),
                prediction(churn, "d", status: .invalidInput, time: 170),
                prediction(churn, "old-revision", revision: 0, time: 180),
                prediction(churn, "late", time: 300),
            ])
            try await store.addFeedback([
                FeedbackRecord(deployment: churn, requestId: "\(churn)/before", label: "1", reward: nil, time: 120),
                FeedbackRecord(deployment: churn, requestId: "\(churn)/a", label: "0", reward: nil, time: 200),
                FeedbackRecord(deployment: churn, requestId: "\(churn)/b", label: "0", reward: 2, time: 210),
                FeedbackRecord(deployment: churn, requestId: "\(churn)/c", label: "1", reward: 1, time: 220),
                FeedbackRecord(deployment: churn, requestId: "\(churn)/old-revision", label: "1", reward: nil, time: 230),
            ])
            // The latest word wins.
            try await store.addFeedback([FeedbackRecord(deployment: churn, requestId: "\(churn)/a", label: "1", reward: 5, time: 240)])

            let logged = try await store.predictions(deployment: churn, requestId: "\(churn)/b")
            #expect(logged.first?.inputs == [0xCF, 0x01, 0x00, 0xFF] && logged.first?.outputs == [0xCF, 0x01, 0x7F])

            let window = try await store.outcomes(deployment: churn, revision: 1, since: 100, until: 300)
            #expect(window.map(\.variant).sorted() == ["canary", "canary", "stable", "twin"], "no invalid input, other revision, or edges")
            #expect(window.first { $0.variant == "twin" }?.isShadow == true)

            let feedback = try await store.feedbackOutcomes(deployment: churn, revision: 1, since: 100)
                .sorted { $0.variant < $1.variant || ($0.variant == $1.variant && $0.failed && !$1.failed) }
            #expect(feedback == [
                PredictionOutcome(variant: "canary", isShadow: false, failed: true, latencyMilliseconds: 2, predictedLabel: nil,
                                  feedbackLabel: "1", reward: 1),
                PredictionOutcome(variant: "canary", isShadow: false, failed: false, latencyMilliseconds: 9, predictedLabel: "0",
                                  feedbackLabel: "0", reward: 2),
                PredictionOutcome(variant: "stable", isShadow: false, failed: false, latencyMilliseconds: 2, predictedLabel: "1",
                                  feedbackLabel: "1", reward: 5),
            ])
        }
    }

    /// The feedback read must start from the feedback's time index: starting from the
    /// predictions' would cost as much as the step's traffic.
    @Test func feedbackIsReadFromItsTimeIndexOnSQLite() async throws {
        try await TestEngine.sqlite.with { db in
            let query = PredictionLogStore.feedbackOutcomesQuery(deployment: "churn", revision: 1, since: 0)
            let plan = try await db.read { try await $0.raw("EXPLAIN QUERY PLAN \(query)").all() }
            let steps = try plan.map { try $0.decode(column: "detail", as: String.self) }
            #expect(steps.first?.contains("prediction_feedback_by_time") == true, "\(steps)")
        }
    }
}
