import Foundation
import SQLKit

extension RunStore {
    /// Records datasets and logged models as inputs of a run. Datasets are shared within
    /// an experiment by (name, digest); logging the same input twice is a no-op.
    public func logInputs(runId: String, datasets: [DatasetInput], models: [String]) async throws {
        try await database.write { db in
            let info = try await Self.requireActive(runId: runId, on: db)
            let experimentId = Int64(info.experimentId) ?? 0
            for input in datasets {
                let dataset = input.dataset
                try await db.raw("""
                    INSERT INTO datasets (dataset_id, experiment_id, name, digest, source_type, source, schema, profile)
                    VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: experimentId), \(bind: dataset.name),
                    \(bind: dataset.digest), \(bind: dataset.sourceType), \(bind: dataset.source), \(bind: dataset.schema),
                    \(bind: dataset.profile))
                    ON CONFLICT (experiment_id, name, digest) DO NOTHING
                    """).run()
                guard let row = try await db.raw("""
                    SELECT dataset_id FROM datasets WHERE experiment_id = \(bind: experimentId)
                    AND name = \(bind: dataset.name) AND digest = \(bind: dataset.digest)
                    """).first() else { continue }
                let context = input.tags.last { $0.key == RunTagKeys.datasetContext }?.value
                try await db.raw("""
                    INSERT INTO run_dataset_inputs (run_id, dataset_id, context, tags)
                    VALUES (\(bind: runId), \(bind: try row.string("dataset_id")), \(bind: context),
                    \(bind: RunDataLoader.encodeTags(input.tags)))
                    ON CONFLICT (run_id, dataset_id) DO NOTHING
                    """).run()
            }
            for model in models {
                try await db.raw("""
                    INSERT INTO run_model_inputs (run_id, model_id) VALUES (\(bind: runId), \(bind: model))
                    ON CONFLICT (run_id, model_id) DO NOTHING
                    """).run()
            }
        }
    }

    /// Records logged models as outputs of a run (MLflow 3 `runs/outputs`).
    public func logOutputs(runId: String, models: [ModelOutput]) async throws {
        try await database.write { db in
            _ = try await Self.requireActive(runId: runId, on: db)
            for model in models {
                try await db.raw("""
                    INSERT INTO run_model_outputs (run_id, model_id, step) VALUES (\(bind: runId), \(bind: model.modelId), \(bind: model.step))
                    ON CONFLICT (run_id, model_id) DO UPDATE SET step = excluded.step
                    """).run()
            }
        }
    }
}
