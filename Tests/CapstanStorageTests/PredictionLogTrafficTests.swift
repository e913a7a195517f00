import Foundation
import Testing
@testable import CapstanStorage

/// The dashboard's traffic read on every engine: predictions counted per variant and time
/// bucket, with errors and latency, refused inputs and other deployments left out.
@Suite struct PredictionLogTrafficTests {
    func prediction(_ deployment: String, _ id: String, variant: String = "stable", shadow: Bool = false,
                    status: PredictionRecord.Status = .ok, latency: Double, time: Int64) -> PredictionRecord {
        PredictionRecord(requestId: "\(deployment)/\(id)", variant: variant, deployment: deployment, revision: 1, modelName: "m", modelVersion: 1,
                         isShadow: shadow, status: status, error: status == .ok ? nil : "failed", rowCount: 1,
                         inputs: [0xCF], outputs: nil, predictedLabel: nil, latencyMilliseconds: latency, time: time)
    }

    @Test(arguments: TestEngine.available)
    func trafficIsCountedPerVariantAndBucket(engine: TestEngine) async throws {
        try await engine.with { db in
            let store = PredictionLogStore(database: db)
            let churn = unique("traffic"), other = unique("traffic-other")
            // Buckets of 60 s from t = 60 000 ms.
            try await store.insert([
                prediction(churn, "before", latency: 1, time: 59_999),
                prediction(churn, "a", latency: 10, time: 60_000),
                prediction(churn, "b", status: .error, latency: 30, time: 119_999),
                prediction(churn, "c", status: .invalidInput, latency: 99, time: 100_000),
                prediction(churn, "b", variant: "twin", shadow: true, latency: 4, time: 119_999),
                prediction(churn, "d", variant: "canary", latency: 7, time: 125_000),
                prediction(churn, "e", latency: 2, time: 150_000),
                prediction(churn, "f", latency: 4, time: 179_999),
                prediction(churn, "late", latency: 1, time: 180_000),
                prediction(other, "a", latency: 1000, time: 60_000),
            ])
            let buckets = try await store.traffic(deployment: churn, since: 60_000, until: 180_000, bucketMilliseconds: 60_000)
            #expect(buckets == [
                TrafficBucket(variant: "stable", isShadow: false, start: 60_000, requests: 2, errors: 1,
                              meanLatencyMilliseconds: 20, maxLatencyMilliseconds: 30),
                TrafficBucket(variant: "twin", isShadow: true, start: 60_000, requests: 1, errors: 0,
                              meanLatencyMilliseconds: 4, maxLatencyMilliseconds: 4),
                TrafficBucket(variant: "canary", isShadow: false, start: 120_000, requests: 1, errors: 0,
                              meanLatencyMilliseconds: 7, maxLatencyMilliseconds: 7),
                TrafficBucket(variant: "stable", isShadow: false, start: 120_000, requests: 2, errors: 0,
                              meanLatencyMilliseconds: 3, maxLatencyMilliseconds: 4),
            ])
            #expect(buckets.first?.errorRate == 0.5)
            // Another bucket size regroups the same rows.
            let hourly = try await store.traffic(deployment: churn, since: 0, until: 3_600_000, bucketMilliseconds: 3_600_000)
            #expect(hourly.map(\.requests) == [1, 6, 1], "\(hourly)")
            #expect(hourly.map(\.variant) == ["canary", "stable", "twin"])
        }
    }

    @Test func aBucketMustBePositive() async throws {
        _ = try await TestEngine.sqlite.with { db in
            await #expect(throws: StoreError.self) {
                try await PredictionLogStore(database: db).traffic(deployment: "d", since: 0, until: 1, bucketMilliseconds: 0)
            }
        }
    }
}
