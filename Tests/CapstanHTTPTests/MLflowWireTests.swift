import CapstanJSON
import Testing
@testable import CapstanHTTP

@Suite("MLflow wire rules")
struct MLflowWireTests {
    @Test func healthAndVersion() async throws {
        try await withServer { client in
            let health = try await client.send(.get, "/health")
            #expect(health.status == .ok && health.text == "OK")
            let version = try await client.send(.get, "/version")
            #expect(version.text == CapstanServer.mlflowCompatibleVersion)
            #expect(try await client.send(.get, "/healthz").status == .ok)
            #expect(try await client.send(.get, "/readyz").json["status"] == .string("ready"))
        }
    }

    @Test func anOversizedBodyIsA413NotA500() async throws {
        try await withServer { client in
            let body = [UInt8](repeating: UInt8(ascii: " "), count: 40 << 20)
            let reply = try await client.raw(.post, "/api/2.0/mlflow/runs/create", headers: [.contentType: "application/json"], body: body)
            #expect(reply.status == .contentTooLarge)
            #expect(reply.errorCode == "BAD_REQUEST")
        }
    }

    @Test func defaultExperimentExists() async throws {
        try await withServer { client in
            let reply = try await client.get("experiments/get?experiment_id=0")
            #expect(reply.json["experiment"]?["name"] == .string("Default"))
            #expect(reply.json["experiment"]?["artifact_location"] == .string("mlflow-artifacts:/0"))
        }
    }

