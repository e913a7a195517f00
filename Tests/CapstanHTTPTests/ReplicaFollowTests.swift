import CapstanJSON
import Foundation
import Testing
@testable import CapstanHTTP

extension DeploymentGatewayTests {
    /// Waits (up to 5 s) for `condition`, which another server's change makes true on its
    /// next look at the database.
    func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
        for _ in 0..<250 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("never happened: \(what)")
    }

    /// Two servers on one database, as replicas run: what one applies, rolls back or decides
    /// in a rollout, the other serves a moment later, and each decision is recorded once.
    @Test func replicasFollowEachOthersDeploymentsRollbacksAndRollouts() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-replicas-\(UUID().uuidString)")
        try await withServer(directory: directory) { a in
            try await withServer(directory: directory) { b in
                let rolloutPath = "/api/capstan/v1/deployments/churn/rollout"
                func version(_ client: TestClient) async throws -> JSONValue? {
                    try await client.raw(.get, "/v2/models/churn").json["versions"]
                }
                // A rollout that stays on its first step: its rule never has enough samples.
                try await rollout(a, canary: "models:/forest/2", rules: #"[{"metric": "error_rate", "max": 0.5, "min_samples": 1000000}]"#)
                try await eventually("b serves revision 1") { try await version(b) == .array([.string("1")]) }
                #expect(try await infer(b, "churn").status == .ok)
                try await eventually("b splits traffic 70/30") { try await b.raw(.get, rolloutPath).json["canary_weight"] == .double(30) }

                #expect(try await a.send(.post, rolloutPath + "/pause", body: "").status == .ok)
                try await eventually("b sees the pause") { try await b.raw(.get, rolloutPath).json["phase"] == .string("paused") }
                #expect(try await b.send(.post, rolloutPath + "/promote", body: "").status == .ok)
                try await eventually("a sees the promotion") { try await a.raw(.get, rolloutPath).json["canary_weight"] == .double(100) }
                #expect(try await infer(a, "churn").headers[.init("X-Capstan-Variant")!] == "canary")
                #expect(try await a.send(.post, rolloutPath + "/abort", body: "").status == .conflict, "finished on both")
                let kinds = try await eventKinds(a)
                #expect(kinds.filter { $0.hasPrefix("rollout_") } == ["rollout_started", "rollout_paused", "rollout_promoted"])

                // A plain spec applied on b, then rolled back on a.
                #expect(try await deploy(b, #"{"name": "churn", "model": "models:/forest/1"}"#).status == .ok)
                try await eventually("a serves revision 2") { try await version(a) == .array([.string("2")]) }
                #expect(try await a.raw(.get, rolloutPath).status == .notFound, "revision 2 has no rollout")
                #expect(try await a.send(.post, "/api/capstan/v1/deployments/churn/rollback", body: "{}").status == .ok)
                try await eventually("b serves revision 1 again") { try await version(b) == .array([.string("1")]) }
                try await eventually("b has its rollout state back") {
                    try await b.raw(.get, rolloutPath).json["phase"] == .string("promoted")
                }
            }
        }
    }
}

extension DeploymentGatewayTests {
    /// A revision another server activated that does not load here (its model file is gone,
    /// while the other server still holds the model) leaves this server on the revision it had.
    @Test func aReplicaThatCannotLoadTheNewRevisionKeepsServingItsOwn() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-replicas-\(UUID().uuidString)")
        try await withServer(directory: directory) { a in
            _ = try await register(a, name: "forest", file: Self.forest)
            // Version 2, uploaded where this test can remove its file later.
            let id = UUID().uuidString
            #expect(try await a.put("/api/2.0/mlflow-artifacts/artifacts/models/\(id)/model.onnx",
                                    bytes: Array(Data(contentsOf: Self.forest))).status == .ok)
            _ = try await a.post("model-versions/create", #"{"name": "forest", "source": "mlflow-artifacts:/models/\#(id)"}"#)
            // a keeps version 2 loaded through another deployment.
            #expect(try await deploy(a, #"{"name": "holder", "model": "models:/forest/2"}"#).status == .ok)
            #expect(try await deploy(a, #"{"name": "churn", "model": "models:/forest/1"}"#).status == .ok)
            try FileManager.default.removeItem(at: a.artifactRoot.appendingPathComponent("models/\(id)"))
            try await withServer(directory: directory) { b in
                #expect(try await infer(b, "churn").headers[.init("X-Capstan-Revision")!] == "1")
                #expect(try await deploy(a, #"{"name": "churn", "model": "models:/forest/2"}"#).status == .ok)
                #expect(try await infer(a, "churn").headers[.init("X-Capstan-Revision")!] == "2")
                try await Task.sleep(for: .milliseconds(300))  // many looks at the database
                let reply = try await infer(b, "churn")
                #expect(reply.status == .ok)
                #expect(reply.headers[.init("X-Capstan-Revision")!] == "1", "b cannot load revision 2 and keeps revision 1")
            }
        }
    }
}
