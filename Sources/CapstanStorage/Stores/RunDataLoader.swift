import Foundation
import SQLKit

/// Loads params, latest metrics, tags, inputs and outputs for many runs in a few queries.
enum RunDataLoader {
    static func load(_ infos: [RunInfo], on db: any SQLDatabase) async throws -> [Run] {
        let ids = infos.map(\.runId)
        let params = try await KeyValueTable.params.load(owners: ids, on: db)
        let tags = try await KeyValueTable.runTags.load(owners: ids, on: db)
        var metrics: [String: [Metric]] = [:]
        var datasets: [String: [DatasetInput]] = [:]
        var modelInputs: [String: [String]] = [:]
        var outputs: [String: [ModelOutput]] = [:]
        for chunk in chunked(ids) {
            let list = Array(chunk)
            for row in try await db.raw("""
                SELECT run_id, key, value, is_nan, timestamp, step, '' AS model_id FROM latest_metrics WHERE run_id IN (\(binds: list)) ORDER BY run_id, key
                """).all() {
                metrics[try row.string("run_id"), default: []].append(try MetricWriter.metric(from: row))
            }
            for row in try await db.raw("""
                SELECT i.run_id, i.tags, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
                FROM run_dataset_inputs i JOIN datasets d ON d.dataset_id = i.dataset_id
                WHERE i.run_id IN (\(binds: list)) ORDER BY d.name, d.digest
                """).all() {
                let dataset = Dataset(
                    name: try row.string("name"), digest: try row.string("digest"),
                    sourceType: try row.string("source_type"), source: try row.string("source"),
                    schema: try row.optionalString("schema"), profile: try row.optionalString("profile")
                )
                datasets[try row.string("run_id"), default: []].append(
                    DatasetInput(dataset: dataset, tags: decodeTags(try row.string("tags")))
                )
            }
            for row in try await db.raw("SELECT run_id, model_id FROM run_model_inputs WHERE run_id IN (\(binds: list))").all() {
                modelInputs[try row.string("run_id"), default: []].append(try row.string("model_id"))
            }
            for row in try await db.raw("""
                SELECT run_id, model_id, step FROM run_model_outputs WHERE run_id IN (\(binds: list)) ORDER BY step, model_id
                """).all() {
                outputs[try row.string("run_id"), default: []].append(
                    ModelOutput(modelId: try row.string("model_id"), step: try row.int64("step"))
                )
            }
        }
        return infos.map { info in
            Run(
                info: info, params: params[info.runId] ?? [], metrics: metrics[info.runId] ?? [],
                tags: tags[info.runId] ?? [], datasetInputs: datasets[info.runId] ?? [],
                modelInputs: modelInputs[info.runId] ?? [], modelOutputs: outputs[info.runId] ?? []
            )
        }
    }

    static func encodeTags(_ tags: [KeyValue]) -> String {
        let objects = tags.map { ["key": $0.key, "value": $0.value] }
        guard let data = try? JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys]) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    static func decodeTags(_ text: String) -> [KeyValue] {
        guard let objects = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: String]] else { return [] }
        return objects.compactMap { object in object["key"].map { KeyValue(key: $0, value: object["value"] ?? "") } }
    }
}
