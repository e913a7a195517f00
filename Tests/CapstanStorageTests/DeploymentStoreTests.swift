import Foundation
import Testing
@testable import CapstanStorage

/// Deployment revisions and events, on every engine: numbers count up per deployment, one
/// revision is active at a time, a failed one can never be activated. Names are unique per
/// test because the PostgreSQL database is shared.
@Suite struct DeploymentStoreTests {
    @Test(arguments: TestEngine.available)
    func revisionsCountUpAndOneIsActive(engine: TestEngine) async throws {
        try await engine.with { db in
            let store = DeploymentStore(database: db)
            let churn = "churn-\(UUID().uuidString)", fraud = "fraud-\(UUID().uuidString)"
            let first = try await store.addRevision(deployment: churn, spec: "{}", resolved: "{}", state: .pending, message: nil)
            let second = try await store.addRevision(deployment: churn, spec: "{\"b\":1}", resolved: "{}", state: .pending, message: "second")
            let other = try await store.addRevision(deployment: fraud, spec: "{}", resolved: "{}", state: .pending, message: nil)
            #expect([first.revision, second.revision, other.revision] == [1, 2, 1])
            #expect(try await store.deployment(name: churn).activeRevision == nil)

            try await store.activate(deployment: churn, revision: 1, message: "one")
            try await store.activate(deployment: churn, revision: 2, message: "two")
            #expect(try await store.deployment(name: churn).activeRevision == 2)
            #expect(try await store.revisions(deployment: churn).map(\.state) == [.active, .superseded])
            #expect(try await store.revision(deployment: churn, revision: 2).spec == "{\"b\":1}")

            try await store.addEvent(deployment: churn, revision: 2, kind: "rollout_step", message: "25%", details: "{\"error_rate\":0}")
            let events = try await store.events(deployment: churn)
            #expect(events.map(\.kind) == ["revision_created", "revision_created", "activated", "activated", "rollout_step"])
            #expect(events.map(\.sequence) == [1, 2, 3, 4, 5])
            #expect(events.last?.details == "{\"error_rate\":0}")
            #expect(try await store.deployments().map(\.name).filter { $0 == churn || $0 == fraud } == [churn, fraud].sorted())
        }
    }

    @Test(arguments: TestEngine.available)
    func failedRevisionsCannotTakeTrafficAndUnknownNamesAreNotFound(engine: TestEngine) async throws {
        try await engine.with { db in
            let store = DeploymentStore(database: db)
            let churn = "churn-\(UUID().uuidString)"
            _ = try await store.addRevision(deployment: churn, spec: "{}", resolved: "{}", state: .failed, message: "no model")
            await #expect(throws: StoreError.invalidState("Revision 1 of deployment '\(churn)' failed to load and cannot take traffic.")) {
                try await store.activate(deployment: churn, revision: 1, message: "x")
            }
            await #expect(throws: StoreError.notFound("Deployment 'nope-\(churn)' does not exist.")) {
                try await store.revisions(deployment: "nope-\(churn)")
            }
            await #expect(throws: StoreError.notFound("Deployment '\(churn)' has no revision 5.")) {
                try await store.revision(deployment: churn, revision: 5)
            }
        }
    }

    /// Servers sharing a database each analyse a rollout; a decision is saved only over the
    /// state it was made from, so a step is decided once however many servers look at it.
    @Test(arguments: TestEngine.available)
    func aRolloutDecisionReplacesOnlyTheStateItWasMadeFrom(engine: TestEngine) async throws {
        try await engine.with { db in
            let store = DeploymentStore(database: db)
            let churn = "churn-\(UUID().uuidString)"
            _ = try await store.addRevision(deployment: churn, spec: "{}", resolved: "{}", state: .pending, message: nil)
            try await store.activate(deployment: churn, revision: 1, message: "one", startingRollout: (#"{"step":0}"#, "starts"))
            let first = try await store.replaceRollout(deployment: churn, revision: 1, expected: #"{"step":0}"#, state: #"{"step":1}"#,
                                                       event: ("rollout_step", "to 50%", nil))
            let second = try await store.replaceRollout(deployment: churn, revision: 1, expected: #"{"step":0}"#, state: #"{"step":1}"#,
                                                        event: ("rollout_step", "to 50%", nil))
            #expect(first && !second)
            #expect(try await store.rollout(deployment: churn, revision: 1) == #"{"step":1}"#)
            #expect(try await store.events(deployment: churn).filter { $0.kind == "rollout_step" }.count == 1)
            #expect(try await !store.replaceRollout(deployment: churn, revision: 2, expected: #"{"step":1}"#, state: "{}",
                                                     event: ("rollout_step", "no such revision", nil)))
        }
    }
}
