import CapstanJSON
import Foundation
import HTTPTypes
import Testing
@testable import CapstanHTTP

/// Deployments end to end in-process: register a model version whose ONNX file sits in the
/// artifact store, deploy it, call it over the Open Inference Protocol and MLflow scoring,
/// and check that failed revisions never take traffic and rollback switches back.
@Suite("deployments and the inference gateway")
struct DeploymentGatewayTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("CapstanInferenceTests/Fixtures")
    /// A random forest: one [N, 8] float input named `input`, outputs label and probabilities [N, 3].
    static let forest = fixtures.appendingPathComponent("sklearn_random_forest/model.onnx")
    /// An MLP taking 10 features: as a shadow fed the forest's 8, it fails on every request.
    static let mlp = fixtures.appendingPathComponent("sklearn_mlp/model.onnx")
    /// A model that only takes one row at a time (it reshapes its input to [1, 8]): it loads
    /// and warms up, then fails on every request of two rows — an erroring canary.
    static let oneRowOnly = Array(Data(base64Encoded: "CAgSDWNhcHN0YW4tdGVzdHM6gwEKIQoFaW5wdXQKBXNoYXBlEghyZXNoYXBlZCIHUmVzaGFwZQoTCghyZXNoYXBlZBIBeSIEUmVsdRIMb25lX3Jvd19vbmx5Kg8IAhAHOgIBCEIFc2hhcGVaFQoFaW5wdXQSDAoKCAESBgoACgIICGITCgF5Eg4KDAgBEggKAggBCgIICEIECgAQEQ==")!)
    /// A slow model (a [512, 512] matrix product built from its one-row [1, 8] input: about
    /// 0.7 s a row in a debug build, 30 ms in release; weights made by ConstantOfShape, so
    /// the file is a few hundred bytes).
    static let slow = Array(Data(base64Encoded: "CAcSDWNhcHN0YW4tdGVzdHM6/gIKMhICczEiCENvbnN0YW50KiIKBXZhbHVlKhYIAhAHShAIAAAAAAAAAAACAAAAAAAAoAEECjEKAnMxEgJ3MSIPQ29uc3RhbnRPZlNoYXBlKhYKBXZhbHVlKgoIARABSgRvEoM6oAEEChYKBWlucHV0CgJ3MRIBaCIGTWF0TXVsCjISAnMyIghDb25zdGFudCoiCgV2YWx1ZSoWCAIQB0oQAAIAAAAAAAAAAgAAAAAAAKABBAoTCgFoCgJzMhICaGIiBkV4cGFuZAoxCgJzMhICdzIiD0NvbnN0YW50T2ZTaGFwZSoWCgV2YWx1ZSoKCAEQAUoEbxKDOqABBAoTCgJoYgoCdzISAXoiBk1hdE11bAowCgF6EgF5IgpSZWR1Y2VNZWFuKgsKBGF4ZXNAAKABByoPCghrZWVwZGltcxgBoAECEgtzbG93X3NoYWRvd1oXCgVpbnB1dBIOCgwIARIICgIIAQoCCAhiFAoBeRIPCg0IARIJCgIIAQoDCIAEQgQKABAL")!)
    /// onnxruntime's probabilities for `row` (the fixture's expected.csv).
    static let expected = [0.20707349479198456, 0.6665521860122681, 0.12637409567832947]
    static let row: [Double] = [-13.043023109436035, -8.802521705627441, -6.662602424621582, -5.776063442230225,
                                -7.22061014175415, -8.540904998779297, -7.058438301086426, -3.8905818462371826]

    /// Uploads `file` as version `version` of model `name` and returns the version number.
    func register(_ client: TestClient, name: String, file: URL, bytes: [UInt8]? = nil) async throws -> String {
        _ = try await client.post("registered-models/create", #"{"name": "\#(name)"}"#)
        let id = UUID().uuidString
        let upload = try await client.put("/api/2.0/mlflow-artifacts/artifacts/models/\(id)/model.onnx",
                                          bytes: try bytes ?? Array(Data(contentsOf: file)))
        #expect(upload.status == .ok)
        let version = try await client.post("model-versions/create",
                                            #"{"name": "\#(name)", "source": "mlflow-artifacts:/models/\#(id)"}"#)
        guard case .string(let number)? = version.json["model_version"]?["version"] else { throw TestFailure(version.text) }
        return number
    }

    /// Whether a JSON list of numbers matches `expected` within 1e-5 (the fidelity tolerance).
    func close(_ value: JSONValue?, _ expected: [Double]) -> Bool {
        guard case .array(let items)? = value, items.count == expected.count else { return false }
        return zip(items, expected).allSatisfy { item, want in
            if case .double(let got) = item { abs(got - want) <= 1e-5 } else { false }
        }
    }

    func deploy(_ client: TestClient, _ spec: String) async throws -> TestClient.Reply {
        try await client.send(.post, "/api/capstan/v1/deployments", body: spec)
    }

    func infer(_ client: TestClient, _ name: String, rows: Int = 1, headers: HTTPFields = [:]) async throws -> TestClient.Reply {
        let data = (0..<rows).flatMap { _ in Self.row }.map { "\($0)" }.joined(separator: ",")
        let body = #"{"inputs": [{"name": "input", "shape": [\#(rows), 8], "datatype": "FP32", "data": [\#(data)]}]}"#
        return try await client.raw(.post, "/v2/models/\(name)/infer", headers: headers, body: Array(body.utf8))
    }

    @Test func deployThenInferOverBothProtocols() async throws {
        try await withServer { client in
            _ = try await register(client, name: "forest", file: Self.forest)
            let deployed = try await deploy(client, #"{"name": "forest", "model": "models:/forest/1"}"#)
            #expect(deployed.status == .ok, "\(deployed.text)")
            #expect(deployed.json["status"] == .string("serving"))
            #expect(deployed.json["active_revision"] == .int(1))

            let metadata = try await client.raw(.get, "/v2/models/forest")
            #expect(metadata.json["inputs"] == .array([.object([("name", .string("input")), ("datatype", .string("FP32")),
                                                                 ("shape", .array([.int(-1), .int(8)]))])]))
            #expect(try await client.raw(.get, "/v2/models/forest/ready").status == .ok)
            #expect(try await client.raw(.get, "/v2/models/forest/versions/1/ready").status == .ok)
            #expect(try await client.raw(.get, "/v2/models/forest/versions/7/ready").status == .notFound)

            let reply = try await infer(client, "forest", rows: 2)
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(reply.headers[HTTPField.Name("X-Capstan-Variant")!] == "default")
            let requestId = reply.headers[HTTPField.Name("X-Request-Id")!]
            #expect(requestId != nil && reply.json["id"] == .string(requestId ?? ""))
            guard case .array(let outputs)? = reply.json["outputs"] else { throw TestFailure(reply.text) }
            let probabilities = outputs.first { $0["name"] == .string("probabilities") }
            #expect(probabilities?["shape"] == .array([.int(2), .int(3)]))
            #expect(close(probabilities?["data"], Self.expected + Self.expected))
            #expect(outputs.first { $0["name"] == .string("label") }?["data"] == .array([.int(1), .int(1)]))

            let split = #"{"dataframe_split": {"columns": ["a","b","c","d","e","f","g","h"], "data": [[\#(Self.row.map { "\($0)" }.joined(separator: ","))]]}}"#
            let scored = try await client.send(.post, "/deployments/forest/invocations", body: split)
            #expect(scored.status == .ok, "\(scored.text)")
            // Shaped as `mlflow models serve` shapes an ONNX model's answer: outputs by name.
            #expect(scored.json["predictions"]?["label"] == .array([.int(1)]))
            guard case .array(let rows)? = scored.json["predictions"]?["probabilities"], rows.count == 1 else { throw TestFailure(scored.text) }
            #expect(close(rows[0], Self.expected))
            let named = try await client.send(.post, "/deployments/forest/invocations",
                                              body: #"{"inputs": {"input": [[\#(Self.row.map { "\($0)" }.joined(separator: ","))]]}}"#)
            #expect(named.json["predictions"]?["label"] == .array([.int(1)]), "\(named.text)")
        }
    }

    @Test func aRevisionThatFailsToLoadNeverTakesTraffic() async throws {
        try await withServer { client in
            _ = try await register(client, name: "forest", file: Self.forest)
            #expect(try await deploy(client, #"{"name": "forest", "model": "models:/forest/1"}"#).status == .ok)
            // Version 2's file is not a model.
            _ = try await register(client, name: "forest", file: Self.forest, bytes: Array("not a model".utf8))
            let broken = try await deploy(client, #"{"name": "forest", "model": "models:/forest/2"}"#)
            #expect(broken.status == .unprocessableContent, "\(broken.text)")
            #expect(broken.text.contains("revision 2 recorded as failed"))
            let missing = try await deploy(client, #"{"name": "forest", "model": "models:/forest/9"}"#)
            #expect(missing.status == .notFound, "\(missing.text)")
            // Still revision 1, still answering.
            let shown = try await client.raw(.get, "/api/capstan/v1/deployments/forest")
            #expect(shown.json["active_revision"] == .int(1))
            #expect(try await infer(client, "forest").status == .ok)
            let revisions = try await client.raw(.get, "/api/capstan/v1/deployments/forest/revisions")
            guard case .array(let list)? = revisions.json["revisions"] else { throw TestFailure(revisions.text) }
            #expect(list.map { $0["state"] } == [.string("failed"), .string("failed"), .string("active")])
        }
    }

    @Test func applyingTheSameSpecAgainChangesNothingAndRollbackSwitchesBack() async throws {
        try await withServer { client in
            _ = try await register(client, name: "forest", file: Self.forest)
            _ = try await register(client, name: "forest", file: Self.forest)
            let spec = #"{"name": "forest", "model": "models:/forest/1"}"#
            #expect(try await deploy(client, spec).json["active_revision"] == .int(1))
            #expect(try await deploy(client, spec).json["active_revision"] == .int(1))
            #expect(try await deploy(client, #"{"name": "forest", "model": "models:/forest/2"}"#).json["active_revision"] == .int(2))
            let back = try await client.send(.post, "/api/capstan/v1/deployments/forest/rollback", body: "{}")
            #expect(back.status == .ok, "\(back.text)")
            #expect(back.json["active_revision"] == .int(1))
            #expect(try await infer(client, "forest").json["model_version"] == .string("1"))
            let forward = try await client.send(.post, "/api/capstan/v1/deployments/forest/rollback", body: #"{"revision": 2}"#)
            #expect(forward.json["active_revision"] == .int(2))
            let events = try await client.raw(.get, "/api/capstan/v1/deployments/forest/events")
            guard case .array(let list)? = events.json["events"] else { throw TestFailure(events.text) }
            #expect(list.compactMap { if case .string(let kind)? = $0["kind"] { kind } else { nil } }
                == ["revision_created", "activated", "revision_created", "activated", "rolled_back", "rolled_back"])
        }
    }

    @Test func stickyKeysKeepTheirVariant() async throws {
        try await withServer { client in
            _ = try await register(client, name: "forest", file: Self.forest)
            _ = try await register(client, name: "forest", file: Self.forest)
            let spec = #"""
                {"name": "ab", "sticky": {"header": "X-User"},
                 "variants": [{"name": "a", "model": "models:/forest/1", "weight": 50}, {"name": "b", "model": "models:/forest/2", "weight": 50}]}
                """#
            #expect(try await deploy(client, spec).status == .ok)
            var seen: Set<String> = []
            for user in 0..<20 {
                var headers = HTTPFields()
                headers[HTTPField.Name("X-User")!] = "user-\(user)"
                let first = try await infer(client, "ab", headers: headers).headers[HTTPField.Name("X-Capstan-Variant")!] ?? ""
                for _ in 0..<3 {
                    #expect(try await infer(client, "ab", headers: headers).headers[HTTPField.Name("X-Capstan-Variant")!] == first)
                }
                seen.insert(first)
            }
            #expect(seen == ["a", "b"])
        }
    }

    @Test func badInputGets4xxNamingTheProblem() async throws {
        try await withServer { client in
            _ = try await register(client, name: "forest", file: Self.forest)
            #expect(try await deploy(client, #"{"name": "forest", "model": "models:/forest/1"}"#).status == .ok)
            func post(_ path: String, _ body: String, _ type: String? = "application/json") async throws -> TestClient.Reply {
                var headers = HTTPFields()
                if let type { headers[.contentType] = type }
                return try await client.raw(.post, path, headers: headers, body: Array(body.utf8))
            }
            let cases: [(String, String, String?, HTTPResponse.Status, String)] = [
                ("/v2/models/forest/infer", "{not json", nil, .badRequest, "not valid JSON"),
                ("/v2/models/forest/infer", #"{"inputs": []}"#, nil, .badRequest, "inputs must be a non-empty list"),
                ("/v2/models/forest/infer", #"{"inputs": [{"name": "input", "shape": [1, 8], "datatype": "FP32", "data": [1, 2]}]}"#, nil, .badRequest, "has 2 values; its shape needs 8"),
                ("/v2/models/forest/infer", #"{"inputs": [{"name": "input", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}]}"#, nil, .badRequest, "takes 8 features per row"),
                ("/v2/models/forest/infer", #"{"inputs": [{"name": "input", "shape": [0, 100000000], "datatype": "FP32", "data": []}]}"#, nil, .badRequest, "100000000 features per row"),
                ("/v2/models/forest/infer", #"{"inputs": [{"name": "input", "shape": [1, 8], "datatype": "FP32", "data": ["a", 2, 3, 4, 5, 6, 7, 8]}]}"#, nil, .badRequest, "is not a number"),
                ("/v2/models/forest/infer", #"{"inputs": [{"name": "x", "shape": [1], "datatype": "FP16", "data": [1]}]}"#, nil, .badRequest, "FP16 is not supported"),
                ("/v2/models/forest/infer", #"{"inputs": [{"name": "wrong", "shape": [1, 8], "datatype": "FP32", "data": [1, 2, 3, 4, 5, 6, 7, 8]}]}"#, nil, .badRequest, "input 'wrong' is not one of the model's inputs (input)"),
                ("/deployments/forest/invocations", #"{"inputs": {"wrong": [[1, 2, 3, 4, 5, 6, 7, 8]]}}"#, "application/json", .badRequest, "input 'wrong' is not one of the model's inputs"),
                ("/v2/models/nothing/infer", #"{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [1]}]}"#, nil, .notFound, "does not exist"),
                ("/deployments/forest/invocations", "[1, 2]", "application/json", .badRequest, "Received a list"),
                ("/deployments/forest/invocations", #"{"instances": [[1, 2]], "inputs": [[1]]}"#, "application/json", .badRequest, "exactly one of"),
                ("/deployments/forest/invocations", #"{"dataframe_records": [{"a": 1, "b": "x"}, {"a": "y"}]}"#, "application/json", .badRequest, "mixes strings and numbers"),
                ("/deployments/forest/invocations", "a,b\n1,2\n", "text/csv", .badRequest, "takes 8 features per row"),
                ("/deployments/forest/invocations", "a", "text/plain", .unsupportedMediaType, "not supported"),
                ("/deployments/forest/invocations", "{}", "application/json; format=pandas-split", .unsupportedMediaType, "format=pandas-split"),
                ("/deployments/nothing/invocations", #"{"instances": [[1]]}"#, "application/json", .notFound, "does not exist"),
                ("/api/capstan/v1/deployments", #"{"name": "x", "model": "models:/nope/1"}"#, "application/json", .notFound, "nope"),
                ("/api/capstan/v1/deployments", #"{"name": "x"}"#, "application/json", .badRequest, "missing model"),
                ("/api/capstan/v1/deployments/nothing/rollback", "{}", "application/json", .notFound, "does not exist"),
            ]
            for (path, body, type, status, fragment) in cases {
                let reply = try await post(path, body, type)
                #expect(reply.status == status, "\(path) \(body) → \(reply.status) \(reply.text)")
                #expect(reply.text.contains(fragment), "\(path) \(body) → \(reply.text)")
            }
            let huge = [UInt8](repeating: UInt8(ascii: " "), count: 33 << 20)
            let tooLarge = try await client.raw(.post, "/v2/models/forest/infer", body: huge)
            #expect(tooLarge.status == .contentTooLarge, "\(tooLarge.status) \(tooLarge.text.prefix(600))")
        }
    }

    /// The log entries of one request, once the background writer has stored `count` of them.
    func logged(_ client: TestClient, _ name: String, requestId: String, count: Int) async throws -> [JSONValue] {
        for _ in 0..<300 {
            let reply = try await client.raw(.get, "/api/capstan/v1/deployments/\(name)/predictions?request_id=\(requestId)")
            if case .array(let items)? = reply.json["predictions"], items.count >= count { return items }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestFailure("request \(requestId) did not reach the log with \(count) entries")
    }

    @Test func predictionsAndShadowsAreLoggedAndAFailingShadowNeverTouchesThePrimary() async throws {
        try await withServer { client in
            _ = try await register(client, name: "forest", file: Self.forest)
            _ = try await register(client, name: "mlp", file: Self.mlp)
            let spec = #"""
                {"name": "forest", "model": "models:/forest/1",
                 "shadows": [{"name": "same", "model": "models:/forest/1"}, {"name": "broken", "model": "models:/mlp/1"}]}
                """#
            #expect(try await deploy(client, spec).status == .ok)
            let reply = try await infer(client, "forest")
            #expect(reply.status == .ok, "\(reply.text)")
            let requestId = try #require(reply.headers[HTTPField.Name("X-Request-Id")!])

            let entries = try await logged(client, "forest", requestId: requestId, count: 3)
            func entry(_ variant: String) -> JSONValue? { entries.first { $0["variant"] == .string(variant) } }
            #expect(entry("default")?["status"] == .string("ok"))
            #expect(entry("default")?["shadow"] == .bool(false))
            #expect(entry("default")?["inputs"]?["columns"] == .array((0..<8).map { .string("input_\($0)") }))
            #expect(entry("default")?["outputs"]?["columns"] == .array([.string("label"), .string("probabilities_0"),
                                                                        .string("probabilities_1"), .string("probabilities_2")]))
            #expect(entry("same")?["status"] == .string("ok"))
            #expect(entry("same")?["shadow"] == .bool(true))
            #expect(entry("broken")?["status"] == .string("invalid_input"))
            if case .string(let error)? = entry("broken")?["error"] { #expect(error.contains("10 features")) } else { Issue.record("no error logged") }

            let feedback = try await client.send(.post, "/api/capstan/v1/deployments/forest/feedback",
                                                 body: #"{"feedback": [{"request_id": "\#(requestId)", "label": 1}]}"#)
            #expect(feedback.json["accepted"] == .int(1), "\(feedback.text)")
            let bad = try await client.send(.post, "/api/capstan/v1/deployments/forest/feedback",
                                            body: #"{"feedback": [{"request_id": "x", "label": [1]}]}"#)
            #expect(bad.status == .badRequest && bad.text.contains("feedback[0]: label"))
            let unknown = try await client.send(.post, "/api/capstan/v1/deployments/nothing/feedback", body: #"{"request_id": "x", "label": 1}"#)
            #expect(unknown.status == .notFound)
        }
    }

    /// The primary answers while a slow shadow is still predicting, and past the cap on
    /// shadows in flight, copies are skipped (and counted) instead of piling up.
    @Test func aSlowShadowNeitherHoldsTheAnswerNorPilesUp() async throws {
        try await withServer(maxShadowsInFlight: 2) { client in
            _ = try await register(client, name: "forest", file: Self.forest)
            _ = try await register(client, name: "slow", file: Self.forest, bytes: Self.slow)
            let spec = #"{"name": "forest", "model": "models:/forest/1", "shadows": [{"name": "slow", "model": "models:/slow/1"}]}"#
            #expect(try await deploy(client, spec).status == .ok)
            func gauge(_ name: String) async throws -> Double? {
                let text = try await client.raw(.get, "/metrics").text
                return text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
            }
            let first = try await infer(client, "forest")
            #expect(first.status == .ok, "\(first.text)")
            // Answered, and its shadow still running: the answer did not wait for it.
            #expect(try await gauge("capstan_shadow_requests_in_flight") == 1)
            // Many more requests than shadows may run at once (2 here): every one is answered.
            for _ in 0..<12 {
                #expect(try await infer(client, "forest").status == .ok)
            }
            #expect(try await gauge("capstan_shadow_requests_in_flight") ?? 0 <= 2)
            #expect(try await gauge("capstan_shadow_requests_skipped_total") ?? 0 >= 1)
        }
    }

    @Test func metricsCountRequestsByDeploymentVariantAndCode() async throws {
        try await withServer { client in
            _ = try await register(client, name: "forest", file: Self.forest)
            #expect(try await deploy(client, #"{"name": "forest", "model": "models:/forest/1"}"#).status == .ok)
            for _ in 0..<3 { _ = try await infer(client, "forest") }
            _ = try await client.raw(.post, "/v2/models/forest/infer", body: Array("{}".utf8))
            _ = try await infer(client, "no-such-deployment-\(UUID().uuidString)")
            let reply = try await client.raw(.get, "/metrics")
            #expect(reply.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let text = reply.text
            for line in [
                #"capstan_inference_requests_total{deployment="forest",variant="default",code="200"} 3"#,
                #"capstan_inference_requests_total{deployment="forest",variant="",code="400"} 1"#,
                #"capstan_inference_requests_total{deployment="",variant="",code="404"} 1"#,
                #"capstan_inference_request_duration_seconds_count{deployment="forest",variant="default"} 3"#,
                #"capstan_traffic_weight{deployment="forest",variant="default"} 1.0"#,
                #"capstan_deployment_revision{deployment="forest"} 1.0"#,
                "capstan_inference_requests_in_flight 0.0",
                "# TYPE capstan_prediction_log_queue_depth gauge",
                "# TYPE process_cpu_seconds_total counter",
            ] {
                #expect(text.contains(line + "\n"), "missing \(line)")
            }
            #expect(text.contains(#"capstan_model_load_duration_seconds{model="forest",version="1"}"#))
        }
    }

    /// A stable/canary deployment of the forest (version 1) and `canary`, rolling out in two
    /// fast steps under `rules`.
    func rollout(_ client: TestClient, canary: String, rules: String) async throws {
        _ = try await register(client, name: "forest", file: Self.forest)
        _ = try await register(client, name: "forest", file: Self.forest)
        _ = try await register(client, name: "onerow", file: Self.forest, bytes: Self.oneRowOnly)
        let spec = #"""
            {"name": "churn",
             "variants": [{"name": "stable", "model": "models:/forest/1"}, {"name": "canary", "model": "\#(canary)"}],
             "rollout": {"steps": [30, 100], "interval": "150ms", "analysis": \#(rules)}}
            """#
        let deployed = try await deploy(client, spec)
        #expect(deployed.status == .ok, "\(deployed.text)")
    }

    /// Sends traffic (and, through `feedback`, labels) until the rollout reaches `phase`.
    func drive(_ client: TestClient, until phase: String, rows: Int = 1,
               feedback: ((String, String) -> String?)? = nil) async throws -> JSONValue {
        for _ in 0..<400 {
            let reply = try await infer(client, "churn", rows: rows)
            if let feedback, let id = reply.headers[HTTPField.Name("X-Request-Id")!],
               let variant = reply.headers[HTTPField.Name("X-Capstan-Variant")!], let label = feedback(variant, id) {
                _ = try await client.send(.post, "/api/capstan/v1/deployments/churn/feedback", body: #"{"request_id": "\#(id)", "label": "\#(label)"}"#)
            }
            let status = try await client.raw(.get, "/api/capstan/v1/deployments/churn/rollout").json
            if status["phase"] == .string(phase) { return status }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw TestFailure("the rollout never reached \(phase)")
    }

    func eventKinds(_ client: TestClient) async throws -> [String] {
        guard case .array(let events)? = try await client.raw(.get, "/api/capstan/v1/deployments/churn/events").json["events"] else { return [] }
        return events.compactMap { if case .string(let kind)? = $0["kind"] { kind } else { nil } }
    }

    @Test func aHealthyCanaryIsPromotedStepByStep() async throws {
        try await withServer { client in
            // The accuracy rule compares with stable, which gets no traffic at the 100% step:
            // there only the absolute rules apply, so the canary still gets promoted.
            try await rollout(client, canary: "models:/forest/2", rules: #"""
                [{"metric": "error_rate", "max": 0.05, "min_samples": 3}, {"metric": "accuracy", "min_delta": -0.02, "min_samples": 3}]
                """#)
            let status = try await drive(client, until: "promoted") { _, _ in "1" }
            #expect(status["canary_weight"] == .double(100))
            for _ in 0..<5 { #expect(try await infer(client, "churn").headers[HTTPField.Name("X-Capstan-Variant")!] == "canary") }
            let kinds = try await eventKinds(client)
            #expect(kinds.suffix(3) == ["rollout_started", "rollout_step", "rollout_promoted"], "\(kinds)")
            let events = try await client.raw(.get, "/api/capstan/v1/deployments/churn/events").json
            guard case .array(let list)? = events["events"], let step = list.first(where: { $0["kind"] == .string("rollout_step") }) else {
                throw TestFailure(JSONWriter.string(events))
            }
            #expect(step["details"]?["verdict"] == .string("pass"))
            #expect(step["details"]?["checks"]?.arrayCount == 2)
        }
    }

    @Test(arguments: [
        ("erroring", "models:/onerow/1", #"[{"metric": "error_rate", "max": 0.1, "min_samples": 3}]"#),
        ("slow", "models:/forest/2", #"[{"metric": "latency_p99_ms", "max": 0.000001, "min_samples": 3}]"#),
        ("less accurate", "models:/forest/2", #"[{"metric": "accuracy", "min_delta": -0.02, "min_samples": 3}]"#),
    ])
    func aBadCanaryIsAbortedAndStableTakesEverything(kind: String, canary: String, rules: String) async throws {
        try await withServer { client in
            try await rollout(client, canary: canary, rules: rules)
            // Ground truth that agrees with stable's answers and not with the canary's.
            // Two rows per request: the erroring canary fails on each (the others do not care).
            let status = try await drive(client, until: "aborted", rows: 2) { variant, _ in variant == "stable" ? "1" : "0" }
            #expect(status["canary_weight"] == .double(0), "\(kind)")
            for _ in 0..<5 { #expect(try await infer(client, "churn").headers[HTTPField.Name("X-Capstan-Variant")!] == "stable") }
            #expect(try await eventKinds(client).last == "rollout_aborted", "\(kind)")
            let resume = try await client.send(.post, "/api/capstan/v1/deployments/churn/rollout/resume", body: "")
            #expect(resume.status == .conflict, "a finished rollout does not resume")
        }
    }

    /// Rollout analysis counts predictions as they are made; a server restarted mid-step
    /// reads the step's earlier predictions from the log once and goes on counting.
    @Test func aRestartedServerKeepsCountingTheStepItResumes() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("capstan-restart-\(UUID().uuidString)")
        let rules = #"""
            [{"metric": "error_rate", "max": 0.5, "min_samples": 100000}, {"metric": "accuracy", "min_delta": -1, "min_samples": 100000}]
            """#
        @Sendable func samples(_ client: TestClient) async throws -> [String: Int64] {
            let status = try await client.raw(.get, "/api/capstan/v1/deployments/churn/rollout").json
            guard case .array(let checks)? = status["checks"], checks.count == 2 else { throw TestFailure(JSONWriter.string(status)) }
            var counts: [String: Int64] = [:]
            for (check, metric) in zip(checks, ["requests", "labelled"]) {
                for side in ["stable", "canary"] {
                    guard case .int(let count)? = check["\(side)_samples"] else { throw TestFailure(JSONWriter.string(status)) }
                    counts["\(metric) \(side)"] = count
                }
            }
            return counts
        }
        /// Sends `count` requests, with a label for every third; returns what each variant answered and was told.
        @Sendable func traffic(_ client: TestClient, _ count: Int) async throws -> [String: Int64] {
            var sent: [String: Int64] = [:]
            for index in 0..<count {
                let reply = try await infer(client, "churn")
                let variant = try #require(reply.headers[HTTPField.Name("X-Capstan-Variant")!])
                sent["requests \(variant)", default: 0] += 1
                if index % 3 == 0, let id = reply.headers[HTTPField.Name("X-Request-Id")!] {
                    _ = try await client.send(.post, "/api/capstan/v1/deployments/churn/feedback", body: #"{"request_id": "\#(id)", "label": "1"}"#)
                    sent["labelled \(variant)", default: 0] += 1
                }
            }
            return sent
        }
        let first = try await withServer(directory: directory) { client in
            try await rollout(client, canary: "models:/forest/2", rules: rules)
            let sent = try await traffic(client, 30)
            let counted = try await samples(client)
            for side in ["stable", "canary"] {
                #expect(counted["requests \(side)"] == sent["requests \(side)", default: 0], "counted as they are made")
            }
            return sent
        }
        try await withServer(directory: directory) { client in
            #expect(try await samples(client) == first.merging(["labelled stable": 0, "labelled canary": 0]) { a, _ in a },
                    "the step's predictions and feedback, read back from the log after the restart")
            let more = try await traffic(client, 12)
            #expect(try await samples(client)["requests canary"] == first["requests canary", default: 0] + more["requests canary", default: 0])
            #expect(try await samples(client)["requests stable"] == first["requests stable", default: 0] + more["requests stable", default: 0])
        }
    }

    @Test func operatorsPauseResumePromoteAndAbort() async throws {
        try await withServer { client in
            try await rollout(client, canary: "models:/forest/2", rules: #"[{"metric": "error_rate", "max": 0.05, "min_samples": 1000}]"#)
            func command(_ name: String) async throws -> TestClient.Reply {
                try await client.send(.post, "/api/capstan/v1/deployments/churn/rollout/\(name)", body: "")
            }
            #expect(try await command("pause").json["phase"] == .string("paused"))
            #expect(try await command("pause").status == .conflict)
            #expect(try await command("resume").json["phase"] == .string("progressing"))
            #expect(try await command("promote").json["canary_weight"] == .double(100))
            #expect(try await command("abort").status == .conflict)
            #expect(try await command("reverse").status == .notFound)
            #expect(try await client.raw(.get, "/api/capstan/v1/deployments/nothing/rollout").status == .notFound)
        }
    }
}

extension DeploymentGatewayTests {
    @Test func experimentAndShadowReportsReadTheLog() async throws {
        try await withServer { client in
            _ = try await register(client, name: "forest", file: Self.forest)
            _ = try await register(client, name: "forest", file: Self.forest)
            let spec = #"""
                {"name": "ab", "variants": [{"name": "a", "model": "models:/forest/1"}, {"name": "b", "model": "models:/forest/2"}],
                 "shadows": [{"name": "twin", "model": "models:/forest/1"}]}
                """#
            #expect(try await deploy(client, spec).status == .ok)
            var last = ""
            for index in 0..<40 {
                let reply = try await infer(client, "ab")
                let id = reply.headers[HTTPField.Name("X-Request-Id")!] ?? ""
                let label = reply.headers[HTTPField.Name("X-Capstan-Variant")!] == "a" || index % 2 == 0 ? "1" : "0"
                _ = try await client.send(.post, "/api/capstan/v1/deployments/ab/feedback", body: #"{"request_id": "\#(id)", "label": "\#(label)"}"#)
                last = id
            }
            _ = try await logged(client, "ab", requestId: last, count: 2)
            let experiment = try await client.raw(.get, "/api/capstan/v1/deployments/ab/experiment").json
            #expect(experiment["metric"] == .string("accuracy"))
            guard case .array(let rows)? = experiment["variants"], rows.count == 2 else { throw TestFailure(JSONWriter.string(experiment)) }
            #expect(rows[0]["value"] == .double(1))
            #expect(rows[1]["p_value"] != .null)
            #expect(try await client.raw(.get, "/api/capstan/v1/deployments/ab/experiment?metric=vibes").status == .badRequest)

            let shadows = try await client.raw(.get, "/api/capstan/v1/deployments/ab/shadows").json
            guard case .array(let list)? = shadows["shadows"], let twin = list.first else { throw TestFailure(JSONWriter.string(shadows)) }
            #expect(twin["shadow"] == .string("twin"))
            #expect(twin["same_label_rate"] == .double(1))
            #expect(twin["mean_abs_score_difference"] == .double(0))
        }
    }
}

extension DeploymentGatewayTests {
    @Test func rollbackGoesToTheRevisionThatServedLastAndShownSpecsApplyAgain() async throws {
        try await withServer { client in
            for _ in 1...3 { _ = try await register(client, name: "forest", file: Self.forest) }
            for version in 1...3 { _ = try await deploy(client, #"{"name": "forest", "model": "models:/forest/\#(version)"}"#) }
            _ = try await client.send(.post, "/api/capstan/v1/deployments/forest/rollback", body: #"{"revision": 1}"#)
            #expect(try await deploy(client, #"{"name": "forest", "model": "models:/forest/2"}"#).json["active_revision"] == .int(4))
            // Served: 1, 2, 3, 1, 4. Back from 4 is 1, not 3 (the highest number before it).
            let back = try await client.send(.post, "/api/capstan/v1/deployments/forest/rollback", body: "")
            #expect(back.json["active_revision"] == .int(1), "\(back.text)")

            // A spec as `deployments show` prints it is a spec `deploy` takes.
            let spec = #"""
                {"name": "canary", "variants": [{"name": "s", "model": "models:/forest/1"}, {"name": "c", "model": "models:/forest/2"}],
                 "rollout": {"steps": [50, 100], "interval": "2m", "analysis": [{"metric": "accuracy", "min_delta": -0.02, "min_samples": 7}]}}
                """#
            #expect(try await deploy(client, spec).status == .ok)
            let shown = try await client.raw(.get, "/api/capstan/v1/deployments/canary").json["revision"]?["spec"]
            let again = try await deploy(client, JSONWriter.string(try #require(shown)))
            #expect(again.status == .ok, "\(again.text)")
            #expect(again.json["active_revision"] == .int(1), "the same spec, so no new revision")
        }
    }
}

extension JSONValue {
    var arrayCount: Int? { if case .array(let items) = self { items.count } else { nil } }
}