    @Test func missingRequiredFieldIsA400WithMLflowsMessage() async throws {
        try await withServer { client in
            let reply = try await client.post("runs/log-metric", #"{"key": "a", "value": 1, "timestamp": 1}"#)
            #expect(reply.status == .badRequest)
            #expect(reply.errorCode == "INVALID_PARAMETER_VALUE")
            #expect(reply.message == "Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.")
            let empty = try await client.post("experiments/create", #"{"name": ""}"#)
            #expect(empty.message.hasPrefix("Missing value for required parameter 'name'"))
        }
    }

    @Test func wronglyTypedFieldIsA400NamingTheValue() async throws {
        try await withServer { client in
            let reply = try await client.post("runs/update", #"{"run_id": 31}"#)
            #expect(reply.status == .badRequest)
            #expect(reply.message.hasPrefix("Invalid value 31 for parameter 'run_id' supplied"))
            let nested = try await client.post("runs/log-batch", #"{"run_id": "r", "metrics": [{"key": "a", "value": 1}]}"#)
            #expect(nested.message.hasPrefix("Missing value for required parameter 'metrics[0].timestamp'"))
            let notList = try await client.post("runs/log-batch", #"{"run_id": "r", "metrics": "foo"}"#)
            #expect(notList.message.hasPrefix(#"Invalid value "foo" for parameter 'metrics'"#))
        }
    }

    @Test func malformedJSONIsA400() async throws {
        try await withServer { client in
            let reply = try await client.post("experiments/create", #"{"name": "#)
            #expect(reply.status == .badRequest)
            #expect(reply.errorCode == "INVALID_PARAMETER_VALUE")
            let array = try await client.post("experiments/create", "[1]")
            #expect(array.status == .badRequest)
        }
    }

    @Test func unknownIdsAre404s() async throws {
        try await withServer { client in
            let run = try await client.get("runs/get?run_id=doesnotexist")
            #expect(run.status == .notFound && run.errorCode == "RESOURCE_DOES_NOT_EXIST")
            #expect(run.message == "Run with id=doesnotexist not found")
            #expect(try await client.get("experiments/get?experiment_id=99999").status == .notFound)
            #expect(try await client.get("registered-models/get?name=nope").status == .notFound)
            #expect(try await client.send(.get, "/api/2.0/mlflow/logged-models/m-nope").status == .notFound)
            #expect(try await client.send(.get, "/api/2.0/mlflow/no/such/route").status == .notFound)
        }
    }

    @Test func unknownFieldsAreIgnoredAndRunUUIDIsAccepted() async throws {
        try await withServer { client in
            let (_, runId) = try await client.makeRun()
            let reply = try await client.post("runs/log-metric", #"{"run_uuid": "\#(runId)", "key": "m", "value": 1.5, "timestamp": 3, "future_field": {"x": 1}}"#)
            #expect(reply.status == .ok && reply.json == .object([]))
        }
    }

    @Test func nonFiniteMetricsTravelAsStrings() async throws {
        try await withServer { client in
            let (_, runId) = try await client.makeRun()
            _ = try await client.post("runs/log-metric", #"{"run_id": "\#(runId)", "key": "n", "value": "NaN", "timestamp": 1}"#)
            _ = try await client.post("runs/log-metric", #"{"run_id": "\#(runId)", "key": "p", "value": "Infinity", "timestamp": 1}"#)
            let run = try await client.get("runs/get?run_id=\(runId)")
            #expect(run.text.contains(#""value":"NaN""#))
            // MLflow's SQL store clamps infinities to the largest finite double.
            #expect(run.text.contains(#""value":1.7976931348623157e+308"#))
        }
    }

    @Test func nonJSONContentTypeIsRefused() async throws {
        try await withServer { client in
            let response = try await client.client.executeRequest(
                uri: "/api/2.0/mlflow/experiments/create", method: .post,
                headers: [.contentType: "text/plain"], body: .init(string: #"{"name": "x"}"#)
            )
            #expect(response.status == .badRequest)
            #expect(String(buffer: response.body).contains("Content-Type must be one of ['application/json']"))
        }
    }

    @Test func plusInQueryStringsIsASpace() async throws {
        try await withServer { client in
            _ = try await client.post("registered-models/create", #"{"name": "with space"}"#)
            let found = try await client.get("registered-models/search?filter=name+%3D+%27with+space%27")
            #expect(found.status == .ok)
            #expect(found.json["registered_models"] != nil)
        }
    }

    @Test func paramImmutabilityReportsBothValues() async throws {
        try await withServer { client in
            let (_, runId) = try await client.makeRun()
            #expect(try await client.post("runs/log-parameter", #"{"run_id": "\#(runId)", "key": "lr", "value": "0.1"}"#).status == .ok)
            let changed = try await client.post("runs/log-parameter", #"{"run_id": "\#(runId)", "key": "lr", "value": "0.2"}"#)
            #expect(changed.status == .badRequest && changed.errorCode == "INVALID_PARAMETER_VALUE")
            #expect(changed.message.hasPrefix("Changing param values is not allowed. Param with key='lr' was already logged with value='0.1'"))
        }
    }

    @Test func batchLimitsAreEnforced() async throws {
        try await withServer { client in
            let (_, runId) = try await client.makeRun()
            let params = (0..<101).map { #"{"key": "p\#($0)", "value": "v"}"# }.joined(separator: ",")
            let reply = try await client.post("runs/log-batch", #"{"run_id": "\#(runId)", "params": [\#(params)]}"#)
            #expect(reply.status == .badRequest)
            #expect(reply.message.hasPrefix("A batch logging request can contain at most 100 params. Got 101 params."))
        }
    }

    @Test func longParamValuesAreTruncated() async throws {
        try await withServer { client in
            let (_, runId) = try await client.makeRun()
            let long = String(repeating: "x", count: 7000)
            _ = try await client.post("runs/log-parameter", #"{"run_id": "\#(runId)", "key": "long", "value": "\#(long)"}"#)
            let run = try await client.get("runs/get?run_id=\(runId)")
            guard case .array(let params)? = run.json["run"]?["data"]?["params"], case .string(let value)? = params.first?["value"] else {
                throw TestFailure("no params in \(run.text)")
            }
            #expect(value.count == 6000)
        }
    }

    @Test func repeatedQueryKeysAndDeleteBodies() async throws {
        try await withServer { client in
            _ = try await client.post("registered-models/create", #"{"name": "m"}"#)
            for _ in 0..<3 { _ = try await client.post("model-versions/create", #"{"name": "m", "source": "s"}"#) }
            _ = try await client.post("model-versions/transition-stage", #"{"name": "m", "version": "1", "stage": "production", "archive_existing_versions": false}"#)
            _ = try await client.post("model-versions/transition-stage", #"{"name": "m", "version": "2", "stage": "Staging", "archive_existing_versions": false}"#)
            let latest = try await client.get("registered-models/get-latest-versions?name=m&stages=Production&stages=Staging")
            guard case .array(let versions)? = latest.json["model_versions"] else { throw TestFailure(latest.text) }
            #expect(versions.map { $0["version"] } == [.string("1"), .string("2")])
            let deleted = try await client.send(.delete, "/api/2.0/mlflow/registered-models/delete", body: #"{"name": "m"}"#)
            #expect(deleted.status == .ok)
            #expect(try await client.get("registered-models/get?name=m").status == .notFound)
        }
    }

    @Test func searchPagesThroughHTTP() async throws {
        try await withServer { client in
            let (experimentId, _) = try await client.makeRun()
            for _ in 0..<4 { _ = try await client.post("runs/create", #"{"experiment_id": "\#(experimentId)", "start_time": 1}"#) }
            var seen: [JSONValue] = []
            var token = ""
            repeat {
                let reply = try await client.post("runs/search", #"{"experiment_ids": ["\#(experimentId)"], "max_results": 2, "page_token": "\#(token)"}"#)
                guard case .array(let runs)? = reply.json["runs"] else { throw TestFailure(reply.text) }
                seen += runs.compactMap { $0["info"]?["run_id"] }
                if case .string(let next)? = reply.json["next_page_token"] { token = next } else { token = "" }
            } while !token.isEmpty
            #expect(seen.count == 5 && Set(seen.map { JSONWriter.string($0) }).count == 5)
            let bad = try await client.post("runs/search", #"{"experiment_ids": ["\#(experimentId)"], "filter": "metrics.a >"}"#)
            #expect(bad.status == .badRequest && bad.errorCode == "INVALID_PARAMETER_VALUE")
            let tooMany = try await client.post("runs/search", #"{"experiment_ids": ["\#(experimentId)"], "max_results": 123456789}"#)
            #expect(tooMany.message.hasPrefix("Invalid value 123456789 for parameter 'max_results' supplied"))
        }
    }

    @Test func aliasesResolveAndReservedNamesAreRefused() async throws {
        try await withServer { client in
            _ = try await client.post("registered-models/create", #"{"name": "m"}"#)
            _ = try await client.post("model-versions/create", #"{"name": "m", "source": "s"}"#)
            #expect(try await client.post("registered-models/alias", #"{"name": "m", "alias": "champion", "version": "1"}"#).status == .ok)
            let resolved = try await client.get("registered-models/alias?name=m&alias=champion")
            #expect(resolved.json["model_version"]?["aliases"] == .array([.string("champion")]))
            let reserved = try await client.post("registered-models/alias", #"{"name": "m", "alias": "v1", "version": "1"}"#)
            #expect(reserved.status == .badRequest)
            let missing = try await client.get("registered-models/alias?name=m&alias=nope")
            #expect(missing.status == .badRequest && missing.message == "Registered model alias nope not found.")
            let traversal = try await client.post("model-versions/create", #"{"name": "m", "source": "runs:/abc/../../etc"}"#)
            #expect(traversal.status == .badRequest)
        }
    }
}
